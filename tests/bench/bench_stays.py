"""A campaign of holiday-stay wishes allocated at the centre (not collected by pytest).

    .venv/bin/python -m tests.bench.bench_stays [--households 20000] [--json]

A campaign of 20 stays of 4 weeks each (40 places a week), and as many households each asking for 1 to 3
of them (1 to 4 people, one in four with a national stay in the last two years), written straight into a
central database; then `allocate-stays` as the command runs it, and once again (nothing changes).
Figures: the run's time, the second run's, and how many got a proposal or a place on a waiting list.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sync.server.clock import fmt, local_now
from sync.server.db import Database, compact_json
from sync.server.loading import load_catalog
from sync.server.stays import allocate_campaign
from tests.server.data import catalog, moment, offer, session

STAYS, WEEKS, PLACES = 20, 4, 40


def fill(db: Database, households: int, seed: int) -> None:
    rng = random.Random(seed)
    now = local_now()
    stays = [
        offer(
            f"STAY-{s}",
            [session(f"STAY-{s}-{w}", days=120 + 7 * w, capacity=PLACES) for w in range(WEEKS)],
            booking_mode="request",
            level="ccas",
            category="colos",
            campaign="BENCH",
            wishes_until=moment(now - timedelta(days=1)),
        )
        for s in range(STAYS)
    ]
    load_catalog(db, catalog(stays), "SITE", None, now)
    with db.write() as conn:
        for h in range(households):
            people = [f"H{h}-P{p}" for p in range(rng.randint(1, 4))]
            conn.execute(
                "INSERT INTO households (id, site_id, tier, data) VALUES (?, 'SITE', ?, '{}')",
                (f"H{h}", rng.randint(1, 7)),
            )
            if rng.random() < 0.25:
                conn.execute(
                    "INSERT INTO past_stays VALUES (?, ?)", (f"H{h}", (now - timedelta(days=300)).date().isoformat())
                )
            wishes = [
                {"offer_id": f"STAY-{s}", "session_id": f"STAY-{s}-{w}", "participants": people}
                for s, w in {(rng.randrange(STAYS), rng.randrange(WEEKS)) for _ in range(rng.randint(1, 3))}
            ]
            conn.execute(
                "INSERT INTO stay_requests (id, site_id, kiosk_id, household_id, campaign, wishes, created_at, "
                "received_at, state) VALUES (?, 'SITE', 'K', ?, 'BENCH', ?, ?, ?, 'sent')",
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    f"H{h}",
                    compact_json(wishes),
                    fmt(now - timedelta(days=rng.randint(2, 60))),
                    fmt(now),
                ),
            )


def run(households: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "central.sqlite3")
        fill(db, households, seed)
        start = time.perf_counter()
        first = allocate_campaign(db, "BENCH", local_now())
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = allocate_campaign(db, "BENCH", local_now())
        second_s = time.perf_counter() - start
        db.close()
    states = Counter(item["state"] for item in first.outcomes)
    assert not second.changed and second.outcomes == first.outcomes
    return {
        "stay_requests": households,
        "stay_places": STAYS * WEEKS * PLACES,
        "stay_allocation_s": round(first_s, 2),
        "stay_allocation_again_s": round(second_s, 3),
        "stay_proposed": states["proposed"],
        "stay_waitlisted": states["waitlisted"],
        "stay_refused": states["refused"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.households, args.seed)
    print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
