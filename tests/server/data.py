"""Catalogs, households and operations built in code, with dates relative to the server's clock."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sync.server.clock import local_now

CATEGORIES = [
    {"id": "culture", "name_fr": "Culture", "name_en": "Culture", "pictogram": "culture.svg"},
    {"id": "colos", "name_fr": "Colos", "name_en": "Children's camps", "pictogram": "colos.svg"},
]
PRICES = [500, 800, 1100, 1400, 1700, 2000, 2300]


def moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def session(
    sid: str,
    days: float = 10,
    capacity: int = 40,
    taken: int = 0,
    allocation: int = 0,
    site_taken: int = 0,
    now: datetime | None = None,
) -> dict:
    start = (now or local_now()) + timedelta(days=days)
    return {
        "id": sid,
        "start": moment(start),
        "end": moment(start + timedelta(hours=3)),
        "place": "Salle des fêtes",
        "capacity": capacity,
        "taken": taken,
        "site_allocation": allocation,
        "site_taken": site_taken,
    }


def offer(oid: str, sessions: list[dict], **extra) -> dict:
    document = {
        "id": oid,
        "level": "slvie",
        "category": "culture",
        "title": f"Sortie {oid}",
        "summary": "Une sortie",
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
        "prices": [{"tier": i + 1, "cents": c} for i, c in enumerate(PRICES)],
        "sessions": sessions,
    }
    document.update(extra)
    return document


def catalog(offers: list[dict]) -> dict:
    return {
        "format": "slvie-catalog/1",
        "reference_date": local_now().date().isoformat(),
        "price_tiers": 7,
        "categories": CATEGORIES,
        "offers": offers,
        "concierge_services": [
            {
                "id": "pressing",
                "name_fr": "Pressing",
                "name_en": "Dry cleaning",
                "description_fr": "Nettoyage.",
                "description_en": "Cleaning.",
                "price_cents": 850,
                "price_unit_fr": "la pièce",
                "price_unit_en": "per item",
                "hours_fr": "8 h – 18 h",
                "hours_en": "8 am – 6 pm",
                "pictogram": "pressing.svg",
            }
        ],
    }


def years_ago(years: int, days: int = 0) -> str:
    today = local_now().date()
    return (date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)).isoformat()


def member(pid: str, first: str, birth: str, role: str = "enfant", card: str | None = None) -> dict:
    return {
        "person_id": pid,
        "first_name": first,
        "last_name": "Martin",
        "birth_date": birth,
        "role": role,
        "card_number": card,
        "pin_hash": None,
    }


def household(hid: str, members: list[dict], tier: int = 3) -> dict:
    return {
        "household_id": hid,
        "tier": tier,
        "cmcas": "CMCAS Lyon",
        "slvie": "SLVie Lyon Part-Dieu",
        "members": members,
    }


def martin_family(hid: str = "H-1", prefix: str = "P-1") -> dict:
    """Claire (adult), Julien (adult), Léa (12) and Tom (8)."""
    return household(
        hid,
        [
            member(f"{prefix}-1", "Claire", years_ago(48), "ouvrant_droit", "1000000000017"),
            member(f"{prefix}-2", "Julien", years_ago(50), "conjoint", "1000000000025"),
            member(f"{prefix}-3", "Léa", years_ago(12)),
            member(f"{prefix}-4", "Tom", years_ago(8)),
        ],
    )


def booking_op(
    session_id: str,
    participants: list[str],
    household_id: str = "H-1",
    kiosk_state: str = "requested",
    booking_id: str | None = None,
    op_id: str | None = None,
    created_at: datetime | None = None,
) -> dict:
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "kind": "booking.create",
        "created_at": (created_at or local_now()).strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {
            "booking_id": booking_id or str(uuid.uuid4()),
            "session_id": session_id,
            "household_id": household_id,
            "participants": participants,
            "tier": 3,
            "total_cents": 1100 * len(participants),
            "kiosk_state": kiosk_state,
        },
    }


def cancel_op(booking_id: str, op_id: str | None = None, created_at: datetime | None = None) -> dict:
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "kind": "booking.cancel",
        "created_at": (created_at or local_now()).strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {"booking_id": booking_id},
    }


def state_of(result: dict) -> str:
    assert result["outcome"] == "applied", result
    return result["booking"]["state"]
