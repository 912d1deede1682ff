"""The offer in the local store: writing a whole catalog, searching it, reading one offer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import TypedDict

import sqlite_utils

from kiosk.domain.catalog import (
    BookingMode,
    Catalog,
    Category,
    ConciergeService,
    Level,
    Offer,
    Photo,
    Session,
)
from kiosk.domain.search import OfferQuery, OfferSummary, SearchResult, date_window_bounds, search_terms
from kiosk.store.database import Row, transaction
from kiosk.store.state import write_state

_MOMENT = "%Y-%m-%dT%H:%M"
COUNT_CAP = 1000
TEXT_COLUMNS = "title summary location organiser category_name"


def _moment(value: datetime) -> str:
    if value.tzinfo is None and value.year >= 1000:  # isoformat is the same text, several times faster
        return value.isoformat(timespec="minutes")
    return value.strftime(_MOMENT)


def replace_catalog(db: sqlite_utils.Database, catalog: Catalog, as_of: datetime) -> None:
    """Swap the whole offer for `catalog` in one transaction (seeding a kiosk)."""
    with transaction(db):
        for table in ("sessions", "offers_fts", "offers", "categories", "concierge_services"):
            db.execute(f"DELETE FROM {table}")
        _write_categories(db, catalog.categories)
        _write_offers(db, list(enumerate(catalog.offers, start=1)), as_of)
        _write_services(db, catalog.concierge_services)
        write_state(db, "catalog_as_of", _moment(as_of))


def upsert_categories(db: sqlite_utils.Database, categories: list[Category]) -> None:
    """Inside the caller's transaction (a pulled page)."""
    _write_categories(db, categories)


def upsert_services(db: sqlite_utils.Database, services: list[ConciergeService]) -> None:
    """Inside the caller's transaction (a pulled page)."""
    _write_services(db, services)


def upsert_offers(db: sqlite_utils.Database, offers: list[Offer], as_of: datetime,
                  held_seats: dict[str, int] | None = None) -> None:
    """Write offers as the centre now sees them, inside the caller's transaction.

    `held_seats` adds, per session, seats this kiosk has taken in bookings the centre
    has not heard of yet: pulled figures must not hand those seats out again.
    """
    if not offers:
        return
    known = dict(db.execute(
        f"SELECT id, num FROM offers WHERE id IN ({','.join('?' * len(offers))})", [o.id for o in offers]
    ).fetchall())
    _delete_offer_rows(db, list(known.values()))
    next_num = (db.execute("SELECT max(num) FROM offers").fetchone()[0] or 0) + 1
    numbered = []
    for offer in offers:
        if offer.id in known:
            numbered.append((known[offer.id], offer))
        else:
            numbered.append((next_num, offer))
            next_num += 1
    _write_offers(db, numbered, as_of, held_seats or {})
    write_state(db, "catalog_as_of", _moment(as_of))


def withdraw_offers(db: sqlite_utils.Database, offer_ids: list[str]) -> None:
    """Tombstones from the centre, inside the caller's transaction; bookings keep their record."""
    if offer_ids:
        nums = [r[0] for r in db.execute(
            f"SELECT num FROM offers WHERE id IN ({','.join('?' * len(offer_ids))})", offer_ids)]
        _delete_offer_rows(db, nums)


def _delete_offer_rows(db: sqlite_utils.Database, nums: list[int]) -> None:
    if not nums:
        return
    marks = ",".join("?" * len(nums))
    for table, column in (("sessions", "offer_num"), ("offers_fts", "rowid"), ("offers", "num")):
        db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", nums)


def _write_categories(db: sqlite_utils.Database, categories: Iterable[Category]) -> None:
    start = db.execute("SELECT count(*) FROM categories").fetchone()[0]
    db.conn.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " name_fr = excluded.name_fr, name_en = excluded.name_en, pictogram = excluded.pictogram",
        [(c.id, start + i, c.name_fr, c.name_en, c.pictogram) for i, c in enumerate(categories)],
    )


def _write_services(db: sqlite_utils.Database, services: Iterable[ConciergeService]) -> None:
    start = db.execute("SELECT count(*) FROM concierge_services").fetchone()[0]
    db.conn.executemany(
        "INSERT OR REPLACE INTO concierge_services VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id, start + i, s.name_fr, s.name_en, s.description_fr, s.description_en, s.price_cents,
                s.price_unit_fr, s.price_unit_en, s.hours_fr, s.hours_en, s.pictogram,
            )
            for i, s in enumerate(services)
        ],
    )


def _write_offers(db: sqlite_utils.Database, offers: list[tuple[int, Offer]], as_of: datetime,
                  held_seats: dict[str, int] | None = None) -> None:
    held_seats = held_seats or {}
    category_names = {
        row[0]: f"{row[1]} {row[2]}" for row in db.execute("SELECT id, name_fr, name_en FROM categories")
    }
    db.conn.executemany(
        "INSERT INTO offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                num, o.id, o.level.value, o.category, o.title, o.summary, o.description, o.organiser,
                o.location, o.booking_mode.value, o.bon_plan, o.discount_percent, o.trans_slvie,
                o.age_min, o.age_max, o.cancel_days_before, o.price_from,
                _next_start(o, as_of),
                " ".join(map(str, o.prices)),
                o.bring,
                o.photo.sha256 if o.photo else None,
                o.photo.credit if o.photo else None,
            )
            for num, o in offers
        ],
    )
    db.conn.executemany(
        "INSERT INTO offers_fts (rowid, title, summary, location, organiser, category_name, tags)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (num, o.title, o.summary, o.location, o.organiser, category_names.get(o.category, ""), _tags(o))
            for num, o in offers
        ],
    )
    stamp = _moment(as_of)
    db.conn.executemany(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id, num, _moment(s.start), _moment(s.end), s.place, s.capacity,
                s.taken + min(held_seats.get(s.id, 0), max(s.capacity - s.taken, 0)),
                s.site_allocation,
                s.site_taken + min(held_seats.get(s.id, 0), max(s.site_allocation - s.site_taken, 0)), stamp,
            )
            for num, o in offers
            for s in o.sessions
        ],
    )


def _next_start(offer: Offer, as_of: datetime) -> str | None:
    first = min((s.start for s in offer.sessions if s.start >= as_of), default=None)
    return None if first is None else _moment(first)


def _tag(kind: str, value: str) -> str:
    """One index token per filter value, letters only so the tokenizer keeps it whole."""
    return kind + "".join(c for c in value if c.isalnum())


def _tags(offer: Offer) -> str:
    tags = [_tag("category", offer.category), _tag("level", offer.level.value)]
    if offer.bon_plan:
        tags.append("bonplan")
    return " ".join(tags)


def count_offers(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM offers").fetchone()[0])


def list_categories(db: sqlite_utils.Database) -> list[Category]:
    return [
        Category(r["id"], r["name_fr"], r["name_en"], r["pictogram"])
        for r in db.query("SELECT * FROM categories ORDER BY position")
    ]


def list_concierge_services(db: sqlite_utils.Database) -> list[ConciergeService]:
    return [_concierge_service(r) for r in db.query("SELECT * FROM concierge_services ORDER BY position")]


def load_concierge_service(db: sqlite_utils.Database, service_id: str) -> ConciergeService | None:
    row = next(db.query("SELECT * FROM concierge_services WHERE id = ?", [service_id]), None)
    return _concierge_service(row) if row else None


def _concierge_service(row: Row) -> ConciergeService:
    return ConciergeService(**{k: v for k, v in row.items() if k != "position"})


def refresh_next_starts(db: sqlite_utils.Database, now: datetime) -> None:
    """Move `next_start` on for offers whose first session to come has now started.

    Cheap when nothing has passed (one index lookup), which is nearly always.
    """
    stamp = _moment(now)
    earliest = db.execute("SELECT min(next_start) FROM offers").fetchone()[0]
    if earliest is None or earliest >= stamp:
        return
    with transaction(db):
        db.execute(
            "UPDATE offers SET next_start = (SELECT min(s.start) FROM sessions s"
            " WHERE s.offer_num = offers.num AND s.start >= :now) WHERE next_start < :now",
            {"now": stamp},
        )


class _RowAction(TypedDict, total=False):
    row_session_id: str
    row_waitlist: bool


def _row_action(action: str | None) -> _RowAction:
    """The row's own button, from "book:SESSION" or "wait:SESSION" (see search_offers)."""
    if action is None:
        return {}
    kind, _, session_id = action.partition(":")
    return {"row_session_id": session_id, "row_waitlist": kind == "wait"}


def search_offers(db: sqlite_utils.Database, query: OfferQuery, now: datetime, limit: int = 100) -> SearchResult:
    """Offers that still have a session to come and match the query, soonest first.

    Results are counted up to COUNT_CAP only: past that a person needs more
    words, not an exact figure, and counting every match of a first letter typed
    would make each keystroke wait.
    """
    terms = search_terms(query.text)
    refresh_next_starts(db, now)
    params: dict[str, object] = {"now": _moment(now), "limit": limit}
    where = ["o.next_start IS NOT NULL"]
    if query.category:
        where.append("o.category = :category")
        params["category"] = query.category
    if query.bons_plans:
        where.append("o.bon_plan = 1")
    if query.level:
        where.append("o.level = :level")
        params["level"] = query.level.value
    if terms:
        # Each term is letters and digits only (see search_terms), so quoting it is safe.
        words = " ".join(f'"{t}"*' for t in terms)
        tags = [_tag("category", query.category)] if query.category else []
        tags += [_tag("level", query.level.value)] if query.level else []
        tags += ["bonplan"] if query.bons_plans else []
        params["match"] = f"{{{TEXT_COLUMNS}}} : ({words})" + "".join(f" AND tags : {t}" for t in tags)
    if query.max_price_cents is not None:
        where.append("o.price_from_cents <= :max_price")
        params["max_price"] = query.max_price_cents
    session_match = ["s.offer_num = o.num", "s.start >= :now"]
    first_day, last_day = date_window_bounds(query.window, now.date())
    if first_day is not None and last_day is not None:
        session_match.append("s.start >= :window_from AND s.start < :window_to")
        params["window_from"] = _moment(datetime.combine(first_day, time.min))
        params["window_to"] = _moment(datetime.combine(last_day, time.max))
    if query.with_places:
        session_match.append("s.taken < s.capacity")
    session_condition = " AND ".join(session_match)
    if len(session_match) > 2:
        where.append(f"EXISTS (SELECT 1 FROM sessions s WHERE {session_condition})")
    conditions = " AND ".join(where)

    # Few matches: start from the full-text hits and sort them. Many: walk the offers in
    # date order and stop at the page's end. CROSS JOIN and INDEXED BY fix each plan.
    matches = "(SELECT rowid AS num FROM offers_fts WHERE offers_fts MATCH :match) m CROSS JOIN offers o ON o.num = m.num"
    source = matches if terms else "offers o"
    total = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {conditions} LIMIT {COUNT_CAP + 1})", params
    ).fetchone()[0]
    if total > COUNT_CAP:
        source = "offers o INDEXED BY offers_by_next_start"
        if terms:
            conditions += " AND o.num IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH :match)"
    rows = list(db.query(
        f"""
        SELECT o.id, o.title, o.summary, o.category, o.level, o.location, o.price_from_cents,
               o.bon_plan, o.discount_percent,
               (SELECT min(s.start) FROM sessions s WHERE {session_condition}) AS next_start,
               CASE WHEN o.booking_mode = 'direct' THEN
                   (SELECT CASE WHEN s.taken >= s.capacity THEN 'wait:' || s.id
                                WHEN s.site_taken < s.site_allocation THEN 'book:' || s.id END
                    FROM sessions s WHERE {session_condition} ORDER BY s.start LIMIT 1)
               END AS row_action
        FROM {source}
        WHERE {conditions}
        ORDER BY o.next_start, o.num
        LIMIT :limit
        """,
        params,
    ))
    offers = tuple(
        OfferSummary(
            id=r["id"],
            title=r["title"],
            summary=r["summary"],
            category=r["category"],
            level=Level(r["level"]),
            location=r["location"],
            price_from_cents=r["price_from_cents"],
            bon_plan=bool(r["bon_plan"]),
            discount_percent=r["discount_percent"],
            next_start=datetime.strptime(r["next_start"], _MOMENT) if r["next_start"] else None,
            **_row_action(r["row_action"]),
        )
        for r in rows
    )
    return SearchResult(offers, min(total, COUNT_CAP), capped=total > COUNT_CAP)


def load_offer(db: sqlite_utils.Database, offer_id: str) -> Offer | None:
    rows = list(db.query("SELECT * FROM offers WHERE id = ?", [offer_id]))
    if not rows:
        return None
    r = rows[0]
    sessions = tuple(
        Session(
            id=s["id"],
            start=datetime.strptime(s["start"], _MOMENT),
            end=datetime.strptime(s["end"], _MOMENT),
            place=s["place"],
            capacity=s["capacity"],
            taken=s["taken"],
            site_allocation=s["site_allocation"],
            site_taken=s["site_taken"],
            places_as_of=datetime.strptime(s["places_as_of"], _MOMENT),
        )
        for s in db.query("SELECT * FROM sessions WHERE offer_num = ? ORDER BY start", [r["num"]])
    )
    return Offer(
        id=r["id"],
        level=Level(r["level"]),
        category=r["category"],
        title=r["title"],
        summary=r["summary"],
        description=r["description"],
        organiser=r["organiser"],
        location=r["location"],
        booking_mode=BookingMode(r["booking_mode"]),
        bon_plan=bool(r["bon_plan"]),
        discount_percent=r["discount_percent"],
        trans_slvie=bool(r["trans_slvie"]),
        age_min=r["age_min"],
        age_max=r["age_max"],
        cancel_days_before=r["cancel_days_before"],
        prices=tuple(int(cents) for cents in r["prices"].split()),
        sessions=sessions,
        bring=r["bring"],
        photo=Photo(r["photo_sha256"], r["photo_credit"]) if r["photo_sha256"] else None,
    )
