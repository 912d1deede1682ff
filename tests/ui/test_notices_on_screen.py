"""E-mail notices on screen: the person types an address on the kiosk's keyboard with "@" and a domain one
tap away, says yes, sees it kept (masked) and stops whenever they like; what is not an address is refused in
plain words; a correspondent does it for the person beside them, audited without the address.

The buttons inside the scrolling page are clicked, as the other screens' tests do: QTest's instant press and
release lose the press to kinetic scrolling's press delay."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.store.notices import opened
from kiosk.store.outbox import pending_operations
from tests.factories import CLAIRE_CARD
from tests.ui.conftest import tap
from tests.ui.test_assisted_mode import identify_beside, services, sign_in  # noqa: F401 (a fixture)
from tests.ui.test_booking_flow import identify


def notice_operations(services) -> list[dict]:
    """The notice operations as they are pushed (a consent's address unsealed)."""
    return [opened(services.db, op) for op in pending_operations(services.db) if op["kind"].startswith("notice.")]


def domain(screen, text: str):
    return next(b for b in screen.domains if b.text() == text)


def open_notices(qtbot, window):
    tap(qtbot, window.screens["home"].tiles["bookings"])
    if window.current_screen() == "identify":
        identify(qtbot, window, card=CLAIRE_CARD)
        window.news.hide()
    tap(qtbot, window.screens["my_bookings"].notices)
    assert window.current_screen() == "notices"
    return window.screens["notices"]


def test_the_person_gives_an_address_with_a_domain_in_one_tap_then_stops(qtbot, window, services):
    screen = open_notices(qtbot, window)
    assert screen.state.text() == "Vous ne recevez pas d'e-mail de cette borne."
    assert screen.address.inputMethodHints() & Qt.InputMethodHint.ImhEmailCharactersOnly  # the keyboard's e-mail keys

    screen.address.setFocus()
    qtbot.keyClicks(screen.address, "claire.martin")
    domain(screen, "@orange.fr").click()
    assert screen.address.text() == "claire.martin@orange.fr"
    screen.consent.click()

    assert screen.message.text().startswith("C'est noté : les e-mails iront à claire.martin@orange.fr.")
    assert screen.state.text() == "Vous recevez les e-mails à c•••@orange.fr, en français."
    assert screen.address.text() == "" and screen.error.text() == ""
    [operation] = notice_operations(services)
    assert operation["payload"]["address"] == "claire.martin@orange.fr" and operation["payload"]["language"] == "fr"

    screen.stop.click()

    assert screen.state.text() == "Vous ne recevez pas d'e-mail de cette borne."
    assert "votre adresse est effacée" in screen.message.text()
    assert [op["kind"] for op in notice_operations(services)] == ["notice.withdraw"]


def test_what_is_not_an_address_is_refused_in_plain_words_in_either_language(qtbot, window, services):
    screen = open_notices(qtbot, window)
    screen.address.setFocus()
    qtbot.keyClicks(screen.address, "claire.martin")
    screen.consent.click()
    assert screen.error.text() == (
        "Ce n'est pas une adresse e-mail : il manque le « @ ». Touchez « @ » ou un des domaines proposés."
    )
    screen.at.click()
    screen.consent.click()
    assert "après le « @ », il faut un domaine" in screen.error.text()
    tap(qtbot, window.access_bar.language)
    screen.consent.click()
    assert screen.error.text().startswith('This is not an e-mail address: after the "@" comes a domain')
    assert notice_operations(services) == [] and services.notices.consent_of(window.identified) is None
    domain(screen, "@gmail.com").click()
    screen.consent.click()
    assert screen.state.text() == "You get the e-mails at c•••@gmail.com, in English."


def test_nothing_of_the_person_stays_when_they_leave(qtbot, window, services):
    screen = open_notices(qtbot, window)
    qtbot.keyClicks(screen.address, "claire.martin@free.fr")
    tap(qtbot, window.end_session)
    assert window.current_screen() == "home"
    assert screen.address.text() == "" and screen.state.text() == "" and screen.identified is None


def test_a_correspondent_records_the_address_for_the_person_beside_them(qtbot, window, services):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)
    window.show_screen("my_bookings")
    tap(qtbot, window.screens["my_bookings"].notices)
    screen = window.screens["notices"]
    qtbot.keyClicks(screen.address, "claire.martin@laposte.net")
    screen.consent.click()

    assert screen.error.text() == "" and window.current_screen() == "notices", screen.error.text()
    assert screen.state.text() == "Vous recevez les e-mails à c•••@laposte.net, en français."
    [entry] = [e for e in services.audit.entries() if e.action == "notice.consent"]
    assert entry.subject == window.identified.person.person_id and "laposte" not in repr(entry.details)
