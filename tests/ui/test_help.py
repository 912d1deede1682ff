""" "Besoin d'aide ?" on every screen: what the screen is for in plain words, where to find a
correspondent, read aloud on request."""

import subprocess

from PySide6.QtWidgets import QLabel

from kiosk.ui.main_window import STAFF_SCREENS
from tests.factories import CLAIRE_CARD
from tests.ui.conftest import tap
from tests.ui.test_assisted_mode import shown_button, sign_in
from tests.ui.test_booking_flow import identify


def ask_for_help(qtbot, window) -> str:
    assert window.access_bar.help.isVisible()
    tap(qtbot, window.access_bar.help)
    panel = window.help_panel
    assert panel.isVisible() and panel.title.text() == "Besoin d'aide ?"
    message = panel.message.text()
    assert "correspondant SLVie" in message
    assert panel.call.isVisible() and panel.call.text() == "Appeler un correspondant"
    tap(qtbot, panel.close_button)  # back where the person was
    assert not panel.isVisible()
    return message


def test_every_screen_a_person_meets_explains_itself(qtbot, window):
    said = {"home": ask_for_help(qtbot, window)}
    for screen, params in (("offers", (False,)), ("detail", ("T1",)), ("concierge", ())):
        window.show_screen(screen, *params)
        said[screen] = ask_for_help(qtbot, window)
    window.with_identity(("booking", "T1", "T1-S1"))
    said["identify"] = ask_for_help(qtbot, window)
    identify(qtbot, window)
    said["booking"] = ask_for_help(qtbot, window)
    assert window.current_screen() == "booking"  # help interrupted nothing
    tap(qtbot, window.screens["booking"].confirm)
    said["booking_done"] = ask_for_help(qtbot, window)
    window.show_screen("my_bookings")
    said["my_bookings"] = ask_for_help(qtbot, window)
    window.show_screen("concierge_request", "pressing")
    said["concierge_request"] = ask_for_help(qtbot, window)
    # Each screen says something of its own, in plain words.
    assert len(set(said.values())) == len(said)
    assert "carte Activ'" in said["identify"] and "Réserver" in said["detail"]


def test_help_is_in_english_too_and_read_aloud_says_so_when_it_cannot(qtbot, window):
    tap(qtbot, window.access_bar.language)
    tap(qtbot, window.access_bar.help)
    panel = window.help_panel
    assert panel.title.text() == "Need help?" and "SLVie correspondent" in panel.message.text()
    assert panel.call.text() == "Call a correspondent"
    tap(qtbot, panel.read)  # "Read aloud", on a kiosk with no speech engine
    assert window.notice.isVisible() and "Read aloud" in window.notice.title.text()


def test_the_correspondents_screens_have_help_too(qtbot, window):
    for screen in STAFF_SCREENS:
        window._current = (screen, ())
        window.show_help()
        assert window.notice.message.text().startswith("Espace des correspondants SLVie")
        window.notice.hide()


def identify_beside(qtbot, window, card=CLAIRE_CARD):
    """The person beside the correspondent, by card, on the screen taking over a call or a ticket opened."""
    screen = window.screens["assisted_identify"]
    qtbot.keyClicks(screen.card, card)
    screen.present.click()
    screen.agrees.click()
    screen.submit.click()
    window.notice.hide()  # "your dry cleaning is ready"


def test_a_call_for_help_reaches_the_correspondents_queue_with_the_screen_and_reopens_it(qtbot, window, services):
    window.show_screen("detail", "T1")
    tap(qtbot, window.access_bar.help)
    panel = window.help_panel
    tap(qtbot, panel.call)
    assert panel.title.text() == "Votre appel est noté"
    assert "un correspondant SLVie le verra en passant" in panel.message.text()  # no promise it cannot keep
    assert not panel.call.isVisible() and not panel.ticket.isVisible()  # asked once, nothing else to press
    tap(qtbot, panel.close_button)
    assert window.current_screen() == "detail"  # nothing interrupted

    sign_in(qtbot, window)
    staff_home = window.screens["staff_home"]
    staff_home.tiles["help_queue"].click()
    queue = window.screens["help_queue"]
    assert queue.count.text() == "En attente : 1"
    card_text = " ".join(w.text() for w in queue.findChildren(QLabel) if w.isVisible())
    assert "la personne attend à la borne" in card_text
    assert "Écran : Une activité" in card_text and services.catalog.offer("T1").title in card_text
    shown_button(queue, "J'y vais").click()
    assert window.current_screen() == "assisted_identify"
    identify_beside(qtbot, window)
    assert window.current_screen() == "detail" and window.screens["detail"].offer.id == "T1"
    taken = [e for e in services.audit.entries() if e.action == "help.take"]
    assert len(taken) == 1 and taken[0].details == {"kind": "call", "screen": "detail"}
    window.show_screen("help_queue")
    assert window.screens["help_queue"].count.text() == "Personne n'attend d'aide pour le moment."


def test_a_ticket_to_finish_later_prints_a_code_that_brings_the_booking_back(qtbot, window, services):
    window.with_identity(("booking", "T1", "T1-S1"))
    identify(qtbot, window)
    assert window.current_screen() == "booking"
    tap(qtbot, window.access_bar.help)
    panel = window.help_panel
    assert panel.ticket.isVisible()
    tap(qtbot, panel.ticket)
    # This kiosk has no printer: the code is on the screen, to write down, and the ticket is kept.
    qtbot.waitUntil(lambda: "Notez ce code" in panel.message.text(), timeout=10_000)
    code = panel.message.text().split("Notez ce code : ")[1][:9]
    kept = services.data_dir / "help-tickets" / f"{code}.pdf"
    printed = subprocess.run(
        ["pdftotext", "-layout", str(kept), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert code in printed and "Code pour finir plus tard" in printed
    assert services.catalog.offer("T1").title in " ".join(printed.split())
    assert "Claire" not in printed and "Martin" not in printed  # nothing of the person on the ticket
    tap(qtbot, panel.close_button)
    window.reset_session()  # the person leaves with the code

    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["help_queue"].click()
    queue = window.screens["help_queue"]
    qtbot.keyClicks(queue.code, "zzzz-zzzz")
    queue.take_code.click()
    assert "Aucun appel ni ticket en cours n'a ce code" in queue.error.text()
    queue.code.clear()
    qtbot.keyClicks(queue.code, code.lower().replace("-", " "))  # as a person reads it out
    queue.take_code.click()
    assert window.current_screen() == "assisted_identify"
    identify_beside(qtbot, window)
    assert window.current_screen() == "booking"
    booking = window.screens["booking"]
    assert (booking.offer.id, booking.session.id) == ("T1", "T1-S1")


def test_only_a_screen_holding_a_choice_offers_a_ticket(qtbot, window):
    for screen, params, offered in (
        (("home", (), False)),
        ("offers", (False,), False),
        ("detail", ("T1",), True),
        ("concierge", (), False),
        ("concierge_request", ("pressing",), True),
    ):
        if screen != "home":
            window.show_screen(screen, *params)
        window.show_help()
        assert window.help_panel.ticket.isVisible() is offered, screen
        window.help_panel.hide()


def test_the_next_person_gets_a_code_of_their_own_and_one_person_asking_twice_gets_the_same(qtbot, window, services):
    window.show_screen("detail", "T1")
    window.show_help()
    panel = window.help_panel
    panel.ticket.click()
    qtbot.waitUntil(lambda: "Notez ce code" in panel.message.text(), timeout=10_000)
    first = panel.message.text().split("Notez ce code : ")[1][:9]
    panel.hide()
    window.show_help()
    panel.ticket.click()  # the same person again: the same code, said truly not printed, no new ticket
    assert first in panel.message.text() and "n'a pas pu être imprimé" in panel.message.text()
    assert len(list((services.data_dir / "help-tickets").glob("*.pdf"))) == 1
    window.reset_session()  # the next person
    window.show_screen("detail", "T1")
    window.show_help()
    panel.ticket.click()
    qtbot.waitUntil(lambda: "Notez ce code" in panel.message.text(), timeout=10_000)
    assert first not in panel.message.text()


def test_the_idle_warning_comes_before_a_call_waiting_on_the_home_screen_is_cleared(qtbot, window):
    window.show_help()
    window.help_panel.call.click()
    window.show_idle_warning(25)
    assert window.idle_overlay.isVisible()  # "Êtes-vous encore là ?" before the code goes
