"""The kiosk's heartbeat: a few facts about its health, sent to the centre at the end of each sync
cycle so that IT sees a whole fleet from afar (docs/sync-protocol.md, "Heartbeat").

The facts are read the way `slvie-kiosk doctor` reads them on the kiosk itself (kiosk/doctor.py,
kiosk/printing/printer.py). Nothing personal ever goes in: counts, ages in seconds, one word for
the printer, free bytes and an error code, and the marks of the centre's history it holds (random
tokens the centre made: sync/history.py). Ages are measured with the kiosk's own clock at both
ends, so a clock set wrong does not distort them; the centre measures the skew from `sent_at`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.doctor import free_space, kiosk_version
from kiosk.printing.printer import printer_condition
from kiosk.store.database import schema_version
from kiosk.store.outbox import counts, oldest_pending_at
from kiosk.store.state import read_state
from sync.history import PAGE_MARK, held_marks

ERROR_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class KioskProbe:
    """Where this kiosk's own facts are read: its data folder (disk space) and its CUPS queue ("" when none)."""

    data_dir: Path
    printer_queue: str
    read_printer: Callable[[str], str] = field(default=printer_condition, repr=False)


def error_code(error: BaseException) -> str:
    """A short code for what made a cycle fail: the centre's own code when it gave one, else the error's
    kind in snake case (`TransientError` → `transient_error`); never its message, which may quote data."""
    code = getattr(error, "code", "")
    if isinstance(code, str) and ERROR_CODE.match(code):
        return code
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", type(error).__name__).lower()[:40]


def heartbeat(db: sqlite_utils.Database, probe: KioskProbe, now: datetime) -> dict[str, object]:
    """The heartbeat document as sent (`PUT /v1/heartbeat`)."""
    waiting = counts(db)
    error = json.loads(read_state(db, "sync_last_error") or "{}")
    last_error = None
    if isinstance(error.get("code"), str) and ERROR_CODE.match(error["code"]) and error.get("at"):
        last_error = {"code": error["code"], "seconds": _seconds_since(error["at"], now)}
    return {
        "sent_at": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "version": kiosk_version(),
        "schema_version": schema_version(db),
        "waiting": waiting["pending"],
        "oldest_waiting_seconds": _seconds_since(oldest_pending_at(db), now) if waiting["pending"] else None,
        "parked": waiting["parked"],
        "last_sync_seconds": _seconds_since(read_state(db, "sync_last_success"), now),
        "printer": probe.read_printer(probe.printer_queue),
        "disk_free_bytes": min(free_space(probe.data_dir).values()),
        "last_error": last_error,
        "marks": list(held_marks(db, read_state(db, PAGE_MARK))),
    }


def _seconds_since(moment: str | None, now: datetime) -> int | None:
    """Whole seconds from a moment the kiosk stamped to now (0 if its clock went back since)."""
    if not moment:
        return None
    return max(int((now - datetime.fromisoformat(moment)).total_seconds()), 0)
