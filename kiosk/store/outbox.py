"""The outbox: every change the centre must hear of, written in the transaction that makes it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import sqlite_utils

from kiosk.store.database import Row


def enqueue(db: sqlite_utils.Database, kind: str, payload: dict[str, object], now: datetime) -> str:
    """Record an operation for the centre; call inside the transaction of the change itself."""
    if not db.conn.in_transaction:
        raise RuntimeError("outbox operations are written inside the change's transaction")
    op_id = str(uuid.uuid4())
    db.execute(
        "INSERT INTO outbox (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
        [op_id, kind, json.dumps(payload, ensure_ascii=False, sort_keys=True), now.isoformat(timespec="seconds")],
    )
    return op_id


def pending_operations(db: sqlite_utils.Database) -> list[Row]:
    return [
        {**row, "payload": json.loads(row["payload"])}
        for row in db.query("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
    ]


def next_batch(db: sqlite_utils.Database, limit: int) -> list[Row]:
    """The oldest operations still to send; parked ones stay aside and never block these."""
    return [
        {**row, "payload": json.loads(row["payload"])}
        for row in db.query("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?", [limit])
    ]


def remove(db: sqlite_utils.Database, op_id: str) -> None:
    """The centre has applied it: call inside the transaction that applies its result."""
    db.execute("DELETE FROM outbox WHERE op_id = ?", [op_id])


def park(db: sqlite_utils.Database, op_id: str, reason: dict[str, str]) -> None:
    """The centre can never apply it: kept, with its reason, for a correspondent to see."""
    db.execute(
        "UPDATE outbox SET state = 'parked', last_error = ? WHERE op_id = ?",
        [json.dumps(reason, ensure_ascii=False), op_id],
    )


def record_failed_attempt(db: sqlite_utils.Database, op_ids: list[str], error: str) -> None:
    db.conn.executemany(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE op_id = ?",
        [(error, op_id) for op_id in op_ids],
    )


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    found = dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    return {"pending": found.get("pending", 0), "parked": found.get("parked", 0)}


def oldest_pending_at(db: sqlite_utils.Database) -> str | None:
    """When the oldest operation still waiting to be sent was made (the kiosk's clock), or None."""
    row = db.execute("SELECT min(created_at) FROM outbox WHERE state = 'pending'").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def parked_operations(db: sqlite_utils.Database) -> list[Row]:
    return [
        {**row, "payload": json.loads(row["payload"]), "reason": json.loads(row["last_error"] or "{}")}
        for row in db.query("SELECT * FROM outbox WHERE state = 'parked' ORDER BY seq")
    ]


def erase_field(db: sqlite_utils.Database, op_id: str, name: str) -> None:
    """Remove one field of an operation's payload (a parked ballot keeps no choice)."""
    db.execute("UPDATE outbox SET payload = json_remove(payload, ?) WHERE op_id = ?", [f"$.{name}", op_id])
