"""Seeding a demo kiosk: its catalog, households, the site's correspondents, a concierge queue
that is not empty and consultations.

All of it is written as the centre's data (no outbox operation, no audit entry): it stands for
what a first sync would bring.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.demo.concierge import demo_requests
from kiosk.demo.participation import (
    DEMO_TIERS,
    closed_demo_consultation,
    open_demo_consultations,
    past_booking,
    past_outing,
)
from kiosk.domain.catalog import parse_offer, shift_catalog
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import HouseholdDataError, parse_households
from kiosk.domain.staff import StaffDataError, parse_staff
from kiosk.errors import CatalogError
from kiosk.services.catalog import read_catalog_file, read_json_file
from kiosk.store import bookings as booking_store
from kiosk.store import catalog as catalog_store
from kiosk.store import concierge as concierge_store
from kiosk.store import participation as participation_store
from kiosk.store import staff as staff_store
from kiosk.store.database import transaction
from kiosk.store.households import load_household, replace_households
from kiosk.store.photos import PhotoStore
from kiosk.store.state import read_state, write_state


def seed_demo_catalog(db: sqlite_utils.Database, path: Path, now: datetime) -> int:
    """Load the demo catalog, its dates moved so that its offer lies in the coming months."""
    catalog = read_catalog_file(path)
    catalog = shift_catalog(catalog, (now.date() - catalog.reference_date).days)
    catalog_store.replace_catalog(db, catalog, as_of=now)
    return len(catalog.offers)


def seed_demo_photos(db: sqlite_utils.Database, data_dir: Path) -> int:
    """The demo's photos in the kiosk's photo store, as a first sync would fetch them from the demo centre."""
    from kiosk.demo import DEMO_PHOTOS

    store = PhotoStore(db, data_dir)
    kept = set(store.kept())
    files = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in DEMO_PHOTOS.glob("*.jpg")}
    for sha256 in store.used() - kept:
        if sha256 in files:
            store.keep(sha256, files[sha256].read_bytes())
    return len(store.kept())


def seed_demo_households(db: sqlite_utils.Database, path: Path) -> int:
    households = parse_households(read_json_file(path, HouseholdDataError, "file.households"))
    replace_households(db, households)
    return len(households)


def seed_demo_staff(db: sqlite_utils.Database, path: Path) -> int:
    """The demo correspondents (kiosk.demo.DEMO_STAFF), when the kiosk has none yet."""
    if staff_store.count_staff(db):
        return 0
    staff = parse_staff(read_json_file(path, StaffDataError, "file.staff"))
    staff_store.replace_staff(db, staff)
    return len(staff)


def seed_demo_requests(db: sqlite_utils.Database, site_id: str, now: datetime) -> int:
    """Demo requests in various states for the demo households, once per database."""
    if read_state(db, "demo_concierge_seeded") or concierge_store.count_requests(db):
        return 0
    ids = [r[0] for r in db.execute("SELECT household_id FROM households ORDER BY household_id")]
    households = [h for h in (load_household(db, i) for i in ids) if h is not None]
    prices = {s.id: s.price_cents for s in catalog_store.list_concierge_services(db)}
    requests = [r for r in demo_requests(households, site_id, now, prices) if r.service_id in prices]
    with transaction(db):
        for request in requests:
            concierge_store.insert_request(db, request)
        write_state(db, "demo_concierge_seeded", now.isoformat(timespec="seconds"))
    return len(requests)


def seed_demo_participation(db: sqlite_utils.Database, now: datetime) -> int:
    """The demo consultations and the past outing the demo households booked (kiosk/demo/participation.py), once per
    database, as a pull would bring them; how many consultations."""
    if read_state(db, "demo_participation_seeded"):
        return 0
    consultations = [*open_demo_consultations(now), closed_demo_consultation(now)]
    categories = {c.id for c in catalog_store.list_categories(db)}
    ids = [r[0] for r in db.execute("SELECT household_id FROM households ORDER BY household_id")]
    households = [
        h for h in (load_household(db, i) for i in ids) if h is not None and any(p.card_number for p in h.members)
    ]
    with transaction(db):
        for consultation in consultations:
            participation_store.upsert_consultation(db, consultation)
        if households and "loisirs" in categories:
            outing = parse_offer(
                DocumentReader(past_outing(now, DEMO_TIERS), "offer", CatalogError, "error.document.refused.offer"),
                DEMO_TIERS,
                categories,
            )
            catalog_store.upsert_offers(db, [outing], now)
            for household in households:
                booking_store.record_pulled_booking(db, past_booking(household), outing.id, now)
        write_state(db, "demo_participation_seeded", now.isoformat(timespec="seconds"))
    return len(consultations)
