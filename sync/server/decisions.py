"""The centre's booking rules, as plain functions over plain data (no SQL, no HTTP).

Seats of a session are counted in three parts:
- `allocated`: seats set aside for sites (the sum of their allocations), used or not;
- `outside_taken`: places confirmed outside any allocation (the central pool);
- what is left, `pool_free`, is the central pool anyone may get.
The invariant, kept by every function here, is `allocated + outside_taken <= capacity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.i18n import Text
from sync.server import reasons
from sync.server.reasons import Reason

CONFIRMED, WAITLISTED, REQUESTED, REFUSED, CANCELLED = "confirmed", "waitlisted", "requested", "refused", "cancelled"
ACTIVE_STATES = (CONFIRMED, WAITLISTED, REQUESTED)
# How far back an operation's own time is believed (a kiosk may stay offline for a week or more).
MAX_OFFLINE = timedelta(days=31)


@dataclass(frozen=True)
class SessionFacts:
    session_id: str
    offer_id: str
    start: datetime
    capacity: int
    outside_taken: int
    allocated: int
    booking_mode: str  # "direct" | "request"
    withdrawn: bool
    age_min: int | None
    age_max: int | None
    cancel_days_before: int

    @property
    def pool_free(self) -> int:
        return max(self.capacity - self.allocated - self.outside_taken, 0)


@dataclass(frozen=True)
class SiteSeats:
    """One site's allocation on one session (all zero when it has none)."""

    seats: int = 0
    used: int = 0  # used by bookings, or held in its kiosks' leases: not free for the site
    released: bool = False

    @property
    def free(self) -> int:
        return 0 if self.released else max(self.seats - self.used, 0)


@dataclass(frozen=True)
class Member:
    person_id: str
    first_name: str
    last_name: str
    birth_date: date

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Decision:
    state: str
    reason: Reason | None = None
    alloc_seats: int = 0  # seats taken from the booking site's allocation (outside any lease)
    pool_seats: int = 0  # seats taken from the central pool
    lease_seats: int = 0  # seats taken from the booking kiosk's lease


def acted_at(created_at: datetime, now: datetime) -> datetime:
    """When the person acted: the operation's own time, unless the kiosk's clock cannot be right.

    A booking confirmed offline before the session (or a cancellation made before
    the deadline) is judged at that moment, even if it reaches the centre later.
    """
    return created_at if now - MAX_OFFLINE <= created_at <= now else now


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def decide_booking(
    kiosk_state: str,
    participants: list[str],
    session: SessionFacts | None,
    site: SiteSeats,
    members: dict[str, Member] | None,
    already_booked: set[str],
    when: datetime,
    lease_free: int,
    lease_first: bool,
) -> Decision:
    """Confirm, waitlist, leave as a request or refuse one booking; never more places than exist.

    A booking the kiosk confirmed offline was confirmed inside its lease (`lease_first`, protocol 2:
    `lease_free` is what the lease holds unused) or, under the old rules, inside the site's
    allocation (then the site's free seats come first, then the kiosk's own lease)."""
    refusal = _refusal(participants, session, members, already_booked, when)
    if refusal is not None:
        return Decision(REFUSED, refusal)
    assert session is not None
    wanted = len(participants)
    if kiosk_state == CONFIRMED:
        # Those seats were set aside for this kiosk (or its site); what they cannot hold comes from the pool.
        if lease_first:
            from_lease = wanted if lease_free >= wanted else 0
            from_site = min(wanted - from_lease, site.free)
        else:
            from_site = min(wanted, site.free)
            from_lease = min(wanted - from_site, lease_free)
        rest = wanted - from_lease - from_site
        if rest <= session.pool_free:
            return Decision(CONFIRMED, None, from_site, rest, from_lease)
        if session.booking_mode == "request":
            return Decision(REQUESTED, reasons.allocation_exhausted())
        return Decision(WAITLISTED, reasons.allocation_exhausted())
    if session.booking_mode == "request":
        return Decision(REQUESTED)
    if wanted <= session.pool_free:
        return Decision(CONFIRMED, None, 0, wanted)
    return Decision(WAITLISTED, reasons.waitlisted_full())


def _refusal(
    participants: list[str],
    session: SessionFacts | None,
    members: dict[str, Member] | None,
    already_booked: set[str],
    when: datetime,
) -> Reason | None:
    if session is None:
        return reasons.session_unknown()
    if session.withdrawn:
        return reasons.offer_withdrawn()
    if session.start <= when:
        return reasons.session_past()
    if members is None:
        return reasons.household_unknown()
    for person_id in participants:
        if person_id not in members:
            return reasons.not_in_household(person_id)
    for person_id in participants:
        if person_id in already_booked:
            return reasons.already_booked(members[person_id].name)
    for person_id in participants:
        age = age_on(members[person_id].birth_date, session.start.date())
        too_young = session.age_min is not None and age < session.age_min
        too_old = session.age_max is not None and age > session.age_max
        if too_young or too_old:
            return reasons.age_limit(members[person_id].name, session.age_min, session.age_max)
    return None


def cancel_refusal(state: str, session: SessionFacts | None, when: datetime) -> Reason | None:
    """Why a booking cannot be cancelled, or None. Leaving a waiting list or a request is always allowed."""
    if state == REFUSED:
        return reasons.booking_not_cancellable()
    if state == CONFIRMED and session is not None:
        deadline = session.start - timedelta(days=session.cancel_days_before)
        if when > deadline:
            return reasons.cancel_deadline(session.cancel_days_before)
    return None


def promotions(pool_free: int, waiting: list[tuple[str, int]]) -> list[str]:
    """Waitlisted bookings (oldest first, with their sizes) that the free pool now confirms.

    A booking too big for what is left is passed over, not allowed to block smaller ones behind it.
    """
    chosen = []
    for booking_id, size in waiting:
        if size <= pool_free:
            chosen.append(booking_id)
            pool_free -= size
    return chosen


def allocation_problem(capacity: int, outside_taken: int, other_sites: int, seats: int, used: int) -> Text | None:
    """Why a site's allocation cannot be set to `seats`, or None."""
    if seats < used:
        return Text("seats.allocation_below_used", used=used, seats=seats)
    if other_sites + seats + outside_taken > capacity:
        most = capacity - other_sites - outside_taken
        return Text(
            "seats.allocation_above_capacity",
            capacity=capacity,
            outside_taken=outside_taken,
            other_sites=other_sites,
            most=max(most, used),
        )
    return None


def capacity_problem(capacity: int, allocated: int, outside_taken: int) -> Text | None:
    """Why a session's capacity cannot become `capacity`, or None."""
    if allocated + outside_taken > capacity:
        return Text(
            "seats.capacity_below_taken",
            allocated=allocated,
            outside_taken=outside_taken,
            least=allocated + outside_taken,
        )
    return None
