import dataclasses
import sqlite3
from datetime import timedelta

import pytest

from kiosk.domain.catalog import Level, parse_catalog
from kiosk.domain.search import DateWindow, OfferQuery
from kiosk.store.catalog import count_offers, load_offer, replace_catalog, search_offers
from kiosk.store.database import open_database
from kiosk.store.migrations import MIGRATIONS
from tests.factories import NOW, sample_catalog


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "k.sqlite3")
    replace_catalog(database, parse_catalog(sample_catalog()), as_of=NOW)
    yield database
    database.close()


def titles(db, **query):
    return sorted(o.title for o in search_offers(db, OfferQuery(**query), NOW).offers)


def test_search_ignores_accents_and_case_and_matches_word_starts(db):
    assert titles(db, text="theat") == ["Soirée théâtre d'improvisation", "Théâtre : Le Malade imaginaire"]
    assert titles(db, text="THÉÂ") == titles(db, text="theat")
    assert titles(db, text="ete") == ["Été à Évian : croisière sur le Léman"]
    assert titles(db, text="ski vall") == ["Séjour ski à Valloire"]
    assert titles(db, text="atre") == []  # the middle of a word is not a word start


def test_offers_whose_dates_have_all_passed_are_not_shown(db):
    assert "Concert passé" not in titles(db)
    assert titles(db, text="concert") == []


def test_hostile_or_odd_queries_are_just_text(db):
    everything = titles(db)
    assert titles(db, text="") == everything
    assert titles(db, text="🎭🎿") == everything
    assert titles(db, text="'; DROP TABLE offers; --") == []
    assert titles(db, text='"théâtre" OR ski NEAR(') == []
    assert titles(db, text="é" * 10_000) == []
    assert count_offers(db) == 6


def test_filters(db):
    assert titles(db, category="sport") == ["Piscine et aquagym"]
    assert titles(db, level=Level.CCAS) == ["Séjour ski à Valloire"]
    assert titles(db, bons_plans=True) == ["Piscine et aquagym"]
    assert titles(db, max_price_cents=0) == ["Été à Évian : croisière sur le Léman"]
    assert "Soirée théâtre d'improvisation" not in titles(db, with_places=True)
    assert titles(db, window=DateWindow.WEEK) == ["Piscine et aquagym", "Théâtre : Le Malade imaginaire"]
    assert titles(db, text="theatre", with_places=True) == ["Théâtre : Le Malade imaginaire"]


def test_without_words_the_soonest_come_first(db):
    result = search_offers(db, OfferQuery(), NOW)
    starts = [o.next_start for o in result.offers]
    assert starts == sorted(starts)
    assert result.total == 5


def test_total_counts_beyond_the_page(db):
    result = search_offers(db, OfferQuery(), NOW, limit=2)
    assert len(result.offers) == 2 and result.total == 5


def test_an_offer_reads_back_whole_with_the_freshness_of_its_places(db):
    offer = load_offer(db, "T2")
    assert offer.title == "Soirée théâtre d'improvisation"
    assert offer.prices == (500, 800, 1100, 1400, 1700, 2000, 2300)
    (session,) = offer.sessions
    assert session.remaining == 0
    assert session.places_as_of == NOW
    assert load_offer(db, "nope") is None


def test_a_catalog_that_fails_mid_write_leaves_the_previous_one(db):
    catalog = parse_catalog(sample_catalog())
    offer = catalog.offers[-1]
    # A session breaking a table constraint, written after all the offers: the whole swap must roll back.
    bad_session = dataclasses.replace(offer.sessions[0], id="BAD", site_taken=99, site_allocation=1)
    broken = dataclasses.replace(catalog, offers=catalog.offers[:-1] + (
        dataclasses.replace(offer, id="NEW", sessions=(bad_session,)),))
    with pytest.raises(sqlite3.IntegrityError):
        replace_catalog(db, broken, as_of=NOW + timedelta(days=1))
    assert count_offers(db) == 6
    assert load_offer(db, "NEW") is None
    assert titles(db, text="theat") == ["Soirée théâtre d'improvisation", "Théâtre : Le Malade imaginaire"]


def test_many_matches_are_capped_and_both_plans_agree(tmp_path, monkeypatch):
    from kiosk.store import catalog as store
    from tests.factories import catalog, offer, session

    offers = [offer(f"O{i}", f"Sortie {'théâtre' if i % 2 else 'cinéma'} {i}",
                    sessions=[session(f"O{i}-S", days=1 + (i * 7) % 23)]) for i in range(40)]
    database = open_database(tmp_path / "many.sqlite3")
    replace_catalog(database, parse_catalog(catalog(offers)), as_of=NOW)

    def page(text):
        result = search_offers(database, OfferQuery(text=text), NOW, limit=5)
        return result, [o.id for o in result.offers]

    uncapped, expected = page("sortie")
    assert uncapped.total == 40 and not uncapped.capped
    monkeypatch.setattr(store, "COUNT_CAP", 10)
    capped, ids = page("sortie")
    assert capped.capped and capped.total == 10
    assert ids == expected  # the date-ordered walk finds the same first page
    starts = [o.next_start for o in capped.offers]
    assert starts == sorted(starts)
    theatre, theatre_ids = page("theatre")
    soonest = sorted((i for i in range(40) if i % 2), key=lambda i: ((i * 7) % 23, i))
    assert theatre.capped and theatre_ids == [f"O{i}" for i in soonest[:5]]



def test_a_schema_4_database_keeps_each_offers_prices_in_tier_order(tmp_path):
    """Migration 5 moves prices from rows of their own into the offer; an upgraded kiosk keeps its catalog."""
    current = open_database(tmp_path / "current.sqlite3")
    replace_catalog(current, parse_catalog(sample_catalog()), as_of=NOW)
    # What to bring and the photo came later (migration 8): a schema 4 kiosk had none, it has none after.
    before = {o.id: dataclasses.replace(load_offer(current, o.id), bring="", photo=None) for o in parse_catalog(sample_catalog()).offers}
    rows = {table: current.execute(f"SELECT * FROM {table}").fetchall() for table in ("categories", "offers", "sessions")}
    current.close()
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:
        for statement in script:
            conn.execute(statement)
    for table in ("categories", "sessions"):
        conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[table][0]))})", rows[table])
    for offer in rows["offers"]:
        conn.execute(f"INSERT INTO offers VALUES ({','.join('?' * 18)})", offer[:18])
        tiers = list(enumerate(map(int, offer[18].split()), start=1))
        conn.executemany("INSERT INTO prices VALUES (?, ?, ?)", [(offer[0], t, c) for t, c in reversed(tiers)])
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    db = open_database(path)
    try:
        after = {offer_id: load_offer(db, offer_id) for offer_id in before}
        assert after == before
        assert after["S1"].prices == (500, 800, 1100, 1400, 1700, 2000, 2300)
        assert "prices" not in db.table_names()
    finally:
        db.close()
