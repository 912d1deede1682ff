"""The database file at rest: encrypted with the machine's key (SQLCipher), so a powered-off kiosk's disk
gives nothing away; a plain database encrypted once, whole, even if interrupted."""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.database_key import CREDENTIAL_NAME, SEALED_CREDENTIAL_FILE, DatabaseKeyError
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store import connection
from kiosk.store.database import DATABASE_FILE, DatabaseError, open_database, transaction
from kiosk.store.recovery import BACKUP_DIR, backup_database, open_kiosk_database
from tests.factories import CLAIRE_CARD, holder

pytestmark = pytest.mark.skipif(connection.sqlcipher is None, reason="no SQLCipher wheel for this platform")

# What a thief must not find in the files: a beneficiary's names, an offer booked, the schema itself.
NEVER_IN_CLEAR = ("Claire", "Martin", "Malade imaginaire", "CREATE TABLE", "SQLite format 3")


def give_key(monkeypatch, folder: Path, key: bytes) -> None:
    """The database key as systemd hands it to the kiosk's service (LoadCredentialEncrypted=)."""
    folder.mkdir(exist_ok=True)
    (folder / CREDENTIAL_NAME).write_bytes(key)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(folder))


@pytest.fixture
def machine_key(tmp_path, monkeypatch) -> bytes:
    key = secrets.token_bytes(32)
    give_key(monkeypatch, tmp_path / "credentials", key)
    return key


def a_kiosk_with_a_booking(data_dir: Path, clock, catalog_file: Path, households_file: Path) -> None:
    services = open_services(
        data_dir, KioskConfig(), demo=True, clock=clock, demo_catalog=catalog_file, demo_households=households_file
    )
    try:
        claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
        services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1", "P2"])
    finally:
        services.close()


def database_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.name.startswith(DATABASE_FILE))


def every_row(conn) -> dict[str, list[tuple]]:
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {table: sorted(map(tuple, conn.execute(f'SELECT * FROM "{table}"')), key=repr) for table in tables}


def test_an_encrypted_kiosks_database_file_is_of_no_use_without_the_machine(
    machine_key, tmp_path, clock, catalog_file, households_file
):
    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)

    files = database_files(data_dir)
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files)  # 0600, as the plain file was
    on_disk = b"".join(p.read_bytes() for p in files)
    for clear in NEVER_IN_CLEAR:
        assert clear.encode() not in on_disk, clear
    thief = sqlite3.connect(data_dir / DATABASE_FILE)  # plain SQLite, as anyone with the disk has it
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        thief.execute("SELECT * FROM persons").fetchall()
    thief.close()

    db, recovery = open_kiosk_database(data_dir / DATABASE_FILE)  # the machine, with its credential
    try:
        assert recovery is None
        assert db.execute("SELECT state, participants FROM bookings").fetchall() == [("confirmed", '["P1", "P2"]')]
        assert db.execute("SELECT unseal(first_name, person_id) FROM persons WHERE person_id = 'P1'").fetchone() == (
            "Claire",
        )
    finally:
        db.close()


def test_without_its_credential_the_kiosk_refuses_plainly_and_changes_nothing(
    machine_key, tmp_path, clock, catalog_file, households_file, monkeypatch
):
    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)
    (data_dir / SEALED_CREDENTIAL_FILE).write_bytes(b"sealed by systemd-creds")  # as the Debian package leaves it
    before = {p.name: p.read_bytes() for p in database_files(data_dir)}

    monkeypatch.delenv("CREDENTIALS_DIRECTORY")  # a command run by hand, not by the service
    with pytest.raises(DatabaseKeyError) as caught:
        open_kiosk_database(data_dir / DATABASE_FILE)
    assert "sudo slvie-kiosk" in caught.value.en and "sudo slvie-kiosk" in caught.value.fr

    give_key(monkeypatch, tmp_path / "another-machine", secrets.token_bytes(32))
    with pytest.raises(DatabaseKeyError) as caught:
        open_kiosk_database(data_dir / DATABASE_FILE)
    assert "does not open" in caught.value.en and "n'ouvre pas" in caught.value.fr

    assert {p.name: p.read_bytes() for p in database_files(data_dir)} == before  # nothing set aside, nothing written


def test_a_database_whose_key_is_lost_for_good_is_set_aside_and_rebuilt_not_deleted(
    machine_key, tmp_path, clock, catalog_file, households_file, monkeypatch
):
    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)
    encrypted = (data_dir / DATABASE_FILE).read_bytes()
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")  # no credential, and none sealed on this machine any more

    db, recovery = open_kiosk_database(data_dir / DATABASE_FILE)
    db.close()
    assert recovery is not None and "not a database" in recovery.problem
    assert Path(recovery.set_aside[0]).read_bytes() == encrypted


def test_a_plain_database_is_encrypted_once_with_its_backups_and_keeps_every_row(
    tmp_path, clock, catalog_file, households_file, monkeypatch
):
    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)  # no key: plain, as before
    path = data_dir / DATABASE_FILE
    backup = backup_database(path, "before-encryption")
    with sqlite3.connect(path) as plain:
        rows, version = every_row(plain), plain.execute("PRAGMA user_version").fetchone()[0]
    assert rows["bookings"] and rows["persons"] and rows["outbox"]

    key = secrets.token_bytes(32)
    give_key(monkeypatch, tmp_path / "credentials", key)
    db = open_database(path)
    db.close()

    for file in (path, backup):
        assert not connection.is_plain(file) and b"CREATE TABLE" not in file.read_bytes(), file
        assert file.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(DATABASE_FILE)) == [DATABASE_FILE]
    encrypted = connection.connect(path, read_only=True)
    try:
        assert every_row(encrypted) == rows
        assert encrypted.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        encrypted.close()
    copy = connection.connect(backup, read_only=True)
    try:
        assert copy.execute("SELECT count(*) FROM bookings").fetchone()[0] == len(rows["bookings"])
    finally:
        copy.close()
    assert [p.name for p in (data_dir / BACKUP_DIR).iterdir()] == [backup.name]


def test_an_encryption_that_fails_midway_leaves_the_plain_database_whole_and_is_done_again_later(
    tmp_path, clock, catalog_file, households_file, monkeypatch
):
    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)
    path = data_dir / DATABASE_FILE
    with sqlite3.connect(path) as plain:
        before = every_row(plain)
    give_key(monkeypatch, tmp_path / "credentials", secrets.token_bytes(32))

    def power_cut(*args):
        raise OSError("the disk went away")

    monkeypatch.setattr(connection.os, "replace", power_cut)
    with pytest.raises(DatabaseError, match="the disk went away"):
        open_database(path)
    assert connection.is_plain(path)
    with sqlite3.connect(path) as plain:
        assert every_row(plain) == before

    monkeypatch.undo()
    give_key(monkeypatch, tmp_path / "credentials", (tmp_path / "credentials" / CREDENTIAL_NAME).read_bytes())
    db = open_database(path)
    try:
        assert db.execute("SELECT count(*) FROM bookings").fetchone()[0] == 1
    finally:
        db.close()
    assert not connection.is_plain(path)
    assert not path.with_name(f"{DATABASE_FILE}.encrypting").exists()


KILLED_ENCRYPTION = """
import sys
from pathlib import Path
from kiosk.store.connection import encrypt
encrypt(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
"""


def test_a_kill_at_any_moment_of_the_encryption_leaves_one_whole_database(tmp_path):
    key = secrets.token_bytes(32)
    path = tmp_path / DATABASE_FILE
    with sqlite3.connect(path) as plain:
        plain.execute("PRAGMA journal_mode = WAL")
        plain.execute("CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT)")
        plain.executemany("INSERT INTO persons (name) VALUES (?)", ((f"Claire {n} " * 20,) for n in range(60_000)))

    def whole() -> bool:
        """The one database in place has every row, plain or encrypted."""
        if connection.is_plain(path):
            reader = sqlite3.connect(path)
        else:
            reader = connection.sqlcipher.connect(str(path))  # type: ignore[union-attr]
            reader.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            return reader.execute("SELECT count(*), max(id) FROM persons").fetchone() == (60_000, 60_000)
        finally:
            reader.close()

    # Killed at moments spread over the copy (about half a second on an idle machine), then left to finish.
    for delay in (0.05, 0.2, 0.35, 0.5, 0.7, None):
        process = subprocess.Popen([sys.executable, "-c", KILLED_ENCRYPTION, str(path), key.hex()])
        if delay is None:
            assert process.wait(timeout=120) == 0
        else:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait()
        assert whole(), delay
        if not connection.is_plain(path):
            break
    assert not connection.is_plain(path)
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_errors_of_an_encrypted_database_are_caught_as_the_store_catches_them(machine_key, tmp_path):
    db = open_database(tmp_path / DATABASE_FILE)
    try:
        with pytest.raises(connection.IntegrityError), transaction(db):
            db.execute("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES ('a', 'k', '{}', 'now')")
            db.execute("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES ('a', 'k', '{}', 'now')")
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    finally:
        db.close()


def test_the_doctor_says_plainly_whether_the_database_is_encrypted(
    tmp_path, clock, catalog_file, households_file, monkeypatch
):
    from kiosk.doctor import run_checks

    data_dir = tmp_path / "data"
    a_kiosk_with_a_booking(data_dir, clock, catalog_file, households_file)

    def encryption():
        checks = run_checks(None, data_dir, client_factory=lambda *a: None).checks
        return next(c for c in checks if c.id == "encryption")

    plain = encryption()
    assert plain.status == "warning" and "NOT encrypted" in plain.en and "NON chiffrée" in plain.fr
    give_key(monkeypatch, tmp_path / "credentials", secrets.token_bytes(32))
    assert encryption().status == "warning" and "next start" in encryption().en
    open_database(data_dir / DATABASE_FILE).close()
    assert encryption().status == "ok" and "chiffrée sur le disque" in encryption().fr
    database = next(c for c in run_checks(None, data_dir, client_factory=lambda *a: None).checks if c.id == "database")
    assert database.status == "ok"  # the integrity check reads the encrypted file with the key
    os.environ.pop("CREDENTIALS_DIRECTORY")
    (data_dir / SEALED_CREDENTIAL_FILE).write_bytes(b"sealed")
    refused = encryption()
    assert refused.status == "problem" and "sudo" in refused.en


def test_a_damaged_page_of_an_encrypted_database_is_set_aside_and_its_outbox_carried_over(machine_key, tmp_path):
    from tests.store.test_recovery import fill, smash

    path = tmp_path / DATABASE_FILE
    operations = fill(path, 5)
    smash(path, 5)  # a page of the bulk: its authentication code no longer matches

    db, recovery = open_kiosk_database(path)
    try:
        assert recovery is not None and recovery.complete and recovery.recovered == len(operations)
        assert [row[0] for row in db.execute("SELECT op_id FROM outbox ORDER BY seq")] == operations
    finally:
        db.close()
    assert not connection.is_plain(path) and not connection.is_plain(Path(recovery.set_aside[0]))
