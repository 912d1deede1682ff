"""A beneficiary asks for a concierge service, leaves with a pickup code and ticket, sees it in "Mes
réservations"; a form with missing, huge or hostile values is explained and writes nothing.

Buttons inside a page that scrolls are pressed with `click()`: on such a page Qt's kinetic
scrolling holds a press back to tell a tap from a drag, then replays it to the widget it
finds under the pointer, which the offscreen platform cannot find (under Xvfb, a real X
server, the same synthetic tap reaches the button).
"""

import json

import pytest
from PySide6.QtWidgets import QLineEdit

from kiosk.demo import DEMO_CATALOG
from kiosk.domain.concierge import RequestState
from kiosk.services.actor import BENEFICIARY
from kiosk.services.vouchers import VOUCHER_DIR
from kiosk.store.outbox import counts
from tests.factories import CLAIRE_CARD, KARIM_CARD, holder, sample_catalog
from tests.ui.conftest import tap
from tests.ui.test_booking_flow import button_named, identify


@pytest.fixture
def catalog_file(tmp_path):
    """The sample offer with every demo concierge service and its real form."""
    document = sample_catalog()
    document["concierge_services"] = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))["concierge_services"]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def ask_for(qtbot, window, service_name):
    window.show_screen("concierge")
    next(
        b
        for b in window.screens["concierge"].findChildren(type(window.back_button))
        if b.accessibleName() == f"Demander : {service_name}"
    ).click()


def written(services, household):
    """What the store holds for the household, and the operations waiting to be sent."""
    return len(services.concierge.requests_for(household)), counts(services.db)["pending"]


def test_a_pressing_request_from_the_tile_to_the_ticket(qtbot, window, services):
    ask_for(qtbot, window, "Pressing")
    assert window.current_screen() == "identify"
    identify(qtbot, window, card=KARIM_CARD)
    assert window.current_screen() == "concierge_request"
    form = window.screens["concierge_request"]
    assert form.title.text() == "Pressing"
    household = window.identified.household
    before = written(services, household)

    form.send.click()
    assert form.field_errors["garments"].text() == "Choisissez « Vêtements »."
    assert form.field_errors["garments"].isVisible()
    assert written(services, household) == before

    button_named(form.controls["garments"], "Chemise").click()
    button_named(form.controls["garments"], "Pantalon").click()
    for _ in range(2):
        form.controls["quantity"].more.click()
    days = form.controls["day"].buttons()
    days[1].click()
    chosen_day = form.controls["day"].value()
    assert form.price.text() == "Prix : 13,50\xa0€"  # 4,50 € an item (Babel: a no-break space before €), three items
    form.send.click()

    assert window.current_screen() == "concierge_done"
    request = services.concierge.requests_for(household)[0]  # the newest
    assert written(services, household) == (before[0] + 1, before[1] + 1)  # with its operation, at once
    assert request.state is RequestState.SUBMITTED
    assert request.answers["garments"] == ["chemise", "pantalon"] and request.quantity == 3
    assert request.collect_on.isoformat() == chosen_day
    done = window.screens["concierge_done"]
    assert done.code.text() == f"Votre code de retrait : {request.short_code}"
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    assert "imprimante" in done.status.text()  # no printer here: said plainly, the ticket is kept
    assert (services.data_dir / VOUCHER_DIR / f"{request.request_id}.pdf").stat().st_size > 1000


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Remplissez « Votre liste de courses »."),
        ("ab", "3 caractères au moins"),
        ("x" * 201, "200"),
        ("<script>alert(1)</script>", "<"),
    ],
)
def test_a_shopping_list_empty_too_long_or_hostile_is_refused_and_nothing_is_written(
    qtbot, window, services, typed, message
):
    ask_for(qtbot, window, "Courses")
    identify(qtbot, window, card=KARIM_CARD)
    form = window.screens["concierge_request"]
    before = written(services, window.identified.household)
    field = form.controls["list"]
    assert isinstance(field, QLineEdit)
    field.setText(typed)
    assert field.text() == typed  # never cut: a list too long is reported
    form.controls["day"].buttons()[0].click()
    form.send.click()
    problem = form.field_errors["list"].text()
    assert message in problem, problem
    assert window.current_screen() == "concierge_request"
    assert written(services, window.identified.household) == before


def test_control_characters_are_dropped_and_the_list_kept_as_typed(qtbot, window, services):
    ask_for(qtbot, window, "Courses")
    identify(qtbot, window, card=KARIM_CARD)
    form = window.screens["concierge_request"]
    form.controls["list"].setText("Lait,\u200b pain\x07 et 6 œufs")
    form.controls["day"].buttons()[0].click()
    form.send.click()
    request = services.concierge.requests_for(window.identified.household)[0]
    assert request.answers["list"] == "Lait, pain et 6 œufs"


def test_what_is_ready_shows_as_a_banner_that_interrupts_nothing(qtbot, window):
    window.with_identity(("my_bookings",))
    identify(qtbot, window)  # Claire: her dry cleaning is ready in the demo requests
    assert window.news.isVisible() and not window.notice.isVisible()
    assert window.news.message.text().splitlines()[0] == "Votre pressing est prêt."
    assert window.current_screen() == "my_bookings"
    # The banner stays while she goes on, and goes with her session.
    tap(qtbot, window.home_button)
    assert window.news.isVisible()
    tap(qtbot, window.end_session)
    assert not window.news.isVisible()


def test_what_is_ready_reads_in_the_language_the_person_chose(qtbot, window):
    window.set_language("en")
    window.with_identity(("my_bookings",))
    identify(qtbot, window)
    assert window.news.message.text().splitlines()[0] == "Your dry cleaning is ready."


def test_my_requests_show_their_state_and_cancel_only_while_submitted(qtbot, window, services):
    window.with_identity(("my_bookings",))
    identify(qtbot, window, card=KARIM_CARD)
    household = window.identified.household
    request = services.concierge.submit(
        BENEFICIARY, window.identified, "colis", {"direction": "depot", "carrier": "la_poste"}
    )
    mine = window.screens["my_bookings"]
    mine.refresh()
    card_text = " ".join(label.text() for label in mine.content.findChildren(type(window.hello)))
    assert "Colis" in card_text and "Déposée" in card_text and request.short_code in card_text
    button_named(mine.content, "Annuler").click()
    assert window.notice.isVisible() and window.notice.title.text() == "Annuler cette demande ?"
    tap(qtbot, window.notice.secondary)
    assert services.concierge.requests_for(household)[0].state is RequestState.CANCELLED
    card_text = " ".join(label.text() for label in mine.content.findChildren(type(window.hello)))
    assert "La demande est annulée." in card_text
    assert not [b for b in mine.content.findChildren(type(window.back_button)) if b.text() == "Annuler"]


def test_leaving_clears_the_form(qtbot, window):
    ask_for(qtbot, window, "Pressing")
    identify(qtbot, window, card=KARIM_CARD)
    form = window.screens["concierge_request"]
    form.send.click()
    window.reset_session()
    assert form.offer is None and not form.controls and not form.error.text()
    assert window.current_screen() == "home"


def test_the_centres_decision_on_a_booking_is_news_on_the_next_identification(qtbot, window, services):
    from kiosk.domain.booking import BookingState
    from kiosk.store.bookings import set_booking_state
    from kiosk.store.database import transaction

    household = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").household
    waiting = services.bookings.book(BENEFICIARY, holder(household), "T2", "T2-S1", ["P2"], waitlist=True)
    with transaction(services.db):
        set_booking_state(services.db, waiting.booking_id, BookingState.CONFIRMED)  # a place freed up
    window.with_identity(("my_bookings",))
    identify(qtbot, window)
    assert window.news.isVisible() and window.news.title.text() == "Bonne nouvelle !"
    assert "Votre place pour « Soirée théâtre d'improvisation » est confirmée." in window.news.message.text()
    tap(qtbot, window.end_session)
    window.with_identity(("my_bookings",))
    identify(qtbot, window)
    assert "Soirée théâtre" not in window.news.message.text()  # said once
