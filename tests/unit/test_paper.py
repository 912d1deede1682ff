"""What goes on an offer sheet and on the noticeboard programme, and the media size a print job asks for."""

from datetime import datetime, timedelta

import pytest

from kiosk.domain.catalog import parse_catalog
from kiosk.domain.household import parse_households
from kiosk.domain.paper import offer_code, offer_sheet, programme, programme_window, scanned_offer
from kiosk.printing.printer import media_name
from tests.factories import NOW, catalog, households_document, offer, sample_catalog, session


def offers(document: dict) -> dict:
    return {o.id: o for o in parse_catalog(document).offers}


def test_the_sheet_carries_the_household_price_or_else_the_grid():
    sample = offers(sample_catalog())
    claire = parse_households(households_document())[0]  # tier 3
    sheet = offer_sheet(sample["T1"], claire, "Point Lyon", "SLVie Lyon", NOW)
    assert sheet.household_price is not None
    assert (sheet.household_price.tier, sheet.household_price.unit_cents) == (3, 1100)
    assert offer_sheet(sample["T1"], None, "Point Lyon", "SLVie Lyon", NOW).household_price is None
    assert sheet.code == offer_code("T1") == "OFFRE:T1"


def test_the_sheet_lists_only_the_dates_still_to_come():
    document = catalog([offer("A", "Atelier", sessions=[session("A-past", days=-1), session("A-next", days=3)])])
    sheet = offer_sheet(offers(document)["A"], None, "Point", "SLVie", NOW)
    assert [s.id for s in sheet.sessions] == ["A-next"]


def test_the_programme_has_this_week_and_next_with_local_activities_and_bons_plans():
    document = catalog(
        [
            offer("CMCAS", "Sortie CMCAS", level="cmcas", sessions=[session("C1", days=3)]),  # not on it, listed first
            offer(
                "LOCAL",
                "Atelier cuisine",
                sessions=[
                    session("L1", days=2),
                    session("L2", days=8),
                    session("L3", days=15),
                    session("L0", days=-0.1),
                ],
            ),
            offer(
                "DEAL",
                "Concert à prix doux",
                level="cmcas",
                bon_plan=True,
                discount_percent=30,
                sessions=[session("D1", days=1)],
            ),
            offer("STAY", "Séjour", level="ccas", sessions=[session("S1", days=4)]),
        ]
    )
    found = programme(list(offers(document).values()), "Point", "SLVie", NOW, weeks=2)
    assert [week.monday for week in found.weeks] == [NOW.date(), NOW.date() + timedelta(days=7)]  # NOW is a Monday
    assert [week.sunday for week in found.weeks] == [NOW.date() + timedelta(days=6), NOW.date() + timedelta(days=13)]
    assert [(line.offer.id, line.session.id) for line in found.weeks[0].lines] == [("DEAL", "D1"), ("LOCAL", "L1")]
    assert [(line.offer.id, line.session.id) for line in found.weeks[1].lines] == [("LOCAL", "L2")]


def test_the_programme_window_starts_on_monday_whatever_the_day():
    sunday = datetime(2026, 11, 29, 18, 0)
    start, end = programme_window(sunday.date(), 2)
    assert start == datetime(2026, 11, 23) and end == datetime(2026, 12, 7)
    assert programme_window(sunday.date(), 1)[1] == datetime(2026, 11, 30)
    assert programme_window(sunday.date(), 4)[1] == datetime(2026, 12, 21)  # four weeks at most
    with pytest.raises(ValueError):
        programme_window(sunday.date(), 0)
    with pytest.raises(ValueError):
        programme_window(sunday.date(), 5)


def test_media_names_for_cups():
    assert media_name(595.28, 841.89) == "A4"
    assert media_name(226.77, 562.52) == "Custom.80.0x198.4mm"


def test_what_a_scanner_reads_from_an_offer_sheet():
    assert scanned_offer(" OFFRE:SLVIE-LOI-00001 ") == "SLVIE-LOI-00001"
    assert scanned_offer("offre:T1") == "T1"
    assert scanned_offer("ACTIV:1000000000017") is None
    assert scanned_offer("OFFRE:") is None
    assert scanned_offer("OFFRE:a b") is None
