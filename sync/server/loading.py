"""Loading data into the centre: catalogs (`slvie-catalog/1`), households (`slvie-households/1`)
and a site's correspondents (`slvie-staff/1`).

Each load is one write transaction, validated first: a bad file changes nothing.
Only what actually changed bumps the change sequence, so loading the same file
again sends nothing new to the kiosks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from kiosk.domain.catalog import Catalog, Offer, parse_catalog, shift_catalog
from kiosk.i18n import Text
from sync.server import bookings, leases
from sync.server.admin import AdminError
from sync.server.changes import bump, bump_many
from sync.server.clock import fmt, fmt_catalog
from sync.server.db import Connection, Database, compact_json, get_meta, set_meta
from sync.wire import BookingData, HouseholdsFile, StaffFile


def offer_json(offer: Offer) -> str:
    """The offer of docs/catalog-format.md without its sessions, as stored (the page renderer appends them)."""
    until = offer.wishes_until
    campaign = {"campaign": offer.campaign, "wishes_until": fmt_catalog(until)} if offer.campaign and until else {}
    return compact_json(
        {
            "id": offer.id,
            "level": offer.level.value,
            "category": offer.category,
            "title": offer.title,
            "summary": offer.summary,
            "description": offer.description,
            "organiser": offer.organiser,
            "location": offer.location,
            "booking_mode": offer.booking_mode.value,
            "bon_plan": offer.bon_plan,
            "discount_percent": offer.discount_percent,
            "trans_slvie": offer.trans_slvie,
            "age_min": offer.age_min,
            "age_max": offer.age_max,
            "cancel_days_before": offer.cancel_days_before,
            "prices": [{"tier": tier, "cents": cents} for tier, cents in enumerate(offer.prices, start=1)],
            "bring": offer.bring,
            "photo": None if offer.photo is None else {"sha256": offer.photo.sha256, "credit": offer.photo.credit},
            **campaign,
        }
    )


def load_catalog(
    db: Database, document: object, site_id: str, shift_to: datetime | None, now: datetime
) -> dict[str, int]:
    """Validate a catalog document and upsert it; its site allocations go to `site_id`.

    With `shift_to`, every date moves by (that day - reference_date), as the demo does.
    Offers absent from the document are left as they are (see `withdraw_offer`).
    """
    catalog = parse_catalog(document)
    if shift_to is not None:
        catalog = shift_catalog(catalog, (shift_to.date() - catalog.reference_date).days)
    with db.write() as conn:
        set_meta(conn, "price_tiers", str(catalog.price_tiers))
        set_meta(conn, "reference_date", catalog.reference_date.isoformat())
        categories = _upsert_documents(
            conn, "categories", "category", [(c.id, compact_json(asdict(c))) for c in catalog.categories]
        )
        services = _upsert_documents(
            conn,
            "concierge_services",
            "concierge_service",
            [(s.id, compact_json(asdict(s))) for s in catalog.concierge_services],
        )
        offers, clamped = _upsert_offers(conn, catalog, site_id, now)
        _version_prices(conn, catalog, now)
        leases.split(conn, site_id, now)
    return {
        "offers": len(catalog.offers),
        "offers_changed": offers,
        "categories_changed": categories,
        "services_changed": services,
        "allocations_reduced": clamped,
    }


def _version_prices(conn: Connection, catalog: Catalog, now: datetime) -> None:
    """A new version of an offer's prices whenever they change: bookings name the one they were priced from."""
    latest = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT offer_id, version, prices FROM offer_prices p WHERE version = "
            "(SELECT max(version) FROM offer_prices q WHERE q.offer_id = p.offer_id)"
        )
    }
    for offer in catalog.offers:
        prices = compact_json(list(offer.prices))
        version, known = latest.get(offer.id, (0, None))
        if known != prices:
            conn.execute(
                "INSERT INTO offer_prices (offer_id, version, prices, since) VALUES (?, ?, ?, ?)",
                (offer.id, version + 1, prices, fmt(now)),
            )
            conn.execute("UPDATE offers SET version = ? WHERE id = ?", (version + 1, offer.id))


def _upsert_documents(conn: Connection, table: str, kind: str, items: list[tuple[str, str]]) -> int:
    old: dict[str, str] = dict(conn.execute(f"SELECT id, data FROM {table}"))
    changed = [(i, position, data) for position, (i, data) in enumerate(items) if old.get(i) != data]
    conn.executemany(
        f"INSERT INTO {table} (id, position, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET position = excluded.position, data = excluded.data",
        changed,
    )
    bump_many(conn, kind, [i for i, _, _ in changed])
    return len(changed)


def _upsert_offers(conn: Connection, catalog: Catalog, site_id: str, now: datetime) -> tuple[int, int]:
    old_offers = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, data, withdrawn FROM offers")}
    old_sessions = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            'SELECT id, offer_id, position, start, "end", place, capacity, external_taken, outside_taken, allocated '
            "FROM sessions"
        )
    }
    old_allocs = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            "SELECT session_id, seats, external_used, used, until, until_is_start, released FROM allocations "
            "WHERE site_id = ?",
            (site_id,),
        )
    }
    leased: dict[str, int] = dict(
        conn.execute("SELECT session_id, leased FROM allocations WHERE site_id = ?", (site_id,))
    )
    others: dict[str, int] = dict(
        conn.execute(
            "SELECT session_id, SUM(seats) FROM allocations WHERE site_id != ? GROUP BY session_id", (site_id,)
        )
    )
    pool_used: dict[str, int] = dict(
        conn.execute("SELECT session_id, SUM(pool_seats) FROM bookings WHERE state = 'confirmed' GROUP BY session_id")
    )
    site_used: dict[str, int] = dict(
        conn.execute(
            "SELECT session_id, SUM(alloc_seats) FROM bookings WHERE state = 'confirmed' "
            "AND site_id = ? GROUP BY session_id",
            (site_id,),
        )
    )
    active = {r[0] for r in conn.execute("SELECT DISTINCT session_id FROM booking_participants")}
    sessions_of = defaultdict(list)
    for sid, row in old_sessions.items():
        sessions_of[row[0]].append(sid)

    offer_rows, session_rows, alloc_rows, changed, gone, problems, clamped = [], [], [], [], [], [], 0
    for offer in catalog.offers:
        data = offer_json(offer)
        dirty = old_offers.get(offer.id) != (data, 0)
        offer_rows.append(
            (offer.id, data, offer.booking_mode.value, offer.age_min, offer.age_max, offer.cancel_days_before)
        )
        new_ids = {s.id for s in offer.sessions}
        for sid in sessions_of.get(offer.id, []):
            if sid not in new_ids:
                if sid in active:
                    problems.append((sid, Text("error.central.loading.session_booked_but_gone")))
                gone.append(sid)
                dirty = True
        for position, s in enumerate(offer.sessions):
            outside = max(0, s.taken - s.site_taken) + pool_used.get(s.id, 0)
            used = s.site_taken + site_used.get(s.id, 0)
            seats = max(s.site_allocation, used + leased.get(s.id, 0))  # never under what leases hold
            other = others.get(s.id, 0)
            floor = used + leased.get(s.id, 0)
            if other + seats + outside > s.capacity and seats > floor:
                seats, clamped = max(s.capacity - other - outside, floor), clamped + 1
            if other + seats + outside > s.capacity:
                problems.append(
                    (
                        s.id,
                        Text(
                            "error.central.loading.session_over_capacity",
                            places=other + seats + outside,
                            capacity=s.capacity,
                        ),
                    )
                )
            start = fmt_catalog(s.start)
            row = (
                offer.id,
                position,
                start,
                fmt_catalog(s.end),
                s.place,
                s.capacity,
                max(0, s.taken - s.site_taken),
                outside,
                other + seats,
            )
            old_alloc = old_allocs.get(s.id)
            kept_until = old_alloc[3] if old_alloc is not None and not old_alloc[4] else None  # set by hand
            until = start if kept_until is None else kept_until
            alloc = (seats, s.site_taken, used, until, 1 if kept_until is None else 0, 0)
            if old_sessions.get(s.id) != row or (old_alloc or (0, 0, 0, until, 1, 0)) != alloc:
                dirty = True
            session_rows.append((s.id, *row))
            if seats or old_alloc is not None:
                alloc_rows.append((s.id, site_id, *alloc))
        if dirty:
            changed.append(offer.id)
    if problems:
        sid, what = problems[0]
        raise AdminError(
            "error.central.loading.catalog_refused_session_problem", sid=sid, what=what, len_problems=len(problems)
        )
    conn.executemany(
        "INSERT INTO offers (id, data, booking_mode, age_min, age_max, cancel_days_before, withdrawn) "
        "VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET data = excluded.data, "
        "booking_mode = excluded.booking_mode, age_min = excluded.age_min, age_max = excluded.age_max, "
        "cancel_days_before = excluded.cancel_days_before, withdrawn = 0",
        offer_rows,
    )
    conn.executemany("DELETE FROM sessions WHERE id = ?", [(sid,) for sid in gone])
    conn.executemany("DELETE FROM allocations WHERE session_id = ?", [(sid,) for sid in gone])
    conn.executemany(
        'INSERT INTO sessions (id, offer_id, position, start, "end", place, capacity, external_taken, '
        "outside_taken, allocated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        'offer_id = excluded.offer_id, position = excluded.position, start = excluded.start, "end" = excluded."end", '
        "place = excluded.place, capacity = excluded.capacity, external_taken = excluded.external_taken, "
        "outside_taken = excluded.outside_taken, allocated = excluded.allocated",
        session_rows,
    )
    conn.executemany(
        "INSERT INTO allocations (session_id, site_id, seats, external_used, used, until, until_is_start, released) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, site_id) DO UPDATE SET seats = excluded.seats, "
        "external_used = excluded.external_used, used = excluded.used, until = excluded.until, "
        "until_is_start = excluded.until_is_start, released = excluded.released",
        alloc_rows,
    )
    bump_many(conn, "offer", changed)
    waiting = {r[0] for r in conn.execute("SELECT DISTINCT session_id FROM bookings WHERE state = 'waitlisted'")}
    for sid in waiting & {r[0] for r in session_rows}:
        bookings.promote_waitlist(conn, sid, now)
    return len(changed), clamped


def load_households(db: Database, text: str, site_id: str) -> dict[str, int]:
    """Validate a `slvie-households/1` document and upsert its households as households of `site_id`."""
    try:
        document = HouseholdsFile.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AdminError(
            "error.central.loading.households_file_refused_invalid", where=where, problem=first["msg"]
        ) from None
    with db.write() as conn:
        tiers = int(get_meta(conn, "price_tiers", "20"))
        old = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, site_id, data FROM households")}
        changed = []
        for household in document.households:
            if household.tier > tiers:
                raise AdminError(
                    "error.central.loading.households_file_refused_household",
                    household_id=household.household_id,
                    tier=household.tier,
                    tiers=tiers,
                )
            data = compact_json(household.model_dump(mode="json"))
            if old.get(household.household_id) != (site_id, data):
                changed.append((household, data))
        conn.executemany("DELETE FROM persons WHERE household_id = ?", [(h.household_id,) for h, _ in changed])
        for household, data in changed:
            conn.execute(
                "INSERT INTO households (id, site_id, tier, data) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET site_id = excluded.site_id, tier = excluded.tier, data = excluded.data",
                (household.household_id, site_id, household.tier, data),
            )
            conn.execute(
                "INSERT INTO household_tiers (household_id, tier) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (household.household_id, household.tier),
            )
            for m in household.members:
                if conn.execute("SELECT 1 FROM persons WHERE person_id = ?", (m.person_id,)).fetchone() is not None:
                    raise AdminError("error.central.loading.households_file_refused_person", person_id=m.person_id)
                conn.execute(
                    "INSERT INTO persons (person_id, household_id, first_name, last_name, birth_date) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (m.person_id, household.household_id, m.first_name, m.last_name, m.birth_date.isoformat()),
                )
            bump(conn, "household", household.household_id, site_id)
            previous = old.get(household.household_id)
            if previous is not None and previous[0] != site_id:
                bump(conn, "household", household.household_id, previous[0])  # a tombstone for the old site
    return {"households": len(document.households), "households_changed": len(changed)}


def load_staff(db: Database, text: str, site_id: str) -> dict[str, int]:
    """Validate a `slvie-staff/1` document: the whole list of `site_id`'s correspondents.

    Correspondents of the site absent from the file are removed (their kiosks get a
    tombstone, so they can no longer sign in there); one listed for another site before
    moves here.
    """
    try:
        document = StaffFile.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AdminError(
            "error.central.loading.staff_file_refused_invalid", where=where, problem=first["msg"]
        ) from None
    for field in ("staff_id", "badge_number", "login"):
        values = [getattr(s, field) for s in document.staff if getattr(s, field) is not None]
        if len(set(values)) != len(values):
            raise AdminError("error.central.loading.staff_file_refused_repeated", field=field)
    with db.write() as conn:
        old = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, site_id, data FROM correspondents")}
        listed = set()
        changed = 0
        for person in document.staff:
            listed.add(person.staff_id)
            data = compact_json(person.model_dump(mode="json"))
            previous = old.get(person.staff_id)
            if previous == (site_id, data):
                continue
            conn.execute(
                "INSERT INTO correspondents (id, site_id, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET site_id = excluded.site_id, data = excluded.data",
                (person.staff_id, site_id, data),
            )
            bump(conn, "correspondent", person.staff_id, site_id)
            if previous is not None and previous[0] != site_id:
                bump(conn, "correspondent", person.staff_id, previous[0])  # a tombstone for the old site
            changed += 1
        removed = [i for i, (site, _) in old.items() if site == site_id and i not in listed]
        conn.executemany("DELETE FROM correspondents WHERE id = ?", [(i,) for i in removed])
        for staff_id in removed:
            bump(conn, "correspondent", staff_id, site_id)
    return {"staff": len(document.staff), "staff_changed": changed, "staff_removed": len(removed)}


def load_demo_requests(db: Database, site_id: str, now: datetime) -> dict[str, int]:
    """The demo concierge requests (kiosk/demo/concierge.py) for the demo households of `site_id`."""
    from kiosk.demo.concierge import demo_requests
    from kiosk.domain.document import DocumentReader
    from kiosk.domain.household import parse_household
    from sync.server.clock import fmt
    from sync.server.concierge import load_requests

    with db.write() as conn:
        households = [
            parse_household(
                DocumentReader(json.loads(r[0]), "household", AdminError, "error.document.refused.household")
            )
            for r in conn.execute("SELECT data FROM households WHERE site_id = ? ORDER BY id", (site_id,))
        ]
        prices = {
            r[0]: json.loads(r[1]).get("price_cents") for r in conn.execute("SELECT id, data FROM concierge_services")
        }
        requests: list[dict[str, object]] = [
            {
                "request_id": r.request_id,
                "service_id": r.service_id,
                "household_id": r.household_id,
                "person_id": r.person_id,
                "answers": dict(r.answers),
                "quantity": r.quantity,
                "estimate_cents": r.estimate_cents,
                "collect_on": r.collect_on.isoformat() if r.collect_on else None,
                "note": r.note,
                "created_by": r.created_by,
                "state": r.state.value,
                "reason": r.reason.as_dict() if r.reason else None,
                "created_at": fmt(r.created_at),
                "updated_at": fmt(r.updated_at),
            }
            for r in demo_requests(households, site_id, now, prices)
            if r.service_id in prices
        ]
        changed = load_requests(conn, requests, site_id, now)
    return {"concierge_requests": len(requests), "concierge_requests_changed": changed}


def load_json_file(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AdminError("error.central.loading.file_read_nothing_changed", path=path, error=error) from None


def load_demo_consultations(db: Database, now: datetime) -> dict[str, int]:
    """The demo's open consultations (kiosk/demo/participation.py), published once: votes already cast stay."""
    from kiosk.demo.participation import open_demo_consultations
    from sync.server.consultations import publish

    published = 0
    with db.write() as conn:
        for consultation in open_demo_consultations(now):
            if conn.execute("SELECT 1 FROM consultations WHERE id = ?", (consultation.consultation_id,)).fetchone():
                continue
            publish(conn, consultation)
            published += 1
    return {"consultations_published": published}


def load_demo_past_outing(db: Database, site_id: str, now: datetime) -> dict[str, int]:
    """The demo's past outing and the places the site's households' first card holders had on it
    (kiosk/demo/participation.py), so that an appreciation given in the demo is accepted; once."""
    from kiosk.demo import DEMO_CATALOG
    from kiosk.demo.participation import PAST_OUTING_ID, past_booking, past_outing
    from kiosk.domain.document import DocumentReader
    from kiosk.domain.household import parse_household
    from sync.server.changes import bump
    from sync.server.clock import fmt

    with db.read() as conn:
        known = conn.execute("SELECT 1 FROM sessions WHERE offer_id = ?", (PAST_OUTING_ID,)).fetchone()
        rows = conn.execute("SELECT data FROM households WHERE site_id = ? ORDER BY id", (site_id,)).fetchall()
    households = [
        h
        for h in (
            parse_household(
                DocumentReader(json.loads(r[0]), "household", AdminError, "error.document.refused.household")
            )
            for r in rows
        )
        if any(p.card_number for p in h.members)
    ]
    if known or not households:
        return {"past_outing_bookings": 0}
    demo = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    load_catalog(
        db,
        {
            "format": demo["format"],
            "reference_date": now.date().isoformat(),
            "price_tiers": demo["price_tiers"],
            "categories": demo["categories"],
            "offers": [past_outing(now, demo["price_tiers"])],
            "concierge_services": [],
        },
        site_id,
        None,
        now,
    )
    with db.write() as conn:
        for household in households:
            booking = BookingData.model_validate(past_booking(household))  # as the centre sends one
            conn.execute(
                "INSERT INTO bookings (id, session_id, household_id, site_id, kiosk_id, participants, tier, "
                "total_cents, kiosk_state, state, reason, alloc_seats, pool_seats, created_at, decided_at) "
                "VALUES (?, ?, ?, ?, 'centre', ?, ?, 0, 'confirmed', 'confirmed', NULL, 0, ?, ?, ?)",
                (
                    booking.booking_id,
                    booking.session_id,
                    household.household_id,
                    site_id,
                    compact_json(booking.participants),
                    household.tier,
                    len(booking.participants),
                    fmt(now),
                    fmt(now),
                ),
            )
            conn.executemany(
                "INSERT INTO booking_participants (session_id, person_id, booking_id) VALUES (?, ?, ?)",
                [(booking.session_id, p, booking.booking_id) for p in booking.participants],
            )
            conn.execute(
                "UPDATE sessions SET outside_taken = outside_taken + ? WHERE id = ?",
                (len(booking.participants), booking.session_id),
            )
            bump(conn, "booking", booking.booking_id, site_id)
    return {"past_outing_bookings": len(households)}
