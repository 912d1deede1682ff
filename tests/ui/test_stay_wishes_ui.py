"""Holiday-stay wishes on screen, by pressing the real buttons: from a stay's page to three ranked wishes, a wish
refused with its reason (French and English), the recap shown and printed, the centre's proposal accepted in
"Mes réservations" (and an expired one no longer offered), and the same done by a correspondent."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.demo.seeding import show_demo_stay_proposal
from kiosk.domain.stay_wishes import StayRequestState, Wish
from kiosk.services.actor import BENEFICIARY
from kiosk.store.outbox import pending_operations
from tests.factories import CLAIRE_CARD, NOW, wishes_catalog
from tests.ui.conftest import tap
from tests.ui.test_assisted_mode import identify_beside, sign_in


@pytest.fixture
def catalog_file(tmp_path):
    path = tmp_path / "wishes-catalog.json"
    path.write_text(json.dumps(wishes_catalog(), ensure_ascii=False), encoding="utf-8")
    return path


def buttons(widget, text: str) -> list[QPushButton]:
    QApplication.processEvents()  # a rebuilt step's widgets are shown by the event loop
    return [b for b in widget.findChildren(QPushButton) if b.text() == text and b.isVisible()]


def press(widget, text: str, index: int = 0) -> None:
    """Press the button showing `text` (its `click`: in a kinetic scroll area, a synthetic tap is taken as the
    start of a swipe)."""
    found = buttons(widget, text)
    assert found, f"no button {text!r} among {[b.text() for b in widget.findChildren(QPushButton) if b.isVisible()]}"
    found[index].click()


def shown(widget) -> str:
    QApplication.processEvents()
    return "\n".join(w.text() for w in widget.findChildren(QLabel) if w.isVisible())


def identify(qtbot, window) -> None:
    screen = window.screens["identify"]
    qtbot.keyClicks(screen.card, CLAIRE_CARD)
    screen.pin.setText("1234")
    screen.try_identify()
    window.news.hide()  # "your dry cleaning is ready", if anything is


def stay_ops(services) -> list[dict]:
    return [op for op in pending_operations(services.db) if op["kind"].startswith("stay.")]


def test_three_ranked_wishes_from_a_stays_page_recapped_and_printed(qtbot, window, services):
    window.show_screen("detail", "V1")
    detail = window.screens["detail"]
    assert buttons(detail, "Demander ce séjour")
    press(detail, "Demander ce séjour")  # its first dates
    identify(qtbot, window)
    wishes = window.screens["wishes"]
    assert window.current_screen() == "wishes" and wishes.title.text() == "Séjour en famille à Valloire"
    press(wishes, "Julien  ·  50 ans")  # Claire is chosen already; Julien comes too
    press(wishes, "Ajouter ce vœu (n° 1)")
    assert "Vœu n° 1" in shown(wishes) and "Qui part : Claire, Julien" in shown(wishes)

    press(wishes, "+ Ajouter un autre vœu")
    assert "Biarritz" not in shown(wishes)  # its wishes are closed: not offered
    press(wishes, "Choisir", 1)  # the colo, for Léa alone
    press(wishes, "Ajouter ce vœu (n° 2)")
    assert "Claire ne peut pas y participer" in wishes.message.text()  # too old for the colo: nothing added
    press(wishes, "Claire  ·  49 ans")
    press(wishes, "Julien  ·  50 ans")
    press(wishes, "Léa  ·  11 ans")
    press(wishes, "Ajouter ce vœu (n° 2)")
    press(wishes, "+ Ajouter un autre vœu")
    press(wishes, "Choisir", 0)
    date_button = next(b for b in wishes.date_buttons if b.property("session_id") == "V1-S2")
    date_button.click()
    for person in ("Léa  ·  11 ans", "Claire  ·  49 ans", "Julien  ·  50 ans"):  # the last wish's people at first
        press(wishes, person)
    press(wishes, "Ajouter ce vœu (n° 3)")
    assert "c'est le maximum" in shown(wishes) and not buttons(wishes, "+ Ajouter un autre vœu")
    press(wishes, "▲ Monter", 1)  # the second week before the colo
    press(wishes, "Envoyer mes vœux")

    done = window.screens["wishes_done"]
    assert window.current_screen() == "wishes_done"
    assert done.headline.text() == "Vos vœux sont enregistrés" and "Votre code" in done.code.text()
    assert "La réponse arrive après le" in done.next_step.text()
    [op] = stay_ops(services)
    assert [w["session_id"] for w in op["payload"]["wishes"]] == ["V1-S1", "V1-S2", "V2-S1"]
    assert [w["participants"] for w in op["payload"]["wishes"]] == [["P1", "P2"], ["P1", "P2"], ["P3"]]
    # Printed (no printer here: kept to print at the desk, and said so).
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    QThreadPool.globalInstance().waitForDone(10_000)
    assert "imprimante" in done.status.text()
    [pdf] = (services.data_dir / "paper").glob("wishes-*.pdf")
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Vœu n° 3" in words and "Colo voile à Carnac" in words and "Qui part : Léa" in words


def test_a_wish_twice_is_refused_in_plain_words_in_french_and_english(qtbot, window, services):
    window.with_identity(("wishes", "V1", "V1-S1"))
    identify(qtbot, window)
    wishes = window.screens["wishes"]
    press(wishes, "Ajouter ce vœu (n° 1)")
    press(wishes, "+ Ajouter un autre vœu")
    press(wishes, "Choisir", 0)
    press(wishes, "Ajouter ce vœu (n° 2)")
    assert "vous avez déjà demandé « Séjour en famille à Valloire » à ces dates" in wishes.message.text()
    tap(qtbot, window.access_bar.language)
    press(wishes, "Add this wish (2)")
    assert "you have already asked for" in wishes.message.text()
    press(wishes, "Cancel")
    assert len(wishes.wishes) == 1 and stay_ops(services) == []  # nothing sent until "Send my wishes"


def test_the_proposal_is_accepted_in_my_bookings_and_an_expired_one_is_not_offered(qtbot, window, services, clock):
    window.with_identity(("wishes", "V1", "V1-S1"))
    identify(qtbot, window)
    wishes = window.screens["wishes"]
    press(wishes, "Ajouter ce vœu (n° 1)")
    press(wishes, "Envoyer mes vœux")
    [request] = services.wishes.requests(window.identified.household)
    services.db.execute("DELETE FROM outbox")  # as once the centre took it
    show_demo_stay_proposal(services.db, request.request_id, NOW + timedelta(days=10))

    window.show_screen("my_bookings")
    mine = window.screens["my_bookings"]
    assert "Un séjour vous est proposé : votre vœu n° 1" in shown(mine) and "À accepter avant le" in shown(mine)
    press(mine, "Accepter ce séjour")
    assert window.notice.isVisible() and "Séjour en famille à Valloire" in window.notice.message.text()
    tap(qtbot, window.notice.secondary)  # "Oui, j'accepte"
    assert services.wishes.request(request.request_id).state is StayRequestState.ACCEPTED
    assert "vous avez accepté" in shown(mine) and not buttons(mine, "Accepter ce séjour")
    assert [op["payload"] for op in stay_ops(services)] == [{"request_id": request.request_id, "accept": True}]

    services.db.execute("DELETE FROM outbox")
    show_demo_stay_proposal(services.db, request.request_id, NOW + timedelta(days=2))
    clock.now = NOW + timedelta(days=3)
    window.show_screen("my_bookings")
    assert "Proposition expirée" in shown(mine) and not buttons(mine, "Accepter ce séjour")


def test_a_correspondent_makes_the_wishes_for_someone_and_it_is_audited(qtbot, window, services):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)
    window.show_screen("my_bookings")
    press(window.screens["my_bookings"], "Faire mes vœux de séjour")
    wishes = window.screens["wishes"]
    press(wishes, "+ Choisir un séjour")
    press(wishes, "Choisir", 0)
    press(wishes, "Ajouter ce vœu (n° 1)")
    press(wishes, "Envoyer mes vœux")
    assert window.current_screen() == "wishes_done"
    entry = services.audit.entries()[-1]
    assert (entry.action, entry.subject) == ("stay.request", "H1")


def test_the_outcome_is_told_on_identifying_and_a_proposal_declined_after_a_second_question(qtbot, window, services):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    request = services.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S2", ("P1",))])
    services.db.execute("DELETE FROM outbox")  # as once the centre took it
    show_demo_stay_proposal(services.db, request.request_id, NOW + timedelta(days=10))
    window.with_identity(("my_bookings",))
    screen = window.screens["identify"]
    qtbot.keyClicks(screen.card, CLAIRE_CARD)
    screen.pin.setText("1234")
    screen.try_identify()
    assert window.news.isVisible() and "un séjour vous est proposé" in window.news.message.text()
    mine = window.screens["my_bookings"]
    press(mine, "Refuser")
    assert "définitif" in window.notice.message.text()
    tap(qtbot, window.notice.action)  # "Non, revenir": nothing changes
    assert services.wishes.request(request.request_id).state is StayRequestState.PROPOSED
    press(mine, "Refuser")
    tap(qtbot, window.notice.secondary)  # "Oui, je refuse"
    assert services.wishes.request(request.request_id).state is StayRequestState.DECLINED
    assert "Vous avez refusé la proposition" in shown(mine)
    assert [op["payload"] for op in stay_ops(services)] == [{"request_id": request.request_id, "accept": False}]
