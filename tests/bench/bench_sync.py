"""Benchmarks of the kiosk's sync against the real reference server over loopback (not collected by pytest).

    .venv/bin/python tests/bench/bench_sync.py [--offers 50000] [--kiosks 200]

prints one JSON object of named figures. Targets (DESIGN.md section 3 and the issues):
initial pull of 50,000 offers through the sync engine <= 10 s, a push of 5,000
operations <= 5 s, a sync cycle with nothing to do <= 50 ms (median and p95), and
the reference server answering 200 kiosks syncing at once.

Everything runs on 127.0.0.1 against `python -m sync.server.cli` started by
`CentralServer` on a temporary directory (real clock, synchronous=FULL as in production).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.config import KioskConfig
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store.database import DATABASE_FILE, open_database, transaction
from kiosk.store.households import load_household
from kiosk.store.outbox import counts
from kiosk.store.state import read_state, write_state
from sync.client import CentralClient, CentralError
from sync.engine import CycleReport, SyncEngine
from sync.server.admin import DEFAULT_SITE
from sync.server.auth import create_enrolment_code
from sync.server.clock import local_now
from sync.server.db import Database
from tests.factories import holder
from tests.server.central import CentralServer
from tests.server.data import household, member, years_ago

PUSH_OPERATIONS = 5_000
HOUSEHOLDS = 1_000
EMPTY_CYCLES = 60
KIOSK_CYCLES = 3
KIOSK_THREADS = 200
BOUNDED_THREADS = 25
DURING_PULL_BOOKINGS = 2_000  # more than can be made during one pull, at one every 10 ms


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(round(len(ordered) * fraction) - 1, 0)]


class TimedClient(CentralClient):
    """The real client, with the time spent in each call kept (for the split of the figures)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds: Counter = Counter()

    def changes_body(self, cursor: int, limit: int) -> bytes:
        began = time.perf_counter()
        try:
            return super().changes_body(cursor, limit)
        finally:
            self.seconds["pull_http"] += time.perf_counter() - began

    def push(self, operations: list[dict]) -> list[dict]:
        began = time.perf_counter()
        try:
            return super().push(operations)
        finally:
            self.seconds["push_http"] += time.perf_counter() - began


class TimedEngine(SyncEngine):
    """The real engine, with page validation and page writing timed apart."""

    seconds: Counter

    def _validate_page(self, page, cursor):
        began = time.perf_counter()
        try:
            return super()._validate_page(page, cursor)
        finally:
            self.seconds["validate"] += time.perf_counter() - began

    def _apply_page(self, page):
        began = time.perf_counter()
        try:
            return super()._apply_page(page)
        finally:
            self.seconds["apply"] += time.perf_counter() - began


# -- (a) initial pull ------------------------------------------------------------------------


def initial_pull(server: CentralServer, data_dir: Path):
    began = time.perf_counter()
    services = open_services(data_dir, KioskConfig())
    enrolled = server.enroll(name="Borne de mesure")
    client = TimedClient(server.url, enrolled.token)
    engine = TimedEngine(services.db, client)
    engine.seconds = Counter()
    report = engine.run_cycle()
    total = time.perf_counter() - began
    offers = services.db.execute("SELECT count(*) FROM offers").fetchone()[0]
    figures = {
        "sync_initial_pull_s": round(total, 3),
        "sync_initial_pull_offers": offers,
        "sync_initial_pull_changes": report.pulled,
        "sync_initial_pull_pages": report.pages,
        "sync_initial_pull_http_s": round(client.seconds["pull_http"], 3),
        "sync_initial_pull_validate_s": round(engine.seconds["validate"], 3),
        "sync_initial_pull_write_s": round(engine.seconds["apply"], 3),
    }
    return services, client, engine, figures, enrolled.token


def executemany_baseline(kiosk_db, path: Path) -> dict:
    """The same offers (with their prices) and sessions written with plain executemany into plain tables,
    in one transaction."""
    tables = {}
    for table in ("offers", "sessions"):
        cursor = kiosk_db.conn.execute(f"SELECT * FROM {table}")
        tables[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    keys = {"offers": "PRIMARY KEY (num)", "sessions": "PRIMARY KEY (id)"}
    for table, (columns, _) in tables.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        conn.execute(f"CREATE TABLE {table} ({quoted}, {keys[table]})")
    began = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, (columns, rows) in tables.items():
        conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - began
    conn.close()
    return {
        "sync_initial_pull_executemany_s": round(seconds, 3),
        "sync_initial_pull_rows": sum(len(rows) for _, rows in tables.values()),
    }


# -- (a') a booking at the screen while a large pull is written ------------------------------


def booking_during_pull(
    server: CentralServer, token: str, services, sessions: list[tuple[str, str]], offers: int
) -> dict:
    """The whole catalog pulled again from cursor 0 by the sync engine on its own connection and thread, as
    the sync worker does, while the screen's connection books one place after another (BookingService.book,
    as BookingScreen calls it). Each booking's time, from the tap to its commit, is a sample."""
    people = [load_household(services.db, f"BH-{n}") for n in range(HOUSEHOLDS)]
    with transaction(services.db):
        write_state(services.db, "sync_cursor", "0")
        services.db.execute("DELETE FROM kiosk_state WHERE key = 'sync_epoch'")
    worker_db = open_database(services.data_dir / DATABASE_FILE)
    client = CentralClient(server.url, token)
    report: list[CycleReport] = []
    pull = threading.Thread(target=lambda: report.append(SyncEngine(worker_db, client).run_cycle()))
    samples = []
    began = time.perf_counter()
    pull.start()
    while pull.is_alive() and len(samples) < len(sessions):
        offer_id, session_id = sessions[len(samples)]
        family = people[len(samples) % len(people)]
        tapped = time.perf_counter()
        services.bookings.book(BENEFICIARY, holder(family), offer_id, session_id, [family.members[0].person_id])
        samples.append((time.perf_counter() - tapped) * 1000)
        time.sleep(0.01)  # a person does not book a hundred times a second
    pull.join()
    pulled_s = time.perf_counter() - began
    client.close()
    worker_db.close()
    if not report or report[0].pulled < offers:
        raise RuntimeError(f"the pull did not run whole: {report[0].summary() if report else 'it failed'}")
    return {
        "sync_booking_during_pull_bookings": len(samples),
        "sync_booking_during_pull_p50_ms": round(statistics.median(samples), 2),
        "sync_booking_during_pull_p99_ms": round(percentile(samples, 0.99), 2),
        "sync_booking_during_pull_max_ms": round(max(samples), 2),
        "sync_booking_during_pull_pull_s": round(pulled_s, 3),
    }


# -- (b) push --------------------------------------------------------------------------------


def bookable_sessions(db, count: int) -> list[tuple[str, str]]:
    """(offer id, session id) of sessions at least two days away, without age limits, with room."""
    soon = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    rows = db.execute(
        "SELECT o.id, s.id FROM sessions s JOIN offers o ON o.num = s.offer_num"
        " WHERE s.start > ? AND o.age_min IS NULL AND o.age_max IS NULL AND s.capacity - s.taken >= 6"
        " ORDER BY s.id LIMIT ?",
        [soon, count],
    ).fetchall()
    if len(rows) < count:
        raise RuntimeError(f"only {len(rows)} bookable sessions; the catalog is too small for this benchmark")
    return [tuple(r) for r in rows]


def push_figures(services, engine: TimedEngine, sessions: list[tuple[str, str]], operations: int) -> dict:
    """`operations` real bookings made through the kiosk's BookingService, then pushed by the engine."""
    people = [load_household(services.db, f"BH-{n}") for n in range(HOUSEHOLDS)]
    began = time.perf_counter()
    for i in range(operations):  # (session i mod S, household i mod H): distinct pairs while i < lcm(S, H)
        offer_id, session_id = sessions[i % len(sessions)]
        family = people[i % len(people)]
        services.bookings.book(BENEFICIARY, holder(family), offer_id, session_id, [family.members[0].person_id])
    booked = time.perf_counter() - began
    states = Counter(r[0] for r in services.db.execute("SELECT state FROM bookings"))
    assert counts(services.db)["pending"] == operations
    engine.client.seconds.clear()
    report = CycleReport()
    began = time.perf_counter()
    engine.push(report)
    pushed = time.perf_counter() - began
    if (report.applied, report.parked) != (operations, 0):
        raise RuntimeError(f"push did not apply everything: {report.summary()}")
    after = Counter(r[0] for r in services.db.execute("SELECT state FROM bookings"))
    began = time.perf_counter()
    catch_up = engine.run_cycle()
    caught_up = time.perf_counter() - began
    return {
        "sync_push_operations": operations,
        f"sync_push_{operations}_s": round(pushed, 3),
        "sync_push_http_s": round(engine.client.seconds["push_http"], 3),
        "sync_push_bookings_made_s": round(booked, 3),
        "sync_push_kiosk_states_before": dict(states),
        "sync_push_states_after": dict(after),
        "sync_cycle_after_push_s": round(caught_up, 3),
        "sync_cycle_after_push_changes": catch_up.pulled,
    }


# -- (c) empty cycles ------------------------------------------------------------------------


def empty_cycle_figures(engine: SyncEngine, cycles: int) -> dict:
    engine.run_cycle()  # anything left over
    samples = []
    for _ in range(cycles):
        began = time.perf_counter()
        report = engine.run_cycle()
        samples.append((time.perf_counter() - began) * 1000)
        if report.pushed or report.pulled:
            raise RuntimeError(f"a cycle meant to be empty did something: {report.summary()}")
    return {
        "sync_empty_cycles": cycles,
        "sync_empty_cycle_median_ms": round(statistics.median(samples), 2),
        "sync_empty_cycle_p95_ms": round(percentile(samples, 0.95), 2),
        "sync_empty_cycle_max_ms": round(max(samples), 2),
    }


# -- (d) many kiosks at once -----------------------------------------------------------------


def enrol_kiosks(server: CentralServer, kiosks: int) -> tuple[list[str], float]:
    """`kiosks` tokens, each from a one-time code spent over HTTP like a real enrolment."""
    db = Database(server.db_path)
    try:
        codes = [create_enrolment_code(db, DEFAULT_SITE, local_now()) for _ in range(kiosks)]
    finally:
        db.close()
    began = time.perf_counter()
    tokens = []
    for n, code in enumerate(codes):
        client = CentralClient(server.url)
        try:
            tokens.append(client.enroll(code, f"Borne simulée {n}").token)
        finally:
            client.close()
    return tokens, time.perf_counter() - began


def many_kiosks_figures(
    server: CentralServer,
    tokens: list[str],
    cursor: int,
    sessions: list[tuple[str, str]],
    cycles: int,
    threads: int,
    prefix: str,
) -> dict:
    """Each kiosk, from a pool of `threads` threads, pushes one booking and pulls what is new, `cycles` times.

    The first `threads` kiosks start together (a barrier); the rest start as threads free up.
    """
    kiosks = len(tokens)
    threads = min(threads, kiosks)
    latencies: dict[str, list[float]] = {"push": [], "pull": []}
    errors: Counter = Counter()
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def timed(kind: str, call, *args):
        began = time.perf_counter()
        try:
            return call(*args)
        except CentralError as error:
            with lock:
                errors[f"{kind}:{type(error).__name__}"] += 1
            return None
        finally:
            with lock:
                latencies[kind].append((time.perf_counter() - began) * 1000)

    def kiosk(n: int) -> None:
        client = CentralClient(server.url, tokens[n], timeout=(10, 120))
        seen = cursor
        try:
            if n < threads:
                start.wait()
            for cycle in range(cycles):
                _, session_id = sessions[n * cycles + cycle]
                op = {
                    "op_id": str(uuid.uuid4()),
                    "kind": "booking.create",
                    "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
                    "payload": {
                        "booking_id": str(uuid.uuid4()),
                        "session_id": session_id,
                        "household_id": f"BH-{n}",
                        "participants": [f"BP-{n}"],
                        "tier": 3,
                        "total_cents": 1100,
                        "kiosk_state": "requested",
                    },
                }
                results = timed("push", client.push, [op])["results"]
                if results:
                    with lock:
                        outcomes[results[0].get("outcome")] += 1
                while True:
                    page = timed("pull", client.changes, seen, 500)
                    if page is None:
                        break
                    seen = page["cursor"]
                    if not page["more"]:
                        break
        finally:
            client.close()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(kiosk, range(kiosks)))
    wall = time.perf_counter() - began
    every = latencies["push"] + latencies["pull"]
    return {
        f"{prefix}_threads": threads,
        f"{prefix}_requests": len(every),
        f"{prefix}_wall_s": round(wall, 3),
        f"{prefix}_requests_per_s": round(len(every) / wall, 1),
        f"{prefix}_p50_ms": round(statistics.median(every), 1),
        f"{prefix}_p99_ms": round(percentile(every, 0.99), 1),
        f"{prefix}_push_p50_ms": round(statistics.median(latencies["push"]), 1),
        f"{prefix}_push_p99_ms": round(percentile(latencies["push"], 0.99), 1),
        f"{prefix}_pull_p50_ms": round(statistics.median(latencies["pull"]), 1),
        f"{prefix}_pull_p99_ms": round(percentile(latencies["pull"], 0.99), 1),
        f"{prefix}_errors": dict(errors),
        f"{prefix}_push_outcomes": dict(outcomes),
    }


# -- all of it -------------------------------------------------------------------------------


def sync_figures(
    offers: int = 50_000,
    kiosks: int = 200,
    operations: int = PUSH_OPERATIONS,
    kiosk_threads: int = KIOSK_THREADS,
    only_pull: bool = False,
) -> dict:
    figures: dict[str, object] = {"offers": offers, "bench_load_average_1min": round(os.getloadavg()[0], 2)}
    run_began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="slvie-bench-sync-") as tmp_name:
        tmp = Path(tmp_name)
        server = CentralServer(tmp / "central.sqlite3")
        began = time.perf_counter()
        code, _, err = server.cli("generate", "--offers", str(offers))
        if code != 0:
            raise RuntimeError(f"generate failed: {err}")
        figures["central_generate_s"] = round(time.perf_counter() - began, 3)
        server.start()
        services = None
        try:
            services, client, engine, pulled, token = initial_pull(server, tmp / "kiosk")
            figures.update(pulled)
            figures.update(executemany_baseline(services.db, tmp / "plain.sqlite3"))
            figures["sync_initial_pull_ratio"] = round(
                figures["sync_initial_pull_s"] / figures["sync_initial_pull_executemany_s"], 1
            )

            # Households for the push and for the simulated kiosks: loaded at the centre, pulled by the kiosk.
            server.load_households(
                [
                    household(f"BH-{n}", [member(f"BP-{n}", "Adulte", years_ago(40), "ouvrant_droit")])
                    for n in range(HOUSEHOLDS)
                ]
            )
            engine.run_cycle()
            during = bookable_sessions(services.db, DURING_PULL_BOOKINGS)
            figures.update(booking_during_pull(server, token, services, during, offers))
            if only_pull:
                return figures
            engine.run_cycle()  # the bookings made during the pull
            per_pass = kiosks * KIOSK_CYCLES
            sessions = bookable_sessions(services.db, DURING_PULL_BOOKINGS + operations // 2 + 2 * per_pass)
            sessions = sessions[DURING_PULL_BOOKINGS:]
            figures.update(push_figures(services, engine, sessions[: operations // 2], operations))
            figures.update(empty_cycle_figures(engine, EMPTY_CYCLES))
            cursor = int(read_state(services.db, "sync_cursor") or 0)
            tokens, enrol_s = enrol_kiosks(server, kiosks)
            figures["server_kiosks_enrolled"] = kiosks
            figures["server_kiosks_enrol_s"] = round(enrol_s, 3)
            rest = sessions[operations // 2 :]
            # All of them at once (one thread each), then the same load with a bounded number in flight.
            figures.update(
                many_kiosks_figures(
                    server, tokens, cursor, rest[:per_pass], KIOSK_CYCLES, kiosk_threads, f"server_{kiosks}_kiosks"
                )
            )
            engine.run_cycle()  # the second pass starts from what is new since the first
            cursor = int(read_state(services.db, "sync_cursor") or 0)
            figures.update(
                many_kiosks_figures(
                    server,
                    tokens,
                    cursor,
                    rest[per_pass:],
                    KIOSK_CYCLES,
                    BOUNDED_THREADS,
                    f"server_{kiosks}_kiosks_{BOUNDED_THREADS}_in_flight",
                )
            )
            figures["central_seat_problems"] = len(server.seat_problems())
            client.close()
        finally:
            if services is not None:
                services.close()
            server.stop()
    figures["bench_total_s"] = round(time.perf_counter() - run_began, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--ops", type=int, default=PUSH_OPERATIONS)
    parser.add_argument("--threads", type=int, default=KIOSK_THREADS, help="kiosks running at once")
    parser.add_argument(
        "--only-pull",
        action="store_true",
        help="the initial pull and the bookings made during a second one, nothing else",
    )
    args = parser.parse_args()
    print(json.dumps(sync_figures(args.offers, args.kiosks, args.ops, args.threads, args.only_pull)))


if __name__ == "__main__":
    main()
