"""Assisted mode on screen: a correspondent signs in, helps a person beside them, works the concierge
queue, sees the sync state, is signed out when idle, and is the only way out of the kiosk.

Buttons inside a page that scrolls are pressed with `click()` (see tests/ui/test_concierge_request.py:
offscreen, kinetic scrolling cannot replay a synthetic tap); the banner, the top bar and the
messages over the screen are tapped.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.demo.staff import STAFF, badge_number
from kiosk.domain.concierge import RequestState
from kiosk.domain.staff import STAFF_WARNING_AFTER_SECONDS, STAFF_WARNING_SECONDS
from kiosk.domain.voucher import encode_payload
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.context import assemble_services
from kiosk.signing_key import load_or_create_signing_key
from kiosk.store.outbox import pending_operations
from kiosk.ui import lockdown as lockdown_module
from kiosk.ui.app import start_kiosk
from kiosk.ui.queue import QueueCard
from sync.credential import Credential
from sync.worker import SyncWorker
from tests.factories import CLAIRE_CARD, holder
from tests.ui.conftest import tap
from tests.ui.test_booking_flow import button_named

_, SOPHIE, _, SOPHIE_PIN, SOPHIE_LOGIN, SOPHIE_PASSWORD = STAFF[0]
SOPHIE_BADGE = badge_number(1)


@pytest.fixture
def services(services, clock, monotonic):
    """The demo kiosk, with the correspondents' inactivity limit on the test's monotonic clock."""
    return assemble_services(services.db, services.config, services.data_dir, clock, monotonic)


def shown_button(widget, text) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text and not b.isHidden())


def has_button(widget, text) -> bool:
    return any(b.text() == text and not b.isHidden() for b in widget.findChildren(QPushButton))


def sign_in(qtbot, window, badge=SOPHIE_BADGE, pin=SOPHIE_PIN):
    tap(qtbot, window.top_bar.staff)
    screen = window.screens["staff_sign_in"]
    assert window.current_screen() == "staff_sign_in" and screen.badge.hasFocus()
    qtbot.keyClicks(screen.badge, badge)
    qtbot.keyClick(screen.badge, Qt.Key.Key_Return)  # what a badge scanner sends at the end
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    return screen


def identify_beside(qtbot, window, card=CLAIRE_CARD):
    window.screens["staff_home"].tiles["assisted_identify"].click()
    screen = window.screens["assisted_identify"]
    qtbot.keyClicks(screen.card, card)
    screen.present.click()
    screen.agrees.click()
    screen.submit.click()
    window.notice.hide()  # "your dry cleaning is ready", if anything is


def audit(services) -> list[tuple[str, dict]]:
    return [(e.action, dict(e.details)) for e in services.audit.entries()]


def test_badge_and_pin_sign_in_shows_the_banner_on_every_screen_until_sign_out(qtbot, window, services):
    sign_in(qtbot, window)
    banner = window.assisted_mode.banner
    assert window.staff_session.display_name == SOPHIE and window.current_screen() == "staff_home"
    assert banner.isVisible() and banner.who.text() == f"Mode correspondant — {SOPHIE}"
    for name, params in [
        ("home", ()),
        ("offers", (False,)),
        ("detail", ("T1",)),
        ("concierge", ()),
        ("queue", ()),
        ("sync_state", ()),
        ("staff_home", ()),
    ]:
        window.go_home() if name == "home" else window.show_screen(name, *params)
        assert banner.isVisible() and banner.geometry().top() < window.stack.geometry().top(), name
    window.set_language("en")
    assert banner.who.text() == f"Correspondent mode — {SOPHIE}" and banner.leave.text() == "Leave correspondent mode"
    window.set_language("fr")

    tap(qtbot, banner.leave)
    assert window.staff_session is None and services.staff.current() is None
    assert not banner.isVisible() and window.current_screen() == "home"
    assert [a for a, _ in audit(services)] == ["staff.sign_in", "staff.sign_out"]
    assert audit(services)[-1][1] == {"cause": "user"}


def test_login_and_password_sign_in(qtbot, window, services):
    tap(qtbot, window.top_bar.staff)
    screen = window.screens["staff_sign_in"]
    screen.mode.buttons()[1].click()
    assert screen.login.isVisible() and not screen.badge.isVisible()
    qtbot.keyClicks(screen.login, SOPHIE_LOGIN)
    qtbot.keyClick(screen.login, Qt.Key.Key_Return)
    qtbot.keyClicks(screen.password, "Conciergerie")
    screen.submit.click()
    assert "ne suffit pas seul" in screen.error.text() and window.staff_session is None
    assert screen.password.text() == ""  # a secret never stays on screen
    qtbot.keyClicks(screen.password, SOPHIE_PASSWORD)
    screen.submit.click()
    assert window.staff_session.display_name == SOPHIE and window.current_screen() == "staff_home"
    assert audit(services)[-1] == ("staff.sign_in", {"method": "password"})


def test_wrong_pins_say_how_many_tries_are_left_and_the_fifth_locks(qtbot, window, services):
    screen = sign_in(qtbot, window, pin="0000")
    assert screen.error.text() == "Code faux. Il vous reste 4 essais."
    for left in (3, 2, 1):
        qtbot.keyClicks(screen.pin, "0000")
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert screen.error.text().endswith(f"Il vous reste {left} essai{'s' if left > 1 else ''}.")
    qtbot.keyClicks(screen.pin, "0000")
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert screen.error.text() == "Cinquième essai faux : ce compte est bloqué 15 minutes sur cette borne."
    qtbot.keyClicks(screen.pin, SOPHIE_PIN)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert "bloqué sur cette borne" in screen.error.text() and window.staff_session is None
    assert window.current_screen() == "staff_sign_in" and not window.assisted_mode.banner.isVisible()


def test_inactivity_warns_then_signs_out_and_clears_everything(qtbot, window, services, monotonic):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)
    assert window.identified is not None
    # Past the public limit (90 + 30 s) but within the correspondent's: nobody is thrown out early.
    idle = services.config.idle
    monotonic.now += idle.warning_after_seconds + idle.warning_duration_seconds + 10
    qtbot.wait(1200)
    assert window.identified is not None and window.staff_session is not None
    assert not window.idle_overlay.isVisible()

    monotonic.now += STAFF_WARNING_AFTER_SECONDS - (idle.warning_after_seconds + idle.warning_duration_seconds)
    qtbot.waitUntil(window.idle_overlay.isVisible, timeout=2000)
    assert "le mode correspondant se ferme dans" in window.idle_overlay.message.text()
    tap(qtbot, window.idle_overlay.action)  # "I'm still here"
    qtbot.waitUntil(lambda: not window.idle_overlay.isVisible(), timeout=2000)
    assert window.staff_session is not None

    monotonic.now += STAFF_WARNING_AFTER_SECONDS + STAFF_WARNING_SECONDS
    qtbot.waitUntil(lambda: window.staff_session is None, timeout=2000)
    assert window.identified is None and window.current_screen() == "home"
    assert not window.assisted_mode.banner.isVisible() and not window.idle_overlay.isVisible()
    assert audit(services)[-1] == ("staff.sign_out", {"cause": "inactivity"})


def test_assisted_identify_needs_both_confirmations_and_actions_are_audited_without_names(qtbot, window, services):
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["assisted_identify"].click()
    screen = window.screens["assisted_identify"]
    qtbot.keyClicks(screen.card, CLAIRE_CARD)
    for tick in (None, screen.present):
        if tick is not None:
            tick.click()
        screen.submit.click()
        assert "Confirmez que la personne est présente" in screen.error.text() and window.identified is None
    assert screen.present.text().startswith("☑") and screen.agrees.text().startswith("☐")
    screen.agrees.click()
    screen.submit.click()
    assert window.identified.person.first_name == "Claire" and window.current_screen() == "home"
    assert audit(services)[-1] == (
        "beneficiary.identify",
        {"method": "card_number", "person_present": True, "person_agrees": True},
    )

    window.show_screen("detail", "T1")
    shown_button(window.screens["detail"], "Réserver").click()  # T1 has one session
    assert window.current_screen() == "booking"  # already identified: no second identification
    window.screens["booking"].confirm.click()
    assert window.current_screen() == "booking_done"
    (booking,) = services.bookings.bookings(window.identified.household)
    entry = services.audit.entries()[-1]
    assert (entry.action, entry.subject, entry.target) == ("booking.create", "P1", booking.booking_id)

    window.show_screen("my_bookings")
    # The only booking; with "Encaisser" beside it the list scrolls, so the button is pressed with click().
    shown_button(window.screens["my_bookings"], "Annuler").click()
    tap(qtbot, window.notice.secondary)  # "Oui, annuler"
    assert services.audit.entries()[-1].action == "booking.cancel"
    everything = json.dumps([e.as_dict() for e in services.audit.entries()], ensure_ascii=False)
    assert "Claire" not in everything and "Martin" not in everything  # pseudonymous ids, never a name

    tap(qtbot, window.end_session)  # "Terminer": the person goes, the correspondent stays
    assert window.identified is None and window.staff_session is not None
    assert window.current_screen() == "staff_home"


def submitted_request(services):
    who = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    day = services.concierge.form("pressing").form.field("day").options[0].code
    return services.concierge.submit(BENEFICIARY, who, "pressing", {"garments": ["chemise"], "quantity": 1, "day": day})


def card_for(screen, request_id) -> QueueCard:
    return next(c for c in screen.findChildren(QueueCard) if c.request_id == request_id)


def test_queue_moves_a_request_from_submitted_to_handed_over(qtbot, window, services):
    request = submitted_request(services)
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["queue"].click()
    screen = window.screens["queue"]
    card = card_for(screen, request.request_id)
    assert not has_button(card, "Remettre à la personne")  # not ready yet: the move is not offered
    screen.move(request.request_id, RequestState.HANDED_OVER, None)  # and if asked anyway, refused
    assert "ne peut pas passer à « Remise »" in card_for(screen, request.request_id).status.text()

    for label, state in [
        ("Prendre en charge", "taken"),
        ("Confier au prestataire", "at_provider"),
        ("Marquer prête", "ready"),
    ]:
        shown_button(card_for(screen, request.request_id), label).click()
        assert services.concierge.request(request.request_id).state == state
        assert card_for(screen, request.request_id).status.text().startswith("C'est fait")

    qtbot.keyClicks(screen.pickup, request.short_code.lower())
    qtbot.keyClick(screen.pickup, Qt.Key.Key_Return)
    found = screen.found.itemAt(1).widget()
    assert found.request_id == request.request_id
    shown_button(found, "Remettre à la personne").click()
    assert services.concierge.request(request.request_id).state == "handed_over"
    moves = [e.details for e in services.audit.entries() if e.action == "concierge.move"]
    assert [m["to"] for m in moves] == ["taken", "at_provider", "ready", "handed_over"]


def test_refusing_asks_for_a_reason(qtbot, window, services):
    request = submitted_request(services)
    sign_in(qtbot, window)
    window.show_screen("queue")
    screen = window.screens["queue"]
    shown_button(card_for(screen, request.request_id), "Refuser la demande").click()
    picker = screen.reason_picker
    assert picker.isVisible()
    tap(qtbot, shown_button(picker, "Ne rien changer"))
    assert not picker.isVisible() and services.concierge.request(request.request_id).state == "submitted"
    shown_button(card_for(screen, request.request_id), "Refuser la demande").click()
    tap(qtbot, shown_button(picker, "Service fermé à la date demandée."))
    refused = services.concierge.request(request.request_id)
    assert refused.state == "refused" and refused.reason.code == "closed"


def test_a_pickup_code_from_another_site_or_tampered_is_explained(qtbot, window, services):
    request = submitted_request(services)
    key = load_or_create_signing_key(services.data_dir)
    voucher = services.vouchers.pickup_voucher(request)
    other_site = encode_payload(dataclasses.replace(voucher, site_id="SLVIE-MARSEILLE"), key)
    genuine = encode_payload(voucher, key)
    tampered = genuine.replace(":850:", ":1:")  # the price changed on the ticket
    assert tampered != genuine
    sign_in(qtbot, window)
    window.show_screen("queue")
    screen = window.screens["queue"]
    for text, words in [
        (other_site, "autre point conciergerie"),
        (tampered, "modifié ou mal lu"),
        ("ZZZZ-ZZZZ", "pas valable"),
    ]:
        screen.pickup.setText(text)
        screen.find.click()
        assert words in screen.pickup_error.text(), text
        assert screen.found.count() == 0


def test_sync_screen_shows_what_waits_and_wakes_the_worker(qtbot, window, services):
    submitted_request(services)
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["sync_state"].click()
    screen = window.screens["sync_state"]
    figures = [screen.figures.itemAt(i).widget().text() for i in range(screen.figures.count())]
    pending = services.sync_state.state(Actor(window.staff_session)).pending
    assert pending >= 1 and f"Envois en attente : {pending}" in figures
    screen.sync_now.click()
    assert "pas réglée" in screen.status.text()  # not enrolled: no worker to wake

    # Enrolled with a centre that cannot be reached: the cycle fails, the screen says so.
    credential = Credential("https://127.0.0.1:9", "K1", services.config.site.id, "token")
    window.sync_worker = SyncWorker(services.data_dir, services.config, credential, interval_seconds=3600)
    reports = []
    window.sync_worker.status_changed.connect(reports.append)
    window.sync_worker.start()
    try:
        qtbot.waitUntil(lambda: len(reports) == 1, timeout=10_000)
        screen.sync_now.click()
        assert screen.status.text().startswith("Synchronisation demandée")
        assert services.audit.entries()[-1].action == "sync.forced"
        qtbot.waitUntil(lambda: len(reports) == 2, timeout=10_000)  # the forced cycle ran
        qtbot.waitUntil(
            lambda: any(
                "Dernier échec" in screen.figures.itemAt(i).widget().text() for i in range(screen.figures.count())
            ),
            timeout=5000,
        )
    finally:
        window.sync_worker.stop()


@pytest.fixture
def locked_kiosk(qtbot, tmp_path):
    _app, window, kiosk_services = start_kiosk(tmp_path / "data", None, demo=True, windowed=False)
    qtbot.waitExposed(window)
    yield window, kiosk_services
    window.lockdown.allow_exit()
    window.lockdown.uninstall()
    lockdown_module._current = None  # no later test finds this window's lockdown
    window.close()
    kiosk_services.close()


def test_leaving_the_kiosk_is_confirmed_recorded_and_unlocks(qtbot, locked_kiosk):
    window, kiosk_services = locked_kiosk
    sign_in(qtbot, window)
    window.screens["staff_home"].exit_kiosk.click()
    assert window.notice.isVisible() and window.notice.title.text() == "Quitter la borne ?"
    tap(qtbot, window.notice.action)  # "Non, rester"
    assert window.isVisible() and not window.lockdown.exit_allowed and window.staff_session is not None
    window.screens["staff_home"].exit_kiosk.click()
    tap(qtbot, window.notice.secondary)  # "Oui, quitter la borne"
    assert window.lockdown.exit_allowed
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    assert audit(kiosk_services)[-1] == ("staff.sign_out", {"cause": "kiosk_exit"})


def test_reprints_from_my_bookings_in_assisted_mode_are_audited(qtbot, window, services):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)
    request = services.concierge.requests_for(window.identified.household)[0]
    booking = services.bookings.book(BENEFICIARY, holder(window.identified.household), "T1", "T1-S1", ["P1"])
    window.show_screen("my_bookings")
    mine = window.screens["my_bookings"]
    # The list scrolls (each card has "Encaisser" too): buttons inside it are pressed with click().
    shown_button(mine, "Imprimer le ticket").click()  # the request's card
    shown_button(mine, "Imprimer le bon").click()  # the booking's card
    qtbot.waitUntil(
        lambda: all("imprimante" in mine.status.get(ref, "") for ref in (request.request_id, booking.booking_id)),
        timeout=10_000,
    )
    reprints = [(e.target, e.details["kind"]) for e in services.audit.entries() if e.action == "voucher.reprint"]
    assert reprints == [(request.request_id, "pickup"), (booking.booking_id, "booking")]


def test_a_badge_scanned_where_beneficiaries_identify_leads_to_the_correspondent_sign_in(qtbot, window, services):
    window.with_identity(("my_bookings",))
    identify = window.screens["identify"]
    qtbot.keyClicks(identify.card, f"ACTIV:{SOPHIE_BADGE}")
    qtbot.keyClick(identify.card, Qt.Key.Key_Return)
    sign_in_screen = window.screens["staff_sign_in"]
    assert window.current_screen() == "staff_sign_in"
    assert sign_in_screen.badge.text() == f"ACTIV:{SOPHIE_BADGE}" and not identify.card.text()
    qtbot.keyClicks(sign_in_screen.pin, SOPHIE_PIN)
    qtbot.keyClick(sign_in_screen.pin, Qt.Key.Key_Return)
    assert window.staff_session is not None and window.staff_session.display_name == SOPHIE


def test_a_correspondent_guides_a_vote_but_the_person_types_their_own_pin(qtbot, window, services):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)  # by card alone, the person present and agreeing
    window.show_screen("participate")
    window.screens["participate"].see_consultations.click()
    window.show_screen("vote", "DEMO-SORTIE-ETE")
    vote = window.screens["vote"]
    button_named(vote.ballot, "Le lac d'Annecy").click()
    vote.send.click()  # the correspondent cannot vote for her: no PIN, no ballot
    assert vote.error.text().startswith("Code faux")
    assert not [op for op in pending_operations(services.db) if op["kind"] == "vote.cast"]
    qtbot.keyClicks(vote.pin, "1234")  # Claire types her own
    vote.send.click()
    assert window.current_screen() == "vote_done"
    guided = [e for e in services.audit.entries() if e.action == "vote.guided"]
    assert len(guided) == 1 and guided[0].subject == "P1" and guided[0].target == "DEMO-SORTIE-ETE"
    assert "annecy" not in json.dumps(guided[0].as_dict())
