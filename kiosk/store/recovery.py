"""Keeping the database safe at start: integrity check, a corrupt file set aside, backups before migrations.

DESIGN.md section 5: a corrupt database is detected at start, set aside and rebuilt from
the centre, never silently used. At start, `open_kiosk_database`:

1. checks the file (`PRAGMA quick_check`; a file that is not a database at all counts);
2. if it is damaged: reads what it can of its `outbox` (operations the centre has not
   heard of yet), renames the file and its -wal/-shm with a timestamp, creates a fresh
   database, writes the recovered operations into it, and records what happened in
   `kiosk_state` ("recovery_last") and in the log. The fresh database has no sync cursor,
   so the next sync pulls everything from the centre again;
3. if it is sound but of an older schema: copies it to `backups/` before migrating (a copy
   encrypted with the database when it is: kiosk/store/connection.py).

A database that is merely locked, unreadable for lack of rights, or written by a newer
kiosk is never set aside: those are reported as they are.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.store import connection
from kiosk.store.connection import BACKUP_DIR
from kiosk.store.database import DatabaseError, Row, latest_schema_version, open_database, transaction
from kiosk.store.state import read_state, write_state

log = logging.getLogger(__name__)

BACKUPS_KEPT = 5
RECOVERY_STATE = "recovery_last"
RECOVERY_ACKNOWLEDGED = "recovery_acknowledged"
_CORRUPTION_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_OUTBOX_COLUMNS = ("op_id", "kind", "payload", "created_at", "state", "attempts", "last_error")
_MAX_SKIP = 1 << 24  # how far past a damaged page the reader looks for more operations


@dataclass
class Recovery:
    """What happened to a corrupt database; kept in the new one for `slvie-kiosk doctor`."""

    at: str
    problem: str  # what the check found, as SQLite said it
    set_aside: list[str] = field(default_factory=list)  # the renamed files
    recovered: int = 0  # operations carried over to the new database
    unreadable: str = ""  # why (part of) the outbox could not be read; "" when all of it was

    @property
    def complete(self) -> bool:
        return not self.unreadable

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Recovery:
        data = json.loads(text)
        return cls(**{key: data[key] for key in ("at", "problem", "set_aside", "recovered", "unreadable")})


def is_corruption(error: Exception) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPTION_CODES
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


def check_database(path: Path, full: bool = False, timeout: float = 10) -> str | None:
    """None when the file is sound (or absent), else what is wrong with it.

    `full` runs `integrity_check` (every index against its table) instead of `quick_check`.
    Raises DatabaseError when the file cannot be examined for another reason (locked, no rights).
    """
    if not path.exists():
        return None
    try:
        conn = _read_only(path, timeout)
    except connection.Error as error:
        raise _unopenable(path, error) from None
    try:
        conn.execute("PRAGMA user_version").fetchone()
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except connection.DatabaseError as error:
        if is_corruption(error):
            return str(error)
        raise _unopenable(path, error) from None
    finally:
        conn.close()
    findings = [str(row[0]) for row in rows]
    if findings == ["ok"]:
        return None
    return "; ".join(findings[:5]) + (f" (+{len(findings) - 5})" if len(findings) > 5 else "")


def file_schema_version(path: Path) -> int | None:
    if not path.exists():
        return None
    conn = _read_only(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def open_kiosk_database(
    path: Path, clock: Callable[[], datetime] = datetime.now
) -> tuple[sqlite_utils.Database, Recovery | None]:
    """Open the kiosk's database for work: checked, rebuilt if corrupt, backed up before a migration."""
    problem = check_database(path)
    if problem is not None:
        return rebuild(path, problem, clock)
    version = file_schema_version(path)
    if version is not None and 0 < version < latest_schema_version():
        backup_database(path, f"schema{version}", clock)
    return open_database(path), None


def rebuild(
    path: Path, problem: str, clock: Callable[[], datetime] = datetime.now
) -> tuple[sqlite_utils.Database, Recovery]:
    """Set a corrupt database aside, start a fresh one and carry its readable outbox over."""
    now = clock()
    log.error("database %s is damaged (%s): setting it aside and starting a fresh one", path.name, problem)
    operations, unreadable = read_outbox(path)
    recovery = Recovery(at=now.isoformat(timespec="seconds"), problem=problem, unreadable=unreadable)
    recovery.set_aside = [str(p) for p in set_aside(path, now)]
    db = open_database(path)
    with transaction(db):
        for operation in operations:
            db.execute(
                f"INSERT OR IGNORE INTO outbox ({', '.join(_OUTBOX_COLUMNS)}) VALUES ({', '.join('?' * 7)})",
                [operation[column] for column in _OUTBOX_COLUMNS],
            )
        recovery.recovered = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        write_state(db, RECOVERY_STATE, recovery.to_json())
    if recovery.complete:
        log.warning(
            "database rebuilt: %d operations not yet sent were recovered; the rest comes back "
            "from the centre at the next sync; damaged file kept as %s",
            recovery.recovered,
            ", ".join(recovery.set_aside),
        )
    else:
        log.error(
            "database rebuilt: %d operations not yet sent were recovered, but the outbox could not "
            "be read entirely (%s): some operations may be lost; damaged file kept as %s",
            recovery.recovered,
            unreadable,
            ", ".join(recovery.set_aside),
        )
    return db, recovery


def read_outbox(path: Path) -> tuple[list[Row], str]:
    """Every outbox row that can still be read, in order, and why some could not ("" if none)."""
    operations: list[Row] = []
    problems: list[str] = []
    try:
        conn = _read_only(path)
    except connection.Error as error:
        return [], str(error)
    try:
        last = 0
        while True:
            try:
                cursor = conn.execute(
                    f"SELECT seq, {', '.join(_OUTBOX_COLUMNS)} FROM outbox WHERE seq > ? ORDER BY seq", [last]
                )
                for row in cursor:
                    last = row[0]
                    operation = _valid_operation(row)
                    if operation is None:
                        problems.append(f"operation #{row[0]} malformed")
                    else:
                        operations.append(operation)
                break
            except connection.DatabaseError as error:
                problems.append(str(error))
                if not is_corruption(error):
                    break  # no table, no file: nothing further to try
                # A damaged page: look for readable operations further on.
                found = _next_readable(conn, last)
                if found is None:
                    break
                last = found - 1
    finally:
        conn.close()
    return operations, "; ".join(dict.fromkeys(problems))


def _next_readable(conn: sqlite3.Connection, after: int) -> int | None:
    step = 1
    while step <= _MAX_SKIP:
        try:
            row = conn.execute("SELECT seq FROM outbox WHERE seq > ? ORDER BY seq LIMIT 1", [after + step]).fetchone()
            return None if row is None else row[0]
        except connection.DatabaseError:
            step *= 2
    return None


def _valid_operation(row: tuple[Any, ...]) -> Row | None:
    operation = dict(zip(_OUTBOX_COLUMNS, row[1:]))
    if not all(isinstance(operation[k], str) and operation[k] for k in ("op_id", "kind", "payload", "created_at")):
        return None
    try:
        json.loads(operation["payload"])
    except ValueError:
        return None
    if operation["state"] not in ("pending", "parked"):
        operation["state"] = "pending"
    if not isinstance(operation["attempts"], int):
        operation["attempts"] = 0
    if operation["last_error"] is not None and not isinstance(operation["last_error"], str):
        operation["last_error"] = None
    return operation


def set_aside(path: Path, now: datetime) -> list[Path]:
    """Rename the database and its -wal/-shm files with a timestamp; returns the new names."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    moved = []
    try:
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                destination = Path(f"{target}{suffix}")
                os.replace(source, destination)
                moved.append(destination)
    except OSError as error:
        raise DatabaseError(
            "error.recovery.database_damaged_could_set",
            path=path,
            reason=error.strerror or error,
        ) from None
    return moved


def backup_database(path: Path, label: str, clock: Callable[[], datetime] = datetime.now) -> Path | None:
    """A consistent copy of the database in `backups/` beside it (the newest BACKUPS_KEPT are kept)."""
    if not path.exists():
        return None
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stem = path.name.removesuffix(".sqlite3")
    target = folder / f"{stem}-{clock().strftime('%Y%m%d-%H%M%S')}-{_safe(label)}.sqlite3"
    partial = target.with_suffix(".part")
    source = connection.connect(path, timeout=30)
    try:
        copy = connection.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except connection.Error as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError("error.recovery.database_could_backed_up", path=path, error=error) from None
    finally:
        source.close()
    os.replace(partial, target)
    log.info("database backed up to %s", target)
    for old in sorted(folder.glob(f"{stem}-*.sqlite3"))[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return target


def last_recovery(db: sqlite_utils.Database) -> tuple[Recovery | None, bool]:
    """The last rebuild recorded in this database, and whether IT has acknowledged it."""
    text = read_state(db, RECOVERY_STATE)
    if not text:
        return None, False
    try:
        recovery = Recovery.from_json(text)
    except (ValueError, KeyError, TypeError):
        return None, False
    return recovery, read_state(db, RECOVERY_ACKNOWLEDGED) == recovery.at


def acknowledge_recovery(db: sqlite_utils.Database) -> bool:
    recovery, acknowledged = last_recovery(db)
    if recovery is None or acknowledged:
        return False
    with transaction(db):
        write_state(db, RECOVERY_ACKNOWLEDGED, recovery.at)
    return True


def _read_only(path: Path, timeout: float = 10) -> sqlite3.Connection:
    return connection.connect(path, read_only=True, timeout=timeout)


def _safe(label: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in label)[:60] or "backup"


def _unopenable(path: Path, error: Exception) -> DatabaseError:
    return DatabaseError("error.recovery.database_opened_tell_support", path=path, error=error)
