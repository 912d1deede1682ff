"""Booking a place: who may, at what price, and whether the kiosk can confirm it at once.

The kiosk confirms a booking offline only inside the seats the centre set aside for
this site; anything else is recorded as a request the centre decides. These are
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


@dataclass(frozen=True)
class Quote:
    unit_cents: int
    total_cents: int
    state: BookingState  # what the booking will be if made now
    holds_site_seats: bool


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
        raise BookingRefused("Choisissez au moins une personne.", "Choose at least one person.")
    if len(participants) > MAX_PARTICIPANTS:
        raise BookingRefused(
            f"Une réservation compte {MAX_PARTICIPANTS} personnes au plus : faites-en deux.",
            f"A booking holds at most {MAX_PARTICIPANTS} people: make two.",
        )
    if session.has_started(now):
        raise BookingRefused(
            "Cette date est passée : choisissez une autre date.",
            "This date has passed: choose another date.",
        )
    for person in participants:
        if household.member(person.person_id) is None:
            raise BookingRefused(
                f"{person.first_name} ne fait pas partie de ce foyer.",
                f"{person.first_name} is not a member of this household.",
            )
        if person.person_id in already_booked:
            raise BookingRefused(
                f"{person.first_name} a déjà une place à cette date.",
                f"{person.first_name} already has a place on this date.",
            )
        _check_age(offer, session, person)
    seats = len(participants)
    if offer.booking_mode == BookingMode.REQUEST:
        state, holds = BookingState.REQUESTED, False
    elif session.remaining < seats and waitlist:
        state, holds = BookingState.WAITLISTED, False
    elif session.remaining < seats:
        raise BookingRefused(
            "Il n'y a plus assez de places à cette date." if session.remaining else "Cette date est complète.",
            "There are not enough places left on this date." if session.remaining else "This date is full.",
        )
    elif session.site_remaining >= seats:
        state, holds = BookingState.CONFIRMED, True
    else:
        state, holds = BookingState.REQUESTED, False
    unit = offer.price_for_tier(household.tier)
    return Quote(unit_cents=unit, total_cents=unit * seats, state=state, holds_site_seats=holds)


def _check_age(offer: Offer, session: Session, person: Person) -> None:
    age = person.age_on(session.start.date())
    if offer.age_min is not None and age < offer.age_min:
        raise BookingRefused(
            f"{person.first_name} aura {age} ans : cette activité est à partir de {offer.age_min} ans.",
            f"{person.first_name} will be {age}: this activity is from age {offer.age_min}.",
        )
    if offer.age_max is not None and age > offer.age_max:
        raise BookingRefused(
            f"{person.first_name} aura {age} ans : cette activité est jusqu'à {offer.age_max} ans.",
            f"{person.first_name} will be {age}: this activity is up to age {offer.age_max}.",
        )


def cancellation_deadline(offer: Offer, session: Session) -> datetime:
    return session.start - timedelta(days=offer.cancel_days_before)


def cancellation_open(offer: Offer, session: Session, now: datetime) -> bool:
    """Whether a booking of this session can still be cancelled at the kiosk."""
    return now < cancellation_deadline(offer, session)


def check_cancellation(booking: Booking, offer: Offer, session: Session, now: datetime) -> None:
    if booking.state not in ACTIVE_STATES:
        raise BookingRefused("Cette réservation ne peut plus être annulée.", "This booking can no longer be cancelled.")
    if not cancellation_open(offer, session, now):
        raise BookingRefused(
            "Le délai d'annulation est passé. Adressez-vous au correspondant SLVie.",
            "The cancellation deadline has passed. Ask the SLVie correspondent.",
        )


def decision_message(state: BookingState, title: str, reason_fr: str = "", reason_en: str = "") -> tuple[str, str]:
    """What the person is told, in French and English, of the centre's decision on a booking."""
    if state == BookingState.CONFIRMED:
        return (f"Votre place pour « {title} » est confirmée. Votre bon est dans « Mes réservations ».",
                f"Your place for \"{title}\" is confirmed. Your voucher is in \"My bookings\".")
    if state == BookingState.WAITLISTED:
        return (f"« {title} » : vous êtes sur la liste d'attente. Nous vous dirons si une place se libère.",
                f"\"{title}\": you are on the waiting list. We will tell you if a place frees up.")
    return (f"« {title} » : votre demande n'a pas pu être acceptée. {reason_fr}".strip(),
            f"\"{title}\": your request could not be accepted. {reason_en}".strip())
