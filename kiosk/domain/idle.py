"""Inactivity on a public kiosk: warn, let the person ask for more time, then reset.

Time is read from a clock passed in (monotonic seconds), so the deadline holds
however late or rarely the caller checks it; nothing counts ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum


class IdlePhase(Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass
class IdleDeadline:
    warning_after: float
    warning_duration: float
    last_activity: float

    def touch(self, now: float) -> None:
        self.last_activity = now

    def phase(self, now: float) -> IdlePhase:
        idle = now - self.last_activity
        if idle < self.warning_after:
            return IdlePhase.ACTIVE
        if idle < self.warning_after + self.warning_duration:
            return IdlePhase.WARNING
        return IdlePhase.EXPIRED

    def seconds_left(self, now: float) -> int:
        """Whole seconds before the reset, as shown on the warning."""
        left = self.last_activity + self.warning_after + self.warning_duration - now
        return max(math.ceil(left), 0)
