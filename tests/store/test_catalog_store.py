import dataclasses
import sqlite3
from datetime import timedelta

import pytest

from kiosk.domain.catalog import Level, parse_catalog
from kiosk.domain.search import DateWindow, OfferQuery, Site, plan_search
from kiosk.services.catalog import everyday_vocabulary
from kiosk.store import connection
from kiosk.store.catalog import (
    count_offers,
    load_offer,
    prepare_search,
    replace_catalog,
    search_offers,
    search_vocabulary,
)
from kiosk.store.database import open_database
from kiosk.store.migrations import MIGRATIONS
from tests.factories import NOW, sample_catalog

LYON = Site("SLVie Lyon Part-Dieu", "CMCAS Lyon")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "k.sqlite3")
    prepare_search(database, LYON)
    replace_catalog(database, parse_catalog(sample_catalog()), as_of=NOW)
    yield database
    database.close()


def search(db, limit=100, **query):
    plan = plan_search(OfferQuery(**query), NOW, everyday_vocabulary(), search_vocabulary(db))
    return search_offers(db, plan, limit)


def titles(db, **query):
    return sorted(o.title for o in search(db, **query).offers)


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
    # The index's own syntax means nothing: these are words, two of which some offers have.
    odd = search(db, text='"théâtre" OR ski NEAR(')
    assert {o.title for o in odd.offers} == {
        "Séjour ski à Valloire",
        "Soirée théâtre d'improvisation",
        "Théâtre : Le Malade imaginaire",
    }
    assert all(o.partial for o in odd.offers)
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


def test_without_words_the_nearest_come_first_each_soonest_first(db):
    result = search(db)
    assert [o.id for o in result.offers] == ["P1", "T1", "T2", "S1", "E1"]  # E1: another CMCAS's
    assert result.total == 5


def test_total_counts_beyond_the_page(db):
    result = search(db, limit=2)
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
    broken = dataclasses.replace(
        catalog, offers=catalog.offers[:-1] + (dataclasses.replace(offer, id="NEW", sessions=(bad_session,)),)
    )
    with pytest.raises(connection.IntegrityError):
        replace_catalog(db, broken, as_of=NOW + timedelta(days=1))
    assert count_offers(db) == 6
    assert load_offer(db, "NEW") is None
    assert titles(db, text="theat") == ["Soirée théâtre d'improvisation", "Théâtre : Le Malade imaginaire"]


def test_many_matches_are_capped_and_both_plans_agree(tmp_path, monkeypatch):
    from kiosk.store import catalog as store
    from tests.factories import catalog, offer, session

    offers = [
        offer(
            f"O{i}",
            f"Sortie {'théâtre' if i % 2 else 'cinéma'} {i}",
            sessions=[session(f"O{i}-S", days=1 + (i * 7) % 23)],
        )
        for i in range(40)
    ]
    database = open_database(tmp_path / "many.sqlite3")
    replace_catalog(database, parse_catalog(catalog(offers)), as_of=NOW)

    def page(text):
        result = search(database, limit=5, text=text)
        return result, [o.id for o in result.offers]

    uncapped, expected = page("sortie")
    assert uncapped.total == 40 and not uncapped.capped
    monkeypatch.setattr(store, "COUNT_CAP", 10)
    capped, ids = page("sortie")
    assert capped.capped and capped.total == 10
    assert ids == expected  # the walk in nearness and date order finds the same first page
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
    before = {
        o.id: dataclasses.replace(load_offer(current, o.id), bring="", photo=None)
        for o in parse_catalog(sample_catalog()).offers
    }
    rows = {
        table: current.execute(f"SELECT * FROM {table}").fetchall() for table in ("categories", "offers", "sessions")
    }
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


def offer_db(tmp_path, offers, site=LYON):
    from tests.factories import catalog

    database = open_database(tmp_path / "offers.sqlite3")
    prepare_search(database, site)
    replace_catalog(database, parse_catalog(catalog(offers)), as_of=NOW)
    return database


def ids(db, **query):
    return [o.id for o in search(db, **query).offers]


def test_browsing_and_results_follow_the_kiosks_site_then_the_date(tmp_path):
    from tests.factories import offer, session

    def near(oid, level, organiser, days):
        return offer(oid, f"Sortie {oid}", level=level, organiser=organiser, sessions=[session(f"{oid}-S", days=days)])

    db = offer_db(
        tmp_path,
        [
            near("ELSEWHERE", "slvie", "SLVie Marseille Saint-Charles", 1),
            near("NATIONAL", "ccas", "CCAS", 2),
            near("CMCAS-LATE", "cmcas", "CMCAS Lyon", 9),
            near("CMCAS", "cmcas", "CMCAS Lyon", 3),
            near("SLVIE", "slvie", "SLVie Lyon Part-Dieu", 20),
            near("OTHER-CMCAS", "cmcas", "CMCAS Lille", 1),
        ],
    )
    order = ["SLVIE", "CMCAS", "CMCAS-LATE", "NATIONAL", "ELSEWHERE", "OTHER-CMCAS"]
    assert ids(db) == order
    assert ids(db, text="sortie") == order
    assert ids(db, text="sortie près d'ici") == ["SLVIE", "CMCAS", "CMCAS-LATE"]
    assert ids(db, level=Level.SLVIE) == ["SLVIE", "ELSEWHERE"]
    prepare_search(db, Site("SLVie Marseille Saint-Charles", "CMCAS Lille"))  # the kiosk moved
    assert ids(db)[:2] == ["ELSEWHERE", "OTHER-CMCAS"]


def test_relevance_comes_before_nearness(tmp_path):
    from tests.factories import offer

    far = {"level": "slvie", "organiser": "SLVie Marseille Saint-Charles"}
    db = offer_db(
        tmp_path,
        [
            offer("VELOUTE", "Atelier cuisine : soupes et veloutés"),
            offer("BIKE", "Balade à vélo dans les monts du Lyonnais", **far),
            offer("VTT", "Sortie VTT au mont des Cats"),
            offer("SUMMARY", "Escapade à l'île de Ré", summary="Une journée à vélo sur l'île."),
        ],
    )
    # The word itself in the title, a synonym in the title, then in the summary, then a word's beginning.
    assert ids(db, text="velo") == ["BIKE", "VTT", "SUMMARY", "VELOUTE"]
    assert ids(db, text="vélos") == ["BIKE", "VTT", "SUMMARY"]
    both = search(db, text="balade velo").offers
    assert (both[0].id, both[0].partial) == ("BIKE", False) and all(o.partial for o in both[1:])


def test_a_word_as_typed_comes_before_its_other_forms(tmp_path):
    from tests.factories import offer, session

    db = offer_db(
        tmp_path,
        [
            offer("SINGULAR", "Randonnée en montagne", sessions=[session("SINGULAR-S", days=1)]),
            offer("PLURAL", "Randonnées au lac", sessions=[session("PLURAL-S", days=9)]),
        ],
    )
    assert ids(db, text="randonnées") == ["PLURAL", "SINGULAR"]
    assert ids(db, text="randonnee") == ["SINGULAR", "PLURAL"]


def test_exact_words_come_before_forgiven_typos(tmp_path):
    from tests.factories import offer

    db = offer_db(
        tmp_path,
        [
            offer("CINEMA", "Places de cinéma"),
            offer("CINE", "Ciné-club : Jour de fête"),
            offer("OTHER", "Atelier tricot"),
        ],
    )
    assert ids(db, text="cinmea")[:1] == ["CINEMA"]
    assert ids(db, text="cinema") == ["CINEMA", "CINE"]
    assert ids(db, text="atelier tricto") == ["OTHER"]


def test_filter_words_filter(tmp_path):
    from tests.factories import offer, session

    db = offer_db(
        tmp_path,
        [
            offer("FREE", "Randonnée familiale", prices=[0] * 7, sessions=[session("FREE-S", days=1)]),
            offer("CHEAP", "Randonnée au lac", prices=[1500] * 7, sessions=[session("CHEAP-S", days=5)]),
            offer("DEAR", "Randonnée en montagne", prices=[9000] * 7, sessions=[session("DEAR-S", days=6)]),
            offer(
                "COLO",
                "Colo randonnée (9–11 ans)",
                level="ccas",
                organiser="CCAS",
                age_min=9,
                age_max=11,
                sessions=[session("COLO-S", days=30)],
            ),
            offer(
                "DEAL",
                "Randonnée à prix cassé",
                bon_plan=True,
                discount_percent=30,
                sessions=[session("DEAL-S", days=2)],
            ),
        ],
    )
    # NOW is a Monday: tomorrow is day 1, this weekend days 5 and 6.
    assert ids(db, text="rando gratuite") == ["FREE"]
    assert "DEAR" not in ids(db, text="randonnée pas cher") and "CHEAP" in ids(db, text="randonnée pas cher")
    assert ids(db, text="rando demain") == ["FREE"]
    assert ids(db, text="ce week-end") == ["CHEAP", "DEAR"]
    assert ids(db, text="randonnées pour les enfants") == ["COLO"]
    assert ids(db, text="en famille") == ["FREE"]
    assert ids(db, text="bons plans") == ["DEAL"]


def test_with_few_full_matches_partial_ones_follow_flagged(tmp_path):
    from tests.factories import offer

    db = offer_db(
        tmp_path,
        [
            offer("BOTH", "Concert de jazz au parc"),
            offer("JAZZ", "Jazz manouche"),
            offer("PARK", "Journée au parc Astérix"),
            offer("NONE", "Atelier tricot"),
        ],
    )
    result = search(db, text="jazz parc")
    assert [(o.id, o.partial) for o in result.offers][:1] == [("BOTH", False)]
    assert {o.id for o in result.offers[1:]} == {"JAZZ", "PARK"} and all(o.partial for o in result.offers[1:])
    assert result.total == 3


def test_an_index_made_by_older_rules_is_made_anew_at_start(db):
    db.execute("DELETE FROM offers_fts")
    db.execute("UPDATE kiosk_state SET value = 'old' WHERE key = 'search_index'")
    assert titles(db, text="theatre") == []
    prepare_search(db, LYON)
    assert titles(db, text="theatres") == ["Soirée théâtre d'improvisation", "Théâtre : Le Malade imaginaire"]
