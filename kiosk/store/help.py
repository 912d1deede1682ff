"""Help requests in the local store: a call or a ticket, found by its code, closed once taken over."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from kiosk.domain.help import HelpKind, HelpRequest, Place
from kiosk.store.database import Row


def _row(r: Row) -> HelpRequest:
    closed = datetime.fromisoformat(r["closed_at"]) if r["closed_at"] else None
    return HelpRequest(
        r["help_id"],
        HelpKind(r["kind"]),
        Place(r["screen"], r["subject_id"], r["session_id"]),
        datetime.fromisoformat(r["made_at"]),
        closed,
        r["closed_by"],
    )


def save_help_request(db: sqlite_utils.Database, request: HelpRequest) -> None:
    db.execute(
        "INSERT INTO help_requests (help_id, kind, screen, subject_id, session_id, made_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            request.help_id,
            request.kind.value,
            request.place.screen,
            request.place.subject_id,
            request.place.session_id,
            request.made_at.isoformat(),
            request.expires_at.isoformat(),
        ],
    )


def open_help_requests(db: sqlite_utils.Database, now: datetime) -> list[HelpRequest]:
    """Calls and tickets not yet taken over nor lapsed, calls first (someone is waiting), oldest first."""
    rows = db.query(
        "SELECT * FROM help_requests WHERE closed_at IS NULL AND expires_at > ? ORDER BY kind = 'ticket', made_at",
        [now.isoformat()],
    )
    return [_row(r) for r in rows]


def close_help_request(db: sqlite_utils.Database, help_id: str, at: datetime, staff_id: str) -> None:
    db.execute(
        "UPDATE help_requests SET closed_at = ?, closed_by = ? WHERE help_id = ? AND closed_at IS NULL",
        [at.isoformat(), staff_id, help_id],
    )


def forget_closed_help_requests(db: sqlite_utils.Database, before: datetime) -> int:
    """Closed or lapsed requests are of no use once the day is over: they go."""
    cursor = db.execute(
        "DELETE FROM help_requests WHERE closed_at IS NOT NULL OR expires_at <= ?", [before.isoformat()]
    )
    return int(cursor.rowcount)
