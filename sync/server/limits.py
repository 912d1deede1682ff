"""Rate limits of the centre: enrolment attempts per address and per code, and each kiosk's calls.

A normal kiosk never reaches its limit (a cycle a minute makes a handful of calls; a full reload
from cursor 0 at most a few hundred pages); what goes past is answered 429 with Retry-After, and
the kiosk tries again later like after any transient failure. The windows live in the server's
memory (the `limits` library's moving window): a restart starts them afresh.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies

ENROL_PER_ADDRESS = "20/hour"
ENROL_PER_CODE = "5/hour"
KIOSK_CALLS = "600/minute"


@dataclass(frozen=True)
class RateLimits:
    enrol_per_address: str = ENROL_PER_ADDRESS
    enrol_per_code: str = ENROL_PER_CODE
    kiosk_calls: str = KIOSK_CALLS


class Limiter:
    def __init__(self, rates: RateLimits):
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
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
