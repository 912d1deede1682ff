""""Besoin d'aide ?" on every screen: what the screen is for in plain words, where to find a
correspondent, read aloud on request."""

from kiosk.ui.main_window import STAFF_SCREENS
from tests.ui.conftest import tap
from tests.ui.test_booking_flow import identify


def ask_for_help(qtbot, window) -> str:
    assert window.access_bar.help.isVisible()
    tap(qtbot, window.access_bar.help)
    assert window.notice.isVisible() and window.notice.title.text() == "Besoin d'aide ?"
    message = window.notice.message.text()
    assert "correspondant SLVie" in message
    tap(qtbot, window.notice.action)  # "J'ai compris": back where the person was
    assert not window.notice.isVisible()
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
    assert window.notice.title.text() == "Need help?" and "SLVie correspondent" in window.notice.message.text()
    tap(qtbot, window.notice.secondary)  # "Read aloud", on a kiosk with no speech engine
    assert window.notice.isVisible() and "Read aloud" in window.notice.title.text()


def test_the_correspondents_screens_have_help_too(qtbot, window):
    for screen in STAFF_SCREENS:
        window._current = (screen, ())
        window.show_help()
        assert window.notice.message.text().startswith("Espace des correspondants SLVie")
        window.notice.hide()
