"""Benchmarks of the central server over loopback (not collected by pytest).

    .venv/bin/python -m tests.server.bench_central [--offers 50000] [--ops 5000] [--json]

Loads a generated catalog, then times: an initial pull in pages of 1000, a push
of operations in batches of 500, and pulls with nothing new.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.server.central import CentralServer
from tests.server.data import booking_op, household, member, years_ago


def run(offer_count: int, op_count: int) -> dict:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        server = CentralServer(Path(tmp) / "central.sqlite3")
        began = time.perf_counter()
        code, _, err = server.cli("generate", "--offers", str(offer_count))
        assert code == 0, err
        figures["generate_and_load_s"] = time.perf_counter() - began
        families = op_count // 10
        server.load_households(
            [household(f"H-{n}", [member(f"P-{n}", "A", years_ago(40), "ouvrant_droit")]) for n in range(families)]
        )
        server.start()
        try:
            kiosk = server.enroll()
            cursor, pages, offers, http_s, parse_s = 0, 0, 0, 0.0, 0.0
            session_ids = []
            began = time.perf_counter()
            while True:
                t = time.perf_counter()
                answer = kiosk.get("/v1/changes", cursor=cursor, limit=1000)
                http_s += time.perf_counter() - t
                t = time.perf_counter()
                page = answer.json()
                parse_s += time.perf_counter() - t
                pages += 1
                for change in page["changes"]:
                    if change["kind"] == "offer" and change["data"]:
                        offers += 1
                        if len(session_ids) < op_count:
                            session_ids += [
                                s["id"]
                                for s in change["data"]["sessions"]
                                if s["start"] > "2026-12" and change["data"]["age_min"] is None
                            ]
                cursor = page["cursor"]
                if not page["more"]:
                    break
            figures["initial_pull_s"] = time.perf_counter() - began
            figures["initial_pull_http_s"] = http_s
            figures["initial_pull_client_parse_s"] = parse_s
            figures["initial_pull_pages"] = pages
            figures["offers_pulled"] = offers

            operations = [
                booking_op(
                    session_ids[i % len(session_ids)],
                    [f"P-{i % families}"],
                    f"H-{i % families}",
                    kiosk_state="confirmed" if i % 3 == 0 else "requested",
                )
                for i in range(op_count)
            ]
            began = time.perf_counter()
            states: dict[str, int] = {}
            for start in range(0, op_count, 500):
                for result in kiosk.push(operations[start : start + 500]):
                    key = result["booking"]["state"] if result["outcome"] == "applied" else result["reason"]["code"]
                    states[key] = states.get(key, 0) + 1
            figures["push_s"] = time.perf_counter() - began
            figures["push_outcomes"] = states

            began = time.perf_counter()
            for start in range(0, op_count, 500):
                kiosk.push(operations[start : start + 500])
            figures["push_replay_s"] = time.perf_counter() - began

            _, cursor = kiosk.pull_all(cursor)
            timings = []
            for _ in range(50):
                t = time.perf_counter()
                assert kiosk.pull(cursor)["changes"] == []
                timings.append(time.perf_counter() - t)
            figures["empty_pull_median_ms"] = statistics.median(timings) * 1000
            figures["empty_pull_max_ms"] = max(timings) * 1000
            figures["seat_problems"] = len(server.seat_problems())
        finally:
            server.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--ops", type=int, default=5_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.offers, args.ops)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value:.3f}" if isinstance(value, float) else f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
