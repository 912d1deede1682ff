"""Opening the local SQLite database: WAL, numbered migrations, explicit transactions.

Writes go through `transaction()` (BEGIN IMMEDIATE … COMMIT, rolled back on any
error). sqlite-utils' own write helpers commit on their own, so inside a
transaction rows are written with plain `execute`/`executemany`.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.errors import KioskError, SchemaTooNewError
from kiosk.store.migrations import MIGRATIONS

# A row as sqlite-utils reads it: SQLite's values (text, integer, real, blob, null) by column name.
Row = dict[str, Any]

DATABASE_FILE = "kiosk.sqlite3"
# A checkpoint copies the write-ahead log into the database file and syncs it. SQLite's default,
# every 1000 pages (4 MB), runs one after each page of a large pull; every 8192 pages (32 MB)
# the initial pull of 50,000 offers is about a second faster. After a pull that wrote
# something, the sync engine checkpoints at once (`checkpoint`), so a screen's commit does not
# inherit a large log.
CHECKPOINT_PAGES = 8192
_savepoints = itertools.count(1)
# Which thread opened the transaction in progress on a connection: only it may nest in it.
_outer: dict[int, int] = {}


class DatabaseError(KioskError):
    """The database file cannot be opened or is not a kiosk database."""


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def latest_schema_version() -> int:
    return len(MIGRATIONS)


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (or create) the kiosk database and bring its schema up to date."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        version = schema_version(db)
    except sqlite3.DatabaseError as error:
        raise DatabaseError("error.database.database_read_tell_support", path=path, error=error) from None
    if version > latest_schema_version():
        conn.close()
        raise SchemaTooNewError(
            "error.database.database_was_written_by",
            path=path,
            version=version,
            latest=latest_schema_version(),
        )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def checkpoint(db: sqlite_utils.Database) -> None:
    """Copy the log into the database now, without waiting for readers or blocking writers."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")


def migrate(db: sqlite_utils.Database) -> None:
    for version, script in enumerate(MIGRATIONS, start=1):
        if version <= schema_version(db):
            continue
        with transaction(db):
            for statement in script:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All of it or none of it: the unit of every write to the store.

    Inside another transaction it becomes a savepoint of that one, so use cases compose:
    an assisted booking writes the booking, its outbox operation and its audit entry in
    one outer transaction. A failing inner block is undone alone and its error goes on
    up; nothing is committed before the outermost block ends.
    """
    conn = db.conn
    if conn.in_transaction and _outer.get(id(conn)) == threading.get_ident():
        name = f"nested_{next(_savepoints)}"
        db.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            db.execute(f"ROLLBACK TO {name}")
            db.execute(f"RELEASE {name}")
            raise
        db.execute(f"RELEASE {name}")
        return
    db.execute("BEGIN IMMEDIATE")
    _outer[id(conn)] = threading.get_ident()
    try:
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        _outer.pop(id(conn), None)
