"""Backoff after failed syncs (DESIGN.md section 3): doubling, capped at minutes, never a tight loop, jittered."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.backoff import BASE_SECONDS, CAP_SECONDS, retry_delay

failures = st.integers(min_value=1, max_value=50)
draws = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)


def ceiling(n: int) -> float:
    """The longest wait after n failures in a row: doubling from BASE_SECONDS, capped."""
    return min(CAP_SECONDS, BASE_SECONDS * 2 ** (n - 1))


def fixed(value: float):
    return lambda: value


def test_the_cap_is_minutes_not_seconds_nor_hours():
    assert 60 <= CAP_SECONDS <= 15 * 60
    assert 1 <= BASE_SECONDS <= 30


@given(failures, draws)
def test_the_delay_doubles_until_the_cap(n, r):
    now, after = retry_delay(n, fixed(r)), retry_delay(n + 1, fixed(r))
    if ceiling(n + 1) < CAP_SECONDS:
        assert math.isclose(after, 2 * now, rel_tol=1e-12)
    else:
        assert now <= after <= CAP_SECONDS  # never shrinks, stops growing at the cap
        assert after == retry_delay(n + 2, fixed(r))


@given(failures, draws)
def test_the_delay_is_capped_and_never_below_half_its_ceiling(n, r):
    delay = retry_delay(n, fixed(r))
    assert ceiling(n) / 2 <= delay <= ceiling(n)
    assert delay <= CAP_SECONDS
    assert delay >= BASE_SECONDS / 2 > 0  # never a tight loop, even after one failure with the smallest draw


@given(failures, draws, draws)
def test_the_jitter_is_the_draw_spread_over_the_upper_half(n, r1, r2):
    d1, d2 = retry_delay(n, fixed(r1)), retry_delay(n, fixed(r2))
    assert math.isclose(d1 - ceiling(n) / 2, r1 * ceiling(n) / 2, rel_tol=1e-9, abs_tol=1e-9)
    if r1 <= r2:
        assert d1 <= d2  # kiosks drawing apart wait apart, in the order they drew
    assert math.isclose(abs(d1 - d2), abs(r1 - r2) * ceiling(n) / 2, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("n", [3, 6, 10, 50])
def test_a_fleet_that_failed_together_does_not_come_back_together(n):
    """200 kiosks lost the network at once: their next tries spread over the whole jitter window."""
    rng = random.Random(2026)
    delays = [retry_delay(n, rng.random) for _ in range(200)]
    window = ceiling(n) / 2
    assert max(delays) - min(delays) >= 0.9 * window
    slots = Counter(int((d - window) / window * 20) for d in delays)  # 20 equal slices of the window
    assert len(slots) == 20 and max(slots.values()) <= 25  # about 10 each; no wave of kiosks in one slice


def test_the_default_draw_is_random():
    delays = {retry_delay(8) for _ in range(50)}
    assert len(delays) > 40
    assert all(ceiling(8) / 2 <= d <= ceiling(8) for d in delays)


def test_a_kiosk_offline_for_weeks_still_gets_a_capped_delay():
    for n in (1_024, 1_025, 10_000, 1_000_000):
        assert CAP_SECONDS / 2 <= retry_delay(n, fixed(0.5)) <= CAP_SECONDS
