"""The cost of encryption at rest: the kiosk's search as typed and its booking commit, on the same catalog
in a plain database and in one encrypted with a machine key (SQLCipher), measured in turns so that the
machine's load weighs on both alike.

    python tests/bench/bench_at_rest.py [--offers 50000] [--rounds 3] [--json]

Prints, for each of `plain` and `encrypted`, the median over the rounds of each round's search p50 and p95
(ms), the p50 and p95 of 300 booking commits made in the middle round, and the encrypted-to-plain ratios.
About two minutes with 50,000 offers on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.credentials import CREDENTIALS_DIRECTORY
from kiosk.database_key import CREDENTIAL_NAME
from kiosk.demo.catalog import generate_catalog
from kiosk.domain.catalog import parse_catalog
from kiosk.domain.search import OfferQuery
from kiosk.services.catalog import CatalogService
from kiosk.store import connection
from kiosk.store.catalog import replace_catalog
from kiosk.store.database import DATABASE_FILE, open_database
from tests.bench.bench import booking_figures, percentile, realistic_queries

KINDS = ("plain", "encrypted")


def search_round(db, now: datetime) -> dict[str, float]:
    """Every everyday query once, through the catalog service, as the screen asks (bench.py's search)."""
    catalog = CatalogService(db, lambda: now)
    catalog.search(OfferQuery(text="a"))
    samples = []
    for query in realistic_queries():
        start = time.perf_counter()
        catalog.search(query)
        samples.append((time.perf_counter() - start) * 1000)
    return {"search_p50_ms": statistics.median(samples), "search_p95_ms": percentile(samples, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the only output)")
    args = parser.parse_args()
    now = datetime.now().replace(second=0, microsecond=0)
    catalog = parse_catalog(generate_catalog(args.offers, reference_date=now.date()))
    rounds: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    figures: dict[str, object] = {"offers": args.offers, "rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="slvie-bench-at-rest-") as tmp:
        databases = {}
        for kind in KINDS:
            data_dir = Path(tmp) / kind
            data_dir.mkdir()
            if kind == "encrypted":  # the database key, where systemd puts it for the kiosk's service
                credentials = Path(tmp) / "credentials"
                credentials.mkdir()
                (credentials / CREDENTIAL_NAME).write_bytes(secrets.token_bytes(32))
                os.environ[CREDENTIALS_DIRECTORY] = str(credentials)
            db = open_database(data_dir / DATABASE_FILE)
            start = time.perf_counter()
            replace_catalog(db, catalog, as_of=now)
            figures[f"{kind}_catalog_store_s"] = round(time.perf_counter() - start, 2)
            figures[f"{kind}_file_mb"] = round((data_dir / DATABASE_FILE).stat().st_size / 2**20, 1)
            databases[kind] = (db, data_dir)
        assert connection.is_plain(Path(tmp) / "plain" / DATABASE_FILE)
        assert not connection.is_plain(Path(tmp) / "encrypted" / DATABASE_FILE)
        for round_number in range(args.rounds):
            for kind in KINDS if round_number % 2 == 0 else reversed(KINDS):  # neither always first
                db, data_dir = databases[kind]
                rounds[kind].append(search_round(db, now))
                if round_number == args.rounds // 2:  # once: a household books each session once
                    booked = booking_figures(db, data_dir, now)
                    figures[f"{kind}_booking_commit_p50_ms"] = booked["booking_commit_median_ms"]
                    figures[f"{kind}_booking_commit_p95_ms"] = booked["booking_commit_p95_ms"]
        for db, _ in databases.values():
            db.close()
    for kind in KINDS:
        for name in rounds[kind][0]:
            figures[f"{kind}_{name}"] = round(statistics.median(r[name] for r in rounds[kind]), 2)
    for name in (*rounds["plain"][0], "booking_commit_p50_ms", "booking_commit_p95_ms"):
        figures[f"ratio_{name}"] = round(figures[f"encrypted_{name}"] / figures[f"plain_{name}"], 2)
    print(json.dumps(figures, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
