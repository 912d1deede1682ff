"""Booking use cases: what it would cost, book, cancel, list a household's bookings.

Booking and cancelling take their actor (kiosk/services/actor.py) and write in one BEGIN IMMEDIATE
transaction that re-reads the session first, so two taps on the last allocated seat, even from
two connections at the same instant, are serialised: the second sees the seat gone. The SQL is
the store's (kiosk/store/bookings.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.booking import (
    Booking,
    BookingRefused,
    BookingState,
    Quote,
    check_cancellation,
    create_payload,
    decision_message,
    quote_booking,
)
from kiosk.domain.catalog import Offer, Session
from kiosk.domain.household import Household
from kiosk.i18n import Message
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.store import bookings as booking_store
from kiosk.store.catalog import load_offer
from kiosk.store.database import transaction
from kiosk.store.leases import give_back_expired
from kiosk.store.outbox import enqueue


# Bookings sent as protocol 2: "confirmed" means within this kiosk's lease (docs/sync-protocol.md).
class UnknownSession(BookingRefused):
    """The session is no longer in the offer."""


class SeatTopUp(Protocol):
    """Asks the centre for more lease seats while the person waits (the sync layer provides it)."""

    def online(self) -> bool:
        """Whether the last exchange with the centre went through (else the booking is a request)."""

    def ask(self, session_id: str, seats: int) -> bool:
        """One short call (2 s at most); what the centre granted is in the store when it returns."""


@dataclass(frozen=True)
class BookingNews:
    booking: Booking
    good: bool  # a place given (else: waiting, or turned down)
    message: Message  # read in the language of whoever is told


class BookingService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._acts = acts
        self._clock = clock
        self.top_up: SeatTopUp | None = None  # set by the sync layer once the kiosk is enrolled with a centre

    def can_ask_centre(self) -> bool:
        """Whether a booking this kiosk's lease cannot confirm may still be confirmed by the centre now."""
        return self.top_up is not None and self.top_up.online()

    def quote(
        self, offer_id: str, session_id: str, household: Household, participant_ids: list[str], waitlist: bool = False
    ) -> Quote:
        with transaction(self._db):  # an expired lease says so before the screen does
            give_back_expired(self._db, self._clock())
        offer, session = self._offer_and_session(offer_id, session_id, "error.booking.date_longer_offered")
        participants = [household.member(pid) for pid in participant_ids]
        return quote_booking(
            offer,
            session,
            household,
            [p for p in participants if p],
            booking_store.booked_person_ids(self._db, session_id),
            self._clock(),
            waitlist,
        )

    def book(
        self,
        actor: Actor,
        who: Identified,
        offer_id: str,
        session_id: str,
        participant_ids: list[str],
        waitlist: bool = False,
    ) -> Booking:
        """Check the rules against the session as it stands and write the booking with its operation.
        When this kiosk's lease lacks seats and the centre answers, it is asked for them first (2 s at
        most): without them the booking is a request. A waiting-list place is sent as a request: the
        centre confirms it or keeps it waiting. Raises BookingRefused (nothing written),
        StaffSessionExpired."""
        household = who.household
        if self.can_ask_centre() and not waitlist:
            try:
                short = self.quote(offer_id, session_id, household, participant_ids).lease_short
            except BookingRefused:
                short = 0  # the booking itself says why, below
            if short and self.top_up is not None:
                self.top_up.ask(session_id, short)
        # Durable: its voucher is printed next, and a power cut must not undo a booking on paper.
        with self._acts.write(actor, Action.BOOKING_CREATE, durable=True) as audit:
            now = self._clock()
            give_back_expired(self._db, now)
            offer, session = self._offer_and_session(offer_id, session_id)
            participants = [p for p in (household.member(pid) for pid in participant_ids) if p is not None]
            if len(participants) != len(participant_ids):
                raise BookingRefused("error.bookings.chosen_person_member_household")
            quote = quote_booking(
                offer,
                session,
                household,
                participants,
                booking_store.booked_person_ids(self._db, session_id),
                now,
                waitlist,
            )
            # Cannot fail under the write lock; never overbook if it somehow does.
            if quote.holds_site_seats and not booking_store.take_site_seats(self._db, session_id, len(participants)):
                raise BookingRefused("error.bookings.these_places_have_just")
            booking = Booking(
                booking_id=str(uuid.uuid4()),
                offer_id=offer_id,
                session_id=session_id,
                household_id=household.household_id,
                participants=tuple(participant_ids),
                tier=household.tier,
                total_cents=quote.total_cents,
                state=quote.state,
                holds_site_seats=quote.holds_site_seats,
                created_at=now,
            )
            booking_store.insert_booking(self._db, booking)
            enqueue(self._db, "booking.create", create_payload(booking, offer.version, quote.unit_cents), now)
            audit.say(
                who.person.person_id,
                booking.booking_id,
                {
                    "offer_id": offer_id,
                    "session_id": session_id,
                    "participants": len(participant_ids),
                    "state": booking.state.value,
                },
            )
        return booking

    def cancel(self, actor: Actor, who: Identified, booking_id: str) -> Booking:
        """Give the places back before the offer's deadline; raises BookingRefused, StaffSessionExpired."""
        with self._acts.write(actor, Action.BOOKING_CANCEL) as audit:
            now = self._clock()
            booking = booking_store.load_booking(self._db, booking_id)
            if booking is None or booking.household_id != who.household.household_id:
                raise BookingRefused("error.bookings.booking_found")
            offer, session = self._offer_and_session(booking.offer_id, booking.session_id)
            check_cancellation(booking, offer, session, now)
            if booking.holds_site_seats:
                booking_store.release_site_seats(self._db, booking.session_id, len(booking.participants))
            booking_store.mark_cancelled(self._db, booking_id)
            enqueue(self._db, "booking.cancel", {"booking_id": booking_id}, now)
            audit.say(who.person.person_id, booking_id, {"offer_id": booking.offer_id})
        return replace(booking, state=BookingState.CANCELLED, holds_site_seats=False)

    def take_news(self, household: Household) -> list[BookingNews]:
        """The centre's decisions on the household's bookings since the person was last told;
        each is given once (the person has been told when this returns)."""
        with transaction(self._db):
            decided = booking_store.untold_decisions(self._db, household.household_id)
            booking_store.mark_told(self._db, decided)
        news = []
        for booking in decided:
            offer = load_offer(self._db, booking.offer_id)
            reason = booking.reason if booking.reason_fr else None
            told = decision_message(booking.state, offer.title if offer else "?", reason)
            news.append(BookingNews(booking, booking.state == BookingState.CONFIRMED, told))
        return news

    def bookings(self, household: Household) -> list[Booking]:
        return booking_store.household_bookings(self._db, household.household_id)

    def booking(self, booking_id: str) -> Booking | None:
        return booking_store.load_booking(self._db, booking_id)

    def _offer_and_session(
        self, offer_id: str, session_id: str, message: str = "error.bookings.date_longer_offered_go"
    ) -> tuple[Offer, Session]:
        offer = load_offer(self._db, offer_id)
        session = offer.session(session_id) if offer else None
        if offer is None or session is None:
            raise UnknownSession(message)
        return offer, session
