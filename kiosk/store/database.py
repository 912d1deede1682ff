"""Opening the local SQLite database: WAL, numbered migrations, explicit transactions.

Writes go through `transaction()` (BEGIN IMMEDIATE … COMMIT, rolled back on any
error). sqlite-utils' own write helpers commit on their own, so inside a
transaction rows are written with plain `execute`/`executemany`.

WAL with synchronous=NORMAL keeps every commit through a crash of the program, but a
power cut may lose the last ones. That is fine for a pulled page (pulled again) and not
for a booking whose voucher is already on paper: such commits are `durable`, made with
synchronous=FULL (the log is synced to disk before COMMIT returns, hence before printing).

The database holds personal data: the file (and SQLite's -wal and -shm beside it, which
take its mode) is created 0600 whatever the umask, and an existing one is brought back to it;
with the machine's database key it is encrypted at rest (kiosk/store/connection.py).
Each connection gets the SQL functions that seal and unseal personal data with the machine's
data key (kiosk/store/sealing.py), so every query of the store can use them.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from kiosk.data_key import load_data_key
from kiosk.errors import KioskError, SchemaTooNewError
from kiosk.store import connection
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.sealing import Sealer

# A row as sqlite-utils reads it: SQLite's values (text, integer, real, blob, null) by column name.
Row = dict[str, Any]
Read = TypeVar("Read")


def stamp(moment: datetime) -> str:
    """A moment as the store keeps it: ISO 8601 to the second, which sorts as time does."""
    return moment.isoformat(timespec="seconds")


def read_rows(
    db: sqlite_utils.Database, reader: Callable[[Row], Read], sql: str, params: Sequence[object]
) -> list[Read]:
    """Every row `sql` selects, each made into what the caller keeps by `reader` (`_row_to_request`…)."""
    return [reader(row) for row in db.query(sql, params)]


def read_row(
    db: sqlite_utils.Database, reader: Callable[[Row], Read], sql: str, params: Sequence[object]
) -> Read | None:
    """The first row `sql` selects made by `reader`, or None."""
    return next(iter(read_rows(db, reader, sql, params)), None)


DATABASE_FILE = "kiosk.sqlite3"
# A checkpoint copies the write-ahead log into the database file and syncs it. Run by a commit,
# it holds that commit up: the sync engine checkpoints itself after each pulled page, outside
# any transaction, so the log never reaches this size during a pull and a screen's commit
# never inherits the copying of a large log; this threshold is for everything else.
CHECKPOINT_PAGES = 8192
_savepoints = itertools.count(1)
# Which thread opened the transaction in progress on a connection: only it may nest in it.
_outer: dict[int, int] = {}
# Connections whose transaction in progress is durable (synchronous=FULL until it ends).
_durable: set[int] = set()
BUSY_TIMEOUT = 10.0  # seconds a write waits for another one before "database is locked"


class WriteTurns:
    """The writers of one database file in this process take turns in the order they came.

    SQLite alone lets a writer that commits and begins again at once (the sync engine writing a
    large pull) win the lock over one that was already waiting (a booking at the screen, polling
    with growing sleeps). Here the turn is handed straight to the oldest waiter, so a write waits
    for the transaction in progress and no longer. Other processes still meet SQLite's own lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._busy = False

    def acquire(self, timeout: float = BUSY_TIMEOUT) -> None:
        with self._lock:
            if not self._busy:
                self._busy = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return
        with self._lock:
            if turn.is_set():  # handed over just as the wait ended
                return
            self._waiting.remove(turn)
        raise sqlite3.OperationalError("database is locked")

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # still busy: the turn goes to the oldest waiter
            else:
                self._busy = False


_turns: dict[str, WriteTurns] = {}
_turns_lock = threading.Lock()


def _write_turns(db: sqlite_utils.Database) -> WriteTurns:
    """One WriteTurns per database file (an in-memory database is its own)."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db.conn)}"
    with _turns_lock:
        return _turns.setdefault(path, WriteTurns())


class DatabaseError(KioskError):
    """The database file cannot be opened or is not a kiosk database."""


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def latest_schema_version() -> int:
    return len(MIGRATIONS)


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (or create) the kiosk database and bring its schema up to date."""
    try:
        conn = connection.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        version = schema_version(db)
    except connection.DatabaseError + (OSError,) as error:
        raise DatabaseError("error.database.database_read_tell_support", path=path, error=error) from None
    if version > latest_schema_version():
        conn.close()
        raise SchemaTooNewError(
            "error.database.database_was_written_by",
            path=path,
            version=version,
            latest=latest_schema_version(),
        )
    Sealer(load_data_key(path.parent)).install(conn)
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
def transaction(db: sqlite_utils.Database, durable: bool = False) -> Iterator[sqlite_utils.Database]:
    """All of it or none of it: the unit of every write to the store.

    Inside another transaction it becomes a savepoint of that one, so use cases compose:
    an assisted booking writes the booking, its outbox operation and its audit entry in
    one outer transaction. A failing inner block is undone alone and its error goes on
    up; nothing is committed before the outermost block ends.

    `durable`: the commit survives a power cut (synchronous=FULL), for what is printed after it.
    SQLite sets that only between transactions, so a durable block nested in another needs the
    outer one durable too (a RuntimeError says so, rather than a commit weaker than asked).
    """
    conn = db.conn
    if conn.in_transaction and _outer.get(id(conn)) == threading.get_ident():
        if durable and id(conn) not in _durable:
            raise RuntimeError("a durable write nested in a transaction needs that transaction durable too")
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
    turns = _write_turns(db)
    turns.acquire()
    try:
        if durable:
            db.execute("PRAGMA synchronous = FULL")
            _durable.add(id(conn))
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
    finally:
        if durable:
            _durable.discard(id(conn))
            db.execute("PRAGMA synchronous = NORMAL")
        turns.release()
