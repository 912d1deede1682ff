"""Wrong PINs: after five in a row, that card is locked at this kiosk for fifteen minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class FailureRecord:
    failures: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> FailureRecord:
        failures = self.failures + 1
        if failures >= MAX_FAILURES:
            return FailureRecord(0, now + LOCK_DURATION)
        return FailureRecord(failures, None)

    def minutes_left(self, now: datetime) -> int:
        """Whole minutes until a lock ends, at least one while it holds."""
        if self.locked_until is None:
            return 0
        return max(ceil((self.locked_until - now).total_seconds() / 60), 1)

    def attempts_left(self) -> int:
        return MAX_FAILURES - self.failures
