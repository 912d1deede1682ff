"""The change sequence kiosks pull (docs/sync-protocol.md, "Pull").

The `changes` table holds one row per entity (per site, for households and
bookings) at the seq of its latest change: bumping an entity replaces its row
with a new, higher seq. So a page lists each entity once, in seq order, and is
rendered from the current state with a handful of queries, however long the
kiosk was away. Offers are global (their places are rendered for the asking
site); households, bookings, concierge requests, correspondents and ideas are seen only by
their own site, a kiosk's leases only by that kiosk (scope `kiosk:ID`); consultations by every site.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from sync.server.db import FEED_EPOCH, compact_json, get_meta

GLOBAL = ""
KIOSK_SCOPE = "kiosk:"  # what only one kiosk pulls (its leases)
MAX_PAGE = 1000
DEFAULT_PAGE = 500


class CursorAhead(Exception):
    """The kiosk's cursor is beyond anything this server ever issued (another or a rebuilt database)."""

    def __init__(self, top: int):
        super().__init__(top)
        self.top = top


def kiosk_scope(kiosk_id: str) -> str:
    return KIOSK_SCOPE + kiosk_id


def bump(conn: sqlite3.Connection, kind: str, entity_id: str, site_id: str = GLOBAL) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO changes (kind, entity_id, site_id) VALUES (?, ?, ?)", (kind, entity_id, site_id)
    )


def bump_many(conn: sqlite3.Connection, kind: str, entity_ids: list[str], site_id: str = GLOBAL) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO changes (kind, entity_id, site_id) VALUES (?, ?, ?)",
        [(kind, entity_id, site_id) for entity_id in entity_ids],
    )


def read_page(
    conn: sqlite3.Connection, site_id: str, cursor: int, limit: int, kiosk_id: str = "", protocol: int = 1
) -> str:
    """The JSON text of one page of changes after `cursor` for kiosk `kiosk_id` of `site_id` (call inside a
    read). A kiosk of protocol 1 knows nothing of leases: it is sent none."""
    top = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
    if cursor > top:
        raise CursorAhead(top)
    rows = conn.execute(
        "SELECT seq, kind, entity_id, site_id FROM changes WHERE seq > ? AND site_id IN ('', ?, ?) "
        "ORDER BY seq LIMIT ?",
        (cursor, site_id, kiosk_scope(kiosk_id) if protocol >= 2 else "", limit + 1),
    ).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][0] if more else top
    ids: dict[str, list[str]] = defaultdict(list)
    for _, kind, entity_id, _ in rows:
        ids[kind].append(entity_id)
    rendered: dict[tuple[str, str], str] = {}
    for kind, renderer in _RENDERERS.items():
        if ids.get(kind):
            for entity_id, text in renderer(conn, ids[kind], site_id, kiosk_id).items():
                rendered[(kind, entity_id)] = text
    items = [
        f'{{"seq":{seq},"kind":"{kind}","id":{json.dumps(entity_id, ensure_ascii=False)},'
        f'"data":{rendered.get((kind, entity_id), "null")}}}'
        for seq, kind, entity_id, _ in rows
    ]
    tiers = int(get_meta(conn, "price_tiers", "7"))
    epoch = json.dumps(get_meta(conn, FEED_EPOCH, ""))
    return (
        f'{{"changes":[{",".join(items)}],"cursor":{next_cursor},'
        f'"more":{"true" if more else "false"},"price_tiers":{tiers},"epoch":{epoch}}}'
    )


def _offers(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    """Offers still in the catalog, with their sessions' places as they stand for `site_id`.

    `site_taken` counts the seats of the site's allocation used or held in other kiosks' leases:
    what is left is what the centre honours from a kiosk of the old protocol (the site's free
    seats, then its own lease's). A kiosk of the lease protocol confirms within its leases only.

    Each session's JSON is made by SQLite (json_object), in the order of its keys below: a
    page of 1000 offers holds thousands of sessions, and building them as Python dicts then
    dumping them was most of the time a pull took at the centre.
    """
    ids_json = json.dumps(ids)
    sessions: dict[str, list[str]] = defaultdict(list)
    for offer_id, text in conn.execute(
        # capacity - taken = what this site can still get: its allocation left + the central pool.
        "SELECT s.offer_id, json_object("
        "'id', s.id, 'start', s.start, 'end', s.\"end\", 'place', s.place, 'capacity', s.capacity, "
        "'taken', max(0, min(s.capacity, s.allocated + s.outside_taken - coalesce(a.seats, 0)"
        " + min(coalesce(a.used, 0) + coalesce((SELECT sum(l.used) FROM leases l WHERE l.session_id = s.id"
        " AND l.site_id = a.site_id), 0), coalesce(a.seats, 0)))), "
        "'site_allocation', coalesce(a.seats, 0), "
        "'site_taken', min(coalesce(a.used + a.leased - max(coalesce(own.granted - own.returned - own.used, 0), 0),"
        " 0), coalesce(a.seats, 0)), "
        "'site_allocation_until', a.until) "
        "FROM sessions s LEFT JOIN allocations a ON a.session_id = s.id AND a.site_id = ? "
        "LEFT JOIN leases own ON own.session_id = s.id AND own.kiosk_id = ? "
        "WHERE s.offer_id IN (SELECT value FROM json_each(?)) ORDER BY s.offer_id, s.position",
        (site_id, kiosk_id, ids_json),
    ):
        sessions[offer_id].append(text)
    return {
        offer_id: f'{data[:-1]},"version":{version},"sessions":[{",".join(sessions.get(offer_id, ()))}]}}'
        for offer_id, data, version in conn.execute(
            "SELECT id, data, version FROM offers WHERE withdrawn = 0 AND id IN (SELECT value FROM json_each(?))",
            (ids_json,),
        )
    }


def _table(table: str):
    def render(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
        return dict(
            conn.execute(
                f"SELECT id, data FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
            )
        )

    return render


def _households(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT id, data FROM households WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))",
            (site_id, json.dumps(ids)),
        )
    )


def _bookings(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT * FROM bookings WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))",
        (site_id, json.dumps(ids)),
    )
    return {row["id"]: compact_json(booking_data(row)) for row in rows}


def booking_data(row: sqlite3.Row) -> dict:
    """A booking as kiosks see it in a pull."""
    return {
        "booking_id": row["id"],
        "session_id": row["session_id"],
        "household_id": row["household_id"],
        "participants": json.loads(row["participants"]),
        "state": row["state"],
        "reason": json.loads(row["reason"]) if row["reason"] else None,
        "total_cents": row["total_cents"],
    }


def _concierge_requests(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.concierge import request_data

    rows = conn.execute(
        "SELECT * FROM concierge_requests WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))",
        (site_id, json.dumps(ids)),
    )
    return {row["id"]: compact_json(request_data(row)) for row in rows}


def _correspondents(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT id, data FROM correspondents WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))",
            (site_id, json.dumps(ids)),
        )
    )


def _payments(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT payment_id, data FROM payments"
            " WHERE site_id = ? AND payment_id IN (SELECT value FROM json_each(?))",
            (site_id, json.dumps(ids)),
        )
    )


def _leases(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT session_id, granted, returned, used, expires_at FROM leases "
        "WHERE kiosk_id = ? AND session_id IN (SELECT value FROM json_each(?))",
        (kiosk_id, json.dumps(ids)),
    )
    return {
        row[0]: compact_json(
            {"session_id": row[0], "granted": row[1], "returned": row[2], "used": row[3], "expires_at": row[4]}
        )
        for row in rows
    }


def _consultations(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.consultations import consultation_data

    rows = conn.execute("SELECT * FROM consultations WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
    return {row["id"]: compact_json(consultation_data(conn, row)) for row in rows}


def _ideas(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.ideas import idea_data

    rows = conn.execute(
        "SELECT * FROM ideas WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))", (site_id, json.dumps(ids))
    )
    return {row["id"]: compact_json(idea_data(row)) for row in rows}


def _moderations(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.appreciation import moderation_data

    rows = conn.execute(
        "SELECT * FROM appreciations WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))",
        (site_id, json.dumps(ids)),
    )
    return {row["id"]: compact_json(moderation_data(row)) for row in rows}


def _offer_appreciations(conn: sqlite3.Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.appreciation import offer_data

    return {offer_id: compact_json(offer_data(conn, offer_id)) for offer_id in ids}


_RENDERERS = {
    "category": _table("categories"),
    "concierge_service": _table("concierge_services"),
    "offer": _offers,
    "household": _households,
    "booking": _bookings,
    "concierge_request": _concierge_requests,
    "correspondent": _correspondents,
    "payment": _payments,
    "lease": _leases,
    "consultation": _consultations,
    "idea": _ideas,
    "appreciation": _moderations,
    "offer_appreciation": _offer_appreciations,
}
