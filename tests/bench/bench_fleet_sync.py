"""A fleet syncing against the centre, on SQLite (1 worker) and PostgreSQL (4 workers), over loopback.

    .venv/bin/python -m tests.bench.bench_fleet_sync [--kiosks 1000] [--every 30] [--hot 300] [--json]

Not collected by pytest; about a minute per database. For each database:
1. `--kiosks` kiosks each run one sync cycle as a real kiosk does — push one booking, pull what is new
   from its cursor, send its heartbeat — each at a random moment of one `--every`-second period
   (a fleet syncing every 30 s), from a pool of client threads;
2. a campaign opens: `--hot` kiosks book the same popular session at once (a barrier), one place
   each, on a session of fewer places than kiosks;
3. a handful of kiosks that pulled all along pull to the end: each must have seen every booking of
   its site (changes missed, goal 0), and the hot session must hold no more than its places
   (oversold, goal 0; the centre's own recount, `check`, must find nothing wrong).
The PostgreSQL cluster is a throwaway one (tests/postgres.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from kiosk.config import KioskConfig
from kiosk.doctor import centre_now
from kiosk.services.context import open_services
from sync.heartbeat import KioskProbe, heartbeat
from sync.server.admin import DEFAULT_SITE
from sync.server.auth import create_enrolment_code, enroll
from sync.server.clock import local_now
from sync.server.db import Database
from tests.postgres import PostgresCluster, postgres_bin
from tests.server.central import CentralServer
from tests.server.data import catalog, household, member, offer, session, years_ago

CLIENT_THREADS = 48
WATCHERS = 5  # kiosks whose every pull is checked for missed changes
HOT_PLACES = 120


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def _prepare(server: CentralServer, kiosks: int) -> list[str]:
    """The catalog (ordinary sessions and the hot one), a household per kiosk, and the kiosks' tokens."""
    sessions = [session(f"S-{n}", days=10 + n % 20, capacity=10_000) for n in range(50)]
    server.load_catalog(
        catalog([offer("ORDINARY", sessions), offer("HOT", [session("HOT-1", days=15, capacity=HOT_PLACES)])])
    )
    server.load_households(
        [household(f"H-{n}", [member(f"P-{n}", "A", years_ago(40), "ouvrant_droit")]) for n in range(kiosks)]
    )
    db = Database(server.db_path)
    try:

        def one(n: int) -> str:
            code = create_enrolment_code(db, DEFAULT_SITE, local_now())
            return enroll(db, code, f"Borne {n}", local_now())[1]

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(one, range(kiosks)))
    finally:
        db.close()


def _booking(n: int, session_id: str) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "kind": "booking.create",
        "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {
            "booking_id": str(uuid.uuid4()),
            "session_id": session_id,
            "household_id": f"H-{n}",
            "participants": [f"P-{n}"],
            "tier": 3,
            "total_cents": 1100,
            "kiosk_state": "requested",
        },
    }


class Fleet:
    def __init__(self, server: CentralServer, tokens: list[str], beat: dict[str, Any]):
        self.server, self.beat = server, beat
        self.sessions = [requests.Session() for _ in tokens]
        for http, token in zip(self.sessions, tokens, strict=True):
            http.headers["Authorization"] = f"Bearer {token}"
        self.cursors = [0] * len(tokens)
        self.latencies: dict[str, list[float]] = {"push": [], "pull": [], "heartbeat": []}
        self.errors = 0
        self.booked: list[str] = []  # booking ids the centre answered
        self.seen: dict[int, set[str]] = {n: set() for n in range(WATCHERS)}
        self.lock = threading.Lock()

    def _timed(self, kind: str, call: Callable[[], requests.Response]) -> requests.Response | None:
        began = time.perf_counter()
        try:
            answer = call()
        except requests.RequestException:
            answer = None
        elapsed = (time.perf_counter() - began) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            if answer is None or answer.status_code != 200:
                self.errors += 1
        return answer if answer is not None and answer.status_code == 200 else None

    def push(self, n: int, session_id: str) -> dict[str, Any] | None:
        op = _booking(n, session_id)
        http, url = self.sessions[n], self.server.url
        answer = self._timed("push", lambda: http.post(f"{url}/v1/operations", json={"operations": [op]}, timeout=60))
        if answer is None:
            return None
        result: dict[str, Any] = answer.json()["results"][0]
        if result.get("outcome") == "applied":
            with self.lock:
                self.booked.append(op["payload"]["booking_id"])
        return result

    def pull(self, n: int) -> None:
        http, url = self.sessions[n], self.server.url

        def next_page() -> requests.Response:
            return http.get(f"{url}/v1/changes", params={"cursor": self.cursors[n], "limit": 500}, timeout=60)

        while True:
            answer = self._timed("pull", next_page)
            if answer is None:
                return
            page = answer.json()
            if n in self.seen:
                self.seen[n].update(c["id"] for c in page["changes"] if c["kind"] == "booking")
            self.cursors[n] = page["cursor"]
            if not page["more"]:
                return

    def heartbeat(self, n: int) -> None:
        http, url = self.sessions[n], self.server.url
        document = {**self.beat, "sent_at": centre_now().strftime("%Y-%m-%dT%H:%M:%S")}
        self._timed("heartbeat", lambda: http.put(f"{url}/v1/heartbeat", json=document, timeout=60))

    def cycle(self, n: int) -> None:
        self.push(n, f"S-{n % 50}")
        self.pull(n)
        self.heartbeat(n)


def _run_one(server: CentralServer, kiosks: int, every: float, hot: int, beat: dict[str, Any]) -> dict[str, float]:
    tokens = _prepare(server, kiosks)
    fleet = Fleet(server, tokens, beat)
    for n in range(WATCHERS):
        fleet.pull(n)  # the watchers start from a full pull, as enrolled kiosks do
    fleet.latencies = {kind: [] for kind in fleet.latencies}
    fleet.errors = 0

    # 1. Each kiosk's cycle at a random moment of one period.
    chance = random.Random(7)
    began = time.monotonic()
    starts = sorted((chance.uniform(0, every), n) for n in range(kiosks))

    def scheduled(item: tuple[float, int]) -> None:
        at, n = item
        time.sleep(max(0.0, began + at - time.monotonic()))
        fleet.cycle(n)

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(scheduled, starts))
    wall = time.monotonic() - began
    every_request = fleet.latencies["push"] + fleet.latencies["pull"] + fleet.latencies["heartbeat"]
    figures = {
        "kiosks": kiosks,
        "requests_per_s": len(every_request) / wall,
        "sync_wall_s": wall,
        "push_p50_ms": statistics.median(fleet.latencies["push"]),
        "push_p99_ms": _percentile(fleet.latencies["push"], 0.99),
        "pull_p50_ms": statistics.median(fleet.latencies["pull"]),
        "pull_p99_ms": _percentile(fleet.latencies["pull"], 0.99),
        "heartbeat_p99_ms": _percentile(fleet.latencies["heartbeat"], 0.99),
        "all_p99_ms": _percentile(every_request, 0.99),
        "sync_errors": fleet.errors,
    }

    # 2. The campaign opens: `hot` kiosks book the same session at once.
    barrier = threading.Barrier(hot)
    results: list[dict[str, Any] | None] = []

    def book_hot(n: int) -> None:
        barrier.wait()
        result = fleet.push(n, "HOT-1")
        with fleet.lock:
            results.append(result)

    began_hot = time.perf_counter()
    with ThreadPoolExecutor(max_workers=hot) as pool:
        list(pool.map(book_hot, range(hot)))
    hot_wall = time.perf_counter() - began_hot
    states = [r["booking"]["state"] for r in results if r is not None and r.get("outcome") == "applied"]
    (row,) = server.query("SELECT capacity, outside_taken + allocated AS held FROM sessions WHERE id = 'HOT-1'")
    confirmed_seats = server.query(
        "SELECT count(*) AS n FROM bookings WHERE session_id = 'HOT-1' AND state = 'confirmed'"
    )[0]["n"]
    figures |= {
        "hot_bookings_answered": len(states),
        "hot_bookings_per_s": len(states) / hot_wall,
        "hot_confirmed": states.count("confirmed"),
        "hot_oversold_seats": max(0, confirmed_seats - row["capacity"]) + max(0, row["held"] - row["capacity"]),
        "seat_problems": len(server.seat_problems()),
    }

    # 3. The watchers pull to the end: every booking of their site, none missed.
    for n in range(WATCHERS):
        fleet.pull(n)
    booked = set(fleet.booked)
    figures["changes_missed"] = sum(len(booked - fleet.seen[n]) for n in range(WATCHERS))
    for http in fleet.sessions:
        http.close()
    return figures


def _heartbeat_document(folder: Path) -> dict[str, Any]:
    services = open_services(folder / "kiosk", KioskConfig())
    try:
        document: dict[str, Any] = heartbeat(services.db, KioskProbe(folder / "kiosk", ""), centre_now())
        return document
    finally:
        services.close()


def run(kiosks: int, every: float, hot: int) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        beat = _heartbeat_document(folder)
        limits = ("100000/minute", "100000/minute", "100000/minute")
        sqlite = CentralServer(folder / "central.sqlite3", limits=limits)
        sqlite.start()
        try:
            figures["sqlite_1_worker"] = _run_one(sqlite, kiosks, every, hot, beat)
        finally:
            sqlite.stop()
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL is not installed (./run.sh installs Debian's postgresql)")
        cluster = PostgresCluster(bin_dir)
        try:
            postgres = CentralServer(cluster.new_database(), limits=limits, log_path=folder / "pg.log", workers=4)
            postgres.start()
            try:
                figures["postgresql_4_workers"] = _run_one(postgres, kiosks, every, hot, beat)
            finally:
                postgres.stop()
        finally:
            cluster.destroy()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--every", type=float, default=30.0, help="seconds of the period the kiosks sync in")
    parser.add_argument("--hot", type=int, default=300, help="kiosks booking the hot session at once")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.hot <= args.kiosks or args.kiosks > 5000 or not 1 <= args.every <= 300:
        parser.error("1 <= --hot <= --kiosks <= 5000, 1 <= --every <= 300")
    figures = run(args.kiosks, args.every, args.hot)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for database, values in figures.items():
            print(database)
            for name, value in values.items():
                print(f"  {name}: {value:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
