"""Rate limits of the centre: enrolment attempts per address and per code, and each kiosk's calls.

A normal kiosk never reaches its limit (a cycle a minute makes a handful of calls; a full reload
from cursor 0 at most a few hundred pages); what goes past is answered 429 with Retry-After, and
the kiosk tries again later like after any transient failure. The `limits` library counts them in
fixed windows. On PostgreSQL, where several worker processes serve one database, the windows live in
that database (table rate_windows, one atomic upsert a call: `DatabaseStorage`), so N workers give a
client the limit once, not N times. The embedded SQLite centre is one process: its windows live in its
memory, since a write a call would queue every pull behind SQLite's one writer; a restart starts them afresh.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse, storage, strategies

if TYPE_CHECKING:  # the command line reads the defaults below without the centre's database packages
    from sync.server.db import Connection, Database

ENROL_PER_ADDRESS = "20/hour"
ENROL_PER_CODE = "5/hour"
KIOSK_CALLS = "600/minute"

# The window's count, started afresh when the window has ended: one statement, atomic in both databases.
HIT = (
    "INSERT INTO rate_windows (key, hits, ends_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN rate_windows.ends_at <= ? THEN excluded.hits ELSE rate_windows.hits + excluded.hits END, "
    "ends_at = CASE WHEN rate_windows.ends_at <= ? THEN excluded.ends_at ELSE rate_windows.ends_at END "
    "RETURNING hits"
)


@dataclass(frozen=True)
class RateLimits:
    enrol_per_address: str = ENROL_PER_ADDRESS
    enrol_per_code: str = ENROL_PER_CODE
    kiosk_calls: str = KIOSK_CALLS


class DatabaseStorage(storage.Storage):
    """The `limits` library's fixed windows in the centre's database, shared by every process using it.

    Windows are timed by each process's clock (seconds since the epoch): the workers of one centre run on
    machines whose clocks agree (NTP), as the kiosks' clock check already asks."""

    def __init__(self, db: Database):
        super().__init__()
        self.db = db

    @property
    def base_exceptions(self) -> type[Exception]:
        from sqlalchemy.exc import SQLAlchemyError

        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        ((hits,),) = self.db.write_alone(HIT, (key, amount, now + expiry, now, now))
        return int(hits)

    def get(self, key: str) -> int:
        row = self.db.query_one("SELECT hits FROM rate_windows WHERE key = ? AND ends_at > ?", (key, time.time()))
        return 0 if row is None else int(row[0])

    def get_expiry(self, key: str) -> float:
        row = self.db.query_one("SELECT ends_at FROM rate_windows WHERE key = ?", (key,))
        return time.time() if row is None else float(row[0])

    def check(self) -> bool:
        self.db.query("SELECT 1")
        return True

    def reset(self) -> int | None:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM rate_windows").rowcount

    def clear(self, key: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM rate_windows WHERE key = ?", (key,))


def forget_ended_windows(conn: Connection) -> None:
    """The windows that have ended (they are started afresh at the next call anyway)."""
    conn.execute("DELETE FROM rate_windows WHERE ends_at <= ?", (time.time(),))


class Limiter:
    def __init__(self, rates: RateLimits, db: Database | None = None):
        from sync.server.dialect import POSTGRESQL

        shared = db is not None and db.dialect == POSTGRESQL
        counts = DatabaseStorage(db) if shared and db is not None else storage.MemoryStorage()
        self._limiter = strategies.FixedWindowRateLimiter(counts)
        self._enrol_address = parse(rates.enrol_per_address)
        self._enrol_code = parse(rates.enrol_per_code)
        self._kiosk = parse(rates.kiosk_calls)

    def _hit(self, item: RateLimitItem, *keys: str) -> int | None:
        """None if allowed, else the seconds to wait."""
        if self._limiter.hit(item, *keys):
            return None
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def enrolment(self, address: str, code_hash: str) -> int | None:
        """Counts one attempt from `address` with a code (hashed); both must be within their limits."""
        return self._hit(self._enrol_address, "enrol-address", address) or self._hit(
            self._enrol_code, "enrol-code", code_hash
        )

    def kiosk(self, kiosk_id: str) -> int | None:
        return self._hit(self._kiosk, "kiosk", kiosk_id)
