"""What a kiosk sends again after a restored centre lost it, for rows made before kiosk migration 17 too."""

from __future__ import annotations

import json
import sqlite3
import uuid

from kiosk.store import database, resync
from kiosk.store.database import DATABASE_FILE, open_database, transaction
from kiosk.store.migrations import MIGRATIONS
from tests.factories import NOW

BOOKING = "INSERT INTO bookings VALUES (?, 'T1', 'T1-S1', 'H1', '[\"P1\"]', ?, 1200, 'confirmed', 0, ?, '', '', ?)"
REQUEST = (
    "INSERT INTO concierge_requests VALUES (?, 'ABCD', 'SITE', 'pressing', 'H1', 'P1', '{}', 1, NULL, NULL, '',"
    " 'submitted', '', '', '', ?, ?, NULL)"
)


def schema_16_database(path, monkeypatch):
    """A kiosk's database as the releases before migration 17 left it: nothing says which rows it made."""
    with monkeypatch.context() as release_16:
        release_16.setattr(database, "MIGRATIONS", MIGRATIONS[:16])
        database.open_database(path).close()
    return sqlite3.connect(path, isolation_level=None)


def test_bookings_and_requests_made_here_before_migration_17_are_sent_again_after_a_restore(tmp_path, monkeypatch):
    path = tmp_path / DATABASE_FILE
    conn = schema_16_database(path, monkeypatch)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 16
    made = NOW.isoformat(timespec="seconds")
    conn.execute(BOOKING, ["B-BOOKED-HERE", 3, made, "confirmed"])  # acknowledged: only its tier says it is ours
    conn.execute(BOOKING, ["B-PULLED", 0, made, "confirmed"])  # another kiosk's, as a pull wrote it
    for request_id in ("R-WAITING", "R-ASSISTED", "R-PULLED"):
        conn.execute(REQUEST, [request_id, made, made])
    conn.execute(
        "INSERT INTO outbox (op_id, kind, payload, created_at, state) VALUES (?, 'concierge.create', ?, ?, 'parked')",
        [str(uuid.uuid4()), json.dumps({"request_id": "R-WAITING"}), made],
    )
    chain, previous = conn.execute("SELECT chain, through_hash FROM audit_ack").fetchone()
    conn.execute(
        "INSERT INTO audit_log (seq, chain, entry_id, at, site_id, kiosk, staff_id, action, subject, target,"
        " details, prev_hash, hash) VALUES (1, ?, 'E1', ?, 'SITE', 'K1', 'S1', 'concierge.create', 'P1',"
        " 'R-ASSISTED', '{}', ?, ?)",
        [chain, made, previous, "1" * 64],
    )
    conn.close()

    db = open_database(path)
    try:
        assert {r[0]: r[1] for r in db.execute("SELECT booking_id, made_here FROM bookings")} == {
            "B-BOOKED-HERE": 1,
            "B-PULLED": 0,
        }
        assert {r[0]: r[1] for r in db.execute("SELECT request_id, made_here FROM concierge_requests")} == {
            "R-WAITING": 1,
            "R-ASSISTED": 1,
            "R-PULLED": 0,
        }
        with transaction(db):
            resync.start(db)  # the centre was restored and lost them all: none is named by the pages
            sent_again = resync.send_again_unseen(db, NOW)
        again = [json.loads(r[0]) for r in db.execute("SELECT payload FROM outbox WHERE state = 'pending'")]
    finally:
        db.close()
    # R-WAITING still waits in the outbox (its own operation settles it); the other two of ours go again.
    assert sent_again == 2
    assert sorted(p.get("booking_id") or p.get("request_id") for p in again) == ["B-BOOKED-HERE", "R-ASSISTED"]
