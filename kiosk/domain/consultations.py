"""Consultations and votes: who may take part, when a ballot counts, how it is counted.

The centre publishes a consultation: a question with two to ten choices (answer one)
or a ranking (put them all in order), who may take part (the ouvrants droit, or every
beneficiary from 16, of a CMCAS or of an SLVie), and its opening and closing times.
A ballot counts when it was cast while the consultation was open and reaches the
centre before closing + the grace period the consultation sets (a kiosk offline at
closing time sends it later). One person, one ballot: the centre keeps who took part
apart from the counts, with no link between them (docs/sync-protocol.md).

A ranking is counted by points (Borda): with n choices, the first gets n points, the
last 1. Results are published once the grace period is over, with the participation
rate (ballots counted / people who could take part).

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household, Person, Role
from kiosk.errors import KioskError
from kiosk.i18n import Said

MIN_CHOICES = 2
MAX_CHOICES = 10
MAX_GRACE_HOURS = 24 * 14
ADULT_AGE = 16


class BallotKind(StrEnum):
    CHOICE = "choice"  # one choice among several
    RANKING = "ranking"  # every choice, in order of preference


class Electorate(StrEnum):
    OUVRANTS_DROIT = "ouvrants_droit"  # active or retired agents holding the rights
    BENEFICIARIES_16 = "beneficiaries_16"  # every beneficiary of the household from 16


class ScopeLevel(StrEnum):
    CMCAS = "cmcas"
    SLVIE = "slvie"


class BallotState(StrEnum):
    SENT = "sent"  # cast at this kiosk, not yet answered by the centre
    COUNTED = "counted"
    REFUSED = "refused"  # a second ballot, or one that arrived too late: the person is told


class BallotError(KioskError):
    """A ballot that cannot be cast (closed, not eligible, already voted, incomplete); nothing was written."""


@dataclass(frozen=True)
class Choice:
    code: str
    fr: str
    en: str

    def label(self, language: str) -> str:
        return Said(self.fr, self.en).message(language)


@dataclass(frozen=True)
class Results:
    participants: int  # ballots counted
    electorate: int  # people who could take part when it closed
    votes: Mapping[str, int]  # choice code → ballots naming it (first place, for a ranking)
    points: Mapping[str, int]  # a ranking's points per choice

    @property
    def participation_percent(self) -> int:
        return round(100 * self.participants / self.electorate) if self.electorate else 0


@dataclass(frozen=True)
class Consultation:
    consultation_id: str
    question_fr: str
    question_en: str
    kind: BallotKind
    choices: tuple[Choice, ...]
    electorate: Electorate
    scope_level: ScopeLevel
    scope_name: str  # the CMCAS or SLVie, as households name it ("CMCAS Lyon")
    opens_at: datetime
    closes_at: datetime
    grace_hours: int
    results: Results | None = None  # published by the centre once the grace period is over

    def question(self, language: str) -> str:
        return Said(self.question_fr, self.question_en).message(language)

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    @property
    def counting_ends(self) -> datetime:
        """The last moment a ballot cast before closing may still reach the centre."""
        return self.closes_at + timedelta(hours=self.grace_hours)

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


def new_ballot_id() -> str:
    return str(uuid.uuid4())


def is_eligible(consultation: Consultation, household: Household, person: Person, on: date) -> bool:
    """May this person take part? Their household's CMCAS or SLVie, their role, their age."""
    scope = household.cmcas if consultation.scope_level is ScopeLevel.CMCAS else household.slvie
    if scope != consultation.scope_name:
        return False
    if consultation.electorate is Electorate.OUVRANTS_DROIT:
        return person.role is Role.OUVRANT_DROIT
    return person.age_on(on) >= ADULT_AGE


def check_ballot(consultation: Consultation, answer: Sequence[str]) -> list[str]:
    """The ballot as it will be counted (one code, or every code in order); raises BallotError."""
    codes = [c.code for c in consultation.choices]
    answer = list(answer) if isinstance(answer, list | tuple) else []
    if consultation.kind is BallotKind.CHOICE:
        if len(answer) != 1 or answer[0] not in codes:
            raise BallotError("error.ballot.choose_answer")
        return answer
    if sorted(answer) != sorted(codes):  # every code once (a consultation's codes are distinct)
        raise BallotError("error.ballot.rank_every_choice")
    return answer


def refusal(consultation: Consultation, household: Household, person: Person, now: datetime) -> BallotError | None:
    """Why this person cannot vote now, in plain words; None when they can."""
    if now < consultation.opens_at:
        return BallotError("error.ballot.not_open_yet")
    if now >= consultation.closes_at:
        return BallotError("error.ballot.closed")
    if not is_eligible(consultation, household, person, now.date()):
        return BallotError("error.ballot.not_for_you")
    return None


def counts(consultation: Consultation, cast_at: datetime, received_at: datetime) -> bool:
    """A ballot cast while open counts if it reaches the centre before counting ends."""
    return consultation.is_open(cast_at) and received_at <= consultation.counting_ends


def tally(consultation: Consultation, answer: Sequence[str]) -> dict[str, tuple[int, int]]:
    """What one ballot adds: code → (votes, points). A ranking's first choice gets the vote."""
    size = len(consultation.choices)
    if consultation.kind is BallotKind.CHOICE:
        return {answer[0]: (1, 1)}
    return {code: (1 if place == 0 else 0, size - place) for place, code in enumerate(answer)}


def parse_consultation(r: DocumentReader) -> Consultation:
    """A consultation as the centre publishes it (a file given to `slvie-central`, or a pulled change)."""
    choices = [
        Choice(c.slug("code"), c.text("fr", 1, 120), c.text("en", 1, 120))
        for c in r.items("choices", MIN_CHOICES, MAX_CHOICES)
    ]
    if len({c.code for c in choices}) != len(choices):
        raise r.fail("choices", "error.document.same_code_twice")
    opens_at, closes_at = r.moment("opens_at"), r.moment("closes_at")
    if closes_at <= opens_at:
        raise r.fail("closes_at", "error.document.after_opening")
    results_value = r.value.get("results")
    results = None
    if results_value is not None:
        s = DocumentReader(results_value, f"{r.path}.results", r.error, r.refused)
        codes = {c.code for c in choices}
        figures: dict[str, dict[str, int]] = {}
        for name in ("votes", "points"):
            given = s.value.get(name)
            if (
                not isinstance(given, dict)
                or set(given) != codes
                or not all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10_000_000 for v in given.values()
                )
            ):
                raise s.fail(name, "error.document.number_per_choice")
            figures[name] = dict(given)
        results = Results(
            s.integer("participants", 0, 10_000_000),
            s.integer("electorate", 0, 10_000_000),
            figures["votes"],
            figures["points"],
        )
    return Consultation(
        consultation_id=r.identifier("consultation_id"),
        question_fr=r.text("question_fr", 5, 300),
        question_en=r.text("question_en", 5, 300),
        kind=BallotKind(r.choice("kind", [k.value for k in BallotKind])),
        choices=tuple(choices),
        electorate=Electorate(r.choice("electorate", [e.value for e in Electorate])),
        scope_level=ScopeLevel(r.choice("scope_level", [s.value for s in ScopeLevel])),
        scope_name=r.text("scope_name", 1, 80),
        opens_at=opens_at,
        closes_at=closes_at,
        grace_hours=r.integer("grace_hours", 0, MAX_GRACE_HOURS),
        results=results,
    )


def consultation_document(consultation: Consultation) -> dict[str, object]:
    """The wire form of a consultation (without its results), as `parse_consultation` reads it."""
    return {
        "consultation_id": consultation.consultation_id,
        "question_fr": consultation.question_fr,
        "question_en": consultation.question_en,
        "kind": consultation.kind.value,
        "choices": [{"code": c.code, "fr": c.fr, "en": c.en} for c in consultation.choices],
        "electorate": consultation.electorate.value,
        "scope_level": consultation.scope_level.value,
        "scope_name": consultation.scope_name,
        "opens_at": consultation.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": consultation.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "grace_hours": consultation.grace_hours,
    }
