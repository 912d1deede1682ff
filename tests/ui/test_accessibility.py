"""The accessibility audit (tests/ui/audit.py) run on every screen.

Each screen is walked in French and English, in the standard and high-contrast themes, and with
larger text, at the four screen sizes kiosks have (1920×1080, 1366×768, 1280×800 and the 1080×1920
portrait totem).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton

from kiosk.demo.seeding import show_demo_stay_proposal
from kiosk.demo.staff import badge_number
from kiosk.domain.appreciation import OfferAppreciation, PublishedComment
from kiosk.domain.concierge import RequestState
from kiosk.store import participation as participation_store
from kiosk.store.database import transaction
from kiosk.ui.queue import QueueCard
from kiosk.ui.screenshots import owed_request_id
from kiosk.ui.theme import HIGH_CONTRAST, STANDARD, Palette, Theme, larger_text_scale
from tests.factories import CLAIRE_CARD, NOW, wishes_catalog
from tests.ui.audit import HIGH_CONTRAST_TEXT_GOAL, TEXT_GOAL, audit, contrast, hex_rgb
from tests.ui.test_participation import book_the_past_concert

SCREENS = [(1920, 1080), (1366, 768), (1280, 800), (1080, 1920)]  # the last: portrait totems
VARIANTS = [
    ("fr", STANDARD, False),
    ("en", STANDARD, False),
    ("fr", HIGH_CONTRAST, False),
    ("en", HIGH_CONTRAST, False),
    ("fr", STANDARD, True),
    ("en", HIGH_CONTRAST, True),
]


@pytest.fixture
def catalog_file(tmp_path):
    """The sample catalog with a campaign of stays asked for by wishes, so the wishes' screens are audited too."""
    path = tmp_path / "wishes-catalog.json"
    path.write_text(json.dumps(wishes_catalog(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("palette", [STANDARD, HIGH_CONTRAST], ids=["standard", "high_contrast"])
def test_palette_pairs_meet_the_contrast_ratios(palette: Palette):
    goal = HIGH_CONTRAST_TEXT_GOAL if palette == HIGH_CONTRAST else TEXT_GOAL
    for text, ground in [
        ("text", "surface"),
        ("text", "background"),
        ("muted", "surface"),
        ("muted", "background"),
        ("on_primary", "primary"),
        ("on_accent", "accent"),
        ("error", "surface"),
        ("ok", "surface"),
        ("text", "selected"),
        ("disabled_text", "disabled_background"),
        ("on_staff", "staff"),
        ("placeholder", "surface"),
    ]:
        ratio = contrast(hex_rgb(getattr(palette, text)), hex_rgb(getattr(palette, ground)))
        assert ratio >= goal, f"{text} on {ground}: {ratio:.2f}"
    for control in ("border", "primary", "accent"):
        for ground in ("surface", "background"):
            ratio = contrast(hex_rgb(getattr(palette, control)), hex_rgb(getattr(palette, ground)))
            assert ratio >= 3, f"{control} against {ground}: {ratio:.2f}"
    handle = contrast(hex_rgb(palette.muted), hex_rgb(palette.disabled_background))
    assert handle >= 3, f"scroll bar handle against its groove: {handle:.2f}"


def test_larger_text_meets_en_301_549_at_the_configured_distance():
    # 0.7 degree at 500 mm is a 6.1 mm capital; at 0.2745 mm a pixel, DejaVu's 0.73 em cap needs 31 px.
    scale = larger_text_scale(500, 0.2745)
    smallest = Theme(STANDARD, scale).px("small")
    assert smallest * 0.73 * 0.2745 >= 6.1
    assert larger_text_scale(300, 0.5) == 1.25  # never less than a visible step up


def walk(window, qtbot, services):
    """Every screen, with the steps a person takes to reach it; yields each screen's name."""
    display = (window.texts.language, window.access_bar.contrast.isChecked(), window.access_bar.larger.isChecked())
    window.go_home()
    yield "home"
    window.show_screen("offers", False)
    yield "offers"
    offers = window.screens["offers"]
    offers.filters_button.setChecked(True)
    yield "filters"
    offers.filters_button.setChecked(False)
    offers.filters.price.set_value(0)  # a filter chosen: the panel also offers to remove it
    offers.search.setText("zzzz")
    offers.refresh()
    yield "nothing_found"
    offers.filters.clear()
    offers.search.setText("théâtre piscine")  # no offer has both: those with one of them follow
    offers.refresh()
    yield "partial_results"
    offers.search.clear()
    window.show_screen("detail", "T1")
    yield "detail"
    window.show_help()
    yield "help"
    window.help_panel.call.click()
    yield "help_called"
    window.help_panel.hide()
    window.show_screen("detail", "T2")
    yield "detail_full"
    window.show_screen("concierge")
    yield "concierge"
    window.with_identity(("booking", "T1", "T1-S1"))
    identify = window.screens["identify"]
    identify.card.setText("123")
    identify.try_identify()
    yield "identify_error"
    identify.card.setText(CLAIRE_CARD)
    identify.pin.setText("1234")
    identify.try_identify()
    yield "booking"  # with the banner saying Claire's dry cleaning is ready
    window.screens["booking"].confirm.click()
    qtbot.waitUntil(
        lambda: (
            "imprimante" in window.screens["booking_done"].status.text()
            or "printer" in window.screens["booking_done"].status.text()
        ),
        timeout=10_000,
    )
    yield "booking_done"
    window.show_screen("my_bookings")
    yield "my_bookings"
    window.show_screen("notices")
    yield "notices"
    notices = window.screens["notices"]
    notices.address.setText("claire.martin@orange")
    notices.give_consent()
    yield "notices_error"
    notices.domains[0].click()
    notices.give_consent()
    yield "notices_given"
    notices.take_back()
    window.show_screen("my_bookings")
    window.screens["my_bookings"].cancel_requested.emit(
        services.bookings.bookings(window.identified.household)[0].booking_id
    )
    yield "cancel_question"
    window.notice.hide()
    yield from walk_wishes(window, qtbot, services)
    window.show_screen("concierge_request", "pressing")
    request = window.screens["concierge_request"]
    request.send.click()
    yield "concierge_request_error"
    request.controls["garments"].buttons()[0].click()
    request.controls["day"].buttons()[0].click()
    request.send.click()
    done = window.screens["concierge_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    yield "concierge_done"
    yield from walk_participation(window, qtbot, services)
    window.show_idle_warning(25)
    yield "idle_warning"
    window.reset_session()  # which puts French and the standard display back, as for the next person
    yield from walk_assisted_mode(window, display)


def walk_wishes(window, qtbot, services):
    """Holiday-stay wishes: a stay's page, its dates and who goes, the list, the stays, a wish refused, the recap,
    the centre's proposal in "Mes réservations" and the question before accepting it."""
    window.show_screen("detail", "V1")
    yield "stay_detail"
    window.show_screen("wishes", "V1", "V1-S1")
    yield "wishes_details"
    wishes = window.screens["wishes"]
    wishes.action.click()
    yield "wishes_list"
    shown_buttons = lambda: [b for b in wishes.content.findChildren(QAbstractButton) if not b.isHidden()]
    next(b for b in shown_buttons() if b.text().startswith("+")).click()  # add another wish
    yield "wishes_stays"
    next(b for b in shown_buttons() if b.objectName() == "primary").click()  # the first stay: the same again
    wishes.action.click()
    yield "wishes_refused"
    wishes.cancel.click()
    wishes.action.click()
    done = window.screens["wishes_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    yield "wishes_done"
    request = services.wishes.requests(window.identified.household)[0]
    show_demo_stay_proposal(services.db, request.request_id, NOW + timedelta(days=10))
    window.show_screen("my_bookings")
    yield "my_bookings_stay_proposed"
    window.screens["my_bookings"].stay_answer_requested.emit(request.request_id, True)
    yield "stay_answer_question"
    window.notice.hide()


def walk_participation(window, qtbot, services):
    """Participer: the hub with published results, an idea to its code and answer, a vote to its receipt, a past
    activity to appreciate, and an offer with its published appreciation."""
    window.show_screen("participate")
    yield "participate"
    window.show_screen("idea")
    idea = window.screens["idea"]
    idea.send.click()
    yield "idea_error"
    idea.themes.buttons()[0].click()
    idea.words.edit.setPlainText("Un casier réfrigéré pour les courses du soir")
    idea.send.click()
    receipt = window.screens["idea_done"]
    qtbot.waitUntil(lambda: receipt.print_button.isEnabled(), timeout=10_000)  # its receipt printed, or why not
    yield "idea_done"
    code = window.screens["idea_done"].subject.code
    window.show_screen("idea_lookup")
    lookup = window.screens["idea_lookup"]
    lookup.code.setText(code)
    lookup.search.click()
    yield "idea_lookup"
    window.show_screen("consultations")
    yield "consultations"
    window.show_screen("vote", "DEMO-PRIORITES")
    window.screens["vote"].send.click()
    yield "vote_ranking_error"
    window.show_screen("vote", "DEMO-SORTIE-ETE")
    vote = window.screens["vote"]
    vote.ballot.buttons()[0].click()
    vote.pin.setText("1234")
    vote.send.click()
    done = window.screens["vote_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    yield "vote_done"
    book_the_past_concert(services)
    window.show_screen("appreciate")
    yield "appreciate"
    window.show_screen("appreciation", "5f0c2a4e-1b7d-4c3e-9a8f-6d5e4c3b2a10")
    window.screens["appreciation"].scales[0].faces()[4].click()
    window.screens["appreciation"].send.click()
    yield "appreciation_error"
    with transaction(services.db):
        participation_store.upsert_offer_appreciation(
            services.db,
            OfferAppreciation(
                "T1",
                12,
                {"overall": 43, "organisation": 40, "place": 35, "value": 38},
                (PublishedComment("Karim B.", date(2026, 11, 20), "Salle un peu froide, mais quel spectacle !"),),
            ),
        )
    window.show_screen("detail", "T1")
    yield "detail_appreciation"


def walk_assisted_mode(window, display):
    """The correspondents' screens, signed in as the demo correspondent, in the display being audited."""
    window.top_bar.staff.click()
    sign_in = window.screens["staff_sign_in"]
    sign_in.badge.setText(badge_number(1))
    sign_in.pin.setText("0000")
    sign_in.try_sign_in()
    yield "staff_sign_in_error"
    sign_in.badge.setText(badge_number(1))
    sign_in.pin.setText("2468")
    sign_in.try_sign_in()
    window.set_language(display[0])  # signing in starts from French and the standard display
    window.access_bar.contrast.setChecked(display[1])
    window.access_bar.larger.setChecked(display[2])
    yield "staff_home"
    window.show_screen("queue")
    yield "queue"
    queue = window.screens["queue"]
    queue.filters_button.setChecked(True)
    yield "queue_filters"
    queue.filters_button.setChecked(False)
    queue.choose_move(queue.findChildren(QueueCard)[0].request_id, RequestState.REFUSED)
    yield "reason_picker"
    queue.reason_picker.hide()
    window.show_screen("help_queue")
    yield "help_queue"
    window.show_screen("sync_state")
    yield "sync_state"
    yield from walk_payments(window)
    window.show_screen("assisted_identify")
    window.screens["assisted_identify"].try_identify()
    yield "assisted_identify_error"
    window.assisted_mode.confirm_exit()
    yield "exit_question"
    window.assisted_mode.sign_out("user")


def walk_payments(window):
    """Taking a payment at the desk (a bad amount, one recorded, a correction) and the day's takings."""
    window.show_screen("payment", "request", owed_request_id(window.services))
    yield "payment"
    pay = window.screens["payment"]
    pay.amount.setText("douze")
    pay.submit_entry()
    yield "payment_error"
    pay.amount.setText("1")
    pay.submit_entry()
    yield "payment_recorded"
    pay.start_correction(window.services.payments.payments(pay.kind, pay.subject_id)[0])
    yield "payment_correction"
    window.show_screen("takings")
    yield "takings"


@pytest.mark.parametrize(
    "language, palette, larger",
    VARIANTS,
    ids=[f"{lang}-{'hc' if pal == HIGH_CONTRAST else 'std'}{'-larger' if big else ''}" for lang, pal, big in VARIANTS],
)
@pytest.mark.parametrize("width, height", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_screen_passes_the_audit(qtbot, window, services, width, height, language, palette, larger):
    size = QSize(width, height)
    window.resize(size)
    window.set_language(language)
    window.access_bar.contrast.setChecked(palette == HIGH_CONTRAST)
    window.access_bar.larger.setChecked(larger)
    assert window.theme.palette == palette and (window.theme.scale > 1) == larger
    problems = []
    seen = []
    for screen in walk(window, qtbot, services):
        for _ in range(3):
            qtbot.wait(1)
        seen.append(screen)
        # The goal of the display shown: the correspondent's sign-in starts from the standard one.
        problems += audit(window, screen, size, HIGH_CONTRAST_TEXT_GOAL if window.theme.high_contrast else TEXT_GOAL)
    assert len(seen) == 53
    assert not problems, "\n".join(problems[:80])
