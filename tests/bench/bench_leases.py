"""Seat leases under faults, for a few minutes (not collected by pytest).

    .venv/bin/python -m tests.bench.bench_leases [--seconds 150] [--json]

The scenario of tests/sync/test_leases_properties.py — three kiosks at one site and one at another
booking the same scarce session through partitions, dropped requests and answers, restarts, clock skew,
lease expiry and cancellations, against the real reference centre over loopback — run as random steps,
one world after another, each healed and checked. Figures: bookings a kiosk confirmed within its lease
without asking (offline) or after a top-up, downgraded by the centre (goal 0), overbooked sessions
(goal 0), lease top-ups asked while a person waited, granted, and their latency.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests.factories import NOW
from tests.server.central import CentralServer
from tests.sync.test_leases_properties import FAULTS, FIGURES, RAN, TOP_UPS, LeaseWorld

STEPS_PER_WORLD = 40


def _step(world: LeaseWorld, rng: random.Random) -> None:
    k = rng.randrange(4)
    choice = rng.random()
    if choice < 0.45:
        world.book(k, rng.randrange(2), sorted(rng.sample(range(3), rng.randint(1, 3))))
    elif choice < 0.55:
        world.cancel(k, rng.randrange(10))
    elif choice < 0.70:
        world.sync(k)
    elif choice < 0.80:
        world.fault(k, rng.choice(FAULTS))
    elif choice < 0.87:
        world.partition(k)
    elif choice < 0.93:
        world.restart(k)
    else:
        world.time_passes(k, rng.choice([1, 30]))


def run(seconds: float, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    RAN.clear()
    TOP_UPS.clear()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        centre = CentralServer(Path(tmp) / "central.sqlite3", now=NOW)
        centre.start()
        LeaseWorld.centre, LeaseWorld.root = centre, Path(tmp)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                world = LeaseWorld()
                world.start()
                try:
                    for _ in range(STEPS_PER_WORLD):
                        _step(world, rng)
                        world.never_overbooked_at_the_centre()
                finally:
                    try:
                        world.teardown()
                    except AssertionError as failure:
                        failures += 1
                        print(f"world {world.n} failed its checks: {failure}")
            overbooked = centre.query(
                "SELECT s.id FROM sessions s WHERE s.capacity < (SELECT coalesce(sum("
                "json_array_length(b.participants)), 0) FROM bookings b WHERE b.session_id = "
                "s.id AND b.state = 'confirmed')"
            )
        finally:
            centre.stop()
    waits = [seconds for seconds, _ in TOP_UPS]
    return {
        "lease_worlds": RAN["examples"],
        "lease_operations": sum(n for key, n in RAN.items() if key not in FIGURES),
        "lease_bookings_confirmed_offline": RAN["confirmed_offline"],
        "lease_bookings_confirmed_after_top_up": RAN["confirmed_after_top_up"],
        "lease_bookings_downgraded": RAN["downgraded"],
        "lease_worlds_failing_checks": failures,
        "lease_sessions_overbooked": len(overbooked),
        "lease_top_ups": len(TOP_UPS),
        "lease_top_ups_granted": sum(1 for _, granted in TOP_UPS if granted),
        "lease_top_up_p50_ms": round(statistics.median(waits) * 1000, 1) if waits else 0.0,
        "lease_top_up_p95_ms": round(sorted(waits)[int(len(waits) * 0.95)] * 1000, 1) if waits else 0.0,
        "lease_top_up_max_ms": round(max(waits) * 1000, 1) if waits else 0.0,
        **{f"lease_steps_{key}": n for key, n in sorted(RAN.items()) if key not in FIGURES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.seconds, args.seed)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:40} {value}")


if __name__ == "__main__":
    main()
