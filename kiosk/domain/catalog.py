"""The offer as the kiosk knows it, and validation of catalog documents (docs/catalog-format.md).

A catalog document comes from outside (the demo file today, the centre tomorrow):
it is checked whole before anything is written, and every problem is reported
with the place it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from kiosk.domain.document import DocumentReader
from kiosk.errors import CatalogError
from kiosk.i18n import Said

CATALOG_FORMAT = "slvie-catalog/1"
MAX_SESSIONS_PER_OFFER = 50
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Level(StrEnum):
    CCAS = "ccas"
    CMCAS = "cmcas"
    SLVIE = "slvie"


class BookingMode(StrEnum):
    DIRECT = "direct"
    REQUEST = "request"


_LEVELS = [m.value for m in Level]
_BOOKING_MODES = [m.value for m in BookingMode]


@dataclass(frozen=True)
class Category:
    id: str
    name_fr: str
    name_en: str
    pictogram: str

    def name(self, language: str) -> str:
        return Said(self.name_fr, self.name_en).message(language)


@dataclass(frozen=True)
class Session:
    id: str
    start: datetime
    end: datetime
    place: str
    capacity: int
    taken: int
    site_allocation: int
    site_taken: int
    places_as_of: datetime | None = None  # when `taken` was last known from the centre

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def site_remaining(self) -> int:
        return max(self.site_allocation - self.site_taken, 0)

    def has_started(self, now: datetime) -> bool:
        return self.start <= now


@dataclass(frozen=True)
class Photo:
    """An offer's photo, named by the SHA-256 of its file: the kiosk fetches it from the centre, checks
    it is that file and a picture, and keeps it within its disk budget (sync/photos.py)."""

    sha256: str
    credit: str  # author and licence, shown with the photo


@dataclass(frozen=True)
class Offer:
    id: str
    level: Level
    category: str
    title: str
    summary: str
    description: str
    organiser: str
    location: str
    booking_mode: BookingMode
    bon_plan: bool
    discount_percent: int | None
    trans_slvie: bool
    age_min: int | None
    age_max: int | None
    cancel_days_before: int
    prices: tuple[int, ...]  # cents, index 0 is tier 1
    sessions: tuple[Session, ...]
    bring: str  # what to bring, printed on the voucher ("" when nothing particular)
    photo: Photo | None
    version: int  # the centre's version of these prices (0: not from the centre)
    # A stay booked by request belongs to a campaign of wishes, open until `wishes_until` (docs/stay-wishes.md).
    campaign: str  # "" when none
    wishes_until: datetime | None

    @property
    def price_from(self) -> int:
        return min(self.prices)

    def price_for_tier(self, tier: int) -> int:
        return self.prices[tier - 1]

    def session(self, session_id: str) -> Session | None:
        """One of the offer's dates, or None when it is no longer offered."""
        return next((s for s in self.sessions if s.id == session_id), None)


@dataclass(frozen=True)
class ConciergeService:
    id: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    price_cents: int | None
    price_unit_fr: str
    price_unit_en: str
    hours_fr: str
    hours_en: str
    pictogram: str

    def name(self, language: str) -> str:
        return Said(self.name_fr, self.name_en).message(language)

    def description(self, language: str) -> str:
        return Said(self.description_fr, self.description_en).message(language)

    def hours(self, language: str) -> str:
        return Said(self.hours_fr, self.hours_en).message(language)

    def price_unit(self, language: str) -> str:
        return Said(self.price_unit_fr, self.price_unit_en).message(language)


@dataclass(frozen=True)
class Catalog:
    reference_date: date
    price_tiers: int
    categories: tuple[Category, ...]
    offers: tuple[Offer, ...]
    concierge_services: tuple[ConciergeService, ...]


def shift_catalog(catalog: Catalog, days: int) -> Catalog:
    """Move every session by `days` (the demo keeps its offer in the coming months)."""
    delta = timedelta(days=days)
    offers = tuple(
        replace(
            offer,
            sessions=tuple(replace(s, start=s.start + delta, end=s.end + delta) for s in offer.sessions),
            wishes_until=offer.wishes_until + delta if offer.wishes_until else None,
        )
        for offer in catalog.offers
    )
    return replace(catalog, reference_date=catalog.reference_date + delta, offers=offers)


def parse_catalog(document: object) -> Catalog:
    """Turn a decoded JSON document into a Catalog, or raise CatalogError naming the first problem."""
    doc = DocumentReader(document, "catalogue", CatalogError, "error.document.refused.catalog")
    if doc.text("format") != CATALOG_FORMAT:
        raise doc.fail("format", "error.document.must_be", expected=CATALOG_FORMAT)
    reference = doc.day("reference_date")
    tiers = doc.integer("price_tiers", 1, 20)
    categories = tuple(parse_category(r) for r in doc.items("categories", 1, 100))
    category_ids = {c.id for c in categories}
    _unique([c.id for c in categories], "categories")
    offers = tuple(parse_offer(r, tiers, category_ids) for r in doc.items("offers", 0, 1_000_000))
    _unique([o.id for o in offers], "offers")
    _unique([s.id for o in offers for s in o.sessions], "sessions")
    services = tuple(parse_service(r) for r in doc.items("concierge_services", 0, 200))
    _unique([s.id for s in services], "concierge_services")
    return Catalog(reference, tiers, categories, offers, services)


def parse_category(r: DocumentReader) -> Category:
    return Category(r.slug("id"), r.text("name_fr", 1, 60), r.text("name_en", 1, 60), r.text("pictogram", 1, 80))


def parse_offer(r: DocumentReader, tiers: int, category_ids: set[str]) -> Offer:
    category = r.slug("category")
    if category not in category_ids:
        raise r.fail("category", "error.document.unknown_category")
    prices = {}
    for p in r.items("prices", tiers, tiers):
        prices[p.integer("tier", 1, tiers)] = p.integer("cents", 0, 10_000_000)
    if sorted(prices) != list(range(1, tiers + 1)):
        raise r.fail("prices", "error.document.one_price_per_tier")
    age_min = r.optional_integer("age_min", 0, 120)
    age_max = r.optional_integer("age_max", 0, 120)
    if age_min is not None and age_max is not None and age_min > age_max:
        raise r.fail("age_max", "error.document.smaller_than_age_min")
    booking_mode = BookingMode(r.choice("booking_mode", _BOOKING_MODES))
    campaign, wishes_until = _campaign(r, booking_mode)
    return Offer(
        id=r.identifier("id"),
        level=Level(r.choice("level", _LEVELS)),
        category=category,
        title=r.text("title", 1, 120),
        summary=r.text("summary", 0, 200),
        description=r.text("description", 0, 4000),
        organiser=r.text("organiser", 1, 80),
        location=r.text("location", 0, 80),
        booking_mode=booking_mode,
        bon_plan=r.boolean("bon_plan"),
        discount_percent=r.optional_integer("discount_percent", 0, 90),
        trans_slvie=r.boolean("trans_slvie"),
        age_min=age_min,
        age_max=age_max,
        cancel_days_before=r.integer("cancel_days_before", 0, 365),
        prices=tuple(prices[t] for t in range(1, tiers + 1)),
        sessions=tuple(_session(s) for s in r.items("sessions", 1, MAX_SESSIONS_PER_OFFER)),
        bring=r.optional_text("bring", 300),
        photo=_photo(r.optional_object("photo")),
        # The centre's version of the prices; a catalog file has none.
        version=r.optional_integer("version", 1, 1_000_000_000) or 0 if "version" in r.value else 0,
        campaign=campaign,
        wishes_until=wishes_until,
    )


def _campaign(r: DocumentReader, booking_mode: BookingMode) -> tuple[str, datetime | None]:
    """A stay booked by request may name its campaign of wishes and when they close (both, or neither)."""
    if "campaign" not in r.value and "wishes_until" not in r.value:
        return "", None
    if booking_mode is not BookingMode.REQUEST:
        raise r.fail("campaign", "error.document.campaign_only_by_request")
    return r.identifier("campaign"), r.moment("wishes_until")


def _photo(r: DocumentReader | None) -> Photo | None:
    if r is None:
        return None
    sha256 = r.text("sha256", 64, 64)
    if not _SHA256.fullmatch(sha256):
        raise r.fail("sha256", "error.document.sha256")
    return Photo(sha256, r.text("credit", 1, 200))


def _session(r: DocumentReader) -> Session:
    start, end = r.moment("start"), r.moment("end")
    if end < start:
        raise r.fail("end", "error.document.before_start")
    capacity = r.integer("capacity", 0, 100_000)
    allocation = r.integer("site_allocation", 0, 100_000)
    return Session(
        id=r.identifier("id"),
        start=start,
        end=end,
        place=r.text("place", 0, 120),
        capacity=capacity,
        taken=r.integer("taken", 0, capacity),
        site_allocation=allocation,
        site_taken=r.integer("site_taken", 0, allocation),
    )


def parse_service(r: DocumentReader) -> ConciergeService:
    return ConciergeService(
        id=r.slug("id"),
        name_fr=r.text("name_fr", 1, 60),
        name_en=r.text("name_en", 1, 60),
        description_fr=r.text("description_fr", 0, 400),
        description_en=r.text("description_en", 0, 400),
        price_cents=r.optional_integer("price_cents", 0, 10_000_000),
        price_unit_fr=r.text("price_unit_fr", 0, 40),
        price_unit_en=r.text("price_unit_en", 0, 40),
        hours_fr=r.text("hours_fr", 0, 120),
        hours_en=r.text("hours_en", 0, 120),
        pictogram=r.text("pictogram", 1, 80),
    )


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise CatalogError("error.catalog.catalog_refused_id_appears", identifier=identifier, where=where)
        seen.add(identifier)
