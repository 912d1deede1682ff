"""The offer in the local store: writing a whole catalog, searching it, reading one offer."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, time
from typing import NamedTuple

import sqlite_utils

from kiosk.domain.catalog import (
    BookingMode,
    Catalog,
    Category,
    ConciergeService,
    Level,
    Offer,
    Session,
)
from kiosk.domain.search import (
    FEW_RESULTS,
    Nearness,
    OfferSummary,
    SearchPlan,
    SearchResult,
    Site,
    Term,
    nearness,
    search_entry,
)
from kiosk.domain.search_language import SEARCH_RULES_VERSION, Vocabulary
from kiosk.store.database import transaction
from kiosk.store.state import read_state, write_state

_MOMENT = "%Y-%m-%dT%H:%M"
COUNT_CAP = 1000


def _moment(value: datetime) -> str:
    if value.tzinfo is None and value.year >= 1000:  # isoformat is the same text, several times faster
        return value.isoformat(timespec="minutes")
    return value.strftime(_MOMENT)


def replace_catalog(db: sqlite_utils.Database, catalog: Catalog, as_of: datetime) -> None:
    """Swap the whole offer for `catalog` in one transaction (seeding a kiosk)."""
    with transaction(db):
        for table in ("sessions", "offers_fts", "offers", "categories", "concierge_services", "search_words"):
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


def _write_categories(db: sqlite_utils.Database, categories) -> None:
    start = db.execute("SELECT count(*) FROM categories").fetchone()[0]
    db.conn.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " name_fr = excluded.name_fr, name_en = excluded.name_en, pictogram = excluded.pictogram",
        [(c.id, start + i, c.name_fr, c.name_en, c.pictogram) for i, c in enumerate(categories)],
    )


def _write_services(db: sqlite_utils.Database, services) -> None:
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
    site = _search_site(db)
    db.conn.executemany(
        "INSERT INTO offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                num, o.id, o.level.value, o.category, o.title, o.summary, o.description, o.organiser,
                o.location, o.booking_mode.value, o.bon_plan, o.discount_percent, o.trans_slvie,
                o.age_min, o.age_max, o.cancel_days_before, o.price_from,
                _next_start(o, as_of),
                " ".join(map(str, o.prices)),
                nearness(o.level, o.organiser, site),
            )
            for num, o in offers
        ],
    )
    _index_offers(db, [
        IndexRow(num, o.title, o.summary, o.location, o.organiser, o.category, category_names.get(o.category, ""),
                 o.level.value, o.bon_plan, o.age_min, o.age_max)
        for num, o in offers
    ])
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


class IndexRow(NamedTuple):
    """What the search index is made from, for one offer (from an Offer, or from its row)."""

    num: int
    title: str
    summary: str
    location: str
    organiser: str
    category: str
    category_name: str
    level: str
    bon_plan: bool
    age_min: int | None
    age_max: int | None


def _index_offers(db: sqlite_utils.Database, rows: list[IndexRow]) -> None:
    """The search index's rows for these offers, and the words they use added to `search_words`."""
    used: dict[str, tuple[str, str]] = {}
    fts_rows = []
    for row in rows:
        entry = search_entry(row.title, (row.summary, row.location, row.organiser, row.category_name),
                             row.age_min, row.age_max)
        fts_rows.append((row.num, entry.title, entry.body,
                         " ".join([*_tags(row.category, row.level, row.bon_plan), *entry.audience])))
        used.update(entry.words)
    db.conn.executemany("INSERT INTO offers_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)", fts_rows)
    db.conn.executemany(
        "INSERT OR IGNORE INTO search_words (word, stem, shown) VALUES (?, ?, ?)",
        [(word, stem, shown) for word, (stem, shown) in used.items()],
    )


def _search_site(db: sqlite_utils.Database) -> Site:
    slvie, _, cmcas = (read_state(db, "search_site") or "").partition("\n")
    return Site(slvie, cmcas)


def prepare_search(db: sqlite_utils.Database, site: Site) -> None:
    """Make the search index and nearness current for this kiosk's site and this kiosk's search rules.

    Nothing to do on most starts. After the site's SLVie or CMCAS changed, nearness is worked out
    again; after a change of the search rules (SEARCH_RULES_VERSION), the index is made anew.
    """
    with transaction(db):
        if _search_site(db) != site:
            write_state(db, "search_site", f"{site.slvie}\n{site.cmcas}")
            rows = db.execute("SELECT num, level, organiser FROM offers").fetchall()
            db.conn.executemany("UPDATE offers SET near = ? WHERE num = ?",
                                [(nearness(Level(level), organiser, site), num) for num, level, organiser in rows])
        if read_state(db, "search_index") != SEARCH_RULES_VERSION:
            for table in ("offers_fts", "search_words"):
                db.execute(f"DELETE FROM {table}")
            _index_offers(db, [IndexRow(*row) for row in db.execute(
                "SELECT o.num, o.title, o.summary, o.location, o.organiser, o.category,"
                " coalesce(c.name_fr || ' ' || c.name_en, ''), o.level, o.bon_plan, o.age_min, o.age_max"
                " FROM offers o LEFT JOIN categories c ON c.id = o.category")])
            write_state(db, "search_index", SEARCH_RULES_VERSION)


def search_vocabulary_stamp(db: sqlite_utils.Database) -> int:
    """Grows whenever a word is added to the vocabulary (ids are never reused)."""
    return db.execute("SELECT coalesce(max(id), 0) FROM search_words").fetchone()[0]


def search_vocabulary(db: sqlite_utils.Database) -> Vocabulary:
    return Vocabulary(db.execute("SELECT word, stem, shown FROM search_words").fetchall())


def _next_start(offer: Offer, as_of: datetime) -> str | None:
    first = min((s.start for s in offer.sessions if s.start >= as_of), default=None)
    return None if first is None else _moment(first)


def _tag(kind: str, value: str) -> str:
    """One index token per filter value, letters only so the tokenizer keeps it whole."""
    return kind + "".join(c for c in value if c.isalnum())


def _tags(category: str, level: str, bon_plan: bool) -> list[str]:
    tags = [_tag("category", category), _tag("level", level)]
    if bon_plan:
        tags.append("bonplan")
    return tags


def count_offers(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM offers").fetchone()[0]


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


def _concierge_service(row: dict) -> ConciergeService:
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


def _row_action(action: str | None) -> dict:
    """The row's own button, from "book:SESSION" or "wait:SESSION" (see search_offers)."""
    if action is None:
        return {}
    kind, _, session_id = action.partition(":")
    return {"row_session_id": session_id, "row_waitlist": kind == "wait"}


def search_offers(db: sqlite_utils.Database, plan: SearchPlan, limit: int = 100) -> SearchResult:
    """Offers that still have a session to come and match the plan, ranked as kiosk.domain.search says.

    Each relevance class is one full-text query (the classes exclude each other), read in
    nearness then date order until the page is full. Results are counted up to COUNT_CAP only:
    past that a person needs more words, not an exact figure, and counting every match of a
    first letter typed would make each keystroke wait.
    """
    refresh_next_starts(db, plan.now)
    conditions, params, session_condition = _conditions(plan)
    tags = _filter_tags(plan)
    classes = _relevance_classes(plan.terms)
    if not classes:
        classes = [(" AND ".join(f"tags : {t}" for t in tags), False)] if tags else [("", False)]
        tags = []
    rows: list[dict] = []
    full = _count(db, _match(_union(classes), tags), conditions, params)
    total = full
    for match, partial in _exclusive(classes):
        if (partial and full >= FEW_RESULTS) or (not partial and (full == 0 or len(rows) >= limit)):
            continue
        match = _match(match, tags)
        many = False
        if partial or full > COUNT_CAP:  # else each class is smaller than the count cap, as they all are
            found = _count(db, match, conditions, params)
            total += found if partial else 0
            many = found > COUNT_CAP
            if not found:
                continue
        if len(rows) < limit:
            rows += _fetch(db, match, conditions, params, session_condition, limit - len(rows), many, partial)
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
            partial=r["partial"],
            **_row_action(r["row_action"]),
        )
        for r in rows
    )
    return SearchResult(offers, min(total, COUNT_CAP), capped=total > COUNT_CAP)


def _conditions(plan: SearchPlan) -> tuple[str, dict[str, object], str]:
    """The filters on the offer's row and on its sessions: WHERE text, its parameters, and the
    condition a session must meet (for the date and the button each row shows)."""
    query = plan.query
    params: dict[str, object] = {"now": _moment(plan.now)}
    where = ["o.next_start IS NOT NULL"]
    if query.category:
        where.append("o.category = :category")
        params["category"] = query.category
    if query.bons_plans:
        where.append("o.bon_plan = 1")
    if query.level:
        where.append("o.level = :level")
        params["level"] = query.level.value
    if plan.nearby:
        where.append(f"o.near <= {int(Nearness.THIS_CMCAS)}")
    if query.max_price_cents is not None:
        where.append("o.price_from_cents <= :max_price")
        params["max_price"] = query.max_price_cents
    session_match = ["s.offer_num = o.num", "s.start >= :now"]
    if plan.first_day is not None and plan.last_day is not None:
        session_match.append("s.start >= :window_from AND s.start < :window_to")
        params["window_from"] = _moment(datetime.combine(plan.first_day, time.min))
        params["window_to"] = _moment(datetime.combine(plan.last_day, time.max))
    if query.with_places:
        session_match.append("s.taken < s.capacity")
    session_condition = " AND ".join(session_match)
    if len(session_match) > 2:
        where.append(f"EXISTS (SELECT 1 FROM sessions s WHERE {session_condition})")
    return " AND ".join(where), params, session_condition


def _filter_tags(plan: SearchPlan) -> list[str]:
    """Filters also held in the index, so that words and filters are intersected inside it."""
    query = plan.query
    tags = [_tag("category", query.category)] if query.category else []
    tags += [_tag("level", query.level.value)] if query.level else []
    tags += ["bonplan"] if query.bons_plans else []
    return tags + list(plan.audience)


def _phrase(words: tuple[str, ...]) -> str:
    # Each word is letters and digits only (kiosk.domain.search_language), so quoting it is safe.
    return '"' + " ".join(words) + '"'


def _either(phrases: tuple[tuple[str, ...], ...]) -> str:
    return "(" + " OR ".join(map(_phrase, phrases)) + ")"


def _strong(term: Term) -> str:
    return _either(term.strong)


def _beginning(term: Term) -> str:
    typed = " AND ".join(f"{_phrase((word,))}*" for word in term.typed)
    return f"({_strong(term)} OR ({typed}))"


def _forgiving(term: Term) -> str:
    return f"({_beginning(term)} OR {_either(term.fuzzy)})" if term.fuzzy else _beginning(term)


def _all(terms: tuple[Term, ...], columns: str, form: Callable[[Term], str]) -> str:
    return "(" + " AND ".join(f"{columns} : {form(t)}" for t in terms) + ")"


_TITLE = "title"
_ANYWHERE = "{title body}"


def _relevance_classes(terms: tuple[Term, ...]) -> list[tuple[str, bool]]:
    """Full-text expressions, best first, each with whether it asks for only some of the words.

    Every word (or a synonym) in the title; anywhere; as the beginning of a word in the title;
    anywhere; with a typo forgiven. Then, for several words, all but one of them, and so on.
    """
    if not terms:
        return []
    classes = [
        _all(terms, _TITLE, _strong),
        _all(terms, _ANYWHERE, _strong),
        _all(terms, _TITLE, _beginning),
        _all(terms, _ANYWHERE, _beginning),
    ]
    if any(t.fuzzy for t in terms):
        classes.append(_all(terms, _ANYWHERE, _forgiving))
    found = [(c, False) for c in classes]
    for size in range(len(terms) - 1, 0, -1):
        subsets = itertools.combinations(terms, size)
        found.append(("(" + " OR ".join(_all(subset, _ANYWHERE, _forgiving) for subset in subsets) + ")", True))
    return found


def _union(classes: list[tuple[str, bool]]) -> str:
    """Everything the classes with every word match: the last of them holds all the others."""
    return [match for match, partial in classes if not partial][-1]


def _exclusive(classes: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Each class less the ones before it, so that an offer is listed once, in its best class."""
    found = []
    for at, (match, partial) in enumerate(classes):
        before = [c for c, _p in classes[:at]]
        found.append((f"({match} NOT ({' OR '.join(before)}))" if before else match, partial))
    return found


def _match(match: str, tags: list[str]) -> str:
    return " AND ".join(([f"({match})"] if match else []) + [f"tags : {t}" for t in tags])


def _source(match: str, walk: bool) -> tuple[str, str]:
    """Few matches: start from the full-text hits and sort them. Many: walk the offers in nearness
    and date order and stop at the page's end. CROSS JOIN and INDEXED BY fix each plan."""
    if not match:
        return "offers o", ""
    if walk:
        return "offers o INDEXED BY offers_by_near", " AND o.num IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH :match)"
    return "(SELECT rowid AS num FROM offers_fts WHERE offers_fts MATCH :match) m CROSS JOIN offers o ON o.num = m.num", ""


def _count(db: sqlite_utils.Database, match: str, conditions: str, params: dict[str, object]) -> int:
    source, extra = _source(match, walk=False)
    return db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {conditions}{extra} LIMIT {COUNT_CAP + 1})",
        {**params, "match": match} if match else params,
    ).fetchone()[0]


def _fetch(db: sqlite_utils.Database, match: str, conditions: str, params: dict[str, object],
           session_condition: str, limit: int, walk: bool, partial: bool) -> list[dict]:
    source, extra = _source(match, walk)
    return list(db.query(
        f"""
        SELECT o.id, o.title, o.summary, o.category, o.level, o.location, o.price_from_cents,
               o.bon_plan, o.discount_percent, {int(partial)} AS partial,
               (SELECT min(s.start) FROM sessions s WHERE {session_condition}) AS next_start,
               CASE WHEN o.booking_mode = 'direct' THEN
                   (SELECT CASE WHEN s.taken >= s.capacity THEN 'wait:' || s.id
                                WHEN s.site_taken < s.site_allocation THEN 'book:' || s.id END
                    FROM sessions s WHERE {session_condition} ORDER BY s.start LIMIT 1)
               END AS row_action
        FROM {source}
        WHERE {conditions}{extra}
        ORDER BY o.near, o.next_start, o.num
        LIMIT {int(limit)}
        """,
        {**params, "match": match} if match else params,
    ))


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
    )
