"""A damaged database at start: detected, set aside with its -wal/-shm, rebuilt, its outbox carried over."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.errors import SchemaTooNewError
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store.database import (
    DATABASE_FILE,
    DatabaseError,
    latest_schema_version,
    open_database,
    schema_version,
    transaction,
)
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.outbox import counts, enqueue, pending_operations
from kiosk.store.recovery import (
    BACKUPS_KEPT,
    acknowledge_recovery,
    backup_database,
    check_database,
    last_recovery,
    open_kiosk_database,
)
from kiosk.store.state import read_state, write_state
from tests.factories import holder

NOW = datetime(2026, 11, 23, 10, 42)


def fill(path: Path, operations: int, filler_rows: int = 400) -> list[str]:
    """A database with catalog-like bulk, a sync cursor and `operations` outbox rows; closed cleanly."""
    db = open_database(path)
    op_ids = []
    with transaction(db):
        db.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("CREATE INDEX bulk_by_text ON bulk(text)")
        for i in range(filler_rows):
            db.execute("INSERT INTO bulk (text) VALUES (?)", [f"offre {i} " + "x" * 200])
        write_state(db, "sync_cursor", "4242")
        for i in range(operations):
            op_ids.append(enqueue(db, "booking.cancel", {"booking_id": f"b-{i}", "note": "y" * 150}, NOW))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return op_ids


def pages_of(path: Path, name: str, kind: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno", [name, kind]
            )
        ]
    finally:
        conn.close()


def smash(path: Path, page: int) -> None:
    size = 4096
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def test_a_sound_database_is_opened_as_is(tmp_path):
    path = tmp_path / DATABASE_FILE
    ops = fill(path, 3)
    assert check_database(path) is None and check_database(path, full=True) is None
    db, recovery = open_kiosk_database(path)
    assert recovery is None
    assert [op["op_id"] for op in pending_operations(db)] == ops
    assert read_state(db, "sync_cursor") == "4242"
    db.close()


def test_a_file_that_is_not_a_database_is_set_aside_and_replaced(tmp_path):
    path = tmp_path / DATABASE_FILE
    path.write_bytes(b"this is not sqlite" * 100)
    Path(f"{path}-wal").write_bytes(b"stale wal")
    Path(f"{path}-shm").write_bytes(b"stale shm")
    db, recovery = open_kiosk_database(path, clock=lambda: NOW)
    assert recovery is not None and not recovery.complete
    assert "not a database" in recovery.problem
    assert schema_version(db) == latest_schema_version()
    assert counts(db) == {"pending": 0, "parked": 0}
    aside = sorted(p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name)
    assert aside == [f"{DATABASE_FILE}.corrupt-20261123-104200{s}" for s in ("", "-shm", "-wal")]
    assert (tmp_path / aside[0]).read_bytes() == b"this is not sqlite" * 100
    stored, acknowledged = last_recovery(db)
    assert stored == recovery and not acknowledged
    db.close()


def test_damage_outside_the_outbox_loses_no_operation(tmp_path):
    path = tmp_path / DATABASE_FILE
    ops = fill(path, 40)
    smash(path, pages_of(path, "bulk", "leaf")[3])
    assert check_database(path) is not None
    db, recovery = open_kiosk_database(path, clock=lambda: NOW)
    assert recovery.complete and recovery.recovered == 40
    assert [op["op_id"] for op in pending_operations(db)] == ops  # same ids, same order
    assert pending_operations(db)[5]["payload"] == {"booking_id": "b-5", "note": "y" * 150}
    assert read_state(db, "sync_cursor") is None  # the next sync pulls everything again
    assert "bulk" not in db.table_names()
    db.close()
    aside = tmp_path / f"{DATABASE_FILE}.corrupt-20261123-104200"
    assert aside.exists() and check_database(aside) is not None  # kept as it was, for IT


def test_a_damaged_outbox_page_is_reported_and_the_rest_recovered(tmp_path):
    path = tmp_path / DATABASE_FILE
    ops = fill(path, 300, filler_rows=10)
    leaves = pages_of(path, "outbox", "leaf")
    assert len(leaves) >= 4
    smash(path, leaves[1])
    db, recovery = open_kiosk_database(path, clock=lambda: NOW)
    assert not recovery.complete and "malformed" in recovery.unreadable
    recovered = [op["op_id"] for op in pending_operations(db)]
    assert 0 < len(recovered) < 300 and recovery.recovered == len(recovered)
    assert recovered == [op for op in ops if op in set(recovered)]  # order kept
    assert recovered[0] == ops[0] and recovered[-1] == ops[-1]  # before and after the damaged page
    db.close()


def test_parked_operations_stay_parked_with_their_reason(tmp_path):
    path = tmp_path / DATABASE_FILE
    ops = fill(path, 2)
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE outbox SET state = 'parked', last_error = ? WHERE op_id = ?", [json.dumps({"code": "closed"}), ops[0]]
    )
    conn.commit()
    conn.close()
    smash(path, pages_of(path, "bulk", "leaf")[0])
    db, recovery = open_kiosk_database(path)
    assert recovery.complete
    assert counts(db) == {"pending": 1, "parked": 1}
    db.close()


def test_a_locked_database_is_not_mistaken_for_a_corrupt_one(tmp_path):
    path = tmp_path / DATABASE_FILE
    fill(path, 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError):
            check_database(path, timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not any(".corrupt-" in p.name for p in tmp_path.iterdir())


def test_a_newer_database_is_refused_not_set_aside(tmp_path):
    path = tmp_path / DATABASE_FILE
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_schema_version() + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        open_kiosk_database(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATABASE_FILE]


def test_an_older_schema_is_backed_up_before_it_is_migrated(tmp_path):
    path = tmp_path / DATABASE_FILE
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO kiosk_state VALUES ('sync_cursor', '7')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    db, recovery = open_kiosk_database(path, clock=lambda: NOW)
    assert recovery is None and schema_version(db) == latest_schema_version()
    db.close()
    backups = list((tmp_path / "backups").iterdir())
    assert [b.name for b in backups] == ["kiosk-20261123-104200-schema1.sqlite3"]
    kept = sqlite3.connect(backups[0])
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 1
    assert kept.execute("SELECT value FROM kiosk_state").fetchone()[0] == "7"
    kept.close()


def test_backups_are_pruned_to_the_newest(tmp_path):
    path = tmp_path / DATABASE_FILE
    fill(path, 1, filler_rows=1)
    for day in range(1, BACKUPS_KEPT + 3):
        backup_database(path, "upgrade", clock=lambda day=day: datetime(2026, 11, day, 9, 0))
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(names) == BACKUPS_KEPT and names[-1] == "kiosk-20261107-090000-upgrade.sqlite3"


def test_open_services_rebuilds_and_remembers_it_until_acknowledged(tmp_path, catalog_file, households_file, clock):
    data = tmp_path / "data"
    services = open_services(
        data, KioskConfig(), demo=True, clock=clock, demo_catalog=catalog_file, demo_households=households_file
    )
    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    booking = services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    services.close()
    path = data / DATABASE_FILE
    raw = bytearray(path.read_bytes())
    raw[:16] = b"garbage garbage!"
    path.write_bytes(bytes(raw))

    services = open_services(data, KioskConfig(), clock=clock)
    assert services.recovery is not None and services.recovery.complete is False
    assert services.catalog.offer_count() == 0  # nothing of the damaged file is trusted
    services.close()

    services = open_services(data, KioskConfig(), clock=clock)
    assert services.recovery is None  # only the start that rebuilt it says so
    recovery, acknowledged = last_recovery(services.db)
    assert recovery is not None and not acknowledged
    assert acknowledge_recovery(services.db) and last_recovery(services.db)[1]
    services.close()
    assert booking.booking_id
