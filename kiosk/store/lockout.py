"""Wrong codes counted towards a lock (kiosk/domain/lockout.py): per card for beneficiaries' PINs, per
account for correspondents' sign-ins, each kept in its own table the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.lockout import FailureRecord
from kiosk.store.database import transaction


@dataclass(frozen=True)
class LockoutTable:
    name: str
    key: str
    stored_as: str = "?"  # how a key is kept: a card number only as its blind index (kiosk/store/fields.py)


CARDS = LockoutTable("pin_failures", "card_number", "blind_index(?)")
STAFF_ACCOUNTS = LockoutTable("staff_failures", "account")


def read_failures(db: sqlite_utils.Database, table: LockoutTable, key: str) -> FailureRecord:
    row = db.execute(
        f"SELECT failures, locked_until FROM {table.name} WHERE {table.key} = {table.stored_as}", [key]
    ).fetchone()
    if row is None:
        return FailureRecord()
    return FailureRecord(row[0], datetime.fromisoformat(row[1]) if row[1] else None)


def write_failures(db: sqlite_utils.Database, table: LockoutTable, key: str, record: FailureRecord) -> None:
    with transaction(db):
        if record.failures == 0 and record.locked_until is None:
            db.execute(f"DELETE FROM {table.name} WHERE {table.key} = {table.stored_as}", [key])
        else:
            db.execute(
                f"INSERT INTO {table.name} VALUES ({table.stored_as}, ?, ?) ON CONFLICT({table.key}) DO UPDATE"
                " SET failures = excluded.failures, locked_until = excluded.locked_until",
                [
                    key,
                    record.failures,
                    record.locked_until.isoformat(timespec="seconds") if record.locked_until else None,
                ],
            )
