"""The ideas box at the centre: ideas received from the kiosks, and the answers the SLVie or CMCAS gives.

Every function that writes runs inside the caller's write transaction. An idea is seen
by the kiosks of its own site (so its receipt code works at any of them); an answer
bumps it, and each kiosk of the site pulls the answer.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.voucher import normalize_short_code, short_code
from sync.server import reasons
from sync.server.changes import bump
from sync.server.clock import fmt
from sync.server.db import Connection, Row
from sync.wire import IdeaCreatePayload


def create_idea(
    conn: Connection, kiosk_id: str, site_id: str, payload: IdeaCreatePayload, created_at: str, now: datetime
) -> dict[str, object]:
    if conn.execute("SELECT 1 FROM ideas WHERE id = ?", (payload.idea_id,)).fetchone():
        return {"outcome": "rejected", "reason": reasons.idea_exists()}
    if payload.household_id is not None:
        if conn.execute("SELECT 1 FROM households WHERE id = ?", (payload.household_id,)).fetchone() is None:
            return {"outcome": "rejected", "reason": reasons.household_unknown()}
        if (
            conn.execute(
                "SELECT 1 FROM persons WHERE person_id = ? AND household_id = ?",
                (payload.person_id, payload.household_id),
            ).fetchone()
            is None
        ):
            return {"outcome": "rejected", "reason": reasons.not_in_household(str(payload.person_id))}
    conn.execute(
        "INSERT INTO ideas (id, site_id, kiosk_id, theme, text, household_id, person_id, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payload.idea_id,
            site_id,
            kiosk_id,
            payload.theme,
            payload.text,
            payload.household_id,
            payload.person_id,
            payload.created_by,
            created_at,
        ),
    )
    bump(conn, "idea", payload.idea_id, site_id)
    return {"outcome": "applied", "idea": {"idea_id": payload.idea_id, "state": "received", "reason": None}}


def idea_data(row: Row) -> dict[str, object]:
    """An idea as the kiosks of its site pull it."""
    return {
        "idea_id": row["id"],
        "site_id": row["site_id"],
        "theme": row["theme"],
        "text": row["text"],
        "household_id": row["household_id"],
        "person_id": row["person_id"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "answer": row["answer"],
        "answered_by": row["answered_by"],
        "answered_at": row["answered_at"],
    }


def find(conn: Connection, id_or_code: str) -> Row | None:
    """An idea by its id, or by the receipt code printed at the kiosk."""
    row: Row | None = conn.execute("SELECT * FROM ideas WHERE id = ?", (id_or_code,)).fetchone()
    code = normalize_short_code(id_or_code) if row is None else None
    if code is not None:
        row = next((r for r in conn.execute("SELECT * FROM ideas") if short_code(r["id"]) == code), None)
    return row


def answer(conn: Connection, idea_id: str, text: str, author: str, now: datetime) -> None:
    site = conn.execute("SELECT site_id FROM ideas WHERE id = ?", (idea_id,)).fetchone()[0]
    conn.execute(
        "UPDATE ideas SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?", (text, author, fmt(now), idea_id)
    )
    bump(conn, "idea", idea_id, site)


def listing(conn: Connection, site_id: str | None, unanswered: bool) -> list[Row]:
    where, params = [], []
    if site_id:
        where.append("site_id = ?")
        params.append(site_id)
    if unanswered:
        where.append("answer = ''")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return conn.execute(f"SELECT * FROM ideas {clause} ORDER BY created_at", params).fetchall()
