"""An offer's sessions in a pulled page, as SQLite renders them, are what the Python rendering gave.

The centre builds each session's JSON in SQL (json_object) for speed; this compares it with
the plain Python rendering it replaced on sessions with and without an allocation for the
asking site, an allocation used beyond its seats, and texts with quotes,
accents, backslashes and control characters.
"""

from __future__ import annotations

import json

from sync.server import changes
from sync.server.db import Database, compact_json

SITE = "SITE-A"


def reference_sessions(conn, offer_id: str, site_id: str) -> list[dict]:
    sessions = []
    for session_id, start, end, place, capacity, outside_taken, allocated, seats, used, until in conn.execute(
        'SELECT s.id, s.start, s."end", s.place, s.capacity, s.outside_taken, s.allocated, '
        "a.seats, a.used, a.until FROM sessions s "
        "LEFT JOIN allocations a ON a.session_id = s.id AND a.site_id = ? "
        "WHERE s.offer_id = ? ORDER BY s.position",
        (site_id, offer_id),
    ):
        seats, used = seats or 0, min(used or 0, seats or 0)
        sessions.append(
            {
                "id": session_id,
                "start": start,
                "end": end,
                "place": place,
                "capacity": capacity,
                "taken": max(0, min(capacity, allocated + outside_taken - seats + used)),
                "site_allocation": seats,
                "site_taken": used,
                "site_allocation_until": until,
            }
        )
    return sessions


def test_sessions_rendered_in_sql_are_those_of_the_python_rendering(central_database):
    db = Database(central_database)
    places = ['Salle "des fêtes"', "Back\\slash", "Tab\tand\nnewline\x01", "Café Ünïcode ✓", ""]
    with db.write() as conn:
        for o in range(6):
            offer_id = f"O{o}"
            conn.execute(
                "INSERT INTO offers (id, data, booking_mode, cancel_days_before) VALUES (?, ?, 'direct', 2)",
                (offer_id, compact_json({"id": offer_id, "title": f"Offre {o}"})),
            )
            for position in range(o % 4):  # O0 and O4: no session at all
                session_id = f"{offer_id}-S{position}"
                conn.execute(
                    'INSERT INTO sessions (id, offer_id, position, start, "end", place, capacity, external_taken,'
                    " outside_taken, allocated) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    (
                        session_id,
                        offer_id,
                        3 - position,
                        f"2026-12-0{position + 1}T10:00",
                        "2026-12-09T12:00",
                        places[(o + position) % len(places)],
                        10 + o,
                        position * 2,
                        o + position,
                    ),
                )
                if (o + position) % 3:
                    conn.execute(
                        "INSERT INTO allocations (session_id, site_id, seats, used, until) VALUES (?, ?, ?, ?, ?)",
                        (session_id, SITE if position % 2 == 0 else "SITE-B", o, o + position - 1, "2026-12-01T08:00"),
                    )
            changes.bump(conn, "offer", offer_id)
    with db.read() as conn:
        for site in (SITE, "SITE-B", "SITE-NONE"):
            page = json.loads(changes.read_page(conn, site, 0, 100))
            rendered = {c["id"]: c["data"] for c in page["changes"] if c["kind"] == "offer"}
            assert set(rendered) == {f"O{o}" for o in range(6)}
            for offer_id, data in rendered.items():
                assert data["sessions"] == reference_sessions(conn, offer_id, site), (site, offer_id)
                assert data["title"].startswith("Offre")
    db.close()
