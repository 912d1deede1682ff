import copy
from datetime import date, datetime

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
    document = copy.deepcopy(sample_catalog())
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
    assert [s.end - s.start for o in shifted.offers for s in o.sessions] == [
        s.end - s.start for o in catalog.offers for s in o.sessions
    ]


def test_shifting_moves_a_campaigns_closing_day_too():
    document = _broken(lambda d: d["offers"][2].update(campaign="ete_2027", wishes_until="2027-01-10T18:00"))
    stay = parse_catalog(document).offers[2]
    assert (stay.campaign, stay.wishes_until) == ("ete_2027", datetime(2027, 1, 10, 18, 0))
    assert shift_catalog(parse_catalog(document), 30).offers[2].wishes_until == datetime(2027, 2, 9, 18, 0)


# Every bounded field of a catalog, with its bounds as the refusal states them: (path, lowest, highest).
TEXT_BOUNDS = [
    (("categories", 0, "name_fr"), 1, 60),
    (("categories", 0, "name_en"), 1, 60),
    (("categories", 0, "pictogram"), 1, 80),
    (("offers", 0, "title"), 1, 120),
    (("offers", 0, "summary"), 0, 200),
    (("offers", 0, "description"), 0, 4000),
    (("offers", 0, "organiser"), 1, 80),
    (("offers", 0, "location"), 0, 80),
    (("offers", 0, "bring"), 0, 300),
    (("offers", 0, "photo", "credit"), 1, 200),
    (("offers", 0, "sessions", 0, "place"), 0, 120),
    (("concierge_services", 0, "name_fr"), 1, 60),
    (("concierge_services", 0, "name_en"), 1, 60),
    (("concierge_services", 0, "description_fr"), 0, 400),
    (("concierge_services", 0, "description_en"), 0, 400),
    (("concierge_services", 0, "price_unit_fr"), 0, 40),
    (("concierge_services", 0, "price_unit_en"), 0, 40),
    (("concierge_services", 0, "hours_fr"), 0, 120),
    (("concierge_services", 0, "hours_en"), 0, 120),
    (("concierge_services", 0, "pictogram"), 1, 80),
]
NUMBER_BOUNDS = [
    (("price_tiers",), 1, 20),
    (("offers", 0, "discount_percent"), 0, 90),
    (("offers", 0, "age_min"), 0, 120),
    (("offers", 0, "age_max"), 0, 120),
    (("offers", 0, "cancel_days_before"), 0, 365),
    (("offers", 0, "version"), 1, 1_000_000_000),
    (("offers", 0, "prices", 0, "tier"), 1, 7),
    (("offers", 0, "prices", 0, "cents"), 0, 10_000_000),
    (("offers", 0, "sessions", 0, "capacity"), 0, 100_000),
    (("offers", 0, "sessions", 0, "site_allocation"), 0, 100_000),
    (("offers", 0, "sessions", 0, "taken"), 0, 40),  # up to the session's capacity
    (("offers", 0, "sessions", 0, "site_taken"), 0, 10),  # up to the site's allocation
    (("concierge_services", 0, "price_cents"), 0, 10_000_000),
]


def _with(path: tuple, value: object) -> dict:
    document = copy.deepcopy(sample_catalog())  # its categories and services are shared lists
    *parents, field = path
    place = document
    for step in parents:
        place = place[step]
    place[field] = value
    return document


def _where(path: tuple) -> str:
    return "catalogue" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)


def _refusal(document: dict) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(document)
    return caught.value


@pytest.mark.parametrize(("path", "lowest", "highest"), TEXT_BOUNDS, ids=[_where(p) for p, _, _ in TEXT_BOUNDS])
def test_a_text_is_read_up_to_its_length_and_refused_one_character_over(path, lowest, highest):
    parse_catalog(_with(path, "x" * highest))
    refused = _refusal(_with(path, "x" * (highest + 1)))
    assert refused.en == f"Catalog refused: {_where(path)} must be {lowest} to {highest} characters long."
    if lowest:
        assert _refusal(_with(path, "")).en == refused.en


@pytest.mark.parametrize(("path", "lowest", "highest"), NUMBER_BOUNDS, ids=[_where(p) for p, _, _ in NUMBER_BOUNDS])
def test_a_number_is_read_within_its_bounds_and_refused_past_them(path, lowest, highest):
    if path != ("price_tiers",) and path[-1] != "tier":  # tiers need as many prices: read whole elsewhere
        parse_catalog(_with(path, highest))
        parse_catalog(_with(path, lowest))
    refused = _refusal(_with(path, highest + 1))
    assert refused.en == f"Catalog refused: {_where(path)} must be between {lowest} and {highest}."
    assert _refusal(_with(path, lowest - 1)).en == refused.en


def test_a_catalog_of_one_price_tier_or_of_no_offer_is_read():
    document = sample_catalog()
    document["price_tiers"] = 1
    for item in document["offers"]:
        item["prices"] = item["prices"][:1]
    assert [o.prices for o in parse_catalog(document).offers] == [(500,), (500,), (500,), (0,), (500,), (500,)]
    document["offers"] = []
    document["concierge_services"] = []
    empty = parse_catalog(document)
    assert (empty.offers, empty.concierge_services) == ((), ())


def test_lists_are_read_within_their_lengths():
    categories = sample_catalog()["categories"]
    many = categories + [{**categories[0], "id": chr(97 + i // 26) + chr(97 + i % 26)} for i in range(97)]
    assert len(parse_catalog(_with(("categories",), many)).categories) == 100
    for path, items, lowest, highest in [
        (("categories",), many + [categories[0]], 1, 100),
        (("categories",), [], 1, 100),
        (("offers",), [None] * 1_000_001, 0, 1_000_000),
        (("concierge_services",), [None] * 201, 0, 200),
        (("offers", 0, "sessions"), [None] * 51, 1, 50),
        (("offers", 0, "prices"), [None] * 8, 7, 7),
    ]:
        expected = f"Catalog refused: {_where(path)} must hold {lowest} to {highest} items."
        assert _refusal(_with(path, items)).en == expected


def test_an_id_twice_is_refused_naming_it_and_where():
    services = sample_catalog()["concierge_services"]
    categories = sample_catalog()["categories"]
    assert _refusal(_with(("categories",), categories + categories[:1])).en == (
        "Catalog refused: the id 'sejours' appears twice in categories."
    )
    assert _refusal(_with(("concierge_services",), services * 2)).en == (
        "Catalog refused: the id 'pressing' appears twice in concierge_services."
    )
    assert _refusal(_broken(BROKEN["duplicate offer"])).en == "Catalog refused: the id 'T1' appears twice in offers."
    assert _refusal(_broken(BROKEN["duplicate session"])).en == (
        "Catalog refused: the id 'T1-S1' appears twice in sessions."
    )


def test_each_refusal_of_an_offer_says_what_is_wrong():
    cases = [
        (BROKEN["wrong format"], "catalogue.format must be slvie-catalog/1"),
        (BROKEN["unknown category"], "catalogue.offers[0].category unknown category"),
        (
            lambda d: d["offers"][0]["prices"][1].update(tier=1),
            "catalogue.offers[0].prices one price per tier is expected",
        ),
        (lambda d: d["offers"][0].update(age_min=12, age_max=11), "catalogue.offers[0].age_max smaller than age_min"),
        (BROKEN["end before start"], "catalogue.offers[0].sessions[0].end before the start"),
    ]
    for change, expected in cases:
        assert _refusal(_broken(change)).en == f"Catalog refused: {expected}."


def test_an_offer_is_read_whole():
    document = sample_catalog()
    document["offers"][4].update(age_min=12, age_max=12, bring="Un maillot de bain", version=3, trans_slvie=True)
    catalog = parse_catalog(document)
    pool = next(o for o in catalog.offers if o.id == "P1")
    assert (pool.level, pool.category, pool.title) == (Level.SLVIE, "sport", "Piscine et aquagym")
    assert (pool.summary, pool.description) == (
        "Piscine et aquagym : une sortie près de chez vous",
        "Premier paragraphe.\n\nSecond.",
    )
    assert (pool.organiser, pool.location, pool.booking_mode) == ("SLVie Lyon Part-Dieu", "Lyon (69)", "direct")
    assert (pool.bon_plan, pool.discount_percent, pool.trans_slvie) == (True, 40, True)
    assert (pool.age_min, pool.age_max, pool.cancel_days_before) == (12, 12, 2)  # one age only: allowed
    assert (pool.bring, pool.photo, pool.version, pool.campaign, pool.wishes_until) == (
        "Un maillot de bain",
        None,
        3,
        "",
        None,
    )
    show = next(o for o in catalog.offers if o.id == "T1")
    assert (show.bring, show.version, show.discount_percent) == ("", 0, None)  # a catalog file has no version
    assert show.photo is not None and len(show.photo.sha256) == 64 and show.photo.credit
    session = show.session("T1-S1")
    assert session is not None and show.session("T2-S1") is None
    assert (session.place, session.capacity, session.taken, session.site_allocation, session.site_taken) == (
        "Salle des fêtes",
        40,
        0,
        10,
        0,
    )
    assert session.places_as_of is None  # a catalog file does not say when its places were counted


def test_categories_and_services_are_named_in_each_language():
    catalog = parse_catalog(sample_catalog())
    holidays = catalog.categories[0]
    assert (holidays.id, holidays.name("fr"), holidays.name("en"), holidays.pictogram) == (
        "sejours",
        "Séjours & vacances",
        "Holidays",
        "sejours.svg",
    )
    [pressing] = catalog.concierge_services
    assert (pressing.id, pressing.name("fr"), pressing.name("en"), pressing.price_cents) == (
        "pressing",
        "Pressing",
        "Dry cleaning",
        850,
    )
    assert (pressing.description_fr, pressing.description_en) == (
        "Nettoyage à sec de vos vêtements.",
        "Dry cleaning of your clothes.",
    )
    assert (pressing.price_unit_fr, pressing.price_unit_en, pressing.hours_fr, pressing.hours_en) == (
        "la pièce",
        "per item",
        "Du lundi au vendredi, 8 h – 18 h",
        "Monday to Friday, 8 am – 6 pm",
    )
    assert pressing.pictogram == "pressing.svg"


def test_a_photo_is_named_by_its_sha256():
    photo = sample_catalog()["offers"][0]["photo"]
    for sha256, problem in [
        ("g" * 64, "must be a hexadecimal SHA-256"),
        ("a" * 65, "must be 64 to 64 characters long"),
    ]:
        refused = _refusal(_with(("offers", 0, "photo"), {**photo, "sha256": sha256}))
        assert refused.en == f"Catalog refused: catalogue.offers[0].photo.sha256 {problem}."


def test_a_campaign_of_wishes_belongs_to_a_stay_booked_by_request_and_has_a_closing_day():
    refused = _refusal(_with(("offers", 0, "campaign"), "ete_2027"))  # T1 is booked directly
    assert refused.en == (
        "Catalog refused: catalogue.offers[0].campaign only an offer booked by request "
        "(a high-season stay) has a campaign of wishes."
    )
    assert "catalogue.offers[2].wishes_until" in _refusal(_with(("offers", 2, "campaign"), "ete_2027")).en
    only_closing = _refusal(_with(("offers", 2, "wishes_until"), "2027-01-10T18:00"))
    assert "catalogue.offers[2].campaign" in only_closing.en


def test_a_session_may_end_when_it_starts_and_a_version_left_empty_is_none():
    start = sample_catalog()["offers"][0]["sessions"][0]["start"]
    moment = parse_catalog(_with(("offers", 0, "sessions", 0, "end"), start)).offers[0].sessions[0]
    assert moment.end == moment.start
    assert parse_catalog(_with(("offers", 0, "version"), None)).offers[0].version == 0
