"""Small catalog documents built in code, so each test states the offer it relies on."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.household import Household
from kiosk.services.identity import Identified

CATEGORIES = [
    {"id": "sejours", "name_fr": "Séjours & vacances", "name_en": "Holidays", "pictogram": "sejours.svg"},
    {"id": "culture", "name_fr": "Culture & spectacles", "name_en": "Culture & shows", "pictogram": "culture.svg"},
    {"id": "sport", "name_fr": "Sport", "name_en": "Sport", "pictogram": "sport.svg"},
]

NOW = datetime(2026, 11, 23, 10, 42)


def moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def session(
    sid: str,
    days: float = 10,
    hours: float = 3,
    capacity: int = 40,
    taken: int = 0,
    allocation: int = 10,
    site_taken: int = 0,
) -> dict:
    start = NOW + timedelta(days=days)
    return {
        "id": sid,
        "start": moment(start),
        "end": moment(start + timedelta(hours=hours)),
        "place": "Salle des fêtes",
        "capacity": capacity,
        "taken": taken,
        "site_allocation": allocation,
        "site_taken": site_taken,
    }


def offer(
    oid: str,
    title: str,
    category: str = "culture",
    level: str = "slvie",
    sessions: list | None = None,
    prices: list[int] | None = None,
    **extra,
) -> dict:
    prices = prices or [500, 800, 1100, 1400, 1700, 2000, 2300]
    document = {
        "id": oid,
        "level": level,
        "category": category,
        "title": title,
        "summary": f"{title} : une sortie près de chez vous",
        "description": "Premier paragraphe.\n\nSecond.",
        "organiser": "SLVie Lyon Part-Dieu",
        "location": "Lyon (69)",
        "booking_mode": "direct",
        "bon_plan": False,
        "discount_percent": None,
        "trans_slvie": False,
        "age_min": None,
        "age_max": None,
        "cancel_days_before": 2,
        "prices": [{"tier": i + 1, "cents": c} for i, c in enumerate(prices)],
        "sessions": sessions if sessions is not None else [session(f"{oid}-S1")],
    }
    document.update(extra)
    return document


def catalog(offers: list[dict], reference_date: str = "2026-11-23") -> dict:
    return {
        "format": "slvie-catalog/1",
        "reference_date": reference_date,
        "price_tiers": 7,
        "categories": CATEGORIES,
        "offers": offers,
        "concierge_services": [
            {
                "id": "pressing",
                "name_fr": "Pressing",
                "name_en": "Dry cleaning",
                "description_fr": "Nettoyage à sec de vos vêtements.",
                "description_en": "Dry cleaning of your clothes.",
                "price_cents": 850,
                "price_unit_fr": "la pièce",
                "price_unit_en": "per item",
                "hours_fr": "Du lundi au vendredi, 8 h – 18 h",
                "hours_en": "Monday to Friday, 8 am – 6 pm",
                "pictogram": "pressing.svg",
            }
        ],
    }


def demo_photo(index: int) -> dict[str, str]:
    """One of the demo's photos (assets/demo/photos), as a catalog names it."""
    from kiosk.demo.catalog import demo_photos

    sha256, credit = demo_photos()[index]
    return {"sha256": sha256, "credit": credit}


def sample_catalog() -> dict:
    return catalog(
        [
            offer("T1", "Théâtre : Le Malade imaginaire", sessions=[session("T1-S1", days=5)], photo=demo_photo(0)),
            offer("T2", "Soirée théâtre d'improvisation", sessions=[session("T2-S1", days=40, capacity=20, taken=20)]),
            offer(
                "S1",
                "Séjour ski à Valloire",
                category="sejours",
                level="ccas",
                sessions=[session("S1-S1", days=60, hours=24 * 7)],
                booking_mode="request",
            ),
            offer(
                "E1",
                "Été à Évian : croisière sur le Léman",
                category="sejours",
                level="cmcas",
                sessions=[session("E1-S1", days=200)],
                prices=[0] * 7,
            ),
            offer(
                "P1",
                "Piscine et aquagym",
                category="sport",
                sessions=[session("P1-S1", days=2)],
                bon_plan=True,
                discount_percent=40,
            ),
            offer("OLD", "Concert passé", sessions=[session("OLD-S1", days=-3)]),
        ]
    )


# PIN hashes are slow on purpose (argon2id, 64 MiB, 0.25 s or more a try). The tests' own are argon2id
# too, with a light cost each hash carries (the kiosk checks a hash with the cost written in it), so that
# hundreds of identifications stay quick; the real cost is tested in tests/unit/test_household.py and
# measured by tests/bench/bench_pin_hash.py.
_PIN_HASHES: dict[str, str] = {}


def light_hasher():
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


def pin_hash(pin: str = "1234") -> str:
    from kiosk.domain.household import hash_pin

    if pin not in _PIN_HASHES:
        _PIN_HASHES[pin] = hash_pin(pin, hasher=light_hasher())
    return _PIN_HASHES[pin]


CLAIRE_CARD = "1000000000017"
JULIEN_CARD = "1000000000025"
KARIM_CARD = "1000000000033"


def households_document() -> dict:
    return {
        "format": "slvie-households/1",
        "households": [
            {
                "household_id": "H1",
                "tier": 3,
                "cmcas": "CMCAS Lyon",
                "slvie": "SLVie Lyon Part-Dieu",
                "members": [
                    {
                        "person_id": "P1",
                        "first_name": "Claire",
                        "last_name": "Martin",
                        "birth_date": "1978-04-02",
                        "role": "ouvrant_droit",
                        "card_number": CLAIRE_CARD,
                        "pin_hash": pin_hash(),
                    },
                    {
                        "person_id": "P2",
                        "first_name": "Julien",
                        "last_name": "Martin",
                        "birth_date": "1976-11-15",
                        "role": "conjoint",
                        "card_number": JULIEN_CARD,
                        "pin_hash": pin_hash(),
                    },
                    {
                        "person_id": "P3",
                        "first_name": "Léa",
                        "last_name": "Martin",
                        "birth_date": "2016-06-21",
                        "role": "enfant",
                        "card_number": None,
                        "pin_hash": None,
                    },
                ],
            },
            {
                "household_id": "H2",
                "tier": 7,
                "cmcas": "CMCAS Lyon",
                "slvie": "SLVie Lyon Part-Dieu",
                "members": [
                    {
                        "person_id": "P4",
                        "first_name": "Karim",
                        "last_name": "Benali",
                        "birth_date": "1985-09-30",
                        "role": "ouvrant_droit",
                        "card_number": KARIM_CARD,
                        "pin_hash": pin_hash(),
                    },
                ],
            },
        ],
    }


# Correspondents: Lina signs in with her badge and PIN or her login and password; Marc has a badge only.
LINA_BADGE = "9000000000019"
LINA_PIN = "2468"
LINA_LOGIN = "lina.morel"
LINA_PASSWORD = "Conciergerie-Test-2026"
MARC_BADGE = "9000000000027"
MARC_PIN = "1357"
_PASSWORD_HASHES: dict[str, str] = {}


def password_hash(password: str = LINA_PASSWORD, login: str = LINA_LOGIN) -> str:
    from kiosk.domain.staff import hash_password

    if password not in _PASSWORD_HASHES:
        _PASSWORD_HASHES[password] = hash_password(password, login, hasher=light_hasher())
    return _PASSWORD_HASHES[password]


def staff_document() -> dict:
    return {
        "format": "slvie-staff/1",
        "staff": [
            {
                "staff_id": "S1",
                "display_name": "Lina Morel",
                "badge_number": LINA_BADGE,
                "pin_hash": pin_hash(LINA_PIN),
                "login": LINA_LOGIN,
                "password_hash": password_hash(),
                "active": True,
            },
            {
                "staff_id": "S2",
                "display_name": "Marc Petit",
                "badge_number": MARC_BADGE,
                "pin_hash": pin_hash(MARC_PIN),
                "login": None,
                "password_hash": None,
                "active": True,
            },
        ],
    }


def holder(household: Household) -> Identified:
    """The household's first card holder (or first member), as if identified at the kiosk."""
    return Identified(household, next((p for p in household.members if p.card_number), household.members[0]))
