"""What a person asks of the offer: free text typed as they go, plus filters.

Text matching ignores accents and case and matches the start of words, so that
"theat" finds "Théâtre" and "ete" finds "Été".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from kiosk.domain.catalog import Level

# The search field holds at most this much; anything longer is cut, never an error.
MAX_QUERY_CHARS = 100
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")


class DateWindow(StrEnum):
    ANY = "any"
    WEEK = "week"
    MONTH = "month"
    THREE_MONTHS = "three_months"


@dataclass(frozen=True)
class OfferQuery:
    text: str = ""
    category: str | None = None
    bons_plans: bool = False
    level: Level | None = None
    window: DateWindow = DateWindow.ANY
    with_places: bool = False
    max_price_cents: int | None = None

    def is_filtered(self) -> bool:
        return bool(
            self.level or self.window != DateWindow.ANY or self.with_places or self.max_price_cents is not None
        )


def fold(text: str) -> str:
    """Lower case without accents: "Été à Évian" -> "ete a evian"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_terms(text: str) -> list[str]:
    """The word prefixes a query asks for; emoji and punctuation carry no meaning here."""
    return _WORD.findall(fold(text[:MAX_QUERY_CHARS]))[:MAX_TERMS]


def date_window_bounds(window: DateWindow, today: date) -> tuple[date | None, date | None]:
    """First and last day (inclusive) a session may start on to match the window."""
    days = {DateWindow.WEEK: 7, DateWindow.MONTH: 31, DateWindow.THREE_MONTHS: 92}.get(window)
    if days is None:
        return None, None
    return today, today + timedelta(days=days - 1)


@dataclass(frozen=True)
class OfferSummary:
    """One line of a result list."""

    id: str
    title: str
    summary: str
    category: str
    level: Level
    location: str
    price_from_cents: int
    bon_plan: bool
    discount_percent: int | None
    next_start: datetime | None
    # The session of `next_start`, booked first come first served, when the row's own button
    # can ask for it: booked at once while this site has places on it, or, once it is full,
    # a place on its waiting list (`row_waitlist`).
    row_session_id: str | None = None
    row_waitlist: bool = False


@dataclass(frozen=True)
class SearchResult:
    offers: tuple[OfferSummary, ...]
    total: int
    capped: bool = False  # there are more than `total` matches
