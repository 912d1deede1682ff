"""Appreciation of an activity ("fiche d'appréciation"): a few questions on a pictogram scale and a comment.

After an activity a person's household booked has taken place, a participant who holds a
card may give their appreciation, once per booking: four questions answered from 1 (not
at all satisfied) to 5 (very satisfied) on a scale of faces, and an optional comment
typed or chosen from short ready-made phrases. The ratings are never edited; the comment
is published only once the centre has moderated it (published, or refused with a reason
the author reads at the kiosk). An offer's detail shows the averages, the count and the
latest published comments with the author's first name and initial only.

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kiosk.domain.concierge import ConciergeFormError, clean_text
from kiosk.domain.document import DocumentReader
from kiosk.errors import KioskError
from kiosk.i18n import Said, Text

COMMENT_MAX_CHARS = 300
# After its session's end, how long a participant may give their appreciation of an activity.
APPRECIATION_WINDOW = timedelta(days=60)
SCALE = range(1, 6)
LATEST_COMMENTS = 5


@dataclass(frozen=True)
class Question:
    code: str

    @property
    def words(self) -> Text:
        """The question in the language of whoever reads it: the catalog text `appreciation.question.<code>`."""
        return Text(f"appreciation.question.{self.code}")

    def label(self, language: str) -> str:
        return self.words.message(language)


QUESTION_CODES = ("overall", "organisation", "place", "value")
QUESTIONS = tuple(Question(code) for code in QUESTION_CODES)


def scale_words(value: int) -> Text:
    """The words read aloud and shown under a face: 1 = not at all satisfied … 5 = very satisfied."""
    return Text(f"appreciation.scale.{value}")


# Ready-made phrases a person may pick instead of typing (several may be chosen), chosen by their place in this
# list; each reads the catalog text `appreciation.phrase.<code>`.
PHRASES = ("atmosphere", "well_organised", "again", "too_expensive", "inconvenient_times", "hard_to_reach")


def phrase_words(index: int) -> Text:
    return Text(f"appreciation.phrase.{PHRASES[index]}")


class Moderation(StrEnum):
    NONE = "none"  # no comment: nothing to moderate, the ratings count at once
    PENDING = "pending"  # the comment waits for the centre
    PUBLISHED = "published"
    REFUSED = "refused"  # the comment is not published; the reason is told to the author
    NOT_TAKEN = "not_taken"  # this kiosk's alone: the centre did not take it (given already elsewhere), told why


class AppreciationError(KioskError):
    """An appreciation that cannot be given (not a participant, already given, not over yet, incomplete)."""


@dataclass(frozen=True)
class Appreciation:
    appreciation_id: str
    booking_id: str
    offer_id: str
    session_id: str
    household_id: str
    person_id: str
    ratings: Mapping[str, int]
    comment: str
    created_at: datetime
    moderation: Moderation
    reason_fr: str = ""
    reason_en: str = ""

    @property
    def reason(self) -> Said:
        """Why the centre decided so, in the words it sent in French and English (empty when it gave none)."""
        return Said(self.reason_fr, self.reason_en)


@dataclass(frozen=True)
class PublishedComment:
    author: str  # "Claire M.": first name and initial only
    day: date
    comment: str


@dataclass(frozen=True)
class OfferAppreciation:
    """What an offer's detail shows: per question the average (in tenths: 43 is 4.3), the count, the latest
    published comments, newest first."""

    offer_id: str
    count: int
    averages: Mapping[str, int]
    comments: tuple[PublishedComment, ...]


def new_appreciation_id() -> str:
    return str(uuid.uuid4())


def author_name(first_name: str, last_name: str) -> str:
    """First name and initial only: "Claire M."."""
    initial = last_name.strip()[:1].upper()
    return f"{first_name.strip()} {initial}." if initial else first_name.strip()


def check_ratings(ratings: Mapping[str, object]) -> dict[str, int]:
    """Every question answered on the scale; raises AppreciationError naming the first one missing."""
    kept: dict[str, int] = {}
    for question in QUESTIONS:
        value = ratings.get(question.code) if isinstance(ratings, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise AppreciationError("error.appreciation.answer_question", question=question.words)
        kept[question.code] = value
    if isinstance(ratings, Mapping) and set(ratings) - set(QUESTION_CODES):
        raise AppreciationError("error.appreciation.answer_matches_no_question")
    return kept


def clean_comment(phrases: list[int], typed: object, language: str) -> str:
    """The comment as kept: the chosen ready-made phrases, then what was typed; raises AppreciationError."""
    chosen = []
    for index in phrases:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(PHRASES):
            raise AppreciationError("error.appreciation.phrase_not_offered")
        chosen.append(phrase_words(index).message(language))
    try:
        typed_text = clean_text(typed, COMMENT_MAX_CHARS, Text("appreciation.comment.name"))
    except ConciergeFormError as error:
        raise AppreciationError(error.key, **error.values) from None
    comment = " ".join([*chosen, typed_text]).strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise AppreciationError("error.appreciation.comment_too_long", max_chars=COMMENT_MAX_CHARS)
    return comment


def parse_offer_appreciation(r: DocumentReader) -> OfferAppreciation:
    """An offer's published appreciation as the centre sends it."""
    averages = r.value.get("averages")
    if (
        not isinstance(averages, dict)
        or set(averages) != set(QUESTION_CODES)
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 50 for v in averages.values())
    ):
        raise r.fail("averages", "error.document.average_per_question")
    comments = tuple(
        PublishedComment(c.text("author", 1, 60), c.day("day"), c.text("comment", 1, COMMENT_MAX_CHARS))
        for c in r.items("comments", 0, LATEST_COMMENTS)
    )
    return OfferAppreciation(r.identifier("offer_id"), r.integer("count", 0, 10_000_000), dict(averages), comments)
