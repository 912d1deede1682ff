"""The centre decides every booking: honour, confirm, waitlist, leave as a request, refuse with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sync.server.clock import local_now
from tests.server.data import (
    booking_op,
    cancel_op,
    catalog,
    household,
    martin_family,
    member,
    offer,
    session,
    state_of,
    years_ago,
)


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(
        catalog(
            [
                offer("CONC", [session("CONC-1", days=10, capacity=10, allocation=3)]),
                offer("FULL", [session("FULL-1", days=10, capacity=10, taken=7, allocation=3)]),
                offer("PAST", [session("PAST-1", days=-1, capacity=10, allocation=2)]),
                offer("COLO", [session("COLO-1", days=30, capacity=20)], category="colos", age_min=10, age_max=14),
                offer("SOON", [session("SOON-1", days=1, capacity=10)], cancel_days_before=2),
                offer(
                    "REQ",
                    [session("REQ-1", days=60, capacity=30, allocation=2)],
                    booking_mode="request",
                    level="ccas",
                    category="colos",
                ),
                offer("DUO", [session("DUO-1", days=10, capacity=2)]),
            ]
        )
    )
    central_server.load_households([martin_family("H-1", "P-1"), martin_family("H-2", "P-2")])
    return central_server


def places(kiosk, session_id: str) -> dict:
    seen, _ = kiosk.pull_all()
    for (kind, _), data in seen.items():
        if kind == "offer" and data:
            for s in data["sessions"]:
                if s["id"] == session_id:
                    return s
    raise AssertionError(session_id)


def bookings_seen(kiosk) -> dict[str, dict]:
    seen, _ = kiosk.pull_all()
    return {key[1]: data for key, data in seen.items() if key[0] == "booking"}


def test_requested_booking_is_confirmed_from_the_central_pool(centre, kiosk):
    result = kiosk.push_one(booking_op("CONC-1", ["P-1-1", "P-1-2"]))
    assert state_of(result) == "confirmed" and result["booking"]["reason"] is None
    s = places(kiosk, "CONC-1")
    assert (s["capacity"], s["taken"], s["site_allocation"], s["site_taken"]) == (10, 2, 3, 0)


def test_requested_booking_is_waitlisted_when_the_pool_is_empty(centre, kiosk):
    result = kiosk.push_one(booking_op("FULL-1", ["P-1-1"]))
    assert state_of(result) == "waitlisted"
    assert result["booking"]["reason"]["code"] == "waitlisted_full"
    assert "liste d'attente" in result["booking"]["reason"]["fr"]
    assert "waiting list" in result["booking"]["reason"]["en"]


def test_kiosk_confirmed_booking_inside_its_allocation_is_honoured(centre, kiosk):
    # The pool is empty (7 taken + 3 set aside for this site = capacity 10): only the allocation is left.
    results = kiosk.push(
        [
            booking_op("FULL-1", ["P-1-1", "P-1-2"], kiosk_state="confirmed"),
            booking_op("FULL-1", ["P-2-1"], "H-2", kiosk_state="confirmed"),
        ]
    )
    assert [state_of(r) for r in results] == ["confirmed", "confirmed"]
    s = places(kiosk, "FULL-1")
    assert (s["taken"], s["site_allocation"], s["site_taken"]) == (10, 3, 3)
    # Beyond the allocation nothing can be honoured without overbooking: the waiting list.
    late = kiosk.push_one(booking_op("FULL-1", ["P-2-2"], "H-2", kiosk_state="confirmed"))
    assert state_of(late) == "waitlisted"
    assert late["booking"]["reason"]["code"] == "allocation_exhausted"
    assert centre.seat_problems() == []


def test_booking_confirmed_offline_before_the_start_is_honoured_after_it(centre, kiosk):
    made = local_now() - timedelta(days=2)
    result = kiosk.push_one(booking_op("PAST-1", ["P-1-1"], kiosk_state="confirmed", created_at=made))
    assert state_of(result) == "confirmed"
    too_late = kiosk.push_one(booking_op("PAST-1", ["P-1-2"], kiosk_state="confirmed"))
    assert state_of(too_late) == "refused"


def test_request_offer_stays_requested_until_the_centre_allocates(centre, kiosk):
    result = kiosk.push_one(booking_op("REQ-1", ["P-1-3"]))
    assert state_of(result) == "requested"
    code, _, _ = centre.cli("decide-request", result["booking"]["booking_id"], "confirmed")
    assert code == 0
    assert bookings_seen(kiosk)[result["booking"]["booking_id"]]["state"] == "confirmed"
    # Late places on a national stay, confirmed offline within the site's allocation: honoured.
    assert state_of(kiosk.push_one(booking_op("REQ-1", ["P-1-4"], kiosk_state="confirmed"))) == "confirmed"
    assert centre.seat_problems() == []


@pytest.mark.parametrize(
    "session_id, participants, household_id, code, words",
    [
        ("PAST-1", ["P-1-1"], "H-1", "session_past", ("passée", "over")),
        ("CONC-1", ["P-2-1"], "H-1", "participant_not_in_household", ("ne fait pas partie du foyer", "not a member")),
        ("COLO-1", ["P-1-3", "P-1-4"], "H-1", "age_limit", ("Tom Martin", "Tom Martin")),
        ("COLO-1", ["P-1-1"], "H-1", "age_limit", ("de 10 à 14 ans", "from 10 to 14 years old")),
    ],
)
def test_refusals_say_why_in_french_and_english(centre, kiosk, session_id, participants, household_id, code, words):
    for kiosk_state in ("requested", "confirmed"):
        result = kiosk.push_one(booking_op(session_id, participants, household_id, kiosk_state=kiosk_state))
        assert state_of(result) == "refused"
        reason = result["booking"]["reason"]
        assert reason["code"] == code
        assert words[0] in reason["fr"] and words[1] in reason["en"], reason
    assert centre.seat_problems() == []


@pytest.mark.parametrize(
    "session_id, household_id, code",
    [
        ("NOPE-1", "H-1", "session_unknown"),
        ("CONC-1", "H-404", "household_unknown"),
    ],
)
def test_a_booking_on_something_the_centre_does_not_know_is_rejected(centre, kiosk, session_id, household_id, code):
    op = booking_op(session_id, ["P-1-1"], household_id)
    result = kiosk.push_one(op)
    assert result["outcome"] == "rejected" and "booking" not in result
    assert result["reason"]["code"] == code and result["reason"]["fr"] and result["reason"]["en"]
    assert kiosk.push_one(op) == result
    assert not bookings_seen(kiosk)


def test_age_limit_admits_the_right_ages(centre, kiosk):
    assert state_of(kiosk.push_one(booking_op("COLO-1", ["P-1-3"]))) == "confirmed"  # Léa, 12


def test_a_participant_cannot_be_booked_twice_on_a_session(centre, kiosk):
    assert state_of(kiosk.push_one(booking_op("CONC-1", ["P-1-1", "P-1-3"]))) == "confirmed"
    again = kiosk.push_one(booking_op("CONC-1", ["P-1-2", "P-1-3"]))
    assert state_of(again) == "refused"
    assert again["booking"]["reason"]["code"] == "already_booked"
    assert "Léa Martin" in again["booking"]["reason"]["fr"]
    # Once cancelled, the person may book again.
    first = kiosk.push_one(booking_op("CONC-1", ["P-1-4"]))
    kiosk.push_one(cancel_op(first["booking"]["booking_id"]))
    assert state_of(kiosk.push_one(booking_op("CONC-1", ["P-1-4"]))) == "confirmed"


def test_cancel_before_the_deadline_gives_the_places_back(centre, kiosk):
    pool = kiosk.push_one(booking_op("CONC-1", ["P-1-1", "P-1-2"]))
    mine = kiosk.push_one(booking_op("CONC-1", ["P-1-3"], kiosk_state="confirmed"))
    s = places(kiosk, "CONC-1")
    assert (s["taken"], s["site_taken"]) == (3, 1)
    for booked in (pool, mine):
        cancelled = kiosk.push_one(cancel_op(booked["booking"]["booking_id"]))
        assert state_of(cancelled) == "cancelled"
    s = places(kiosk, "CONC-1")
    assert (s["taken"], s["site_allocation"], s["site_taken"]) == (0, 3, 0)
    # Cancelling a cancelled booking again is harmless.
    assert state_of(kiosk.push_one(cancel_op(pool["booking"]["booking_id"]))) == "cancelled"
    assert bookings_seen(kiosk)[pool["booking"]["booking_id"]]["state"] == "cancelled"
    assert centre.seat_problems() == []


def test_cancel_after_the_deadline_is_rejected_with_a_reason(centre, kiosk):
    booked = kiosk.push_one(booking_op("SOON-1", ["P-1-1"]))
    assert state_of(booked) == "confirmed"
    result = kiosk.push_one(cancel_op(booked["booking"]["booking_id"]))
    assert result["outcome"] == "rejected"
    assert result["reason"]["code"] == "cancel_deadline_passed"
    assert "2 jours" in result["reason"]["fr"] and "2 days" in result["reason"]["en"]
    assert places(kiosk, "SOON-1")["taken"] == 1


def test_cancel_made_offline_before_the_deadline_is_honoured(centre, kiosk):
    booked = kiosk.push_one(booking_op("SOON-1", ["P-1-1"], created_at=local_now() - timedelta(days=3)))
    assert state_of(booked) == "confirmed"
    # The session starts in 1 day and may be cancelled up to 2 days before: the deadline was yesterday.
    made = local_now() - timedelta(hours=36)
    assert state_of(kiosk.push_one(cancel_op(booked["booking"]["booking_id"], created_at=made))) == "cancelled"
    assert places(kiosk, "SOON-1")["taken"] == 0


def test_an_unbelievable_operation_time_is_judged_now(centre, kiosk):
    booked = kiosk.push_one(booking_op("SOON-1", ["P-1-1"]))
    made = local_now() - timedelta(days=40)  # older than any believable offline stay (a kiosk clock gone wrong)
    result = kiosk.push_one(cancel_op(booked["booking"]["booking_id"], created_at=made))
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "cancel_deadline_passed"
    future = kiosk.push_one(booking_op("PAST-1", ["P-1-2"], created_at=local_now() + timedelta(days=30)))
    assert state_of(future) == "refused"


def test_cancel_unknown_or_refused_booking_is_rejected(centre, kiosk):
    assert kiosk.push_one(cancel_op("00000000-0000-4000-8000-000000000000"))["reason"]["code"] == "booking_unknown"
    refused = kiosk.push_one(booking_op("PAST-1", ["P-1-1"]))
    result = kiosk.push_one(cancel_op(refused["booking"]["booking_id"]))
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "booking_not_cancellable"


def test_a_cancellation_confirms_the_waiting_list_in_order(centre, kiosk):
    first = kiosk.push_one(booking_op("DUO-1", ["P-1-1", "P-1-2"]))
    big = kiosk.push_one(booking_op("DUO-1", ["P-2-1", "P-2-2", "P-2-3"], "H-2"))
    small = kiosk.push_one(booking_op("DUO-1", ["P-1-3"]))
    assert [state_of(r) for r in (first, big, small)] == ["confirmed", "waitlisted", "waitlisted"]
    kiosk.push_one(cancel_op(first["booking"]["booking_id"]))
    seen = bookings_seen(kiosk)
    assert seen[big["booking"]["booking_id"]]["state"] == "waitlisted"  # 3 places wanted, 2 free
    assert seen[small["booking"]["booking_id"]]["state"] == "confirmed"
    assert places(kiosk, "DUO-1")["taken"] == 1
    centre.set_capacity("DUO-1", 4)
    assert bookings_seen(kiosk)[big["booking"]["booking_id"]]["state"] == "confirmed"
    assert centre.seat_problems() == []


def test_the_booking_is_recorded_as_the_kiosk_sent_it(centre, kiosk):
    op = booking_op("CONC-1", ["P-1-1"])
    kiosk.push_one(op)
    data = bookings_seen(kiosk)[op["payload"]["booking_id"]]
    assert data == {
        "booking_id": op["payload"]["booking_id"],
        "session_id": "CONC-1",
        "household_id": "H-1",
        "participants": ["P-1-1"],
        "state": "confirmed",
        "reason": None,
        "total_cents": 1100,
    }


def test_household_members_added_later_can_be_booked(centre, kiosk):
    family = household("H-3", [member("P-3-1", "Ana", years_ago(40), "ouvrant_droit")])
    centre.load_households([family])
    assert state_of(kiosk.push_one(booking_op("CONC-1", ["P-3-2"], "H-3"))) == "refused"
    family["members"].append(member("P-3-2", "Noé", years_ago(11)))
    centre.load_households([family])
    assert state_of(kiosk.push_one(booking_op("COLO-1", ["P-3-2"], "H-3"))) == "confirmed"
