"""Booking use cases: what it would cost, book, cancel, list a household's bookings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlite_utils

from kiosk.domain.booking import Booking, BookingRefused, BookingState, Quote, decision_message, quote_booking
from kiosk.domain.household import Household
from kiosk.i18n import Said
from kiosk.store import bookings as booking_store
from kiosk.store.catalog import load_offer
from kiosk.store.database import transaction
from kiosk.store.leases import give_back_expired


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
    message_fr: str
    message_en: str


class BookingService:
    def __init__(
        self, db: sqlite_utils.Database, clock: Callable[[], datetime] = datetime.now, top_up: SeatTopUp | None = None
    ):
        self._db = db
        self._clock = clock
        self.top_up = top_up  # set once the kiosk is enrolled with a centre

    def can_ask_centre(self) -> bool:
        """Whether a booking this kiosk's lease cannot confirm may still be confirmed by the centre now."""
        return self.top_up is not None and self.top_up.online()

    def quote(
        self, offer_id: str, session_id: str, household: Household, participant_ids: list[str], waitlist: bool = False
    ) -> Quote:
        with transaction(self._db):  # an expired lease says so before the screen does
            give_back_expired(self._db, self._clock())
        offer = load_offer(self._db, offer_id)
        session = next((s for s in offer.sessions if s.id == session_id), None) if offer else None
        if offer is None or session is None:
            raise BookingRefused("error.booking.date_longer_offered")
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
        self, offer_id: str, session_id: str, household: Household, participant_ids: list[str], waitlist: bool = False
    ) -> Booking:
        """Book; when this kiosk's lease lacks seats and the centre answers, it is asked for them first
        (2 s at most): without them the booking is a request."""
        if self.can_ask_centre() and not waitlist:
            try:
                short = self.quote(offer_id, session_id, household, participant_ids).lease_short
            except BookingRefused:
                short = 0  # the booking itself says why, below
            if short and self.top_up is not None:
                self.top_up.ask(session_id, short)
        return booking_store.create_booking(
            self._db, offer_id, session_id, household, participant_ids, self._clock(), waitlist
        )

    def cancel(self, booking_id: str, household: Household) -> Booking:
        return booking_store.cancel_booking(self._db, booking_id, household.household_id, self._clock())

    def take_news(self, household: Household) -> list[BookingNews]:
        """The centre's decisions on the household's bookings since the person was last told;
        each is given once (the person has been told when this returns)."""
        with transaction(self._db):
            decided = booking_store.untold_decisions(self._db, household.household_id)
            booking_store.mark_told(self._db, decided)
        news = []
        for booking in decided:
            offer = load_offer(self._db, booking.offer_id)
            reason = Said(booking.reason_fr, booking.reason_en) if booking.reason_fr else None
            told = decision_message(booking.state, offer.title if offer else "?", reason)
            news.append(
                BookingNews(booking, booking.state == BookingState.CONFIRMED, told.message("fr"), told.message("en"))
            )
        return news

    def bookings(self, household: Household) -> list[Booking]:
        return booking_store.household_bookings(self._db, household.household_id)

    def booking(self, booking_id: str) -> Booking | None:
        return booking_store.load_booking(self._db, booking_id)
