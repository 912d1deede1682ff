"""Voucher rendering time: sign the payload, build the QR code and write the thermal PDF.

Target: median <= 50 ms (the UI renders in a worker, but a person waits at the printer).
`python tests/bench/bench_vouchers.py` prints the figures as JSON; bench.py calls voucher_figures().
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.voucher import Voucher, encode_payload
from kiosk.printing.voucher_pdf import render_voucher_pdf

RENDERS = 60
WARM_UP = 3


def _vouchers(count: int) -> list[Voucher]:
    start = datetime(2026, 12, 5, 20, 0)
    states = ("confirmed", "provisional", "waitlisted")
    return [
        Voucher(
            kind="booking",
            reference=str(uuid.UUID(int=n + 1)),
            site_id="DEMO-LYON-PARTDIEU",
            title=f"Soirée théâtre n° {n} : « Cyrano de Bergerac » aux Célestins",
            start=start + timedelta(days=n),
            end=start + timedelta(days=n, hours=2, minutes=30),
            place="Théâtre des Célestins, 4 rue Charles Dullin, Lyon 2e",
            participants=("Camille Lefèvre", "Mathieu Lefèvre", "Inès Lefèvre")[: 1 + n % 3],
            total_cents=4500 * (1 + n % 3),
            state=states[n % 3],
            issued_at=datetime(2026, 11, 23, 16, 42),
        )
        for n in range(count)
    ]


def voucher_figures(renders: int = RENDERS) -> dict:
    """Median and p95 in ms of one thermal voucher: sign + QR code + PDF, fonts already loaded."""
    key = Ed25519PrivateKey.generate()
    vouchers = _vouchers(renders + WARM_UP)
    for voucher in vouchers[:WARM_UP]:  # loads and registers the fonts once, as a running kiosk has
        render_voucher_pdf(voucher, encode_payload(voucher, key), "thermal80")
    times = []
    for voucher in vouchers[WARM_UP:]:
        started = time.perf_counter()
        render_voucher_pdf(voucher, encode_payload(voucher, key), "thermal80")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "voucher_render_median_ms": round(statistics.median(times), 2),
        "voucher_render_p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 2),
    }


if __name__ == "__main__":
    print(json.dumps(voucher_figures(), indent=2))
