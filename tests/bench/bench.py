"""Benchmarks: `python tests/bench/bench.py --json` prints one JSON object of named figures.

Targets (DESIGN.md and the issues): search as you type p95 <= 10 ms on 50,000 offers, the
expected offer in the top 5 for >= 95 % of the everyday queries of tests/relevance (with
the mean reciprocal rank), cold start
to the painted home screen <= 1.0 s, screen switch p95 <= 50 ms, peak RSS <= 250 MB,
booking commit (with its outbox operation) median <= 10 ms, voucher render (PDF + QR +
signature) median <= 50 ms; and sync against the reference server on loopback
(tests/bench/bench_sync.py, figures `sync_*` and `server_*`): initial pull of 50,000
offers <= 10 s (with its ratio to plain executemany), push of 5,000 operations <= 5 s,
a cycle with nothing to do <= 50 ms, and 200 kiosks syncing at once (p99 latency).
`--no-sync` leaves the sync figures out (they take about a minute and a half). `--encrypted`
measures the kiosk's figures on a database encrypted at rest (SQLCipher, a machine key given as
systemd gives it): its cost is the difference with a run without it.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.config import KioskConfig
from kiosk.credentials import CREDENTIALS_DIRECTORY
from kiosk.database_key import CREDENTIAL_NAME
from kiosk.demo import DEMO_HOUSEHOLDS
from kiosk.demo.catalog import generate_catalog
from kiosk.domain.catalog import Level, parse_catalog
from kiosk.domain.household import parse_households
from kiosk.domain.search import OfferQuery
from kiosk.services.actor import BENEFICIARY
from kiosk.services.catalog import CatalogService
from kiosk.services.context import assemble_services
from kiosk.store.catalog import replace_catalog
from kiosk.store.database import DATABASE_FILE, open_database
from kiosk.store.households import load_household, replace_households
from tests.bench.bench_sync import sync_figures
from tests.bench.bench_vouchers import voucher_figures
from tests.factories import holder
from tests.relevance.queries import relevance_figures

WORDS = [
    "théâtre",
    "ski",
    "piscine",
    "concert",
    "randonnée",
    "colo",
    "séjour",
    "cinéma",
    "musée",
    "atelier",
    "vélo",
    "montagne",
    "mer",
    "opéra",
    "football",
    "yoga",
    "bretagne",
    "lyon",
    "marseille",
    "noël",
    "été",
    "enfants",
    "découverte",
    "croisière",
    "spectacle",
    "danse",
    "cuisine",
    "escalade",
    "don",
    "sang",
]
PHRASES = ["ski val", "colo mer", "sortie opé", "séjour mon", "atelier cui", "concert jaz", "théâtre lyo"]


def realistic_queries() -> list[OfferQuery]:
    """What people type, one keystroke at a time, sometimes within a category or with a filter."""
    queries = []
    for i, word in enumerate(WORDS + PHRASES):
        for end in range(1, len(word) + 1):
            text = word[:end]
            if i % 4 == 1:
                queries.append(OfferQuery(text=text, category="culture"))
            elif i % 4 == 2:
                queries.append(OfferQuery(text=text, with_places=True))
            elif i % 4 == 3:
                queries.append(OfferQuery(text=text, level=Level.SLVIE, max_price_cents=5000))
            else:
                queries.append(OfferQuery(text=text))
    return queries


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(round(len(ordered) * fraction) - 1, 0)]


def search_figures(db, now: datetime) -> dict:
    """Search as the screens ask for it (the service: reading the words, then the store), as typed."""
    queries = realistic_queries()
    catalog = CatalogService(db, lambda: now)
    catalog.search(OfferQuery(text="a"))  # reads the offer's vocabulary, as the first search of a start does
    fts = []
    for query in queries:
        start = time.perf_counter()
        catalog.search(query)
        fts.append((time.perf_counter() - start) * 1000)
    naive = []
    for query in queries:
        start = time.perf_counter()
        naive_like_search(db, query.text, now)
        naive.append((time.perf_counter() - start) * 1000)
    return {
        "search_queries": len(queries),
        "search_p50_ms": round(statistics.median(fts), 2),
        "search_p95_ms": round(percentile(fts, 0.95), 2),
        "search_like_p50_ms": round(statistics.median(naive), 2),
        "search_like_p95_ms": round(percentile(naive, 0.95), 2),
        "search_like_to_fts_p50_ratio": round(statistics.median(naive) / statistics.median(fts), 1),
    }


def naive_like_search(db, text: str, now: datetime) -> list:
    """The baseline: a LIKE '%…%' scan (which, unlike the index, does not even fold accents)."""
    pattern = f"%{text}%"
    return list(
        db.query(
            "SELECT id, title, count(*) OVER () AS total FROM offers"
            " WHERE next_start >= :now AND (title LIKE :p OR summary LIKE :p OR location LIKE :p)"
            " ORDER BY title LIMIT 100",
            {"now": now.strftime("%Y-%m-%dT%H:%M"), "p": pattern},
        )
    )


def booking_figures(db, data_dir: Path, now: datetime) -> dict:
    """Booking commit with its outbox operation, one transaction each, on sessions with seats for this site:
    the booking service's use case, as the screen calls it."""
    replace_households(db, parse_households(json.loads(DEMO_HOUSEHOLDS.read_text(encoding="utf-8"))))
    bookings = assemble_services(db, KioskConfig(), data_dir, clock=lambda: now).bookings
    who = holder(load_household(db, "H-0001"))
    rows = db.execute(
        "SELECT o.id, s.id FROM sessions s JOIN offers o ON o.num = s.offer_num"
        " WHERE s.site_allocation > s.site_taken AND s.taken < s.capacity AND s.start > ?"
        " AND o.age_min IS NULL AND o.age_max IS NULL AND o.booking_mode = 'direct' LIMIT 300",
        [now.strftime("%Y-%m-%dT%H:%M")],
    ).fetchall()
    samples = []
    for offer_id, session_id in rows:
        start = time.perf_counter()
        bookings.book(BENEFICIARY, who, offer_id, session_id, ["P-0001-1"])
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "booking_commits": len(samples),
        "booking_commit_median_ms": round(statistics.median(samples), 2),
        "booking_commit_p95_ms": round(percentile(samples, 0.95), 2),
    }


def startup_figures(data_dir: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["PYTHONPATH"] = str(ROOT)
    config = data_dir / "site.toml"
    config.write_text('[display]\nkeyboard = "off"\n')
    env["XDG_CONFIG_HOME"] = str(data_dir / "xdg")
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/bench/startup_probe.py"), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    first_line = child.stdout.readline().strip()
    cold_start = time.perf_counter() - start
    figures_line = child.stdout.readline()
    child.wait(timeout=30)
    if first_line != "PAINTED":
        raise RuntimeError(f"startup probe failed: {first_line!r}")
    figures = json.loads(figures_line)
    figures["cold_start_to_home_painted_s"] = round(cold_start, 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true", help="print one JSON object (the only output)")
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--no-sync", action="store_true", help="leave out the sync figures")
    parser.add_argument("--kiosks", type=int, default=200, help="simulated kiosks syncing at once")
    parser.add_argument("--encrypted", action="store_true", help="the kiosk's database encrypted at rest")
    args = parser.parse_args()

    figures: dict[str, object] = {"offers": args.offers, "database_encrypted": args.encrypted}
    now = datetime.now().replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="slvie-bench-") as tmp:
        data_dir = Path(tmp)
        if args.encrypted:  # the database key, where systemd puts it for the kiosk's service
            credentials = data_dir / "credentials"
            credentials.mkdir()
            (credentials / CREDENTIAL_NAME).write_bytes(secrets.token_bytes(32))
            os.environ[CREDENTIALS_DIRECTORY] = str(credentials)
        start = time.perf_counter()
        catalog = parse_catalog(generate_catalog(args.offers, reference_date=now.date()))
        figures["catalog_generate_and_validate_s"] = round(time.perf_counter() - start, 2)
        db = open_database(data_dir / DATABASE_FILE)
        start = time.perf_counter()
        replace_catalog(db, catalog, as_of=now)
        figures["catalog_store_s"] = round(time.perf_counter() - start, 2)
        del catalog
        figures.update(search_figures(db, now))
        figures.update(relevance_figures(data_dir / "relevance"))
        figures.update(booking_figures(db, data_dir, now))
        db.close()
        figures.update(startup_figures(data_dir))
    figures.update(voucher_figures())
    if not args.no_sync:
        sync = sync_figures(args.offers, args.kiosks)
        sync.pop("offers", None)
        figures.update(sync)
    print(json.dumps(figures, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
