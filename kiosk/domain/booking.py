"""Booking a place: who may, at what price, and whether the kiosk can confirm it at once.

The kiosk confirms a booking offline only inside its lease, the seats the centre set aside
for this kiosk (its share of its site's); anything else is recorded as a request the centre
decides. These are
plain functions over the offer, the session and the household, so the store can
apply them inside the transaction that takes the seats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.domain.catalog import BookingMode, Offer, Session
from kiosk.domain.household import Household, Person
from kiosk.errors import KioskError
from kiosk.i18n import Message, Said, Text


class BookingState(StrEnum):
    CONFIRMED = "confirmed"
    REQUESTED = "requested"  # recorded; the centre will confirm, waitlist or refuse it
    WAITLISTED = "waitlisted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


# The centre takes at most this many participants in one booking (sync/wire.py).
MAX_PARTICIPANTS = 20
ACTIVE_STATES = frozenset({BookingState.CONFIRMED, BookingState.REQUESTED, BookingState.WAITLISTED})


class BookingRefused(KioskError):
    """The booking breaks a rule; nothing was written."""


@dataclass(frozen=True)
class Booking:
    booking_id: str
    offer_id: str
    session_id: str
    household_id: str
    participants: tuple[str, ...]  # person ids
    tier: int
    total_cents: int
    state: BookingState
    holds_site_seats: bool  # confirmed inside this site's allocation
    created_at: datetime
    reason_fr: str = ""
    reason_en: str = ""

    @property
    def reason(self) -> Said:
        """Why the centre decided so, in the words it sent in French and English (empty when it gave none)."""
        return Said(self.reason_fr, self.reason_en)


@dataclass(frozen=True)
class Quote:
    unit_cents: int
    total_cents: int
    state: BookingState  # what the booking will be if made now
    holds_site_seats: bool  # confirmed within this kiosk's lease (its share of the site's seats)
    lease_short: int = 0  # seats this kiosk's lease lacks for a confirmation the centre may still give online


def quote_booking(
    offer: Offer,
    session: Session,
    household: Household,
    participants: list[Person],
    already_booked: set[str],
    now: datetime,
    waitlist: bool = False,
) -> Quote:
    """Check every rule and say what booking these participants would give; raises BookingRefused.

    With `waitlist`, a date without enough places left gives a place on its waiting list (the
    centre confirms it if places free up) instead of a refusal."""
    if not participants:
        raise BookingRefused("error.booking.choose_at_least_one")
    if len(participants) > MAX_PARTICIPANTS:
        raise BookingRefused("error.booking.booking_holds_at_most", max_participants=MAX_PARTICIPANTS)
    if session.has_started(now):
        raise BookingRefused("error.booking.date_has_passed_choose")
    for person in participants:
        if household.member(person.person_id) is None:
            raise BookingRefused("error.booking.member_household", first_name=person.first_name)
        if person.person_id in already_booked:
            raise BookingRefused("error.booking.already_has_place_on", first_name=person.first_name)
        _check_age(offer, session, person)
    seats = len(participants)
    if offer.booking_mode == BookingMode.REQUEST:
        state, holds = BookingState.REQUESTED, False
    elif session.remaining < seats and waitlist:
        state, holds = BookingState.WAITLISTED, False
    elif session.remaining < seats:
        raise BookingRefused("error.booking.not_enough_places" if session.remaining else "error.booking.date_full")
    elif session.site_remaining >= seats:
        state, holds = BookingState.CONFIRMED, True
    else:
        state, holds = BookingState.REQUESTED, False
    short = (
        seats - session.site_remaining
        if state == BookingState.REQUESTED and offer.booking_mode == BookingMode.DIRECT
        else 0
    )
    unit = offer.price_for_tier(household.tier)
    return Quote(unit_cents=unit, total_cents=unit * seats, state=state, holds_site_seats=holds, lease_short=short)


def _check_age(offer: Offer, session: Session, person: Person) -> None:
    age = person.age_on(session.start.date())
    if offer.age_min is not None and age < offer.age_min:
        raise BookingRefused(
            "error.booking.will_activity_from_age",
            first_name=person.first_name,
            age=age,
            age_min=offer.age_min,
        )
    if offer.age_max is not None and age > offer.age_max:
        raise BookingRefused(
            "error.booking.will_activity_up_age",
            first_name=person.first_name,
            age=age,
            age_max=offer.age_max,
        )


def cancellation_deadline(offer: Offer, session: Session) -> datetime:
    return session.start - timedelta(days=offer.cancel_days_before)


def cancellation_open(offer: Offer, session: Session, now: datetime) -> bool:
    """Whether a booking of this session can still be cancelled at the kiosk."""
    return now < cancellation_deadline(offer, session)


def check_cancellation(booking: Booking, offer: Offer, session: Session, now: datetime) -> None:
    if booking.state not in ACTIVE_STATES:
        raise BookingRefused("error.booking.booking_can_longer_cancelled")
    if not cancellation_open(offer, session, now):
        raise BookingRefused("error.booking.cancellation_deadline_has_passed")


def decision_message(state: BookingState, title: str, reason: Message | None = None) -> Text:
    """What the person is told of the centre's decision on a booking (with the centre's reason, if any)."""
    if state == BookingState.CONFIRMED:
        return Text("booking.decision.confirmed", title=title)
    if state == BookingState.WAITLISTED:
        return Text("booking.decision.waitlisted", title=title)
    if reason is None:
        return Text("booking.decision.refused", title=title)
    return Text("booking.decision.refused_because", title=title, reason=reason)


PROTOCOL = 2  # seat leases (docs/sync-protocol.md)


def create_payload(booking: Booking, offer_version: int, unit_cents: int) -> dict[str, object]:
    """The `booking.create` operation's payload (docs/sync-protocol.md), with the prices' version and
    the unit price the person was shown, for the centre to re-price."""
    return {
        "booking_id": booking.booking_id,
        "session_id": booking.session_id,
        "household_id": booking.household_id,
        "participants": list(booking.participants),
        "tier": booking.tier,
        "total_cents": booking.total_cents,
        "kiosk_state": "confirmed" if booking.state == BookingState.CONFIRMED else "requested",
        "protocol": PROTOCOL,
        "offer_version": offer_version,
        "unit_cents": unit_cents,
    }
