"""A pull from cursor 0 after the centre was restored: what the restored centre no longer has goes.

A restored centre sends, from cursor 0, every entity it holds, and nothing about those it
lost (made after its backup): without more, they would stay at the kiosk for good, offers
bookable that no longer exist, households the centre does not know. So while such a resync
runs, the (kind, id) of every change received is noted (`resync_seen`, kept across cycles
should it take several); when its last page is written, every entity the pages did not name
is removed, in the same transaction, except what still waits in the outbox (a booking or a
request made here, which the centre's answer settles).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from kiosk.store import catalog as catalog_store
from kiosk.store import households as household_store
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
