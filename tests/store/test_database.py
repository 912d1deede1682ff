import sqlite3

import pytest

from kiosk.errors import SchemaTooNewError
from kiosk.store import connection
from kiosk.store.database import DatabaseError, latest_schema_version, open_database, schema_version, transaction


def test_a_new_database_is_migrated_and_in_wal_mode(tmp_path):
    db = open_database(tmp_path / "k.sqlite3")
    assert schema_version(db) == latest_schema_version()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"offers", "sessions", "categories", "concierge_services", "outbox"} <= set(db.table_names())


def test_reopening_does_not_migrate_twice(tmp_path):
    open_database(tmp_path / "k.sqlite3").close()
    db = open_database(tmp_path / "k.sqlite3")
    assert schema_version(db) == latest_schema_version()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "k.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {latest_schema_version() + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as caught:
        open_database(path)
    assert "plus récente" in caught.value.fr
    assert path.read_bytes() == before
    assert not (tmp_path / "k.sqlite3-wal").exists()


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    path = tmp_path / "k.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert "illisible" in caught.value.fr


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    db = open_database(tmp_path / "k.sqlite3")
    with pytest.raises(connection.IntegrityError), transaction(db):
        db.execute("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES ('a', 'k', '{}', 'now')")
        db.execute("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES ('a', 'k', '{}', 'now')")
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
