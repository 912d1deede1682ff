"""Wrong PINs: after five in a row, that card is locked at this kiosk for fifteen minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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

    def attempts_left(self) -> int:
        return MAX_FAILURES - self.failures
