"""What one PIN try costs, on this machine, with the kiosk's argon2id parameters and with the older scrypt.

Target (issue #13): one try costs 0.25 s or more on a kiosk, so that a stolen database's 4-digit
PINs take hours each to find on one core instead of minutes. Memory-hard: each try needs 64 MiB,
which is what keeps a graphics card from running thousands at once.
`python tests/bench/bench_pin_hash.py` prints the figures as JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.domain.household import PIN_HASHER, hash_pin, verify_pin

TRIES = 7
PINS = 10_000  # every 4-digit PIN


def _scrypt_hash(pin: str) -> str:
    salt = b"bench-salt-00001"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _median_try(stored: str) -> float:
    times = []
    for _ in range(TRIES):
        start = time.perf_counter()
        verify_pin("0000", stored)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pin_hash_figures() -> dict:
    argon2id = _median_try(hash_pin("1234"))
    scrypt = _median_try(_scrypt_hash("1234"))
    return {
        "argon2id": {
            "memory_kib": PIN_HASHER.memory_cost,
            "passes": PIN_HASHER.time_cost,
            "median_try_s": round(argon2id, 3),
            "all_4_digit_pins_one_core_h": round(argon2id * PINS / 3600, 2),
            "target_met": argon2id >= 0.25,
        },
        "scrypt_before": {
            "memory_kib": 16 * 1024,
            "median_try_s": round(scrypt, 3),
            "all_4_digit_pins_one_core_h": round(scrypt * PINS / 3600, 2),
        },
        "argon2id_over_scrypt": round(argon2id / scrypt, 1),
    }


if __name__ == "__main__":
    print(json.dumps(pin_hash_figures(), indent=2))
