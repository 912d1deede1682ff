"""The demo catalog generator and the committed demo catalog (assets/demo/catalog.json)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from kiosk.demo import DEMO_CATALOG
from kiosk.demo import catalog as demo_catalog
from kiosk.demo.catalog import (
    BONS_PLANS_PICTOGRAM,
    DEMO_OFFER_COUNT,
    DEMO_REFERENCE_DATE,
    DEMO_SEED,
    PICTOGRAM_DIR,
    demo_photos,
    dump_catalog,
    generate_catalog,
)

LEVELS = {"ccas", "cmcas", "slvie"}
CATEGORIES = {"sejours", "colos", "culture", "sport", "loisirs", "solidarite"}
REQUIRED_SERVICES = {
    "pressing",
    "repassage",
    "retouches",
    "cordonnerie",
    "colis",
    "depot_pain",
    "courses",
    "entretien_velo",
    "aide_demarches",
    "prise_rdv",
    "hebergement",
    "titres_transport",
    "coiffure",
    "seances_sport",
}
OFFER_KEYS = {
    "id",
    "level",
    "category",
    "title",
    "summary",
    "description",
    "organiser",
    "location",
    "booking_mode",
    "bon_plan",
    "discount_percent",
    "trans_slvie",
    "age_min",
    "age_max",
    "cancel_days_before",
    "prices",
    "sessions",
    "bring",
    "photo",
}
SESSION_KEYS = {"id", "start", "end", "place", "capacity", "taken", "site_allocation", "site_taken"}
MOMENT = "%Y-%m-%dT%H:%M"


@pytest.fixture(scope="module")
def demo() -> dict:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def _moment(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, MOMENT)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


# ---- the committed file ---------------------------------------------------------------------


def test_committed_demo_is_what_the_generator_makes():
    expected = dump_catalog(generate_catalog(DEMO_OFFER_COUNT, DEMO_SEED, DEMO_REFERENCE_DATE))
    assert DEMO_CATALOG.read_text(encoding="utf-8") == expected, (
        "assets/demo/catalog.json is stale: regenerate it with "
        "python -m kiosk.demo.catalog --offers 240 --seed 2026 --reference-date 2026-11-23 "
        "--out assets/demo/catalog.json"
    )


def test_documented_command_line_writes_the_committed_file(tmp_path):
    out = tmp_path / "catalog.json"
    argv = ["--offers", "240", "--seed", "2026", "--reference-date", "2026-11-23", "--out", str(out)]
    assert demo_catalog.main(argv) == 0
    assert out.read_bytes() == DEMO_CATALOG.read_bytes()


def test_compact_output_is_the_same_document(tmp_path):
    out = tmp_path / "compact.json"
    assert demo_catalog.main(["--offers", "30", "--compact", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "\n " not in text
    assert json.loads(text) == generate_catalog(30)


def test_demo_passes_the_kiosk_validation(demo):
    from kiosk.domain.catalog import parse_catalog

    catalog = parse_catalog(demo)
    assert len(catalog.offers) == len(demo["offers"])


def test_demo_header(demo):
    assert demo["format"] == "slvie-catalog/1"
    assert demo["reference_date"] == "2026-11-23"
    assert demo["price_tiers"] == 7
    assert [c["id"] for c in demo["categories"]] == [demo_catalog.CATEGORIES[i]["id"] for i in range(6)]
    assert {c["id"] for c in demo["categories"]} == CATEGORIES


def test_demo_covers_every_level_and_category(demo):
    offers = demo["offers"]
    assert len(offers) >= 200
    assert {o["level"] for o in offers} == LEVELS
    assert {o["category"] for o in offers} == CATEGORIES
    assert {(o["level"], o["category"]) for o in offers} >= {
        ("ccas", "sejours"),
        ("ccas", "colos"),
        ("cmcas", "sejours"),
        ("cmcas", "culture"),
        ("cmcas", "sport"),
        ("slvie", "culture"),
        ("slvie", "loisirs"),
        ("slvie", "sport"),
        ("slvie", "solidarite"),
    }
    assert any(o["trans_slvie"] for o in offers)
    assert all(not o["trans_slvie"] for o in offers if o["level"] != "slvie")


def test_demo_has_several_bons_plans(demo):
    reference = dt.date.fromisoformat(demo["reference_date"])
    bons_plans = [o for o in demo["offers"] if o["bon_plan"]]
    assert len(bons_plans) >= 5
    for offer in bons_plans:
        assert 20 <= offer["discount_percent"] <= 60
        assert offer["booking_mode"] == "direct"
        for session in offer["sessions"]:
            assert _moment(session["start"]).date() <= reference + dt.timedelta(days=21)
    assert all(o["discount_percent"] is None for o in demo["offers"] if not o["bon_plan"])


def test_national_high_season_stays_are_requested(demo):
    requested = [o for o in demo["offers"] if o["booking_mode"] == "request"]
    assert requested
    assert all(o["level"] == "ccas" and o["category"] in {"sejours", "colos"} for o in requested)
    assert any(o["category"] == "colos" for o in requested)
    for offer in requested:
        assert all(s["site_allocation"] == 0 for s in offer["sessions"])
    # Each belongs to a campaign of wishes, closing before its first date.
    assert {o["campaign"] for o in requested} >= {"ETE-2027", "HIVER-2027"}
    assert all(o["wishes_until"] < min(s["start"] for s in o["sessions"]) for o in requested)


def test_colos_have_age_bands(demo):
    colos = [o for o in demo["offers"] if o["category"] == "colos"]
    assert colos
    for offer in colos:
        assert (offer["age_min"], offer["age_max"]) in {(6, 8), (9, 11), (12, 14), (15, 17)}
        assert f"{offer['age_min']}–{offer['age_max']} ans" in offer["title"]


def test_ids_are_unique(demo):
    offer_ids = [o["id"] for o in demo["offers"]]
    session_ids = [s["id"] for o in demo["offers"] for s in o["sessions"]]
    assert len(set(offer_ids)) == len(offer_ids)
    assert len(set(session_ids)) == len(session_ids)
    assert all(len(i) <= 40 for i in offer_ids + session_ids)


def test_offer_fields(demo):
    for offer in demo["offers"]:
        assert set(offer) == (
            OFFER_KEYS | {"campaign", "wishes_until"} if offer["booking_mode"] == "request" else OFFER_KEYS
        )
        assert 1 <= len(offer["title"]) <= 120
        assert len(offer["summary"]) <= 200
        assert len(offer["description"]) <= 4000
        assert offer["description"].count("\n\n") >= 1
        assert "{" not in offer["title"] + offer["summary"] + offer["description"]
        assert 0 <= offer["cancel_days_before"] <= 30
        assert offer["location"].endswith(")") and " (" in offer["location"]
        assert 1 <= len(offer["sessions"]) <= 6


def test_sessions_are_consistent(demo):
    reference = dt.date.fromisoformat(demo["reference_date"])
    first, last = reference + dt.timedelta(days=3), dt.date(2027, 7, 23)
    for offer in demo["offers"]:
        starts = [s["start"] for s in offer["sessions"]]
        assert starts == sorted(starts)
        for s in offer["sessions"]:
            assert set(s) == SESSION_KEYS
            start, end = _moment(s["start"]), _moment(s["end"])
            assert end >= start
            assert first <= start.date() and end.date() <= last
            assert 0 <= s["taken"] <= s["capacity"]
            assert 0 <= s["site_taken"] <= s["site_allocation"]
            assert s["site_taken"] <= s["taken"]
            assert s["site_allocation"] - s["site_taken"] <= s["capacity"] - s["taken"]
    sessions = [s for o in demo["offers"] for s in o["sessions"]]
    assert any(s["taken"] == s["capacity"] for s in sessions)
    assert any(0 < s["capacity"] - s["taken"] <= 3 for s in sessions)
    assert any(s["site_allocation"] == 0 for s in sessions)
    assert any(s["site_allocation"] > 0 for s in sessions)


def test_stays_last_days_and_outings_hours(demo):
    for offer in demo["offers"]:
        for s in offer["sessions"]:
            length = _moment(s["end"]) - _moment(s["start"])
            if offer["category"] in {"colos"} or offer["level"] == "ccas":
                assert length >= dt.timedelta(days=3)
            if offer["category"] in {"culture", "solidarite"} and offer["level"] == "slvie":
                assert length <= dt.timedelta(hours=16)


def test_every_tier_has_a_price_rising_with_the_tier(demo):
    for offer in demo["offers"]:
        assert [p["tier"] for p in offer["prices"]] == list(range(1, 8))
        cents = [p["cents"] for p in offer["prices"]]
        assert all(c >= 0 for c in cents)
        if cents[-1] > 0:
            assert all(a < b for a, b in itertools.pairwise(cents)), offer["id"]
        else:
            assert set(cents) == {0}
    free = [o for o in demo["offers"] if o["prices"][-1]["cents"] == 0]
    assert free
    solidarity = [o for o in demo["offers"] if o["category"] == "solidarite"]
    assert sum(o in free for o in solidarity) > len(solidarity) / 2


@pytest.mark.parametrize("word", ["théâtre", "ski", "piscine", "colo", "concert", "randonnée"])
def test_common_searches_find_a_handful_of_offers(demo, word):
    hits = [o for o in demo["offers"] if _fold(word) in _fold(o["title"] + " " + o["summary"])]
    assert 3 <= len(hits) <= 80


def test_texts_are_french_with_accents(demo):
    titles = " ".join(o["title"] for o in demo["offers"])
    for word in ("Théâtre", "Séjour", "Randonnée", "Été"):
        assert word in titles


# ---- concierge services and pictograms ----------------------------------------------------------


def test_concierge_services(demo):
    services = demo["concierge_services"]
    assert {s["id"] for s in services} >= REQUIRED_SERVICES
    assert len({s["id"] for s in services}) == len(services)
    for s in services:
        for key in ("name_fr", "name_en", "description_fr", "description_en", "hours_fr", "hours_en"):
            assert s[key], (s["id"], key)
        if s["price_cents"] is None:
            assert s["price_unit_fr"] == s["price_unit_en"] == ""
        else:
            assert s["price_cents"] >= 0 and s["price_unit_fr"] and s["price_unit_en"]
    assert any(s["price_cents"] is None for s in services)


def test_every_pictogram_referenced_exists(demo):
    names = [c["pictogram"] for c in demo["categories"]] + [s["pictogram"] for s in demo["concierge_services"]]
    for name in names + [BONS_PLANS_PICTOGRAM]:
        assert (PICTOGRAM_DIR / name).is_file(), name


def test_pictograms_are_single_colour_64_unit_svgs():
    files = sorted(PICTOGRAM_DIR.glob("*.svg"))
    assert len(files) >= 21
    for path in files:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path.name
        assert root.get("viewBox") == "0 0 64 64", path.name
        for element in root.iter():
            for attribute in ("fill", "stroke"):
                assert element.get(attribute) in (None, "none", "#1a3a5c"), (path.name, attribute)
            width = element.get("stroke-width")
            assert width is None or float(width) >= 3, path.name


# ---- the generator ---------------------------------------------------------------------------


def test_same_seed_same_document_and_other_seed_other_document():
    a = generate_catalog(300, seed=7, reference_date=dt.date(2027, 4, 2))
    b = generate_catalog(300, seed=7, reference_date=dt.date(2027, 4, 2))
    c = generate_catalog(300, seed=8, reference_date=dt.date(2027, 4, 2))
    assert dump_catalog(a) == dump_catalog(b)
    assert a["offers"] != c["offers"]


def test_default_reference_date_is_the_demo_one():
    assert generate_catalog(5) == generate_catalog(5, DEMO_SEED, DEMO_REFERENCE_DATE)


@pytest.mark.parametrize("reference", [dt.date(2027, 1, 31), dt.date(2027, 5, 15), dt.date(2027, 8, 31)])
def test_any_reference_date_gives_a_valid_catalog(reference):
    from kiosk.domain.catalog import parse_catalog

    document = generate_catalog(400, seed=1, reference_date=reference)
    parse_catalog(document)
    assert {o["category"] for o in document["offers"]} == CATEGORIES
    for offer in document["offers"]:
        for s in offer["sessions"]:
            assert _moment(s["start"]).date() >= reference + dt.timedelta(days=3)


def test_empty_catalog():
    assert generate_catalog(0)["offers"] == []


def test_fifty_thousand_offers():
    document = generate_catalog(50_000)
    offers = document["offers"]
    assert len(offers) == 50_000
    assert len({o["id"] for o in offers}) == 50_000
    session_ids = [s["id"] for o in offers for s in o["sessions"]]
    assert len(set(session_ids)) == len(session_ids)


def test_outdoor_offers_have_a_credited_photo_that_ships_with_the_demo_and_every_offer_says_what_to_bring(demo):
    photos = {sha256: credit for sha256, credit in demo_photos()}
    assert len(photos) >= 20
    with_photo = [o for o in demo["offers"] if o["photo"]]
    assert {o["category"] for o in with_photo} == {"sejours", "colos", "sport", "loisirs"}
    assert len({o["photo"]["sha256"] for o in with_photo}) >= 15  # not one picture for every offer
    for offer in with_photo:
        assert photos[offer["photo"]["sha256"]] == offer["photo"]["credit"]
        assert "GPL" in offer["photo"]["credit"]
    assert all(offer["bring"].endswith(".") for offer in demo["offers"])
