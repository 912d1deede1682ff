"""The centre's booking rules on their own: what it confirms, waitlists, refuses and lets be cancelled.

Each case is one the centre meets when a kiosk's operation reaches it (see test_bookings.py and
test_leases.py for the same rules through the API); here every boundary is tried, one seat or one
day either side.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from sync.server import decisions
from sync.server.decisions import (
    ACTIVE_STATES,
    Decision,
    Member,
    SessionFacts,
    SiteSeats,
    acted_at,
    allocation_problem,
    cancel_refusal,
    capacity_problem,
    decide_booking,
    promotions,
)

# The states as kiosks send and receive them (docs/sync-protocol.md), written out rather than imported.
CONFIRMED, WAITLISTED, REQUESTED, REFUSED = "confirmed", "waitlisted", "requested", "refused"
NOW = datetime(2026, 12, 2, 10, 0)
START = datetime(2026, 12, 20, 14, 0)
FAMILY = {
    "P-1": Member("P-1", "Claire", "Martin", date(1985, 3, 4)),
    "P-2": Member("P-2", "Paul", "Martin", date(1983, 7, 9)),
    "P-3": Member("P-3", "Léa", "Martin", date(2016, 12, 20)),  # 10 on the session's first day
}


def facts(
    capacity: int = 10,
    outside_taken: int = 0,
    allocated: int = 0,
    booking_mode: str = "direct",
    withdrawn: bool = False,
    age_min: int | None = None,
    age_max: int | None = None,
    start: datetime = START,
) -> SessionFacts:
    return SessionFacts(
        "S-1", "O-1", start, capacity, outside_taken, allocated, booking_mode, withdrawn, age_min, age_max, 3
    )


def decide(
    participants: list[str],
    session: SessionFacts | None = None,
    *,
    kiosk_state: str = "pending",
    site: SiteSeats | None = None,
    members: dict[str, Member] | None = FAMILY,
    already_booked: frozenset[str] = frozenset(),
    when: datetime = NOW,
    lease_free: int = 0,
    lease_first: bool = False,
) -> Decision:
    return decide_booking(
        kiosk_state,
        participants,
        facts() if session is None else session,
        SiteSeats() if site is None else site,
        members,
        set(already_booked),
        when,
        lease_free,
        lease_first,
    )


def code(decision: Decision) -> str | None:
    return None if decision.reason is None else decision.reason["code"]


# --- when the person acted ---------------------------------------------------------------------


def test_an_operation_made_offline_is_judged_at_its_own_time_up_to_31_days_back():
    assert acted_at(NOW, NOW) == NOW
    assert acted_at(NOW - timedelta(days=31), NOW) == NOW - timedelta(days=31)
    assert acted_at(NOW - timedelta(days=31, seconds=1), NOW) == NOW


def test_an_operation_dated_in_the_future_is_judged_now():
    assert acted_at(NOW + timedelta(seconds=1), NOW) == NOW


# --- refusals ----------------------------------------------------------------------------------


def test_an_unknown_session_is_refused():
    decision = decide_booking("pending", ["P-1"], None, SiteSeats(), FAMILY, set(), NOW, 0, lease_first=True)
    assert (decision.state, code(decision)) == (REFUSED, "session_unknown")


def test_a_withdrawn_offer_is_refused():
    decision = decide(["P-1"], facts(withdrawn=True))
    assert (decision.state, code(decision)) == (REFUSED, "offer_withdrawn")


def test_a_session_is_bookable_until_it_starts_not_at_its_start():
    assert decide(["P-1"], when=START - timedelta(minutes=1)).state == CONFIRMED
    decision = decide(["P-1"], when=START)
    assert (decision.state, code(decision)) == (REFUSED, "session_past")


def test_an_unknown_household_and_a_stranger_are_refused():
    assert code(decide(["P-1"], members=None)) == "household_unknown"
    decision = decide(["P-1", "P-9"])
    assert (decision.state, code(decision)) == (REFUSED, "participant_not_in_household")
    assert decision.reason is not None and "P-9" in decision.reason["en"]


def test_someone_already_booked_is_refused_by_name():
    decision = decide(["P-1", "P-2"], already_booked=frozenset({"P-2"}))
    assert (decision.state, code(decision)) == (REFUSED, "already_booked")
    assert decision.reason is not None
    assert decision.reason["en"] == "Paul Martin already has a place or a request on this session."


@pytest.mark.parametrize(
    ("age_min", "age_max", "allowed"),
    [
        (10, None, True),  # Léa turns 10 on the first day
        (11, None, False),
        (None, 10, True),
        (None, 9, False),
        (10, 10, True),
    ],
)
def test_age_limits_are_judged_on_the_sessions_first_day(age_min, age_max, allowed):
    decision = decide(["P-3"], facts(age_min=age_min, age_max=age_max))
    if allowed:
        assert decision.state == CONFIRMED
    else:
        assert (decision.state, code(decision)) == (REFUSED, "age_limit")
        assert decision.reason is not None and "Léa Martin" in decision.reason["en"]


def test_the_day_before_a_birthday_the_person_is_still_younger():
    assert decide(["P-3"], facts(age_min=10, start=START - timedelta(days=1))).state == REFUSED


def test_only_the_participant_outside_the_limits_is_named():
    decision = decide(["P-1", "P-3"], facts(age_max=17))
    assert decision.reason is not None and "Claire Martin" in decision.reason["en"]


# --- a booking the kiosk sent as pending ---------------------------------------------------------


def test_a_pending_booking_takes_the_central_pool_up_to_its_last_seat():
    session = facts(capacity=10, outside_taken=5, allocated=3)  # 2 seats left in the pool
    assert decide(["P-1", "P-2"], session) == Decision(CONFIRMED, None, 0, 2, 0)
    decision = decide(["P-1", "P-2", "P-3"], session)
    assert (decision.state, code(decision), decision.pool_seats) == (WAITLISTED, "waitlisted_full", 0)


def test_a_request_session_leaves_the_booking_as_a_request_for_the_centre_to_decide():
    decision = decide(["P-1"], facts(booking_mode="request"))
    assert decision == Decision(REQUESTED) and decision.reason is None  # no reason to show: nothing went wrong


def test_confirmed_waitlisted_and_requested_bookings_hold_or_claim_a_place():
    assert set(ACTIVE_STATES) == {CONFIRMED, WAITLISTED, REQUESTED}
    assert decisions.CANCELLED == "cancelled"  # the state a cancelled booking is sent back to kiosks in


# --- a booking the kiosk confirmed offline -------------------------------------------------------


def test_a_confirmed_booking_within_its_lease_takes_the_lease_first():
    decision = decide(["P-1", "P-2"], kiosk_state=CONFIRMED, lease_first=True, lease_free=2, site=SiteSeats(5, 0))
    assert decision == Decision(CONFIRMED, None, 0, 0, 2)


def test_a_lease_too_small_for_the_whole_booking_is_not_split():
    decision = decide(["P-1", "P-2"], kiosk_state=CONFIRMED, lease_first=True, lease_free=1, site=SiteSeats(5, 4))
    assert decision == Decision(CONFIRMED, None, 1, 1, 0)


def test_a_confirmed_booking_under_the_old_rules_takes_the_site_then_the_lease_then_the_pool():
    decision = decide(
        ["P-1", "P-2", "P-3"],
        facts(capacity=10, allocated=9),
        kiosk_state=CONFIRMED,
        site=SiteSeats(5, 4),
        lease_free=1,
    )
    assert decision == Decision(CONFIRMED, None, 1, 1, 1)
    roomy_lease = decide(["P-1", "P-2"], kiosk_state=CONFIRMED, site=SiteSeats(5, 4), lease_free=5)
    assert roomy_lease == Decision(CONFIRMED, None, 1, 0, 1)  # the lease gives only what the site could not


def test_a_confirmed_booking_beyond_every_seat_set_aside_is_waitlisted_or_left_as_a_request():
    full = facts(capacity=4, allocated=4)
    decision = decide(["P-1", "P-2"], full, kiosk_state=CONFIRMED, site=SiteSeats(4, 3))
    assert (decision.state, code(decision)) == (WAITLISTED, "allocation_exhausted")
    assert (decision.alloc_seats, decision.pool_seats, decision.lease_seats) == (0, 0, 0)
    asked = facts(capacity=4, allocated=4, booking_mode="request")
    decision = decide(["P-1", "P-2"], asked, kiosk_state=CONFIRMED, site=SiteSeats(4, 3))
    assert (decision.state, code(decision)) == (REQUESTED, "allocation_exhausted")


def test_a_site_without_allocation_has_no_free_seat_and_a_released_one_neither():
    assert SiteSeats().free == 0
    assert SiteSeats(5).free == 5
    decision = decide(["P-1"], facts(capacity=1, allocated=1), kiosk_state=CONFIRMED, site=SiteSeats())
    assert decision.state == WAITLISTED
    assert SiteSeats(5, 1).free == 4
    assert SiteSeats(5, 7).free == 0
    assert SiteSeats(5, 1, released=True).free == 0


def test_the_pool_is_never_negative():
    assert facts(capacity=10, outside_taken=3, allocated=4).pool_free == 3
    assert facts(capacity=4, outside_taken=3, allocated=4).pool_free == 0


# --- cancelling ----------------------------------------------------------------------------------


def test_a_confirmed_place_can_be_cancelled_until_the_deadline_itself():
    deadline = START - timedelta(days=3)
    assert cancel_refusal(CONFIRMED, facts(), deadline) is None
    late = cancel_refusal(CONFIRMED, facts(), deadline + timedelta(seconds=1))
    assert late is not None and late["code"] == "cancel_deadline_passed"
    assert late["en"] == "It is too late to cancel: cancelling was possible up to 3 days before the start."


def test_leaving_a_waiting_list_or_a_request_is_always_allowed_but_a_refusal_is_not_cancellable():
    after_start = START + timedelta(days=1)
    assert cancel_refusal(WAITLISTED, facts(), after_start) is None
    assert cancel_refusal(REQUESTED, facts(), after_start) is None
    assert cancel_refusal(CONFIRMED, None, after_start) is None
    refused = cancel_refusal(REFUSED, facts(), NOW)
    assert refused is not None and refused["code"] == "booking_not_cancellable"


# --- the waiting list ------------------------------------------------------------------------------


def test_freed_seats_go_to_the_oldest_waiting_bookings_that_fit():
    waiting = [("B-1", 3), ("B-2", 1), ("B-3", 2), ("B-4", 1)]
    assert promotions(3, waiting) == ["B-1"]
    assert promotions(2, waiting) == ["B-2", "B-4"]
    assert promotions(4, waiting) == ["B-1", "B-2"]
    assert promotions(0, waiting) == []


# --- seats set by the centre's administrators ---------------------------------------------------------


def test_an_allocation_cannot_go_below_what_the_site_used():
    assert allocation_problem(capacity=10, outside_taken=0, other_sites=0, seats=3, used=3) is None
    problem = allocation_problem(capacity=10, outside_taken=0, other_sites=0, seats=2, used=3)
    assert problem is not None and problem.key == "seats.allocation_below_used"
    assert problem.values == {"used": 3, "seats": 2}


def test_an_allocation_cannot_go_beyond_the_sessions_capacity():
    assert allocation_problem(capacity=10, outside_taken=2, other_sites=3, seats=5, used=0) is None
    problem = allocation_problem(capacity=10, outside_taken=2, other_sites=3, seats=6, used=1)
    assert problem is not None and problem.key == "seats.allocation_above_capacity"
    assert problem.values == {"capacity": 10, "outside_taken": 2, "other_sites": 3, "most": 5}
    crowded = allocation_problem(capacity=10, outside_taken=4, other_sites=5, seats=3, used=2)
    assert crowded is not None and crowded.values["most"] == 2


def test_a_capacity_cannot_go_below_the_seats_set_aside_and_taken():
    assert capacity_problem(capacity=7, allocated=4, outside_taken=3) is None
    problem = capacity_problem(capacity=6, allocated=4, outside_taken=3)
    assert problem is not None and problem.key == "seats.capacity_below_taken"
    assert problem.values == {"allocated": 4, "outside_taken": 3, "least": 7}
