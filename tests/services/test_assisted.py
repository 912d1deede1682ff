"""Assisted mode: a correspondent acts for a beneficiary beside them; every action is in the audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.domain.booking import BookingRefused, BookingState
from kiosk.domain.concierge import RequestState, ready_made_reason
from kiosk.domain.household import CardError
from kiosk.domain.voucher import VoucherKind
from kiosk.services.actor import Actor
from kiosk.services.identity import ConfirmationMissing, IdentificationError
from kiosk.services.staff import StaffSessionExpired
from kiosk.store.database import transaction
from kiosk.store.outbox import park, pending_operations
from kiosk.store.state import write_state
from tests.factories import CLAIRE_CARD, NOW


def last(desk):
    return desk.audit.entries()[-1]


def test_a_person_beside_the_correspondent_is_identified_without_pin_once_they_confirm(desk, lina):
    for present, agrees in ((False, True), (True, False), (False, False), (True, None)):
        with pytest.raises(ConfirmationMissing) as caught:
            desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=present, person_agrees=agrees)
        assert "présente" in caught.value.fr and "d'accord" in caught.value.fr
    assert [e.action for e in desk.audit.entries()] == ["staff.sign_in"]  # nothing recorded, nobody identified
    who = desk.identity.identify(Actor(lina), f"ACTIV:{CLAIRE_CARD}", person_present=True, person_agrees=True)
    assert who.person.first_name == "Claire"
    entry = last(desk)
    assert (entry.action, entry.staff_id, entry.subject, entry.target) == ("beneficiary.identify", "S1", "P1", "H1")
    assert entry.details == {"method": "card_scan", "person_present": True, "person_agrees": True}
    desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    assert last(desk).details["method"] == "card_number"
    assert "Claire" not in json.dumps([e.as_dict() for e in desk.audit.entries()])  # pseudonymous, never a name


def test_bad_cards_in_assisted_mode(desk, lina):
    with pytest.raises(CardError):
        desk.identity.identify(Actor(lina), "12", person_present=True, person_agrees=True)
    with pytest.raises(IdentificationError):
        # a valid number, unknown here
        desk.identity.identify(Actor(lina), "1000000000041", person_present=True, person_agrees=True)
    desk.staff.sign_out()
    with pytest.raises(StaffSessionExpired):
        desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)


def test_every_assisted_action_is_in_the_audit_log(desk, lina):
    who = desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    booking = desk.bookings.book(Actor(lina), who, "T1", "T1-S1", ["P1", "P3"])
    assert booking.state is BookingState.CONFIRMED
    desk.bookings.cancel(Actor(lina), who, booking.booking_id)
    day = desk.concierge.form("pressing").form.field("day").options[0].code
    request = desk.concierge.submit(Actor(lina), who, "pressing", {"garments": ["veste"], "quantity": 1, "day": day})
    assert request.created_by == "S1"
    desk.concierge.cancel(Actor(lina), who, request.request_id, ready_made_reason("beneficiary"))
    other = desk.concierge.submit(Actor(lina), who, "pressing", {"garments": ["robe"], "quantity": 1, "day": day})
    desk.concierge.move(Actor(lina), other.request_id, RequestState.TAKEN)
    again = desk.bookings.book(Actor(lina), who, "T1", "T1-S1", ["P1"])
    voucher = desk.vouchers.reprint_booking(Actor(lina), again.booking_id)
    assert voucher.kind is VoucherKind.BOOKING and voucher.reference == again.booking_id
    ticket = desk.vouchers.reprint_pickup(Actor(lina), other.request_id)
    assert ticket.kind is VoucherKind.PICKUP and ticket.reference == other.request_id
    desk.sync_state.request_sync(Actor(lina))
    desk.staff.leave(lina)
    entries = desk.audit.entries()
    assert [(e.action, e.subject, e.target) for e in entries] == [
        ("staff.sign_in", None, None),
        ("beneficiary.identify", "P1", "H1"),
        ("booking.create", "P1", booking.booking_id),
        ("booking.cancel", "P1", booking.booking_id),
        ("concierge.create", "P1", request.request_id),
        ("concierge.move", "P1", request.request_id),
        ("concierge.create", "P1", other.request_id),
        ("concierge.move", "P1", other.request_id),
        ("booking.create", "P1", again.booking_id),
        ("voucher.reprint", "H1", again.booking_id),
        ("voucher.reprint", "P1", other.request_id),
        ("sync.forced", None, None),
        ("staff.sign_out", None, None),
    ]
    assert all(e.staff_id == "S1" and e.site_id == "DEMO-LYON-PARTDIEU" and len(e.kiosk) == 8 for e in entries)
    assert entries[2].details == {"offer_id": "T1", "session_id": "T1-S1", "participants": 2, "state": "confirmed"}
    assert entries[3].details == {"offer_id": "T1"}
    assert entries[5].details == {"from": "submitted", "to": "cancelled", "reason_code": "beneficiary"}
    assert entries[-1].details == {"cause": "user"}
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert desk.audit.verify() is None
    # Each entry travels to the centre as an operation, in chain order.
    shipped = [op["payload"]["entries"][0]["seq"] for op in pending_operations(desk.db) if op["kind"] == "audit.append"]
    assert shipped == [e.seq for e in entries]


def test_an_assisted_booking_and_its_audit_entry_are_one_write(desk, lina, monkeypatch):
    who = desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(desk.audit, "record", broken)
    with pytest.raises(OSError):
        desk.bookings.book(Actor(lina), who, "T1", "T1-S1", ["P1"])
    assert desk.bookings.bookings(who.household) == []
    assert [op["kind"] for op in pending_operations(desk.db)].count("booking.create") == 0
    seats = desk.db.execute("SELECT site_taken FROM sessions WHERE id = 'T1-S1'").fetchone()[0]
    assert seats == 0


def test_an_assisted_booking_follows_the_same_rules(desk, lina):
    who = desk.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    entries = len(desk.audit.entries())
    with pytest.raises(BookingRefused):
        desk.bookings.book(Actor(lina), who, "OLD", "OLD-S1", ["P1"])  # already past
    assert len(desk.audit.entries()) == entries  # nothing done, nothing recorded


def test_the_sync_state_a_correspondent_sees(desk, lina, clock):
    state = desk.sync_state.state(Actor(lina))
    assert state.last_success is None and state.pending >= 1 and state.audit_waiting == 1
    with transaction(desk.db):
        write_state(desk.db, "sync_last_success", NOW.isoformat(timespec="seconds"))
        write_state(
            desk.db,
            "sync_last_error",
            json.dumps(
                {
                    "at": (NOW + timedelta(minutes=5)).isoformat(),
                    "fr": "Le serveur central ne répond pas.",
                    "en": "The central server does not answer.",
                }
            ),
        )
        park(desk.db, pending_operations(desk.db)[0]["op_id"], {"code": "x", "fr": "Refusée.", "en": "Refused."})
    state = desk.sync_state.state(Actor(lina))
    assert state.last_success == NOW and state.last_error.fr == "Le serveur central ne répond pas."
    assert state.last_error_at == NOW + timedelta(minutes=5)
    assert state.parked == 1 and state.parked_operations[0].reason.fr == "Refusée."
