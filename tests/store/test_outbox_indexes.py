"""Migration 4: "is a change of this request or booking still waiting?" is one index lookup, not a scan of the outbox.

The sync engine asks it for every answer it applies and every request or booking it
pulls; with thousands of operations waiting (a kiosk offline for days) a scan reading
the JSON of every row made each question cost the whole outbox.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from datetime import datetime

import pytest

from kiosk.store import bookings as booking_store
from kiosk.store import concierge as concierge_store
from kiosk.store.database import latest_schema_version, open_database, schema_version, transaction
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.outbox import enqueue, park

NOW = datetime(2026, 11, 23, 10, 42)
WAITING = 20_000


@pytest.fixture
def db(tmp_path):
    opened = open_database(tmp_path / "k.sqlite3")
    yield opened
    opened.close()


def fill(db, count: int) -> tuple[list[str], list[str]]:
    """`count` waiting operations, half concierge moves, half bookings."""
    requests, bookings = [], []
    with transaction(db):
        for n in range(count):
            if n % 2:
                requests.append(str(uuid.uuid4()))
                enqueue(
                    db,
                    "concierge.transition",
                    {"request_id": requests[-1], "from_state": "submitted", "to_state": "taken"},
                    NOW,
                )
            else:
                bookings.append(str(uuid.uuid4()))
                enqueue(db, "booking.create", {"booking_id": bookings[-1], "session_id": "S1"}, NOW)
    return requests, bookings


def plan(db, sql: str, argument: str) -> str:
    return " / ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", [argument]).fetchall())


def test_the_questions_use_the_indexes_not_a_scan(db):
    request_plan = plan(db, concierge_store.PENDING_OPERATION_SQL, "R1")
    booking_plan = plan(db, booking_store.PENDING_OPERATION_SQL, "B1")
    assert "USING INDEX outbox_by_request" in request_plan, request_plan
    assert "USING INDEX outbox_by_booking" in booking_plan, booking_plan
    assert "SCAN" not in request_plan + booking_plan


def test_the_answers_are_the_same_with_many_operations_waiting(db):
    requests, bookings = fill(db, WAITING)
    with transaction(db):
        enqueue(db, "concierge.create", {"request_id": "R-created"}, NOW)
        enqueue(db, "booking.cancel", {"booking_id": "B-cancelled"}, NOW)
        parked = enqueue(db, "concierge.transition", {"request_id": "R-parked"}, NOW)
        park(db, parked, {"code": "transition_refused"})
        enqueue(db, "audit.append", {"entries": [{"request_id": "R-audit"}]}, NOW)
    began = time.perf_counter()
    for request_id in requests[:200] + ["R-created"]:
        assert concierge_store.has_pending_operation(db, request_id)
    for booking_id in bookings[:200] + ["B-cancelled"]:
        assert booking_store.has_pending_operation(db, booking_id)
    for unknown in ("R-parked", "R-audit", str(uuid.uuid4()), bookings[0]):
        assert not concierge_store.has_pending_operation(db, unknown)  # parked, nested, unknown, not a request
    for unknown in (str(uuid.uuid4()), requests[0]):
        assert not booking_store.has_pending_operation(db, unknown)
    elapsed = time.perf_counter() - began
    # 408 questions over 20,000 rows: a scan each is seconds; lookups are a few milliseconds in all.
    assert elapsed < 1.0, elapsed


def test_a_schema_3_database_gets_the_indexes_and_keeps_its_outbox(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        for statement in script:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO outbox (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
        ["op", "concierge.transition", json.dumps({"request_id": "R1"}), "2026-11-23T10:00:00"],
    )
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    db = open_database(path)
    try:
        assert schema_version(db) == latest_schema_version() >= 4
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"outbox_by_request", "outbox_by_booking"} <= indexes
        assert concierge_store.has_pending_operation(db, "R1")
        assert not concierge_store.has_pending_operation(db, "R2")
    finally:
        db.close()
