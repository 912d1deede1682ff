"""This kiosk's seat leases: its own share of its site's seats on each session (docs/sync-protocol.md).

The kiosk confirms a booking offline only within its lease: the session row's `site_allocation`
is what the lease holds (never less than what it used) and `site_taken` what this kiosk's
confirmed bookings use of it. `granted` and `returned` only grow: the largest `granted` heard
from the centre is kept (an answer lost on the way is learnt from the next one), `returned`
counts what this kiosk gave back. Once its lease expires, by the centre's clock as the kiosk
reckons it (its own clock plus the skew measured at its last exchange, with a margin), the
kiosk confirms nothing more offline on that session and gives its unused seats back.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from kiosk.store.outbox import enqueue
from kiosk.store.state import read_state, write_state

SKEW_STATE = "centre_clock_skew_seconds"  # the centre's clock minus this kiosk's, at the last exchange
# How far the skew may have drifted, or been misread, since it was measured: the kiosk stops
# confirming this long before the centre's expiry.
SKEW_MARGIN = timedelta(minutes=5)
MOMENT = "%Y-%m-%dT%H:%M:%S"


def centre_now(db: sqlite_utils.Database, now: datetime) -> datetime:
    """The centre's time as this kiosk reckons it."""
    return now + timedelta(seconds=float(read_state(db, SKEW_STATE) or 0))


def record_skew(db: sqlite_utils.Database, centre_time: datetime, now: datetime) -> None:
    """Inside the caller's transaction."""
    write_state(db, SKEW_STATE, str(round((centre_time - now).total_seconds())))


def lease_used(db: sqlite_utils.Database, session_ids: list[str]) -> dict[str, int]:
    """Seats this kiosk's confirmed bookings hold in its leases, on each of these sessions that has some."""
    return dict(
        db.execute(
            "SELECT session_id, sum(json_array_length(participants)) FROM bookings"
            " WHERE session_id IN (SELECT value FROM json_each(?)) AND holds_site_seats = 1 AND state = 'confirmed'"
            " GROUP BY session_id",
            [json.dumps(session_ids)],
        ).fetchall()
    )


def lease_figures(db: sqlite_utils.Database, session_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(held, used) on each of these sessions this kiosk has a lease on or bookings in, for pulled offers
    (read for them only: the kiosk may hold a lease on every session of the catalog)."""
    used = lease_used(db, session_ids)
    figures = {
        sid: (granted - returned, used.get(sid, 0))
        for sid, granted, returned in db.execute(
            "SELECT session_id, granted, returned FROM leases WHERE session_id IN (SELECT value FROM json_each(?))",
            [json.dumps(session_ids)],
        )
    }
    for sid, seats in used.items():
        figures.setdefault(sid, (0, seats))
    return figures


def _refresh_session(db: sqlite_utils.Database, session_id: str) -> None:
    row = db.execute("SELECT granted - returned FROM leases WHERE session_id = ?", [session_id]).fetchone()
    held = row[0] if row else 0
    used = lease_used(db, [session_id]).get(session_id, 0)
    db.execute(
        "UPDATE sessions SET site_allocation = ?, site_taken = ? WHERE id = ?", [max(held, used), used, session_id]
    )


def record(db: sqlite_utils.Database, lease: dict[str, Any]) -> None:
    """A lease as the centre sent it (a pull, a top-up's answer), inside the caller's transaction."""
    db.execute(
        "INSERT INTO leases (session_id, granted, returned, expires_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(session_id) DO UPDATE SET granted = max(granted, excluded.granted),"
        " returned = max(returned, excluded.returned), expires_at = excluded.expires_at",
        [lease["session_id"], lease["granted"], lease["returned"], lease["expires_at"]],
    )
    _refresh_session(db, lease["session_id"])


def known_granted(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(db.execute("SELECT session_id, granted FROM leases").fetchall())


def lease_open(db: sqlite_utils.Database, session_id: str, now: datetime) -> bool:
    """Whether this kiosk may still confirm offline within its lease on the session."""
    row = db.execute("SELECT expires_at FROM leases WHERE session_id = ?", [session_id]).fetchone()
    return row is not None and centre_now(db, now) + SKEW_MARGIN < datetime.strptime(row[0], MOMENT)


def give_back_expired(db: sqlite_utils.Database, now: datetime) -> int:
    """Give back the unused seats of every expired lease (a `lease.return` each), inside the caller's
    transaction. Returns how many seats.

    Called at every booking, while the kiosk may hold a lease on each session of the catalog: only the
    expired leases are read (moments are YYYY-MM-DDTHH:MM:SS, checked when pulled, so compared as text)."""
    reckoned = (centre_now(db, now) + SKEW_MARGIN).strftime(MOMENT)
    expired = db.execute(
        "SELECT session_id, granted - returned FROM leases WHERE expires_at <= ? AND granted > returned", [reckoned]
    ).fetchall()
    if not expired:
        return 0
    used = lease_used(db, [session_id for session_id, _ in expired])
    given = 0
    for session_id, held in expired:
        free = held - used.get(session_id, 0)
        if free <= 0:
            continue
        db.execute("UPDATE leases SET returned = returned + ? WHERE session_id = ?", [free, session_id])
        enqueue(db, "lease.return", {"session_id": session_id, "seats": free}, now)
        _refresh_session(db, session_id)
        given += free
    return given
