"""The outbox: every change the centre must hear of, written in the transaction that makes it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import sqlite_utils


def enqueue(db: sqlite_utils.Database, kind: str, payload: dict, now: datetime) -> str:
    """Record an operation for the centre; call inside the transaction of the change itself."""
    if not db.conn.in_transaction:
        raise RuntimeError("outbox operations are written inside the change's transaction")
    op_id = str(uuid.uuid4())
    db.execute(
        "INSERT INTO outbox (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
        [op_id, kind, json.dumps(payload, ensure_ascii=False, sort_keys=True), now.isoformat(timespec="seconds")],
    )
    return op_id


def pending_operations(db: sqlite_utils.Database) -> list[dict]:
    return [
        {**row, "payload": json.loads(row["payload"])}
        for row in db.query("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
    ]
