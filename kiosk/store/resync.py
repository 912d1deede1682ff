"""A pull from cursor 0 after the centre was restored: what the restored centre no longer has goes.

A restored centre sends, from cursor 0, every entity it holds, and nothing about those it
lost (made after its backup): without more, they would stay at the kiosk for good, offers
bookable that no longer exist, households the centre does not know. So while such a resync
runs, the (kind, id) of every change received is noted (`resync_seen`, kept across cycles
should it take several); when its last page is written, every entity the pages did not name
is removed, in the same transaction, except what still waits in the outbox (a booking or a
request made here, which the centre's answer settles).

A booking or concierge request made here, still active, that the restored centre lost (confirmed
and acknowledged before the restore) is not removed: a person may hold its voucher. It is sent
again as a new `booking.create` / `concierge.create` operation from the local row, and the centre
decides on it like any other (the person is told of a refusal as of any decision). A booking cancelled
here that the restored centre holds active (it lost the cancellation) stays cancelled, and the
cancellation is sent again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlite_utils

from kiosk.domain.booking import ACTIVE_STATES, BookingState
from kiosk.domain.booking import create_payload as booking_payload
from kiosk.domain.concierge import OPEN_STATES
from kiosk.domain.concierge import create_payload as request_payload
from kiosk.store import bookings as booking_store
from kiosk.store import catalog as catalog_store
from kiosk.store import concierge as concierge_store
from kiosk.store import households as household_store
from kiosk.store.outbox import enqueue
from kiosk.store.state import read_state, write_state

STATE = "sync_resync"


def start(db: sqlite_utils.Database) -> None:
    """A resync from cursor 0 begins (inside the caller's transaction)."""
    db.execute("DELETE FROM resync_seen")
    write_state(db, STATE, "1")


def in_progress(db: sqlite_utils.Database) -> bool:
    return read_state(db, STATE) == "1"


def note(db: sqlite_utils.Database, seen: Iterable[tuple[str, str]]) -> None:
    db.conn.executemany("INSERT OR IGNORE INTO resync_seen (kind, id) VALUES (?, ?)", list(seen))


def send_again_unseen(db: sqlite_utils.Database, now: datetime) -> int:
    """The resync is complete: send again what was made here, is still active, and the pages did not name
    (inside the caller's transaction, before `forget_unseen`, which then keeps them); how many."""

    def lost(table: str, column: str, kind: str, states: Iterable[str]) -> list[str]:
        wanted = sorted(states)
        return [
            r[0]
            for r in db.execute(
                f"SELECT {column} FROM {table} WHERE made_here = 1 AND state IN ({', '.join('?' * len(wanted))})"
                f" AND {column} NOT IN (SELECT id FROM resync_seen WHERE kind = ?)"
                f" AND {column} NOT IN (SELECT json_extract(payload, '$.{column}') FROM outbox"
                f" WHERE json_extract(payload, '$.{column}') IS NOT NULL)",
                [*wanted, kind],
            )
        ]

    bookings = lost("bookings", "booking_id", "booking", (s.value for s in ACTIVE_STATES))
    for booking_id in bookings:
        booking = booking_store.load_booking(db, booking_id)
        if booking is None:
            continue
        version = db.execute("SELECT version FROM offers WHERE id = ?", [booking.offer_id]).fetchone()
        unit_cents = booking.total_cents // max(len(booking.participants), 1)
        enqueue(db, "booking.create", booking_payload(booking, version[0] if version else 0, unit_cents), now)
    requests = lost("concierge_requests", "request_id", "concierge_request", (s.value for s in OPEN_STATES))
    for request_id in requests:
        request = concierge_store.load_request(db, request_id)
        if request is not None:
            enqueue(db, "concierge.create", request_payload(request), now)
    return len(bookings) + len(requests)


def cancellation_lost(db: sqlite_utils.Database, pulled: Mapping[str, object], now: datetime) -> bool:
    """During a resync: a booking cancelled here that the restored centre holds active lost its cancellation (a
    cancellation is final): it is sent again, the booking kept cancelled here (inside the caller's transaction).
    True then; False for any other booking, which the pull writes as usual."""
    booking_id = str(pulled["booking_id"])
    row = db.execute("SELECT state FROM bookings WHERE booking_id = ?", [booking_id]).fetchone()
    if row is None or row[0] != BookingState.CANCELLED.value or BookingState(str(pulled["state"])) not in ACTIVE_STATES:
        return False
    if not booking_store.has_pending_operation(db, booking_id):
        enqueue(db, "booking.cancel", {"booking_id": booking_id}, now)
    return True


def forget_unseen(db: sqlite_utils.Database) -> int:
    """The resync is complete: remove what it did not name (inside the caller's transaction); how many."""

    def unseen(kind: str, table: str, column: str) -> list[str]:
        return [
            r[0]
            for r in db.execute(
                f"SELECT {column} FROM {table} WHERE {column} NOT IN (SELECT id FROM resync_seen WHERE kind = ?)",
                [kind],
            )
        ]

    offers = unseen("offer", "offers", "id")
    catalog_store.withdraw_offers(db, offers)
    households = unseen("household", "households", "household_id")
    for household_id in households:
        household_store.remove_household(db, household_id)
    removed = len(offers) + len(households)
    waiting = "SELECT json_extract(payload, '$.{0}') FROM outbox WHERE json_extract(payload, '$.{0}') IS NOT NULL"
    for kind, table, column, extra in (
        ("booking", "bookings", "booking_id", f" AND booking_id NOT IN ({waiting.format('booking_id')})"),
        (
            "concierge_request",
            "concierge_requests",
            "request_id",
            f" AND request_id NOT IN ({waiting.format('request_id')})",
        ),
        ("idea", "ideas", "idea_id", f" AND idea_id NOT IN ({waiting.format('idea_id')})"),
        (
            "stay_request",
            "stay_requests",
            "request_id",
            f" AND request_id NOT IN ({waiting.format('request_id')})",
        ),
        ("consultation", "consultations", "consultation_id", ""),
        ("offer_appreciation", "offer_appreciations", "offer_id", ""),
        ("correspondent", "correspondents", "staff_id", ""),
        ("concierge_service", "concierge_services", "id", ""),
        ("category", "categories", "id", " AND id NOT IN (SELECT category FROM offers)"),
    ):
        removed += db.execute(
            f"DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM resync_seen WHERE kind = ?){extra}", [kind]
        ).rowcount
    db.execute("DELETE FROM resync_seen")
    db.execute("DELETE FROM kiosk_state WHERE key = ?", [STATE])
    return removed
