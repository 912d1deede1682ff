"""What goes on paper beyond vouchers: an offer sheet to take home, and the site's programme for the
noticeboard. Plain content, no layout: kiosk.printing.paper_pdf draws it.

An offer sheet says the places known when it was printed (they change), the price for the
household of the person identified or else the whole grid, where to book, and a QR code holding
the offer's code (`OFFRE:<id>`), which the correspondent or the kiosk's scanner reads back.
The programme lists, week by week from this Monday, the site's own activities (SLVie level) and
every bon plan with a date in that week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.catalog import Level, Offer, Session
from kiosk.domain.household import Household

OFFER_CODE_PREFIX = "OFFRE:"
_OFFER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")  # as docs/catalog-format.md allows
MAX_PROGRAMME_WEEKS = 4


def offer_code(offer_id: str) -> str:
    """What the QR code of an offer sheet holds."""
    return f"{OFFER_CODE_PREFIX}{offer_id}"


def scanned_offer(text: str) -> str | None:
    """The offer id a scanner read from an offer sheet's QR code, or None if it is not one."""
    cleaned = text.strip()
    if not cleaned.upper().startswith(OFFER_CODE_PREFIX):
        return None
    offer_id = cleaned[len(OFFER_CODE_PREFIX) :]
    return offer_id if _OFFER_ID.match(offer_id) else None


@dataclass(frozen=True)
class HouseholdPrice:
    tier: int
    unit_cents: int


@dataclass(frozen=True)
class OfferSheet:
    offer: Offer
    sessions: tuple[Session, ...]  # those still to come when printed, with the places known then
    household_price: HouseholdPrice | None  # None: nobody identified, the grid is printed
    site_name: str  # where to book
    slvie: str
    printed_at: datetime

    @property
    def code(self) -> str:
        return offer_code(self.offer.id)


def offer_sheet(offer: Offer, household: Household | None, site_name: str, slvie: str, now: datetime) -> OfferSheet:
    price = None if household is None else HouseholdPrice(household.tier, offer.price_for_tier(household.tier))
    upcoming = tuple(session for session in offer.sessions if not session.has_started(now))
    return OfferSheet(offer, upcoming, price, site_name, slvie, now.replace(second=0, microsecond=0))


@dataclass(frozen=True)
class ProgrammeLine:
    offer: Offer
    session: Session


@dataclass(frozen=True)
class ProgrammeWeek:
    monday: date
    lines: tuple[ProgrammeLine, ...]  # by start

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True)
class Programme:
    site_name: str
    slvie: str
    weeks: tuple[ProgrammeWeek, ...]
    printed_at: datetime


def programme_window(today: date, weeks: int) -> tuple[datetime, datetime]:
    """From this week's Monday, 00:00, to the Monday after the last week: what the store is asked for."""
    if not 1 <= weeks <= MAX_PROGRAMME_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_PROGRAMME_WEEKS}")
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time())
    return start, start + timedelta(weeks=weeks)


def on_the_programme(offer: Offer) -> bool:
    """The site's own activities and every bon plan."""
    return offer.level is Level.SLVIE or offer.bon_plan


def programme(offers: list[Offer], site_name: str, slvie: str, now: datetime, weeks: int) -> Programme:
    """The weeks from this one, each with the dates still to come of the offers on the programme."""
    start, _ = programme_window(now.date(), weeks)
    found = [ProgrammeWeek(start.date() + timedelta(weeks=index), ()) for index in range(weeks)]
    lines: list[list[ProgrammeLine]] = [[] for _ in found]
    for offer in offers:
        if not on_the_programme(offer):
            continue
        for session in offer.sessions:
            index = (session.start - start).days // 7
            if 0 <= index < weeks and not session.has_started(now):
                lines[index].append(ProgrammeLine(offer, session))
    return Programme(
        site_name,
        slvie,
        tuple(
            ProgrammeWeek(
                week.monday, tuple(sorted(found_lines, key=lambda line: (line.session.start, line.offer.title)))
            )
            for week, found_lines in zip(found, lines)
        ),
        now.replace(second=0, microsecond=0),
    )
