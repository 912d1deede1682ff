"""The one way to open the kiosk's database file: encrypted at rest with the machine's key, or plain.

When systemd gives the kiosk its database key (kiosk/database_key.py, the Debian package), the
file, its write-ahead log and the backups made of it are SQLCipher databases (AES-256 pages, each
authenticated by HMAC-SHA512), opened with that key: a powered-off kiosk's disk shows random
bytes. Without a key (the demo, the tests, a hand install) the file is plain SQLite, as the
doctor says. Every connection to the kiosk's database, a backup's or the doctor's included, is
made here, so that none reads or writes it otherwise.

A plain database met with a key (a kiosk that had none, now installed by the package) is
encrypted once, at its first opening for writing: copied whole into an encrypted file beside
it (SQLCipher's `sqlcipher_export`), checked table by table, then put in its place in one rename;
an interruption at any point leaves either the plain file, whole, or the encrypted one. Its
backups are encrypted the same way. The first opening for writing is the kiosk's start (or the
package's `migrate`, the service stopped), before anything else has the file open.

The two drivers are the standard library's sqlite3 (plain) and SQLCipher's binding, whose errors
are not sqlite3's: code that catches a database error catches the classes below.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import ModuleType

from kiosk.database_key import DatabaseKeyError, find_database_key
from kiosk.files import restrict_database_files

sqlcipher: ModuleType | None
try:
    from sqlcipher3 import dbapi2

    sqlcipher = dbapi2
except ImportError:  # no SQLCipher build for this platform: its kiosks keep a plain database
    sqlcipher = None

_DRIVERS: tuple[ModuleType, ...] = (sqlite3,) if sqlcipher is None else (sqlite3, sqlcipher)
# Either driver's errors, for `except` clauses.
Error: tuple[type[Exception], ...] = tuple(driver.Error for driver in _DRIVERS)
DatabaseError: tuple[type[Exception], ...] = tuple(driver.DatabaseError for driver in _DRIVERS)
OperationalError: tuple[type[Exception], ...] = tuple(driver.OperationalError for driver in _DRIVERS)
IntegrityError: tuple[type[Exception], ...] = tuple(driver.IntegrityError for driver in _DRIVERS)

PLAIN_HEADER = b"SQLite format 3\x00"
BACKUP_DIR = "backups"
DEFAULT_TIMEOUT = 10.0
# SQLCipher decrypts a page each time SQLite reads it from the file: a page cache larger than SQLite's 2 MiB
# keeps the pages a search reads decrypted in memory (tests/bench/bench_at_rest.py, 50,000 offers). A ceiling
# per connection, reached only as pages are read: every search of the bench grew the resident memory by 12 MiB
# (6 for the plain file).
ENCRYPTED_CACHE_KIB = 64 * 1024


def connect(
    path: Path,
    *,
    read_only: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    isolation_level: str | None = "",
    check_same_thread: bool = True,
) -> sqlite3.Connection:
    """A connection to a kiosk database file (or a backup of it), with the machine's key when there is one.

    The file (created if missing when not `read_only`), its -wal and -shm are its owner's only (0600).
    `read_only` never changes the file, not even to encrypt it: a plain file is then read as it is.
    Raises DatabaseKeyError when the file is encrypted and the key is missing or does not open it.
    """
    key = find_database_key(path.parent)
    if not read_only:
        restrict_database_files(path)
    if key is None or (read_only and is_plain(path)):
        return _open(sqlite3, path, read_only, timeout, isolation_level, check_same_thread)
    if sqlcipher is None:
        raise DatabaseKeyError("error.database_key.no_sqlcipher", path=path)
    if is_plain(path):
        encrypt(path, key)
        for backup in sorted((path.parent / BACKUP_DIR).glob("*.sqlite3")):
            if is_plain(backup):
                encrypt(backup, key)
    conn = _open(sqlcipher, path, read_only, timeout, isolation_level, check_same_thread)
    _unlock(conn, key, path)
    return conn


def is_plain(path: Path) -> bool:
    """Whether the file is an SQLite database in the clear (False when absent or empty)."""
    try:
        with open(path, "rb") as file:
            return file.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def encrypt(path: Path, key: bytes) -> None:
    """Replace a plain database file by an encrypted copy of all of it, or leave it as it was."""
    assert sqlcipher is not None
    encrypted = path.with_name(f"{path.name}.encrypting")
    for leftover in (encrypted, Path(f"{encrypted}-journal")):  # of an interrupted attempt: started again
        leftover.unlink(missing_ok=True)
    restrict_database_files(encrypted)
    plain = sqlcipher.connect(str(path), isolation_level=None, timeout=DEFAULT_TIMEOUT)
    try:
        plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", [str(encrypted), _key_literal(key)])
        plain.execute("BEGIN IMMEDIATE")  # nothing is written to the plain file while it is copied
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(plain.execute('PRAGMA user_version').fetchone()[0])}")
        _check_copy(plain)
        plain.execute("COMMIT")
        plain.execute("DETACH DATABASE encrypted")
        # Everything of the plain file's log goes into it: nothing of it may survive beside the new file.
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        plain.close()
        encrypted.unlink(missing_ok=True)
        raise
    plain.close()
    with open(encrypted, "rb+") as file:
        os.fsync(file.fileno())
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(encrypted, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _check_copy(conn: sqlite3.Connection) -> None:
    """Every table of the plain database has as many rows in the encrypted copy (else nothing is replaced).

    Virtual tables (full-text search) are left out: their rows are those of their shadow tables, which are
    counted, and the copy's schema is only read again by a new connection."""
    query = "SELECT name FROM main.sqlite_master WHERE type = 'table' AND rootpage > 0"
    tables = [row[0] for row in conn.execute(query)]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        plain = conn.execute(f"SELECT count(*) FROM main.{quoted}").fetchone()[0]
        copied = conn.execute(f"SELECT count(*) FROM encrypted.{quoted}").fetchone()[0]
        if plain != copied:
            raise sqlite3.DatabaseError(f"table {table}: {copied} rows encrypted of {plain}")


def _open(
    driver: ModuleType,
    path: Path,
    read_only: bool,
    timeout: float,
    isolation_level: str | None,
    check_same_thread: bool,
) -> sqlite3.Connection:
    # Read-only, so that examining a damaged file never changes it: a read-write connection to a file
    # that is not a database deletes its -wal and -shm when it closes.
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn: sqlite3.Connection = driver.connect(
        target, uri=read_only, timeout=timeout, isolation_level=isolation_level, check_same_thread=check_same_thread
    )
    return conn


def _unlock(conn: sqlite3.Connection, key: bytes, path: Path) -> None:
    conn.execute(f'PRAGMA key = "{_key_literal(key)}"')
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        conn.close()
        raise DatabaseKeyError("error.database_key.does_not_open", path=path) from None
    conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")


def _key_literal(key: bytes) -> str:
    """SQLCipher's raw key (no passphrase derivation: the key is 32 random bytes already)."""
    return f"x'{key.hex()}'"
