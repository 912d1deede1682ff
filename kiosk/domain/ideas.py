"""The "Boîte à idées": an idea or a wish left at the kiosk, and the answer the SLVie or CMCAS gives.

Anyone may leave one, identified or not: a theme from a short list and a text. The
person gets a receipt code (the same 8-character code as a voucher's, derived from
the idea's id, so the centre and every kiosk compute it alike) and later finds the
answer at any kiosk of the site with that code, or, when they were identified, on
their next identification.

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.concierge import ConciergeFormError, clean_text
from kiosk.domain.voucher import short_code
from kiosk.errors import KioskError
from kiosk.i18n import Message, Said, Text

# One real word is an idea ("Piscine"): what is refused is a text with fewer letters than a short word has.
IDEA_MIN_LETTERS = 3
IDEA_MAX_CHARS = 500
ANSWER_MAX_CHARS = 1000
AUTHOR_MAX_CHARS = 80


# The themes an idea is filed under, in the order they are offered; each reads the catalog text `idea.themes.<code>`.
THEME_CODES = ("activities", "holidays", "children", "concierge", "solidarity", "site_life", "other")


class IdeaError(KioskError):
    """An idea that cannot be kept as given (no theme, text too short…); nothing was written."""


@dataclass(frozen=True)
class Idea:
    idea_id: str  # a UUID made by the kiosk
    site_id: str
    theme: str
    text: str
    household_id: str | None  # None: left without identifying (found again by its code only)
    person_id: str | None
    created_at: datetime
    created_by: str | None  # the correspondent who typed it for the person, in assisted mode
    answer: str = ""  # what the SLVie or CMCAS answered, empty until then
    answered_by: str = ""  # who answered ("SLVie Lyon Part-Dieu")
    answered_at: datetime | None = None

    @property
    def code(self) -> str:
        return short_code(self.idea_id)

    @property
    def answered(self) -> bool:
        return bool(self.answer)


def theme_words(code: str) -> Message:
    """A theme's name in any language; a code this kiosk does not know reads as itself."""
    return Text(f"idea.themes.{code}") if code in THEME_CODES else Said(code, code)


def theme_label(code: str, language: str) -> str:
    return theme_words(code).message(language)


def new_idea_id() -> str:
    return str(uuid.uuid4())


def clean_idea(theme: object, text: object) -> tuple[str, str]:
    """The theme and the text as they will be kept; raises IdeaError saying what to change."""
    if theme not in THEME_CODES:
        raise IdeaError("error.idea.choose_theme")
    try:
        kept = clean_text(text, IDEA_MAX_CHARS, Text("idea.text.name"), required=True)
    except ConciergeFormError as error:
        raise IdeaError(error.key, **error.values) from None
    if sum(char.isalpha() for char in kept) < IDEA_MIN_LETTERS:
        raise IdeaError("error.idea.too_short", min_letters=IDEA_MIN_LETTERS)
    return str(theme), kept


def clean_answer(text: object, author: object) -> tuple[str, str]:
    """An answer and who gives it (the centre's side), cleaned like any text people read."""
    try:
        return (
            clean_text(text, ANSWER_MAX_CHARS, Text("idea.answer.text"), required=True),
            clean_text(author, AUTHOR_MAX_CHARS, Text("idea.answer.author"), required=True),
        )
    except ConciergeFormError as error:
        raise IdeaError(error.key, **error.values) from None
