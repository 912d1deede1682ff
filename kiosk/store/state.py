"""Small facts the kiosk keeps about itself (when the offer was loaded, sync cursors…)."""

from __future__ import annotations

import sqlite_utils


def read_state(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM kiosk_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def write_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Call inside a transaction, together with the change the fact describes."""
    db.execute(
        "INSERT INTO kiosk_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
