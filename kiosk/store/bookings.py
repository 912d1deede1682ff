"""Bookings in the local store: the SQL for seats, bookings, the centre's decisions and what the person
has been told. The use cases (kiosk/services/booking.py) call these inside their transaction.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.domain.booking import ACTIVE_STATES, Booking, BookingState
from kiosk.errors import KioskError
from kiosk.store import connection
from kiosk.store.database import DATABASE_FILE, Row


def _row_to_booking(r: Row) -> Booking:
    return Booking(
        booking_id=r["booking_id"],
        offer_id=r["offer_id"],
        session_id=r["session_id"],
        household_id=r["household_id"],
        participants=tuple(json.loads(r["participants"])),
        tier=r["tier"],
        total_cents=r["total_cents"],
        state=BookingState(r["state"]),
        holds_site_seats=bool(r["holds_site_seats"]),
        created_at=datetime.fromisoformat(r["created_at"]),
        reason_fr=r["reason_fr"],
        reason_en=r["reason_en"],
    )


def booked_person_ids(db: sqlite_utils.Database, session_id: str) -> set[str]:
    booked: set[str] = set()
    for row in db.query(
        "SELECT participants FROM bookings WHERE session_id = ? AND state IN (?, ?, ?)",
        [session_id, *sorted(ACTIVE_STATES)],
    ):
        booked.update(json.loads(row["participants"]))
    return booked


def take_site_seats(db: sqlite_utils.Database, session_id: str, seats: int) -> bool:
    """Take seats from this site's allocation, never past it nor the session's capacity; inside the
    caller's transaction. False (nothing taken) when they are not there."""
    taken: int = db.execute(
        "UPDATE sessions SET site_taken = site_taken + :n, taken = taken + :n"
        " WHERE id = :id AND site_taken + :n <= site_allocation AND taken + :n <= capacity",
        {"n": seats, "id": session_id},
    ).rowcount
    return taken == 1


def release_site_seats(db: sqlite_utils.Database, session_id: str, seats: int) -> None:
    db.execute(
        "UPDATE sessions SET site_taken = max(site_taken - :n, 0), taken = max(taken - :n, 0) WHERE id = :id",
        {"n": seats, "id": session_id},
    )


def insert_booking(db: sqlite_utils.Database, booking: Booking) -> None:
    """A booking made here; the person has been told its state (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO bookings (booking_id, offer_id, session_id, household_id, participants, tier,"
        " total_cents, state, holds_site_seats, created_at, told_state, made_here)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [
            booking.booking_id,
            booking.offer_id,
            booking.session_id,
            booking.household_id,
            json.dumps(list(booking.participants)),
            booking.tier,
            booking.total_cents,
            booking.state.value,
            booking.holds_site_seats,
            booking.created_at.isoformat(timespec="seconds"),
            booking.state.value,
        ],
    )


def mark_cancelled(db: sqlite_utils.Database, booking_id: str) -> None:
    db.execute("UPDATE bookings SET state = 'cancelled', holds_site_seats = 0 WHERE booking_id = ?", [booking_id])


def load_booking(db: sqlite_utils.Database, booking_id: str) -> Booking | None:
    rows = list(db.query("SELECT * FROM bookings WHERE booking_id = ?", [booking_id]))
    return _row_to_booking(rows[0]) if rows else None


def household_bookings(db: sqlite_utils.Database, household_id: str) -> list[Booking]:
    return [
        _row_to_booking(r)
        for r in db.query("SELECT * FROM bookings WHERE household_id = ? ORDER BY created_at DESC", [household_id])
    ]


def unacknowledged_seats(db: sqlite_utils.Database, session_ids: list[str]) -> dict[str, int]:
    """Seats this kiosk holds, on these sessions, in bookings whose creation the centre has not yet acknowledged."""
    held: dict[str, int] = {}
    for session_id, participants in db.execute(
        "SELECT b.session_id, b.participants FROM bookings b JOIN outbox o"
        " ON o.kind = 'booking.create' AND json_extract(o.payload, '$.booking_id') = b.booking_id"
        " WHERE b.session_id IN (SELECT value FROM json_each(?)) AND b.holds_site_seats = 1 AND b.state = 'confirmed'",
        [json.dumps(session_ids)],
    ):
        held[session_id] = held.get(session_id, 0) + len(json.loads(participants))
    return held


def set_booking_state(
    db: sqlite_utils.Database, booking_id: str, state: BookingState, reason_fr: str = "", reason_en: str = ""
) -> None:
    """The centre's word on a booking, inside the caller's transaction.

    A booking confirmed here that the centre refuses or waitlists gives its seats back.
    """
    booking = load_booking(db, booking_id)
    if booking is None:
        return
    holds = booking.holds_site_seats and state == BookingState.CONFIRMED
    if booking.holds_site_seats and not holds:
        release_site_seats(db, booking.session_id, len(booking.participants))
    db.execute(
        "UPDATE bookings SET state = ?, reason_fr = ?, reason_en = ?, holds_site_seats = ? WHERE booking_id = ?",
        [state.value, reason_fr, reason_en, holds, booking_id],
    )


# Decisions worth telling: a place given, a place lost or waiting, a request turned down.
NEWS_STATES = (BookingState.CONFIRMED, BookingState.WAITLISTED, BookingState.REFUSED)


def untold_decisions(db: sqlite_utils.Database, household_id: str) -> list[Booking]:
    """The household's bookings the centre decided on since the person was last told."""
    states = [s.value for s in NEWS_STATES]
    return [
        _row_to_booking(r)
        for r in db.query(
            "SELECT * FROM bookings WHERE household_id = ? AND state IS NOT told_state"
            f" AND state IN ({', '.join('?' * len(states))}) ORDER BY created_at",
            [household_id, *states],
        )
    ]


def mark_told(db: sqlite_utils.Database, bookings: list[Booking]) -> None:
    for booking in bookings:
        db.execute("UPDATE bookings SET told_state = ? WHERE booking_id = ?", [booking.state.value, booking.booking_id])


def has_pending_operation(db: sqlite_utils.Database, booking_id: str) -> bool:
    return db.execute(PENDING_OPERATION_SQL, [booking_id]).fetchone() is not None


# Served by the index outbox_by_booking (migration 4): one lookup, however long the outbox.
PENDING_OPERATION_SQL = "SELECT 1 FROM outbox WHERE json_extract(payload, '$.booking_id') = ? LIMIT 1"


def record_pulled_booking(db: sqlite_utils.Database, data: Row, offer_id: str | None, now: datetime) -> None:
    """A booking as the centre has it. A local change still in the outbox wins until answered."""
    booking_id = data["booking_id"]
    if has_pending_operation(db, booking_id):
        return
    state = BookingState(data["state"])
    reason = data.get("reason") or {}
    if load_booking(db, booking_id) is not None:
        set_booking_state(db, booking_id, state, reason.get("fr", ""), reason.get("en", ""))
    elif offer_id is not None:
        db.execute(
            "INSERT INTO bookings (booking_id, offer_id, session_id, household_id, participants, tier,"
            " total_cents, state, holds_site_seats, created_at, reason_fr, reason_en, told_state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            [
                booking_id,
                offer_id,
                data["session_id"],
                data["household_id"],
                json.dumps(data["participants"]),
                data.get("tier", 0),
                data["total_cents"],
                state.value,
                now.isoformat(timespec="seconds"),
                reason.get("fr", ""),
                reason.get("en", ""),
                state.value,
            ],
        )


def known_booking_state(data_dir: Path, booking_id: str) -> BookingState | None:
    """The state this kiosk's store holds for a booking, read without writing anything (a voucher
    being checked); None when the store or the booking is unknown here."""
    path = data_dir / DATABASE_FILE
    if not path.exists():
        return None
    try:
        with contextlib.closing(connection.connect(path, read_only=True)) as conn:
            row = conn.execute("SELECT state FROM bookings WHERE booking_id = ?", [booking_id]).fetchone()
    except connection.DatabaseError + (KioskError,):
        return None
    return BookingState(row[0]) if row else None
