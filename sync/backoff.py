"""How long to wait after a failed sync: doubling, with jitter, capped at minutes."""

from __future__ import annotations

import random
from collections.abc import Callable

BASE_SECONDS = 5.0
CAP_SECONDS = 300.0
# 2 ** 32 * BASE_SECONDS is far beyond the cap already; a larger exponent would only risk an OverflowError
# (a float overflows from 2 ** 1024, about three days offline at the cap).
MAX_DOUBLINGS = 32


def retry_delay(failures: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds before the next try after `failures` failures in a row (>= 1).

    Half the delay is fixed and half random, so a fleet of kiosks that lost the
    network together does not come back in one wave, and no kiosk ever spins.
    """
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** min(max(failures - 1, 0), MAX_DOUBLINGS))
    return float(ceiling / 2 + rng() * ceiling / 2)
