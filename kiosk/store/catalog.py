"""The offer in the local store: writing a whole catalog, searching it, reading one offer."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
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
    Photo,
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
    nearness_of_level,
    search_entry,
    typed_exactly,
)
from kiosk.domain.search_language import SEARCH_RULES_VERSION, IndexedText, Vocabulary
from kiosk.store.database import Row, transaction
from kiosk.store.state import read_state, write_state

_MOMENT = "%Y-%m-%dT%H:%M"
COUNT_CAP = 1000
# Fewer letters than this are taken as the beginning of a word still being typed.
WHOLE_WORD_LETTERS = 3


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
        write_state(db, "search_index", SEARCH_RULES_VERSION)  # every offer was just indexed by these rules


def upsert_categories(db: sqlite_utils.Database, categories: list[Category]) -> None:
    """Inside the caller's transaction (a pulled page)."""
    _write_categories(db, categories)


def upsert_services(db: sqlite_utils.Database, services: list[ConciergeService]) -> None:
    """Inside the caller's transaction (a pulled page)."""
    _write_services(db, services)


def upsert_offers(
    db: sqlite_utils.Database,
    offers: list[Offer],
    as_of: datetime,
    held_seats: dict[str, int] | None = None,
    lease_seats: dict[str, tuple[int, int]] | None = None,
) -> None:
    """Write offers as the centre now sees them, inside the caller's transaction.

    `held_seats` adds, per session, seats this kiosk has taken in bookings the centre
    has not heard of yet: pulled figures must not hand those seats out again.
    `lease_seats` (held, used), per session, replaces the site's figures by this kiosk's
    own lease: it confirms offline only within it (sessions absent: no lease, nothing).
    """
    if not offers:
        return
    known = dict(
        db.execute(
            f"SELECT id, num FROM offers WHERE id IN ({','.join('?' * len(offers))})", [o.id for o in offers]
        ).fetchall()
    )
    _delete_offer_rows(db, list(known.values()))
    next_num = (db.execute("SELECT max(num) FROM offers").fetchone()[0] or 0) + 1
    numbered = []
    for offer in offers:
        if offer.id in known:
            numbered.append((known[offer.id], offer))
        else:
            numbered.append((next_num, offer))
            next_num += 1
    _write_offers(db, numbered, as_of, held_seats or {}, lease_seats)
    write_state(db, "catalog_as_of", _moment(as_of))


def withdraw_offers(db: sqlite_utils.Database, offer_ids: list[str]) -> None:
    """Tombstones from the centre, inside the caller's transaction; bookings keep their record."""
    if offer_ids:
        nums = [
            r[0]
            for r in db.execute(f"SELECT num FROM offers WHERE id IN ({','.join('?' * len(offer_ids))})", offer_ids)
        ]
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
                s.id,
                start + i,
                s.name_fr,
                s.name_en,
                s.description_fr,
                s.description_en,
                s.price_cents,
                s.price_unit_fr,
                s.price_unit_en,
                s.hours_fr,
                s.hours_en,
                s.pictogram,
            )
            for i, s in enumerate(services)
        ],
    )


def _write_offers(
    db: sqlite_utils.Database,
    offers: list[tuple[int, Offer]],
    as_of: datetime,
    held_seats: dict[str, int] | None = None,
    lease_seats: dict[str, tuple[int, int]] | None = None,
) -> None:
    held_seats = held_seats or {}

    def own(s: Session) -> tuple[int, int]:
        """(seats this kiosk may confirm offline, of which used)."""
        if lease_seats is None:
            return s.site_allocation, s.site_taken + min(
                held_seats.get(s.id, 0), max(s.site_allocation - s.site_taken, 0)
            )
        held, used = lease_seats.get(s.id, (0, 0))
        return max(held, used), used

    category_names = {row[0]: f"{row[1]} {row[2]}" for row in db.execute("SELECT id, name_fr, name_en FROM categories")}
    site = _search_site(db)
    db.conn.executemany(
        "INSERT INTO offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                num,
                o.id,
                o.level.value,
                o.category,
                o.title,
                o.summary,
                o.description,
                o.organiser,
                o.location,
                o.booking_mode.value,
                o.bon_plan,
                o.discount_percent,
                o.trans_slvie,
                o.age_min,
                o.age_max,
                o.cancel_days_before,
                o.price_from,
                _next_start(o, as_of),
                " ".join(map(str, o.prices)),
                o.bring,
                o.photo.sha256 if o.photo else None,
                o.photo.credit if o.photo else None,
                nearness(o.level, o.organiser, site),
                o.version,
                o.campaign,
                _moment(o.wishes_until) if o.wishes_until else None,
            )
            for num, o in offers
        ],
    )
    _index_offers(
        db,
        [
            IndexRow(
                num,
                o.title,
                o.summary,
                o.location,
                o.organiser,
                o.category,
                category_names.get(o.category, ""),
                o.level.value,
                o.bon_plan,
                o.age_min,
                o.age_max,
            )
            for num, o in offers
        ],
    )
    stamp = _moment(as_of)
    db.conn.executemany(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id,
                num,
                _moment(s.start),
                _moment(s.end),
                s.place,
                s.capacity,
                s.taken + min(held_seats.get(s.id, 0), max(s.capacity - s.taken, 0)),
                *own(s),
                stamp,
            )
            for num, o in offers
            for s in o.sessions
        ],
    )


# id, title, summary, category, level, location, price, bon plan, discount, next session (see _fetch)
ResultRow = tuple[str, str, str, str, str, str, int, int, int | None, str | None]


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
    texts: dict[int, IndexedText] = {}
    fts_rows = []
    for row in rows:
        entry = search_entry(
            row.title, (row.summary, row.location, row.organiser, row.category_name), row.age_min, row.age_max
        )
        fts_rows.append(
            (
                row.num,
                entry.title,
                entry.body,
                " ".join([*_tags(row.category, row.level, row.bon_plan), *entry.audience]),
            )
        )
        texts.update((id(text), text) for text in entry.texts)
    db.conn.executemany("INSERT INTO offers_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)", fts_rows)
    used = {word: (stem, shown) for text in texts.values() for word, stem, shown in text.words}
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
            db.conn.executemany(
                "UPDATE offers SET near = ? WHERE num = ?",
                [(nearness(Level(level), organiser, site), num) for num, level, organiser in rows],
            )
        if read_state(db, "search_index") != SEARCH_RULES_VERSION:
            for table in ("offers_fts", "search_words"):
                db.execute(f"DELETE FROM {table}")
            _index_offers(
                db,
                [
                    IndexRow(*row)
                    for row in db.execute(
                        "SELECT o.num, o.title, o.summary, o.location, o.organiser, o.category,"
                        " coalesce(c.name_fr || ' ' || c.name_en, ''), o.level, o.bon_plan, o.age_min, o.age_max"
                        " FROM offers o LEFT JOIN categories c ON c.id = o.category"
                    )
                ],
            )
            write_state(db, "search_index", SEARCH_RULES_VERSION)


def search_vocabulary_stamp(db: sqlite_utils.Database) -> int:
    """Grows whenever a word is added to the vocabulary (ids are never reused)."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM search_words").fetchone()[0])


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


def search_offers(db: sqlite_utils.Database, plan: SearchPlan, limit: int = 100) -> SearchResult:
    """Offers that still have a session to come and match the plan, ranked as kiosk.domain.search says.

    Each relevance class is one full-text query (less the classes before it), read in nearness
    then date order until the page is full. Results are counted up to COUNT_CAP only: past that
    a person needs more words, not an exact figure, and counting every match of a first letter
    typed would make each keystroke wait.
    """
    refresh_next_starts(db, plan.now)
    conditions, params, session_condition = _conditions(plan)
    tags = _filter_tags(plan)
    classes = _relevance_classes(plan.terms)

    def read(match: str, count: int, among: int) -> list[ResultRow]:
        """The first `count` rows of a class, from a search that matched `among` offers in all."""
        walk = bool(match) and among > COUNT_CAP and _index_count(db, match) > COUNT_CAP
        return _fetch(db, match, conditions, params, session_condition, count, walk)

    if not classes:  # browsing: the filters only
        match = _match("", tags)
        total = _count(db, match, conditions, params)
        return _result(read(match, limit, total) if total else [], total, set())
    total = _count(db, _match(classes[-1].match, tags), conditions, params)  # the last holds all the others
    rows: list[ResultRow] = []
    for number, relevance in enumerate(_exclusive(classes) if total else []):
        if len(rows) >= min(total, limit):  # the page is full, or every match is on it
            break
        found = read(_match(relevance, tags), limit - len(rows), total)
        if number == 0 and len(found) < limit:
            # The whole first class is here (every word, or its stem, in the title): the titles with
            # the words as typed come first ("randonnées" before "Randonnée"). The index holds stems only.
            found.sort(key=lambda row: not typed_exactly(row[1], plan.terms))
        rows += found
    partial: set[str] = set()
    whole = tuple(t for t in plan.terms if len(" ".join(t.typed)) >= WHOLE_WORD_LETTERS)
    if total < FEW_RESULTS and len(plan.terms) > 1 and whole:
        # So few: the offers with some of the words follow, those with the most words first. Those
        # already listed are passed over here rather than excluded in the index (faster, for so few).
        some = _some_of(whole, len(plan.terms))
        more = _count(db, _match(some[-1], tags), conditions, params) - total
        seen = {row[0] for row in rows}
        for match in some if more else []:
            if len(rows) >= limit:
                break
            for row in read(_match(match, tags), limit + len(seen), more):
                if row[0] not in seen and len(rows) < limit:
                    rows.append(row)
                    seen.add(row[0])
                    partial.add(row[0])
        total += more
    return _result(rows, total, partial)


def _result(rows: list[ResultRow], total: int, partial: set[str]) -> SearchResult:
    offers = []
    for offer_id, title, summary, category, level, location, price, bon_plan, discount, next_session in rows:
        start, _, action = (next_session or "").partition(" ")
        kind, _, session_id = action.partition(":")
        offers.append(
            OfferSummary(
                id=offer_id,
                title=title,
                summary=summary,
                category=category,
                level=Level(level),
                location=location,
                price_from_cents=price,
                bon_plan=bool(bon_plan),
                discount_percent=discount,
                next_start=datetime.fromisoformat(start) if start else None,
                row_session_id=session_id or None,
                row_waitlist=kind == "wait",
                partial=offer_id in partial,
            )
        )
    return SearchResult(tuple(offers), min(total, COUNT_CAP), capped=total > COUNT_CAP)


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
    near = set(Nearness)
    if query.level:
        where.append("o.level = :level")
        params["level"] = query.level.value
        near &= nearness_of_level(query.level)
    if plan.nearby:
        near &= {Nearness.THIS_SLVIE, Nearness.THIS_CMCAS}
    if near != set(Nearness):  # also lets a walk in nearness order pass over whole tiers
        where.append(f"o.near IN ({', '.join(str(int(n)) for n in sorted(near))})")
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


def _own(term: Term) -> str:
    return _either(term.strong[:1])


def _strong(term: Term) -> str:
    return _either(term.strong)


def _beginning(term: Term) -> str:
    typed = " AND ".join(f"{_phrase((word,))}*" for word in term.typed)
    return f"({_strong(term)} OR ({typed}))"


def _forgiving(term: Term) -> str:
    return f"({_beginning(term)} OR {_either(term.fuzzy)})" if term.fuzzy else _beginning(term)


_FORMS: tuple[Callable[[Term], str], ...] = (_own, _strong, _beginning, _forgiving)
_TITLE, _ANYWHERE = "title", "{title body}"


def _all(terms: tuple[Term, ...], columns: str, form: Callable[[Term], str]) -> str:
    return "(" + " AND ".join(f"{columns} : {form(t)}" for t in terms) + ")"


class _Relevance(NamedTuple):
    where: int  # 0: the title, 1: anywhere
    form: int  # an index in _FORMS: the word itself, or a synonym, or as a beginning, or with a typo
    match: str

    def within(self, other: _Relevance) -> bool:
        return self.where <= other.where and self.form <= other.form


def _relevance_classes(terms: tuple[Term, ...]) -> list[_Relevance]:
    """Every word itself in the title; or a synonym; then anywhere; as the beginning of a word in the
    title; anywhere; with a typo forgiven in the title; anywhere. A class the same as the one before
    it is left out; the last one holds all the others."""
    if not terms:
        return []
    order: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (1, 1), (0, 2), (1, 2), (0, 3), (1, 3))
    if all(len(" ".join(t.typed)) < WHOLE_WORD_LETTERS for t in terms):
        order = order[3:]  # one or two letters: the beginning of a word still being typed
    found: list[_Relevance] = []
    for where, form in order:
        match = _all(terms, (_TITLE, _ANYWHERE)[where], _FORMS[form])
        if not found or match != found[-1].match:
            found.append(_Relevance(where, form, match))
    return found


def _exclusive(classes: list[_Relevance]) -> list[str]:
    """Each class less the ones before it, so that an offer is listed once, in its best class.
    Only the widest of those before are named: the others are within them."""
    found = []
    for at, relevance in enumerate(classes):
        before = classes[:at]
        widest = [b.match for b in before if not any(b.within(o) and b is not o for o in before)]
        found.append(f"({relevance.match} NOT ({' OR '.join(widest)}))" if widest else relevance.match)
    return found


def _some_of(terms: tuple[Term, ...], asked: int) -> list[str]:
    """All the words asked but one (in any form), in the title then anywhere; then all but two, and
    so on to any one of them. Only whole words count: one or two letters are a word still being
    typed, found everywhere."""
    return [
        "(" + " OR ".join(_all(subset, columns, _forgiving) for subset in itertools.combinations(terms, size)) + ")"
        for size in range(min(len(terms), asked - 1), 0, -1)
        for columns in (_TITLE, _ANYWHERE)
    ]


def _match(match: str, tags: list[str]) -> str:
    return " AND ".join(([f"({match})"] if match else []) + [f"tags : {t}" for t in tags])


def _source(match: str, walk: bool) -> tuple[str, str]:
    """Few matches: start from the full-text hits and sort them. Many: walk the offers in nearness
    and date order and stop at the page's end. CROSS JOIN and INDEXED BY fix each plan."""
    if not match:
        return "offers o", ""
    if walk:
        return (
            "offers o INDEXED BY offers_by_near",
            " AND o.num IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH :match)",
        )
    return (
        "(SELECT rowid AS num FROM offers_fts WHERE offers_fts MATCH :match) m CROSS JOIN offers o ON o.num = m.num",
        "",
    )


def _count(db: sqlite_utils.Database, match: str, conditions: str, params: dict[str, object]) -> int:
    source, extra = _source(match, walk=False)
    return int(
        db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {conditions}{extra} LIMIT {COUNT_CAP + 1})",
            {**params, "match": match} if match else params,
        ).fetchone()[0]
    )


def _index_count(db: sqlite_utils.Database, match: str) -> int:
    """How many offers the index finds, up to just past COUNT_CAP, whatever the other filters."""
    return int(
        db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM offers_fts WHERE offers_fts MATCH ? LIMIT {COUNT_CAP + 1})", [match]
        ).fetchone()[0]
    )


def _fetch(
    db: sqlite_utils.Database,
    match: str,
    conditions: str,
    params: dict[str, object],
    session_condition: str,
    limit: int,
    walk: bool,
) -> list[ResultRow]:
    """Result rows; the last column is the row's next session: "START", or "START book:ID" when the
    row's button books it, or "START wait:ID" when it asks for its waiting list."""
    source, extra = _source(match, walk)
    # The page is chosen first, then only its rows read their next session.
    rows: list[ResultRow] = db.execute(
        f"""
        SELECT o.id, o.title, o.summary, o.category, o.level, o.location, o.price_from_cents,
               o.bon_plan, o.discount_percent,
               (SELECT s.start || ' ' || CASE WHEN o.booking_mode != 'direct' THEN ''
                                              WHEN s.taken >= s.capacity THEN 'wait:' || s.id
                                              WHEN s.site_taken < s.site_allocation THEN 'book:' || s.id
                                              ELSE '' END
                FROM sessions s WHERE {session_condition} ORDER BY s.start LIMIT 1) AS next_session
        FROM (SELECT o.num FROM {source} WHERE {conditions}{extra}
              ORDER BY o.near, o.next_start, o.num LIMIT {int(limit)}) page
        CROSS JOIN offers o ON o.num = page.num
        ORDER BY o.near, o.next_start, o.num
        """,
        {**params, "match": match} if match else params,
    ).fetchall()
    return rows


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
        version=r["version"],
        sessions=sessions,
        bring=r["bring"],
        photo=Photo(r["photo_sha256"], r["photo_credit"]) if r["photo_sha256"] else None,
        campaign=r["campaign"],
        wishes_until=datetime.strptime(r["wishes_until"], _MOMENT) if r["wishes_until"] else None,
    )


def programme_offers(db: sqlite_utils.Database, start: datetime, end: datetime) -> list[Offer]:
    """The site's own offers (SLVie level) and the bons plans with a date in [start, end)."""
    ids = [
        row["id"]
        for row in db.query(
            "SELECT DISTINCT offers.id FROM sessions JOIN offers ON offers.num = sessions.offer_num "
            "WHERE sessions.start >= ? AND sessions.start < ? AND (offers.level = 'slvie' OR offers.bon_plan = 1)",
            [_moment(start), _moment(end)],
        )
    ]
    return [offer for offer in (load_offer(db, offer_id) for offer_id in ids) if offer is not None]
