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
from collections import defaultdict
from collections.abc import Callable

from sync.server import dialect
from sync.server.db import FEED_EPOCH, Connection, Result, Row, compact_json
from sync.server.history import newest_mark

Renderer = Callable[[Connection, list[str], str, str], dict[str, str]]
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


def bump(conn: Connection, kind: str, entity_id: str, site_id: str = GLOBAL) -> None:
    """The entity changed: it moves to the end of the feed when the transaction commits (`Connection.bump`)."""
    conn.bump(kind, entity_id, site_id)


def bump_many(conn: Connection, kind: str, entity_ids: list[str], site_id: str = GLOBAL) -> None:
    for entity_id in entity_ids:
        conn.bump(kind, entity_id, site_id)


def read_page(conn: Connection, site_id: str, cursor: int, limit: int, kiosk_id: str = "", protocol: int = 1) -> str:
    """The JSON text of one page of changes after `cursor` for kiosk `kiosk_id` of `site_id` (call inside a
    read). A kiosk validates pages strictly, refusing a kind of change or a field it does not know: one of
    an earlier protocol is sent what it knows, as it knows it (protocol 1 no leases, 2 no ballot refusals
    and appreciations without whose and of what), so that a centre updated before its kiosks wedges none."""
    top = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
    if cursor > top:
        raise CursorAhead(top)
    unknown = ", ".join(f"'{kind}'" for kind, since in KINDS_SINCE.items() if protocol < since) or "''"
    rows = conn.execute(
        "SELECT seq, kind, entity_id, site_id FROM changes WHERE seq > ? AND site_id IN ('', ?, ?) "
        f"AND kind NOT IN ({unknown}) ORDER BY seq LIMIT ?",
        (cursor, site_id, kiosk_scope(kiosk_id) if protocol >= 2 else "", limit + 1),
    ).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][0] if more else top
    ids: dict[str, list[str]] = defaultdict(list)
    for _, kind, entity_id, _ in rows:
        ids[kind].append(entity_id)
    rendered: dict[tuple[str, str], str] = {}
    renderers = _RENDERERS if protocol >= 3 else _RENDERERS | {"appreciation": _moderations_of_protocol_2}
    for kind, renderer in renderers.items():
        if ids.get(kind):
            for entity_id, text in renderer(conn, ids[kind], site_id, kiosk_id).items():
                rendered[(kind, entity_id)] = text
    items = [
        f'{{"seq":{seq},"kind":"{kind}","id":{json.dumps(entity_id, ensure_ascii=False)},'
        f'"data":{rendered.get((kind, entity_id), "null")}}}'
        for seq, kind, entity_id, _ in rows
    ]
    meta: dict[str, str] = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('price_tiers', ?)", (FEED_EPOCH,)).fetchall()
    )
    tiers = int(meta.get("price_tiers", "7"))
    epoch = json.dumps(meta.get(FEED_EPOCH, ""))
    mark = json.dumps(newest_mark(conn))
    return (
        f'{{"changes":[{",".join(items)}],"cursor":{next_cursor},'
        f'"more":{"true" if more else "false"},"price_tiers":{tiers},"epoch":{epoch},"mark":{mark}}}'
    )


def _offers(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    """Offers still in the catalog, with their sessions' places as they stand for `site_id`.

    `site_taken` counts the seats of the site's allocation used or held in other kiosks' leases:
    what is left is what the centre honours from a kiosk of the old protocol (the site's free
    seats, then its own lease's). A kiosk of the lease protocol confirms within its leases only.

    Each session's JSON is made by the database (json_object), in the order of its keys below: a
    page of 1000 offers holds thousands of sessions, and building them as Python dicts then
    dumping them was most of the time a pull took at the centre.
    """
    ids_json = json.dumps(ids)
    name = conn.dialect
    json_object, most, least, ids_in = (
        dialect.json_object(name),
        dialect.greatest(name),
        dialect.least(name),
        dialect.ids_in(name),
    )
    sessions: dict[str, list[str]] = defaultdict(list)
    for offer_id, text in conn.execute(
        # capacity - taken = what this site can still get: its allocation left + the central pool.
        f"SELECT s.offer_id, CAST({json_object}("
        "'id', s.id, 'start', s.start, 'end', s.\"end\", 'place', s.place, 'capacity', s.capacity, "
        f"'taken', {most}(0, {least}(s.capacity, s.allocated + s.outside_taken - coalesce(a.seats, 0)"
        f" + {least}(coalesce(a.used, 0) + coalesce((SELECT CAST(sum(l.used) AS INTEGER) FROM leases l"
        " WHERE l.session_id = s.id AND l.site_id = a.site_id), 0), coalesce(a.seats, 0)))), "
        "'site_allocation', coalesce(a.seats, 0), "
        f"'site_taken', {least}(coalesce(a.used + a.leased - {most}(coalesce(own.granted - own.returned - own.used,"
        " 0), 0), 0), coalesce(a.seats, 0)), "
        "'site_allocation_until', a.until) AS TEXT) "
        "FROM sessions s LEFT JOIN allocations a ON a.session_id = s.id AND a.site_id = ? "
        "LEFT JOIN leases own ON own.session_id = s.id AND own.kiosk_id = ? "
        f"WHERE s.offer_id IN {ids_in} ORDER BY s.offer_id, s.position",
        (site_id, kiosk_id, ids_json),
    ):
        sessions[offer_id].append(text)
    return {
        offer_id: f'{data[:-1]},"version":{version},"sessions":[{",".join(sessions.get(offer_id, ()))}]}}'
        for offer_id, data, version in conn.execute(
            f"SELECT id, data, version FROM offers WHERE withdrawn = 0 AND id IN {ids_in}", (ids_json,)
        )
    }


def _by_id(conn: Connection, sql: str, ids: list[str], *params: str) -> Result:
    """`sql` with `{ids}` standing for the ids' list, then `params` and the ids as parameters."""
    return conn.execute(sql.format(ids=dialect.ids_in(conn.dialect)), (*params, json.dumps(ids)))


def _table(table: str) -> Renderer:
    def render(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
        return dict(_by_id(conn, f"SELECT id, data FROM {table} WHERE id IN {{ids}}", ids))

    return render


def _households(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(_by_id(conn, "SELECT id, data FROM households WHERE site_id = ? AND id IN {ids}", ids, site_id))


def _bookings(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    rows = _by_id(conn, "SELECT * FROM bookings WHERE site_id = ? AND id IN {ids}", ids, site_id)
    return {row["id"]: compact_json(booking_data(row)) for row in rows}


def booking_data(row: Row) -> dict[str, object]:
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


def _concierge_requests(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.concierge import request_data

    rows = _by_id(conn, "SELECT * FROM concierge_requests WHERE site_id = ? AND id IN {ids}", ids, site_id)
    return {row["id"]: compact_json(request_data(row)) for row in rows}


def _correspondents(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(_by_id(conn, "SELECT id, data FROM correspondents WHERE site_id = ? AND id IN {ids}", ids, site_id))


def _payments(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    return dict(
        _by_id(conn, "SELECT payment_id, data FROM payments WHERE site_id = ? AND payment_id IN {ids}", ids, site_id)
    )


def _leases(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    rows = _by_id(
        conn,
        "SELECT session_id, granted, returned, used, expires_at FROM leases WHERE kiosk_id = ? AND session_id IN {ids}",
        ids,
        kiosk_id,
    )
    return {
        row[0]: compact_json(
            {"session_id": row[0], "granted": row[1], "returned": row[2], "used": row[3], "expires_at": row[4]}
        )
        for row in rows
    }


def _consultations(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.consultations import consultation_data

    rows = _by_id(conn, "SELECT * FROM consultations WHERE id IN {ids}", ids)
    return {row["id"]: compact_json(consultation_data(conn, row)) for row in rows}


def _ideas(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.ideas import idea_data

    rows = _by_id(conn, "SELECT * FROM ideas WHERE site_id = ? AND id IN {ids}", ids, site_id)
    return {row["id"]: compact_json(idea_data(row)) for row in rows}


def _moderations(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.appreciation import moderation_data

    return {row["id"]: compact_json(moderation_data(row)) for row in _moderation_rows(conn, ids, site_id)}


def _moderations_of_protocol_2(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    """What a kiosk of protocol 2 knows of an appreciation: its id and moderation."""
    from sync.server.appreciation import moderation_data

    known = ("appreciation_id", "state", "reason")
    return {
        row["id"]: compact_json({key: value for key, value in moderation_data(row).items() if key in known})
        for row in _moderation_rows(conn, ids, site_id)
    }


def _moderation_rows(conn: Connection, ids: list[str], site_id: str) -> Result:
    """The site's appreciations among `ids`, with their booking's household."""
    return _by_id(
        conn,
        "SELECT a.*, b.household_id FROM appreciations a JOIN bookings b ON b.id = a.booking_id"
        " WHERE a.site_id = ? AND a.id IN {ids}",
        ids,
        site_id,
    )


def _ballot_refusals(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.consultations import refusal_data

    rows = _by_id(conn, "SELECT * FROM vote_refusals WHERE site_id = ? AND ballot_id IN {ids}", ids, site_id)
    return {row["ballot_id"]: compact_json(refusal_data(row)) for row in rows}


def _offer_appreciations(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.appreciation import offer_data

    return {offer_id: compact_json(offer_data(conn, offer_id)) for offer_id in ids}


def _stay_requests(conn: Connection, ids: list[str], site_id: str, kiosk_id: str) -> dict[str, str]:
    from sync.server.stays import stay_request_data

    rows = conn.execute(
        f"SELECT * FROM stay_requests WHERE site_id = ? AND id IN {dialect.ids_in(conn.dialect)}",
        (site_id, json.dumps(ids)),
    )
    return {row["id"]: compact_json(stay_request_data(row)) for row in rows}


# The protocol since which a kiosk is sent a kind of change (a lease is sent to its own kiosk only, from 2).
KINDS_SINCE = {"ballot_refusal": 3}

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
    "ballot_refusal": _ballot_refusals,
    "offer_appreciation": _offer_appreciations,
    "stay_request": _stay_requests,
}
