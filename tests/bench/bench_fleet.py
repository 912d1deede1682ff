"""Fleet health at scale, over loopback (not collected by pytest; about a minute).

    .venv/bin/python -m tests.bench.bench_fleet [--kiosks 1000] [--json]

Enrols N kiosks with the reference centre, then times: their heartbeats sent one at a time and
25 at once (as a fleet's sync cycles overlap), the fleet page and /metrics with N kiosks, and a
kiosk gathering its heartbeat (no printer: CUPS's own time is apart).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from kiosk.config import KioskConfig
from kiosk.doctor import centre_now
from kiosk.services.context import open_services
from sync.heartbeat import KioskProbe, heartbeat
from tests.server.central import CentralServer


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def run(kiosk_count: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        services = open_services(Path(tmp) / "kiosk", KioskConfig())
        probe = KioskProbe(Path(tmp) / "kiosk", "")
        gathering = []
        for _ in range(200):
            began = time.perf_counter()
            document = heartbeat(services.db, probe, centre_now())
            gathering.append(time.perf_counter() - began)
        services.close()
        figures["kiosk_gather_heartbeat_median_ms"] = statistics.median(gathering) * 1000
        figures["heartbeat_bytes"] = len(json.dumps(document))

        server = CentralServer(Path(tmp) / "central.sqlite3")
        server.start()
        try:
            kiosks = [server.enroll(name=f"Borne {n}") for n in range(kiosk_count)]
            _, secret, _ = server.cli("admin-credential", "bench")
            admin = ("bench", secret.strip())

            def beat(kiosk) -> float:
                began = time.perf_counter()
                answer = kiosk.http.put(
                    f"{kiosk.url}/v1/heartbeat",
                    json={**document, "sent_at": centre_now().strftime("%Y-%m-%dT%H:%M:%S")},
                    timeout=30,
                )
                assert answer.status_code == 200, answer.text
                return time.perf_counter() - began

            one_by_one = [beat(kiosk) for kiosk in kiosks]
            figures["heartbeat_sequential_p50_ms"] = statistics.median(one_by_one) * 1000
            figures["heartbeat_sequential_p99_ms"] = _percentile(one_by_one, 0.99) * 1000
            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=25) as pool:
                together = list(pool.map(beat, kiosks))
            figures["heartbeats_per_s_25_in_flight"] = kiosk_count / (time.perf_counter() - began)
            figures["heartbeat_25_in_flight_p99_ms"] = _percentile(together, 0.99) * 1000
            for name, path in (("fleet_page", "/admin/fleet"), ("metrics", "/metrics")):
                times = []
                for _ in range(10):
                    began = time.perf_counter()
                    answer = requests.get(f"{server.url}{path}", auth=admin, timeout=60)
                    assert answer.status_code == 200
                    times.append(time.perf_counter() - began)
                figures[f"{name}_{kiosk_count}_kiosks_median_ms"] = statistics.median(times) * 1000
            figures["history_rows"] = server.query("SELECT count(*) AS n FROM kiosk_health_history")[0]["n"]
        finally:
            server.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.kiosks)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name}: {value:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
