"""Consultations and votes at the kiosk: the open ones for a person, casting a ballot, the results.

A person votes with their own PIN, typed again at the moment of voting, even when a
correspondent identified them by card and guides them: the correspondent's audit entry
says they guided a vote (which consultation), never the choice. The ballot is written
as one `vote.cast` operation; the local `ballots` row keeps who took part (to tell
them the centre's answer), never the choice, and the operation leaves the outbox as
soon as the centre has it (docs/sync-protocol.md, "Secrecy").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.consultations import (
    BallotError,
    Consultation,
    check_ballot,
    is_eligible,
    new_ballot_id,
    parse_consultation,
    refusal,
)
from kiosk.domain.document import DocumentReader
from kiosk.domain.voucher import short_code
from kiosk.i18n import Message, Said, Text
from kiosk.services.actor import BENEFICIARY, Actor, Acts
from kiosk.services.identity import IdentificationError, Identified, IdentityService
from kiosk.store import participation as store
from kiosk.store.database import transaction
from kiosk.store.outbox import enqueue


@dataclass(frozen=True)
class BallotReceipt:
    """What the person keeps: proof they took part, without the choice."""

    ballot_id: str
    consultation: Consultation
    cast_at: datetime

    @property
    def code(self) -> str:
        return short_code(self.ballot_id)


@dataclass(frozen=True)
class BallotNews:
    message: Message  # read in the language of whoever is told
    good: bool = False


class Consultations:
    def __init__(
        self,
        db: sqlite_utils.Database,
        identity: IdentityService,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._identity = identity
        self._acts = acts
        self._clock = clock

    def all(self) -> list[Consultation]:
        """Every consultation the centre published, the latest closing first."""
        return [
            parse_consultation(
                DocumentReader(d, "consultation", BallotError, "error.document.refused.unreadable_consultation")
            )
            for d in store.consultation_documents(self._db)
        ]

    def consultation(self, consultation_id: str) -> Consultation:
        found = next((c for c in self.all() if c.consultation_id == consultation_id), None)
        if found is None:
            raise BallotError("error.ballot.unknown_here")
        return found

    def open_for(self, identified: Identified) -> list[Consultation]:
        """The consultations this person may answer now and has not answered at this kiosk (a ballot the centre
        refused, for one cast elsewhere, counts as answered: it is not offered again)."""
        now = self._clock()
        voted = store.voted_here(self._db, identified.person.person_id)
        return [
            c
            for c in self.all()
            if c.is_open(now)
            and c.consultation_id not in voted
            and is_eligible(c, identified.household, identified.person, now.date())
        ]

    def with_results(self) -> list[Consultation]:
        """Closed consultations whose results the centre has published: anyone may read them."""
        return [c for c in self.all() if c.results is not None]

    def vote(
        self, actor: Actor, consultation_id: str, identified: Identified, answer: Sequence[str], pin: str
    ) -> BallotReceipt:
        """Cast the person's ballot with their own PIN. Raises BallotError (closed, not for them, already
        answered here, incomplete), IdentificationError (wrong PIN, counted like any wrong PIN) or
        StaffSessionExpired; nothing is written then."""
        self._acts.check(actor)
        consultation = self.consultation(consultation_id)
        now = self._clock()
        problem = refusal(consultation, identified.household, identified.person, now)
        if problem is not None:
            raise problem
        choice = check_ballot(consultation, answer)
        if not identified.person.card_number:
            raise IdentificationError("error.ballot.needs_card_and_pin")
        confirmed = self._identity.identify(BENEFICIARY, identified.person.card_number, pin)  # their own PIN
        if confirmed.person.person_id != identified.person.person_id:
            raise IdentificationError("error.ballot.pin_not_identified_person")
        ballot_id = new_ballot_id()
        with self._acts.write(actor, Action.VOTE_GUIDED) as audit:
            if consultation_id in store.voted_here(self._db, identified.person.person_id):
                raise BallotError("error.ballot.already_answered")
            store.insert_ballot(self._db, ballot_id, consultation_id, identified.person.person_id, now)
            enqueue(
                self._db,
                "vote.cast",
                {
                    "ballot_id": ballot_id,
                    "consultation_id": consultation_id,
                    "household_id": identified.household.household_id,
                    "person_id": identified.person.person_id,
                    "choice": choice,
                },
                now,
            )
            audit.say(identified.person.person_id, consultation_id, {"own_pin": True})  # never the choice
        return BallotReceipt(ballot_id, consultation, now)

    def take_news(self, identified: Identified) -> list[BallotNews]:
        """Ballots of this person the centre refused (a second ballot, one that came too late), told once."""
        with transaction(self._db):
            refused = store.untold_refusals(self._db, identified.person.person_id)
            store.mark_ballots_told(self._db, [r["ballot_id"] for r in refused])
        news = []
        for row in refused:
            data = json.loads(row["data"]) if row["data"] else {}
            question = Said(data.get("question_fr", "?"), data.get("question_en", "?"))
            told = Text("news.ballot.not_counted", question=question, reason=Said(row["reason_fr"], row["reason_en"]))
            news.append(BallotNews(told))
        return news


__all__ = ["BallotError", "BallotNews", "BallotReceipt", "Consultations"]
