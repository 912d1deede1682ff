"""Migration 3: concierge requests, correspondents and the audit log, whose rows the database itself guards."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.audit import GENESIS_HASH, entry_hash, sign_entry
from kiosk.store import audit as audit_store
from kiosk.store import connection
from kiosk.store.database import open_database, schema_version, transaction
from kiosk.store.migrations import MIGRATION_12_SIGNED_AUDIT, MIGRATIONS
from kiosk.store.outbox import pending_operations

NOW = datetime(2026, 11, 23, 10, 42)
KEY = Ed25519PrivateKey.generate()


def append(db, n: int = 1, staff: str = "S1"):
    made = []
    for _ in range(n):
        with transaction(db):
            made.append(
                audit_store.append(
                    db,
                    KEY,
                    at=NOW,
                    site_id="SITE",
                    kiosk="K55JAPLL",
                    staff_id=staff,
                    action="concierge.move",
                    subject="P1",
                    target="R1",
                    details={"to": "ready"},
                )
            )
    return made


@pytest.fixture
def db(tmp_path):
    opened = open_database(tmp_path / "k.sqlite3")
    yield opened
    opened.close()


def test_a_schema_2_database_is_brought_to_schema_3_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in script:
            conn.execute(statement)
    conn.execute("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES ('op', 'booking.cancel', '{}', 'x')")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    db = open_database(path)
    assert schema_version(db) == len(MIGRATIONS)  # 3, and any migration since
    assert {"concierge_requests", "correspondents", "staff_failures", "audit_log", "audit_ack"} <= set(db.table_names())
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    chain, seq, digest = audit_store.chain_state(db)
    assert len(chain) == 32 and (seq, digest) == (0, GENESIS_HASH)


def test_each_database_starts_its_own_chain(tmp_path):
    first, second = open_database(tmp_path / "a.sqlite3"), open_database(tmp_path / "b.sqlite3")
    assert audit_store.chain_state(first)[0] != audit_store.chain_state(second)[0]


def test_entries_are_appended_with_their_operation_and_cannot_be_edited(db):
    first, second = append(db, 2)
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    assert [op["payload"]["entries"][0]["hash"] for op in pending_operations(db)] == [first.hash, second.hash]
    for statement in (
        "UPDATE audit_log SET staff_id = 'S9' WHERE seq = 1",
        "UPDATE audit_log SET details = '{}'",
        "UPDATE audit_log SET signature = NULL",
        "UPDATE audit_log SET signature = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_ack",
        "UPDATE audit_ack SET chain = 'x'",
    ):
        with pytest.raises(connection.IntegrityError):
            db.execute(statement)
    assert audit_store.verify(db, KEY.public_key()) is None and len(audit_store.entries(db)) == 2


def test_only_the_next_link_can_be_inserted(db):
    (first,) = append(db)
    cursor = db.execute("SELECT * FROM audit_log WHERE seq = 1")
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    for seq, prev in ((1, GENESIS_HASH), (3, first.hash), (2, GENESIS_HASH)):
        values = {**row, "seq": seq, "prev_hash": prev, "entry_id": f"e{seq}"}
        with pytest.raises(connection.IntegrityError):
            db.execute(
                f"INSERT INTO audit_log ({','.join(values)}) VALUES ({','.join('?' * len(values))})",
                list(values.values()),
            )


def test_an_entry_is_written_only_inside_the_action_transaction(db):
    with pytest.raises(RuntimeError):
        audit_store.append(
            db, KEY, at=NOW, site_id="SITE", kiosk="K", staff_id="S1", action="a", subject=None, target=None, details={}
        )


def test_acknowledged_entries_are_purged_and_the_chain_goes_on(db):
    entries = append(db, 3)
    chain = audit_store.chain_state(db)[0]
    assert not audit_store.acknowledge(db, "f" * 32, 2, entries[1].hash)  # another chain: ignored
    assert not audit_store.acknowledge(db, chain, 9, "0" * 64)  # beyond what exists: ignored
    with transaction(db):
        assert audit_store.acknowledge(db, chain, 2, entries[1].hash)
    assert [e.seq for e in audit_store.entries(db)] == [3] and audit_store.waiting_count(db) == 1
    assert not audit_store.acknowledge(db, chain, 1, entries[0].hash)  # never backwards
    (fourth,) = append(db)
    assert fourth.seq == 4 and fourth.prev_hash == entries[2].hash
    with transaction(db):
        audit_store.acknowledge(db, chain, 4, fourth.hash)
    assert audit_store.entries(db) == [] and audit_store.verify(db) is None
    (fifth,) = append(db)
    assert (fifth.seq, fifth.prev_hash) == (5, fourth.hash)  # the chain continues past a purge
    assert audit_store.verify(db) is None


def test_an_entry_changed_behind_the_triggers_back_is_found(db):
    append(db, 3)
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET subject = 'P2' WHERE seq = 2")
    broken = audit_store.verify(db)
    assert (broken.seq, broken.reason) == (2, "hash")
    db.execute("DROP TRIGGER audit_log_keep_until_acknowledged")
    db.execute("DELETE FROM audit_log WHERE seq = 1")
    assert audit_store.verify(db).reason == "missing"


def test_nested_transactions_compose_and_undo_only_the_failed_part(db):
    with transaction(db):
        db.execute("INSERT INTO kiosk_state VALUES ('a', '1')")
        with pytest.raises(ValueError), transaction(db):
            db.execute("INSERT INTO kiosk_state VALUES ('b', '2')")
            raise ValueError("inner fails")
        db.execute("INSERT INTO kiosk_state VALUES ('c', '3')")
    assert [r[0] for r in db.execute("SELECT key FROM kiosk_state ORDER BY key")] == ["a", "c"]
    with pytest.raises(ValueError), transaction(db):
        with transaction(db):
            db.execute("INSERT INTO kiosk_state VALUES ('d', '4')")
        raise ValueError("outer fails")
    assert db.execute("SELECT count(*) FROM kiosk_state WHERE key = 'd'").fetchone()[0] == 0


def test_another_thread_never_joins_a_transaction_in_progress(db):
    errors = []
    with transaction(db):

        def other():
            try:
                with transaction(db):
                    pass
            except connection.OperationalError as error:
                errors.append(error)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert errors  # it did not silently write inside this thread's transaction


def test_a_chain_rewritten_with_fresh_hashes_is_found_by_its_signatures(db):
    append(db, 3)
    db.execute("DROP TRIGGER audit_log_no_update")
    # Someone edits entry 2 and recomputes every hash after it: the chain holds, the signatures do not.
    previous = audit_store.entries(db)[0].hash
    for entry in audit_store.entries(db)[1:]:
        body = {**entry.body(), "subject": "P2"} if entry.seq == 2 else entry.body()
        digest = entry_hash(previous, body)
        db.execute(
            "UPDATE audit_log SET subject = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            [body["subject"], previous, digest, entry.seq],
        )
        previous = digest
    assert audit_store.verify(db) is None  # the plain hash chain is fooled
    broken = audit_store.verify(db, KEY.public_key())
    assert (broken.seq, broken.reason) == (2, "signature")
    assert "n° 2" in broken.message("fr") and "not signed by this kiosk's key" in broken.message("en")


def test_an_outbox_copy_that_is_not_the_tables_entry_is_not_fit_to_send(db):
    _, second = append(db, 2)
    ops = pending_operations(db)
    assert [audit_store.outgoing_problem(db, op["payload"], KEY.public_key()) for op in ops] == [None, None]
    edited = {**second.as_dict(), "subject": "P9"}
    body = {k: v for k, v in edited.items() if k not in ("prev_hash", "hash", "signature")}
    forged = {"entries": [{**edited, "hash": entry_hash(edited["prev_hash"], body)}]}
    assert audit_store.outgoing_problem(db, forged, KEY.public_key()).seq == 2
    ghost = {"entries": [{**second.as_dict(), "seq": 7}]}
    assert audit_store.outgoing_problem(db, ghost, KEY.public_key()).reason == "missing"


def test_entries_written_before_signatures_are_signed_once_at_start(db):
    append(db, 2)
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET signature = NULL")  # as migration 12 leaves older entries
    for op in pending_operations(db):
        payload = {"entries": [{**e, "signature": None} for e in op["payload"]["entries"]]}
        db.execute("UPDATE outbox SET payload = ? WHERE op_id = ?", [json.dumps(payload), op["op_id"]])
    assert audit_store.verify(db, KEY.public_key()).reason == "signature"
    assert audit_store.sign_unsigned(db, KEY) == 2 and audit_store.sign_unsigned(db, KEY) == 0
    assert audit_store.verify(db, KEY.public_key()) is None
    assert [audit_store.outgoing_problem(db, op["payload"], KEY.public_key()) for op in pending_operations(db)] == [
        None,
        None,
    ]


def test_a_tampered_chain_is_never_signed_afterwards(db):
    append(db, 2)
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET signature = NULL, subject = 'P9' WHERE seq = 2")
    assert audit_store.sign_unsigned(db, KEY) == 0
    assert audit_store.verify(db, KEY.public_key()).reason == "hash"


def test_migration_7_lets_an_entry_be_signed_once_and_nothing_else(db):
    (entry,) = append(db)
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET signature = NULL")
    db.execute(MIGRATION_12_SIGNED_AUDIT[2])  # the trigger as migration 12 writes it
    with pytest.raises(connection.IntegrityError):
        db.execute("UPDATE audit_log SET signature = ?, staff_id = 'S9'", [entry.signature])
    db.execute("UPDATE audit_log SET signature = ?", [sign_entry(entry, KEY).signature])
    with pytest.raises(connection.IntegrityError):
        db.execute("UPDATE audit_log SET signature = ?", [sign_entry(entry, Ed25519PrivateKey.generate()).signature])


def test_a_durable_write_inside_an_ordinary_transaction_is_refused_rather_than_weakened(db):
    with pytest.raises(RuntimeError, match="durable"), transaction(db), transaction(db, durable=True):
        pass
    with transaction(db, durable=True):
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        with transaction(db, durable=True):
            db.execute("INSERT INTO kiosk_state VALUES ('k', 'v')")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1
