import copy
from datetime import date

import pytest

from kiosk.domain.catalog import Level, parse_catalog, shift_catalog
from kiosk.errors import CatalogError
from tests.factories import sample_catalog


def test_a_valid_document_becomes_a_catalog():
    catalog = parse_catalog(sample_catalog())
    assert len(catalog.offers) == 6
    ski = next(o for o in catalog.offers if o.id == "S1")
    assert ski.level is Level.CCAS
    assert ski.price_for_tier(1) == 500 and ski.price_for_tier(7) == 2300
    assert ski.price_from == 500


def _broken(change):
    document = sample_catalog()
    change(document)
    return document


BROKEN = {
    "not an object": lambda d: d.clear() or d.update({"format": ["x"]}),
    "wrong format": lambda d: d.update(format="slvie-catalog/9"),
    "missing offers": lambda d: d.pop("offers"),
    "unknown category": lambda d: d["offers"][0].update(category="cinema"),
    "unknown level": lambda d: d["offers"][0].update(level="europe"),
    "taken above capacity": lambda d: d["offers"][0]["sessions"][0].update(capacity=5, taken=6),
    "end before start": lambda d: d["offers"][0]["sessions"][0].update(end="2020-01-01T00:00"),
    "bad date": lambda d: d["offers"][0]["sessions"][0].update(start="demain"),
    "negative price": lambda d: d["offers"][0]["prices"][0].update(cents=-1),
    "missing tier": lambda d: d["offers"][0]["prices"].pop(),
    "duplicate offer": lambda d: d["offers"].append(copy.deepcopy(d["offers"][0])),
    "duplicate session": lambda d: d["offers"][1]["sessions"].append(copy.deepcopy(d["offers"][0]["sessions"][0])),
    "title too long": lambda d: d["offers"][0].update(title="x" * 121),
    "boolean as number": lambda d: d["offers"][0].update(bon_plan=1),
    "number as boolean": lambda d: d["offers"][0]["sessions"][0].update(capacity=True),
    "no session": lambda d: d["offers"][0].update(sessions=[]),
    "hostile id": lambda d: d["offers"][0].update(id="'; DROP TABLE offers; --"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_document_is_refused_with_a_message_in_both_languages(name):
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_broken(BROKEN[name]))
    assert caught.value.fr.startswith("Catalogue refusé")
    assert caught.value.en.startswith("Catalog refused")


def test_the_message_says_where_the_problem_is():
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_broken(BROKEN["taken above capacity"]))
    assert "offers[0].sessions[0].taken" in caught.value.en


def test_an_item_that_is_not_an_object_is_named_by_its_place_in_both_languages():
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_broken(lambda d: d["offers"][1]["sessions"].append("samedi")))
    assert caught.value.fr.endswith("catalogue.offers[1].sessions[1] doit être un objet JSON.")
    assert caught.value.en.endswith("catalogue.offers[1].sessions[1] must be a JSON object.")


def test_shifting_moves_every_session_by_the_same_days():
    catalog = parse_catalog(sample_catalog())
    shifted = shift_catalog(catalog, 30)
    assert shifted.reference_date == date(2026, 12, 23)
    before = [s.start for o in catalog.offers for s in o.sessions]
    after = [s.start for o in shifted.offers for s in o.sessions]
    assert all((b - a).days == -30 for a, b in zip(after, before))
