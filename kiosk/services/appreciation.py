"""Appreciation use cases: what a person may appreciate, giving it, an offer's published appreciation, the news.

Giving an appreciation writes it with its `appreciation.create` operation
(docs/sync-protocol.md) and, when a correspondent guides the person, its audit entry, in
one transaction. It works offline; the centre's moderation of the comment comes back with
a pull to every kiosk of the site and is told to the author once, on their next
identification at any of them. An appreciation the centre does not take (given already at
another kiosk while both were offline) is told the same way, with the centre's reason.

Invitations: each past activity is brought up once per person, in the banner of the first
identification after it ended (here); whatever they do then (answer, close the banner, or
nothing), it is not brought up again, and waits in « Donner mon avis » for APPRECIATION_WINDOW.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.appreciation import (
    APPRECIATION_WINDOW,
    Appreciation,
    AppreciationError,
    Moderation,
    OfferAppreciation,
    check_ratings,
    clean_comment,
    new_appreciation_id,
    parse_offer_appreciation,
)
from kiosk.domain.audit import Action
from kiosk.domain.booking import Booking, BookingState
from kiosk.domain.document import DocumentReader
from kiosk.i18n import Message, Text
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.store import bookings as booking_store
from kiosk.store import participation as store
from kiosk.store.catalog import load_offer
from kiosk.store.database import transaction
from kiosk.store.outbox import enqueue

# An activity is offered for appreciation for this long after it ended.


@dataclass(frozen=True)
class ToAppreciate:
    booking: Booking
    title: str
    ended: datetime


@dataclass(frozen=True)
class AppreciationNews:
    message: Message  # read in the language of whoever is told
    good: bool


class Appreciations:
    def __init__(
        self,
        db: sqlite_utils.Database,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._acts = acts
        self._clock = clock

    def to_appreciate(self, identified: Identified) -> list[ToAppreciate]:
        """The person's activities that have taken place and are not appreciated yet, the latest first."""
        now = self._clock()
        done = store.appreciated_bookings(self._db, identified.household.household_id)
        found = []
        for booking in booking_store.household_bookings(self._db, identified.household.household_id):
            if (
                booking.state is not BookingState.CONFIRMED
                or booking.booking_id in done
                or identified.person.person_id not in booking.participants
            ):
                continue
            offer = load_offer(self._db, booking.offer_id)
            session = offer.session(booking.session_id) if offer else None
            if offer is None or session is None or not session.end <= now <= session.end + APPRECIATION_WINDOW:
                continue
            found.append(ToAppreciate(booking, offer.title, session.end))
        return sorted(found, key=lambda item: item.ended, reverse=True)

    def give(
        self,
        actor: Actor,
        booking_id: str,
        identified: Identified,
        ratings: Mapping[str, object],
        phrases: list[int],
        typed: str,
        language: str = "fr",
    ) -> Appreciation:
        """Keep the person's appreciation of one of their activities and send it. Raises AppreciationError
        (not theirs, not over, already given, a question unanswered, a comment refused) or
        StaffSessionExpired; nothing is written then."""
        self._acts.check(actor)
        item = next((i for i in self.to_appreciate(identified) if i.booking.booking_id == booking_id), None)
        if item is None:
            raise AppreciationError("error.appreciation.cannot_appreciate")
        kept = check_ratings(ratings)
        comment = clean_comment(phrases, typed, language)
        now = self._clock()
        appreciation = Appreciation(
            appreciation_id=new_appreciation_id(),
            booking_id=booking_id,
            offer_id=item.booking.offer_id,
            session_id=item.booking.session_id,
            household_id=identified.household.household_id,
            person_id=identified.person.person_id,
            ratings=kept,
            comment=comment,
            created_at=now,
            moderation=Moderation.PENDING if comment else Moderation.NONE,
        )
        with self._acts.write(actor, Action.APPRECIATION_CREATE) as audit:
            store.insert_appreciation(self._db, appreciation)
            enqueue(
                self._db,
                "appreciation.create",
                {
                    "appreciation_id": appreciation.appreciation_id,
                    "booking_id": booking_id,
                    "person_id": appreciation.person_id,
                    "ratings": kept,
                    "comment": comment,
                },
                now,
            )
            audit.say(appreciation.person_id, booking_id, {"with_comment": bool(comment)})
        return appreciation

    def for_offer(self, offer_id: str) -> OfferAppreciation | None:
        """What participants thought of an offer, as the centre published it."""
        document = store.offer_appreciation_document(self._db, offer_id)
        if document is None:
            return None
        return parse_offer_appreciation(
            DocumentReader(document, "appreciation", AppreciationError, "error.document.refused.appreciation")
        )

    def take_news(self, identified: Identified) -> list[AppreciationNews]:
        """The invitation to appreciate a past activity (once per activity), and what the centre said of the
        person's appreciations (told once)."""
        waiting = self.to_appreciate(identified)
        now = self._clock()
        with transaction(self._db):
            moderated = store.untold_moderations(self._db, identified.person.person_id)
            store.mark_appreciations_told(self._db, [a.appreciation_id for a in moderated])
            invited = [
                item
                for item in waiting
                if store.invite_once(self._db, item.booking.booking_id, identified.person.person_id, now)
            ]
        news = []
        for appreciation in moderated:
            offer = load_offer(self._db, appreciation.offer_id)
            title = offer.title if offer else appreciation.offer_id
            reason = appreciation.reason
            if appreciation.moderation is Moderation.PUBLISHED:
                told = Text("news.appreciation.published", title=title)
            elif appreciation.moderation is Moderation.NOT_TAKEN:
                told = Text("news.appreciation.not_taken", title=title, reason=reason)
            else:
                told = Text("news.appreciation.refused", title=title, reason=reason)
            news.append(AppreciationNews(told, appreciation.moderation is Moderation.PUBLISHED))
        for item in invited:
            asked = Text("news.appreciation.how_was_it", title=item.title)
            news.append(AppreciationNews(asked, True))
        return news


__all__ = ["APPRECIATION_WINDOW", "AppreciationError", "AppreciationNews", "Appreciations", "ToAppreciate"]
