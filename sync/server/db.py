"""The central database: SQLite (one file, the embedded default) or PostgreSQL, through SQLAlchemy Core.

`--db FILE` is a SQLite file in WAL mode, every commit synced to disk (synchronous=FULL): once a
kiosk is told an operation was applied, a power cut must not undo it. `--db postgresql://…` is a
PostgreSQL database several worker processes share. One code path serves both: queries are SQL both
understand, with `?` placeholders; what differs lives in `sync.server.dialect`.

Reads go through `read()`: one snapshot for all their queries. Writes go through `write()`: one
transaction, COMMIT on success, ROLLBACK on any error. On SQLite writers take turns (a process-wide
lock, then BEGIN IMMEDIATE, which also serialises against the command line writing to the same
file); on PostgreSQL they run side by side and what decides seats locks its rows
(`dialect.lock_session`). The changes a transaction bumps are written last, under the feed lock, so
that change numbers follow commit order (docs/sync-protocol.md, "Pull").

The schema is migrated with Alembic (`sync.server.migrations`) when the database is opened.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Self, overload

from sqlalchemy import create_engine, inspect, make_url
from sqlalchemy.engine import Connection as SAConnection
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from kiosk.errors import KioskError
from kiosk.files import restrict_database_files
from sync.server import dialect

FEED_EPOCH = "feed_epoch"
POOL_SIZE = 8  # connections per process kept open (to PostgreSQL, each worker process has its own)
POOL_OVERFLOW = 24


def _without_password(error: Exception, target: Path | str) -> str:
    text = str(error).splitlines()[0]
    password = make_url(database_url(target)).password if is_database_url(target) else None
    return text.replace(password, "***") if password else text


class CentralDatabaseError(KioskError):
    """The central database file cannot be used."""


def new_epoch() -> str:
    return secrets.token_hex(16)


def canonical_json(value: object) -> str:
    """One text per JSON value (sorted keys, no spaces): for storage and comparison."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def database_url(target: Path | str) -> str:
    """A PostgreSQL URL (driven by psycopg 3) or a SQLite file's path as SQLAlchemy names them."""
    text = str(target)
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return f"sqlite:///{Path(text)}"


def shown(target: Path | str) -> str:
    """A database as messages and logs name it: a URL without its password."""
    url = make_url(database_url(target))
    return url.render_as_string(hide_password=True) if is_database_url(target) else str(target)


def is_database_url(target: Path | str) -> bool:
    return not database_url(target).startswith("sqlite:")


class Row(tuple[Any, ...]):
    """A row read by position or by column name (`row[0]`, `row["id"]`, `dict(row)`)."""

    names: dict[str, int]

    def __new__(cls, values: Iterable[Any], names: dict[str, int]) -> Self:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


class Result:
    def __init__(self, result: CursorResult[Any]):
        self.rowcount: int = result.rowcount
        self._result = result
        self._names = {name: i for i, name in enumerate(result.keys())} if result.returns_rows else {}

    def fetchone(self) -> Any:  # a Row or None (Any, as sqlite3 types it: callers index the row they know is there)
        values = self._result.fetchone()
        return None if values is None else Row(values, self._names)

    def fetchall(self) -> list[Row]:
        return [Row(values, self._names) for values in self._result.fetchall()]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Connection:
    """One transaction's connection: `execute(sql, params)` with `?` placeholders, whatever the database."""

    def __init__(self, connection: SAConnection):
        self.sa = connection
        self.dialect: str = connection.dialect.name
        self.changes: dict[tuple[str, str, str], None] = {}  # bumped, written at commit (ordered)
        self.mark: str | None = None  # this transaction's mark in the feed's history, written at commit

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        if not params:
            return Result(self.sa.exec_driver_sql(sql))
        return Result(self.sa.exec_driver_sql(dialect.driver_sql(sql, self.dialect), tuple(params)))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in rows]
        if batch:
            self.sa.exec_driver_sql(dialect.driver_sql(sql, self.dialect), batch)

    def bump(self, kind: str, entity_id: str, site_id: str) -> None:
        """The entity changed: it goes to the end of the feed when this transaction commits."""
        self.changes.pop((kind, entity_id, site_id), None)
        self.changes[(kind, entity_id, site_id)] = None

    def history_mark(self) -> str:
        """This transaction's mark in the feed's history (sync/server/history.py), written when it commits."""
        if self.mark is None:
            self.mark = secrets.token_hex(16)
        return self.mark

    def write_changes(self) -> None:
        """The changes bumped, numbered in commit order, and a mark of the history they end."""
        if not self.changes and self.mark is None:
            return
        dialect.write_feed(self, list(self.changes))
        self.execute(
            "INSERT INTO feed_marks (mark, last_seq) SELECT ?, COALESCE(MAX(seq), 0) FROM changes",
            (self.history_mark(),),
        )
        self.changes.clear()


class Database:
    def __init__(self, target: Path | str, pooled: bool = True, photos: Path | None = None):
        self.url = database_url(target)
        self.path = Path(target) if not is_database_url(target) else None
        if self.path is not None:
            try:
                restrict_database_files(self.path)  # 0600 whatever the umask: its WAL and SHM take its mode
            except OSError as error:
                raise CentralDatabaseError(
                    "error.central.db.central_database_read", path=self.path, error=error
                ) from None
        self.photos = photos  # the offers' photos' folder, when not the default (sync/server/photos.py)
        self.engine: Engine = create_engine(self.url, **self._engine_options(pooled))
        self.dialect: str = self.engine.dialect.name
        dialect.configure(self.engine)
        # SQLite: one writer at a time in this process (BEGIN IMMEDIATE queues the other processes).
        self._write_lock: threading.Lock | None = threading.Lock() if self.dialect == dialect.SQLITE else None
        self._initialise(target)

    def _engine_options(self, pooled: bool) -> dict[str, Any]:
        # No ping before each use (a round trip for every transaction): after a PostgreSQL restart, the first
        # use of a stale connection fails (503, the kiosk retries) and the whole pool is replaced at once.
        pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": 10}
        if self.url.startswith("sqlite:"):
            # As many connections kept as the threads that read at once: a new one costs its PRAGMAs.
            return {"connect_args": {"check_same_thread": False, "timeout": dialect.BUSY_TIMEOUT_MS / 1000}, **pool}
        if not pooled:  # a command run once: no connection kept
            return {"poolclass": NullPool}
        return pool

    def _initialise(self, target: Path | str) -> None:
        from sync.server import migrations

        try:
            with self.write() as conn:
                dialect.lock_migrations(conn)
                version = dialect.legacy_user_version(conn)
                if version > max(dialect.LEGACY_REVISIONS):
                    raise CentralDatabaseError(
                        "error.central.db.central_database_was_written", path=shown(target), version=version
                    )
                if migrations.current(conn.sa) is None and inspect(conn.sa).has_table("meta"):
                    migrations.stamp(conn.sa, dialect.migrate_legacy(conn, version))  # made before Alembic
                known = migrations.current(conn.sa)
                if known is not None and known not in migrations.revisions():
                    raise CentralDatabaseError(
                        "error.central.db.central_database_was_written", path=shown(target), version=known
                    )
                migrations.upgrade(conn.sa)
                if get_meta(conn, FEED_EPOCH) is None:  # a new database (sync/server/epoch.py)
                    set_meta(conn, FEED_EPOCH, new_epoch())
        except (SQLAlchemyError, DBAPIError) as error:
            self.engine.dispose()
            raise CentralDatabaseError(
                "error.central.db.central_database_read", path=shown(target), error=_without_password(error, target)
            ) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; nothing of it stays if the block raises."""
        with self._write_lock or nullcontext(), self.engine.connect() as sa:
            sa = sa.execution_options(slvie_write=True)
            transaction = sa.begin()
            conn = Connection(sa)
            try:
                yield conn
                conn.write_changes()
            except BaseException:
                if transaction.is_active:
                    try:
                        transaction.rollback()
                    except SQLAlchemyError:
                        pass  # the connection is gone: the database dropped the transaction itself
                raise
            transaction.commit()

    def write_alone(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One statement, atomic by itself, written and committed on its own: on PostgreSQL outside any
        transaction (no BEGIN and COMMIT round trips); its rows (RETURNING)."""
        with self._write_lock or nullcontext(), self.engine.connect() as sa:
            sa = sa.execution_options(slvie_write=True, **dialect.statement_options(self.dialect))
            rows = Connection(sa).execute(sql, params).fetchall()
            sa.commit()
            return rows

    def forget_history(self) -> None:
        """After a write that must leave no history behind (ballots): what the database allows (dialect)."""
        with self._write_lock or nullcontext():
            dialect.forget_history(self.engine)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent snapshot for several queries."""
        with self.engine.connect() as sa:
            sa = sa.execution_options(**dialect.read_options(self.dialect))
            with sa.begin():
                yield Connection(sa)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one query, read on its own (one statement sees one snapshot: no transaction needed)."""
        with self.engine.connect() as sa:
            sa = sa.execution_options(**dialect.statement_options(self.dialect))
            return Connection(sa).execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def close(self) -> None:
        self.engine.dispose()


@overload
def get_meta(conn: Connection, key: str) -> str | None: ...
@overload
def get_meta(conn: Connection, key: str, default: str) -> str: ...
def get_meta(conn: Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
