"""A fleet syncing against the centre, on SQLite (1 worker) and PostgreSQL (4 workers), over loopback.

    .venv/bin/python -m tests.bench.bench_fleet_sync [--kiosks 1000] [--sites 100] [--every 30] [--periods 2]
        [--hot 300] [--only sqlite|postgresql] [--json]

Not collected by pytest; about 80 s per database. For each database:
1. `--kiosks` kiosks are enrolled over `--sites` sites (about a hundred CMCAS), a household each, and
   each makes its first full pull (not measured: that is enrolment, not the fleet's steady state);
2. steady state: each kiosk runs one sync cycle as a real kiosk does — push one booking, pull what is new
   from its cursor, send its heartbeat — every `--every` seconds, at its own moment of the period, for
   `--periods` periods (1,000 kiosks every 30 s: 33 cycles, 100 requests a second);
3. a campaign opens: `--hot` kiosks book the same popular session at once, one place each, on a session of
   fewer places than kiosks;
4. a handful of kiosks that pulled all along pull to the end: each must have seen every booking of its site
   (changes missed, goal 0), and the hot session must hold no more than its places (oversold, goal 0; the
   centre's own recount, `check`, must find nothing wrong).

The kiosks are coroutines of one asyncio client (aiohttp, whose HTTP parser is in C), so the client's
own cost stays small beside the centre's; a latency is timed from the request sent to the whole answer
read, the JSON decoded after. How late the client started cycles against their schedule is reported
(`client_late_p99_ms`): a client that cannot keep up would make the load lighter than announced. The
centre's own view of the same steady phase comes from its `/metrics` histogram (`centre_*_p99_ms`,
interpolated within buckets as Prometheus's `histogram_quantile` does): from the request reaching the
application to its answer, without the time in the socket's queue or uvicorn's HTTP parsing.
The PostgreSQL cluster is a throwaway one (tests/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from kiosk.config import KioskConfig
from kiosk.doctor import centre_now
from kiosk.services.context import open_services
from sync.heartbeat import KioskProbe, heartbeat
from sync.server.auth import create_enrolment_code, enroll
from sync.server.clock import local_now
from sync.server.db import Database
from tests.postgres import PostgresCluster, postgres_bin
from tests.server.central import CentralServer
from tests.server.data import catalog, household, member, offer, session, years_ago

WATCHERS = 5  # kiosks whose every pull is checked for missed changes
HOT_PLACES = 120
ORDINARY_SESSIONS = 50
ROUTES = {"push": ("POST", "/v1/operations"), "pull": ("GET", "/v1/changes"), "heartbeat": ("PUT", "/v1/heartbeat")}
LATENCY_METRIC = "slvie_http_request_duration_seconds"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def _site(n: int, sites: int) -> str:
    return f"SITE-{n % sites:03d}"


@dataclass(frozen=True)
class Kiosk:
    number: int
    site: str
    token: str


def _prepare(server: CentralServer, kiosks: int, sites: int) -> list[Kiosk]:
    """The catalog (ordinary sessions and the hot one), a household per kiosk at its site, the kiosks' tokens."""
    sessions = [session(f"S-{n}", days=10 + n % 20, capacity=10_000) for n in range(ORDINARY_SESSIONS)]
    server.load_catalog(
        catalog([offer("ORDINARY", sessions), offer("HOT", [session("HOT-1", days=15, capacity=HOT_PLACES)])])
    )
    for site in sorted({_site(n, sites) for n in range(kiosks)}):
        server.load_households(
            [
                household(f"H-{n}", [member(f"P-{n}", "A", years_ago(40), "ouvrant_droit")])
                for n in range(kiosks)
                if _site(n, sites) == site
            ],
            site,
        )
    db = Database(server.db_path)
    try:

        def one(n: int) -> Kiosk:
            code = create_enrolment_code(db, _site(n, sites), local_now())
            return Kiosk(n, _site(n, sites), enroll(db, code, f"Borne {n}", local_now())[1])

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


@dataclass
class Fleet:
    url: str
    kiosks: list[Kiosk]
    beat: dict[str, Any]
    http: aiohttp.ClientSession
    measuring: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in ROUTES})
    late: list[float] = field(default_factory=list)  # how late each cycle started against its schedule, ms
    errors: int = 0
    booked: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # site -> booking ids applied
    seen: dict[int, set[str]] = field(default_factory=dict)  # watcher -> booking ids pulled
    cursors: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    async def _call(self, kind: str, n: int, path: str, **arguments: Any) -> Any | None:
        method = ROUTES[kind][0]
        headers = {"Authorization": f"Bearer {self.kiosks[n].token}"}
        began = time.perf_counter()
        try:
            async with self.http.request(method, self.url + path, headers=headers, **arguments) as answer:
                body, status = await answer.read(), answer.status
        except (TimeoutError, aiohttp.ClientError):
            body, status = b"", 0
        elapsed = (time.perf_counter() - began) * 1000
        if self.measuring:
            self.latencies[kind].append(elapsed)
        if status != 200:
            self.errors += 1
            return None
        return json.loads(body)

    async def push(self, n: int, session_id: str) -> dict[str, Any] | None:
        op = _booking(n, session_id)
        answer = await self._call("push", n, "/v1/operations", json={"operations": [op]})
        if answer is None:
            return None
        result: dict[str, Any] = answer["results"][0]
        if result.get("outcome") == "applied":
            self.booked[self.kiosks[n].site].add(op["payload"]["booking_id"])
        return result

    async def pull(self, n: int) -> bool:
        """Pull to the end of the feed; False if a page failed (the cursor stays, as a kiosk's does)."""
        while True:
            page = await self._call("pull", n, "/v1/changes", params={"cursor": self.cursors[n], "limit": 500})
            if page is None:
                return False
            if n in self.seen:
                self.seen[n].update(c["id"] for c in page["changes"] if c["kind"] == "booking")
            self.cursors[n] = page["cursor"]
            if not page["more"]:
                return True

    async def heartbeat(self, n: int) -> None:
        document = {**self.beat, "sent_at": centre_now().strftime("%Y-%m-%dT%H:%M:%S")}
        await self._call("heartbeat", n, "/v1/heartbeat", json=document)

    async def cycle(self, n: int) -> None:
        await self.push(n, f"S-{n % ORDINARY_SESSIONS}")
        await self.pull(n)
        await self.heartbeat(n)


async def _steady(fleet: Fleet, every: float, periods: int) -> float:
    """Each kiosk's cycle at its own moment of each period, `every` seconds apart; the wall time taken."""
    chance = random.Random(7)
    offsets = [chance.uniform(0, every) for _ in fleet.kiosks]
    loop = asyncio.get_running_loop()
    began = loop.time()

    async def kiosk(n: int) -> None:
        for period in range(periods):
            planned = began + period * every + offsets[n]
            await asyncio.sleep(max(0.0, planned - loop.time()))
            fleet.late.append((loop.time() - planned) * 1000)
            await fleet.cycle(n)

    fleet.measuring = True
    await asyncio.gather(*(kiosk(n) for n in range(len(fleet.kiosks))))
    fleet.measuring = False
    return loop.time() - began


async def _hot(fleet: Fleet, hot: int) -> tuple[list[dict[str, Any] | None], float]:
    start = asyncio.Event()

    async def book(n: int) -> dict[str, Any] | None:
        await start.wait()
        return await fleet.push(n, "HOT-1")

    tasks = [asyncio.create_task(book(n)) for n in range(hot)]
    await asyncio.sleep(0.1)  # every booking waiting at the start line
    began = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    return results, time.perf_counter() - began


def _centre_latencies(text: str) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """The centre's latency histogram per (method, route): cumulative (upper bound, count) pairs."""
    buckets: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for family in text_string_to_metric_families(text):
        if family.name != LATENCY_METRIC:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                key = (sample.labels["method"], sample.labels["route"])
                buckets[key].append((float(sample.labels["le"]), sample.value))
    return {key: sorted(values) for key, values in buckets.items()}


def _histogram_quantile(share: float, before: list[tuple[float, float]], after: list[tuple[float, float]]) -> float:
    """`share`'s quantile of what was observed between two scrapes, in ms (linear within a bucket)."""
    counts = dict(before)
    cumulative = [(bound, count - counts.get(bound, 0.0)) for bound, count in after]
    total = cumulative[-1][1]
    if total == 0:
        return 0.0
    rank, lower, below = share * total, 0.0, 0.0
    for bound, count in cumulative:
        if count >= rank:
            if bound == float("inf"):
                return lower * 1000
            return (lower + (bound - lower) * (rank - below) / max(count - below, 1e-9)) * 1000
        lower, below = bound, count
    return lower * 1000


async def _metrics(http: aiohttp.ClientSession, url: str, secret: str) -> str:
    async with http.get(
        f"{url}/metrics", headers={"Authorization": aiohttp.encode_basic_auth("bench", secret)}
    ) as answer:
        answer.raise_for_status()
        return await answer.text()


def _cpu_seconds(roots: list[int]) -> float:
    """CPU time used so far by these processes and all their descendants, the ones gone included (a parent
    is charged with its children once it has waited for them)."""
    children: dict[int, list[int]] = defaultdict(list)
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        children[int(fields[1])].append(pid)
        times[pid] = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    total, waiting = 0, list(roots)
    while waiting:
        pid = waiting.pop()
        total += times.get(pid, 0)
        waiting.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


async def _run(
    server: CentralServer,
    kiosks: list[Kiosk],
    args: argparse.Namespace,
    beat: dict[str, Any],
    database_pid: int | None,
) -> dict[str, float]:
    code, out, _ = server.cli("admin-credential", "bench")
    assert code == 0, out
    secret = out.split()[-1]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:
        fleet = Fleet(server.url, kiosks, beat, http)
        watchers = sorted({k.site: k.number for k in kiosks}.values())[:WATCHERS]
        fleet.seen = {n: set() for n in watchers}
        first = asyncio.Semaphore(50)

        async def first_pull(n: int) -> None:
            async with first:
                await fleet.pull(n)

        await asyncio.gather(*(first_pull(n) for n in range(len(kiosks))))
        enrolment_errors, fleet.errors = fleet.errors, 0

        assert server.process is not None
        roots = [server.process.pid] + ([database_pid] if database_pid else [])
        before = _centre_latencies(await _metrics(http, server.url, secret))
        cpu_before = _cpu_seconds(roots)
        wall = await _steady(fleet, args.every, args.periods)
        cpu = _cpu_seconds(roots) - cpu_before
        after = _centre_latencies(await _metrics(http, server.url, secret))
        every_request = [value for values in fleet.latencies.values() for value in values]
        figures: dict[str, float] = {
            "kiosks": len(kiosks),
            "cycles_per_s": len(fleet.late) / wall,
            "requests_per_s": len(every_request) / wall,
            "steady_wall_s": wall,
            "client_late_p99_ms": _percentile(fleet.late, 0.99),
            # The centre's processes and its database server's: how much of the 2 cores one cycle costs.
            "centre_cpu_share": cpu / wall,
            "centre_cpu_ms_per_cycle": cpu * 1000 / max(len(fleet.late), 1),
        }
        for kind, latencies in fleet.latencies.items():
            figures[f"{kind}_p50_ms"] = statistics.median(latencies)
            figures[f"{kind}_p99_ms"] = _percentile(latencies, 0.99)
        figures["all_p99_ms"] = _percentile(every_request, 0.99)
        for kind, route in ROUTES.items():
            figures[f"centre_{kind}_p99_ms"] = _histogram_quantile(0.99, before.get(route, []), after[route])
        figures["sync_errors"] = fleet.errors + enrolment_errors

        results, hot_wall = await _hot(fleet, args.hot)
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

        figures["hot_errors"] = fleet.errors - figures["sync_errors"] + enrolment_errors
        for n in watchers:  # tried again after a failed page, as a kiosk does at its next cycle
            while not await fleet.pull(n):
                await asyncio.sleep(1)
        figures["changes_missed"] = sum(len(fleet.booked[kiosks[n].site] - fleet.seen[n]) for n in watchers)
    return figures


def _heartbeat_document(folder: Path) -> dict[str, Any]:
    services = open_services(folder / "kiosk", KioskConfig())
    try:
        document: dict[str, Any] = heartbeat(services.db, KioskProbe(folder / "kiosk", ""), centre_now())
        return document
    finally:
        services.close()


def _one(
    server: CentralServer, args: argparse.Namespace, beat: dict[str, Any], database_pid: int | None = None
) -> dict[str, float]:
    server.start()
    try:
        began = time.monotonic()
        kiosks = _prepare(server, args.kiosks, args.sites)
        figures = asyncio.run(_run(server, kiosks, args, beat, database_pid))
        return {"prepare_s": time.monotonic() - began - figures["steady_wall_s"], **figures}
    finally:
        server.stop()


def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        beat = _heartbeat_document(folder)
        limits = ("100000/minute", "100000/minute", "100000/minute")
        if args.only in (None, "sqlite"):
            sqlite = CentralServer(folder / "central.sqlite3", limits=limits)
            figures["sqlite_1_worker"] = _one(sqlite, args, beat)
        if args.only in (None, "postgresql"):
            bin_dir = postgres_bin()
            if bin_dir is None:
                raise SystemExit("PostgreSQL is not installed (./run.sh installs Debian's postgresql)")
            cluster = PostgresCluster(bin_dir)
            try:
                postgres = CentralServer(cluster.new_database(), limits=limits, log_path=folder / "pg.log", workers=4)
                postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
                figures["postgresql_4_workers"] = _one(postgres, args, beat, postmaster)
            finally:
                cluster.destroy()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=100, help="sites the kiosks are spread over")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between two cycles of one kiosk")
    parser.add_argument("--periods", type=int, default=2, help="cycles each kiosk runs in the steady phase")
    parser.add_argument("--hot", type=int, default=300, help="kiosks booking the hot session at once")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.hot <= args.kiosks <= 5000 or not 1 <= args.every <= 300 or not 1 <= args.periods <= 10:
        parser.error("1 <= --hot <= --kiosks <= 5000, 1 <= --every <= 300, 1 <= --periods <= 10")
    if not 1 <= args.sites <= args.kiosks // WATCHERS:
        parser.error(f"1 <= --sites <= --kiosks / {WATCHERS}")
    figures = run(args)
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
