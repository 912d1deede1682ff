"""What a person asks of the offer: free text typed as they go, plus filters; and how the answer is ranked.

The text is read as French (kiosk.domain.search_language): accents, case, plurals and common
inflections do not matter, everyday synonyms and small typos are forgiven, and a few words
("gratuit", "ce week-end", "près d'ici"…) act as filters. Results come by relevance (every word
in the title, then anywhere, then as word beginnings, then with a typo, then some of the words),
then nearness to this kiosk (its SLVie, its CMCAS, the national offer, then the rest), then date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum

from kiosk.domain.catalog import Level
from kiosk.domain.search_language import (
    STOPWORDS,
    FilterWord,
    IndexedText,
    Synonyms,
    Vocabulary,
    index_text,
    stems,
    words,
)

# The search field holds at most this much; anything longer is cut, never an error.
MAX_QUERY_CHARS = 100
MAX_TERMS = 8
# "pas cher": from this price or less.
CHEAP_CENTS = 2000
# Fewer results than this with every word, and the results with some of the words follow.
FEW_RESULTS = 5
# Audience tags an offer carries in the index (see audience_tags).
FOR_CHILDREN = "forchildren"
FOR_FAMILY = "forfamily"
_CHILD_STEMS = frozenset({"enfant"})
_FAMILY_STEMS = frozenset({"famill", "familial"})


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
        return bool(self.level or self.window != DateWindow.ANY or self.with_places or self.max_price_cents is not None)


class Nearness(IntEnum):
    THIS_SLVIE = 0
    THIS_CMCAS = 1
    NATIONAL = 2
    ELSEWHERE = 3


@dataclass(frozen=True)
class Site:
    """Whose offer is nearest to this kiosk: organiser names as the catalog writes them."""

    slvie: str
    cmcas: str


def nearness(level: Level, organiser: str, site: Site) -> Nearness:
    if level == Level.SLVIE and organiser == site.slvie:
        return Nearness.THIS_SLVIE
    if level == Level.CMCAS and organiser == site.cmcas:
        return Nearness.THIS_CMCAS
    return Nearness.NATIONAL if level == Level.CCAS else Nearness.ELSEWHERE


def nearness_of_level(level: Level) -> set[Nearness]:
    """How near an offer of this level can be."""
    return {
        Level.SLVIE: {Nearness.THIS_SLVIE, Nearness.ELSEWHERE},
        Level.CMCAS: {Nearness.THIS_CMCAS, Nearness.ELSEWHERE},
        Level.CCAS: {Nearness.NATIONAL},
    }[level]


def audience_tags(age_min: int | None, age_max: int | None, texts: tuple[IndexedText, ...]) -> tuple[str, ...]:
    """For children: an age limit under 18, or said to be for children. For a family: no age limit
    above the youngest and said to be for a family or for children."""
    for_children = any(not _CHILD_STEMS.isdisjoint(t.stem_set) for t in texts)
    tags = []
    if (age_max is not None and age_max < 18) or for_children:
        tags.append(FOR_CHILDREN)
    if (
        age_max is None
        and (age_min or 0) <= 6
        and (for_children or any(not _FAMILY_STEMS.isdisjoint(t.stem_set) for t in texts))
    ):
        tags.append(FOR_FAMILY)
    return tuple(tags)


@dataclass(frozen=True)
class SearchEntry:
    """An offer as the search index holds it."""

    title: str  # the title's stems
    body: str  # the stems of its summary, place, organiser and category
    audience: tuple[str, ...]  # FOR_CHILDREN, FOR_FAMILY
    texts: tuple[IndexedText, ...]  # each text indexed, with the words it uses


def search_entry(title: str, body: tuple[str, ...], age_min: int | None, age_max: int | None) -> SearchEntry:
    texts = (index_text(title), *(index_text(text) for text in body))
    return SearchEntry(
        title=texts[0].stems,
        body=" ".join(t.stems for t in texts[1:]),
        audience=audience_tags(age_min, age_max, texts),
        texts=texts,
    )


def date_window_bounds(window: DateWindow, today: date) -> tuple[date | None, date | None]:
    """First and last day (inclusive) a session may start on to match the window."""
    days = {DateWindow.WEEK: 7, DateWindow.MONTH: 31, DateWindow.THREE_MONTHS: 92}.get(window)
    if days is None:
        return None, None
    return today, today + timedelta(days=days - 1)


def _filter_days(word: FilterWord, today: date) -> tuple[date, date] | None:
    if word == FilterWord.TOMORROW:
        return today + timedelta(days=1), today + timedelta(days=1)
    if word == FilterWord.THIS_WEEKEND:
        saturday = today + timedelta(days=max(5 - today.weekday(), 0))
        return (today if today.weekday() >= 5 else saturday), saturday + timedelta(days=6 - saturday.weekday())
    return None


@dataclass(frozen=True)
class Term:
    """One thing asked for: a word, or a phrase that names one thing ("tennis de table")."""

    typed: tuple[str, ...]  # folded words as typed; each may be a word's beginning
    strong: tuple[tuple[str, ...], ...]  # phrases of stems: its own, then its synonyms'
    fuzzy: tuple[tuple[str, ...], ...]  # phrases of stems of the offer's words a typo away


@dataclass(frozen=True)
class SearchPlan:
    """A query read: the words to look for, and every filter it asks for, typed or chosen."""

    query: OfferQuery  # its price and bons-plans filters include those the words asked for
    terms: tuple[Term, ...]
    now: datetime
    first_day: date | None  # a session must start on or after this day...
    last_day: date | None  # ... and on or before this one
    audience: tuple[str, ...]
    nearby: bool


def plan_search(query: OfferQuery, now: datetime, synonyms: Synonyms, vocabulary: Vocabulary) -> SearchPlan:
    typed = words(query.text[:MAX_QUERY_CHARS])
    asked, rest = _filter_words(typed, synonyms)
    content = [w for w in rest if w not in STOPWORDS]
    if not content and not asked:
        content = rest  # only small words typed so far ("la"): they are the beginning of something
    terms = _terms(content[:MAX_TERMS], synonyms, vocabulary)

    price = query.max_price_cents
    for word, cents in ((FilterWord.FREE, 0), (FilterWord.CHEAP, CHEAP_CENTS)):
        if word in asked:
            price = cents if price is None else min(price, cents)
    first, last = date_window_bounds(query.window, now.date())
    for word in asked:
        days = _filter_days(word, now.date())
        if days:
            first = days[0] if first is None else max(first, days[0])
            last = days[1] if last is None else min(last, days[1])
    audience = tuple(
        tag for word, tag in ((FilterWord.CHILDREN, FOR_CHILDREN), (FilterWord.FAMILY, FOR_FAMILY)) if word in asked
    )
    return SearchPlan(
        query=replace(query, max_price_cents=price, bons_plans=query.bons_plans or FilterWord.BONS_PLANS in asked),
        terms=terms,
        now=now,
        first_day=first,
        last_day=last,
        audience=audience,
        nearby=FilterWord.NEARBY in asked,
    )


def _filter_words(typed: list[str], synonyms: Synonyms) -> tuple[set[FilterWord], list[str]]:
    """The filters the words name (longest phrase first), and the words left to look for."""
    asked: set[FilterWord] = set()
    rest: list[str] = []
    longest = synonyms.longest_filter()
    at = 0
    while at < len(typed):
        for size in range(min(longest, len(typed) - at), 0, -1):
            kind = synonyms.filter_words.get(tuple(typed[at : at + size]))
            if kind:
                asked.add(kind)
                at += size
                break
        else:
            rest.append(typed[at])
            at += 1
    return asked, rest


def _terms(content: list[str], synonyms: Synonyms, vocabulary: Vocabulary) -> tuple[Term, ...]:
    content_stems = stems(content)
    terms = []
    longest = synonyms.longest_key()
    at = 0
    while at < len(content):
        for size in range(min(longest, len(content) - at), 0, -1):
            key = tuple(content_stems[at : at + size])
            if size == 1 or key in synonyms.alternatives:
                break
        typed = tuple(content[at : at + size])
        fuzzy: tuple[tuple[str, ...], ...] = ()
        if size == 1 and not vocabulary.has_prefix(typed[0]):
            close = [(vocabulary.stem(w),) for w in vocabulary.close_words(typed[0])]
            fuzzy = tuple(dict.fromkeys(close + [alt for c in close for alt in synonyms.alternatives.get(c, ())]))
        terms.append(Term(typed, (key, *synonyms.alternatives.get(key, ())), fuzzy))
        at += size
    return tuple(terms)


def typed_exactly(title: str, terms: tuple[Term, ...]) -> bool:
    """Whether a title has every word as it was typed (accents and case aside), not only their stems."""
    title_words = words(title)
    return all(
        any(title_words[at : at + len(t.typed)] == list(t.typed) for at in range(len(title_words))) for t in terms
    )


def spelling_suggestions(text: str, vocabulary: Vocabulary, limit: int = 3) -> list[str]:
    """Queries a letter or two away from `text` in words the offer uses, closest first ("Vouliez-vous dire…")."""
    typed = words(text[:MAX_QUERY_CHARS])
    found: list[tuple[int, str]] = []
    for at, word in enumerate(typed):
        if word in STOPWORDS or vocabulary.has_prefix(word):
            continue
        for rank, close in enumerate(vocabulary.close_words(word, limit, min_letters=3)):
            found.append((rank, " ".join([*typed[:at], vocabulary.shown(close), *typed[at + 1 :]])))
    found.sort(key=lambda pair: pair[0])
    return list(dict.fromkeys(query for _rank, query in found))[:limit]


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
    row_session_id: str | None
    row_waitlist: bool
    partial: bool  # has only some of the words asked for (listed after those with all)


@dataclass(frozen=True)
class SearchResult:
    offers: tuple[OfferSummary, ...]
    total: int
    capped: bool  # there are more than `total` matches
    suggestions: tuple[str, ...] = ()  # when nothing matched: queries that would find something
