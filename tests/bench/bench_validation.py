"""The sync engine's validation of a large pull, alone, on pages captured once (not collected by pytest).

    .venv/bin/python tests/bench/bench_validation.py capture PAGES.jsonl [--offers 50000]
    .venv/bin/python tests/bench/bench_validation.py validate PAGES.jsonl [--passes 3] [--root CHECKOUT]

`capture` generates a catalog at a reference centre on loopback and saves the pages a kiosk of protocol 1
pulls (offers, no leases), one JSON page a line. `validate` prints one JSON object: the CPU seconds each pass
spent in `SyncEngine._validate_page` over those pages, each page parsed just before (as the engine holds one
or two at a time). With `--root`, the engine and domain of another checkout are timed on the same pages
(`git archive COMMIT | tar -x -C DIR`): CPU time, alternated runs, compare versions on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def capture(path: Path, offers: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.server.central import CentralServer

    with tempfile.TemporaryDirectory(prefix="slvie-bench-validation-") as tmp:
        server = CentralServer(Path(tmp) / "central.sqlite3")
        code, _, err = server.cli("generate", "--offers", str(offers))
        if code != 0:
            raise RuntimeError(f"generate failed: {err}")
        server.start()
        try:
            kiosk = server.enroll()
            cursor, pages = 0, []
            while True:
                answer = kiosk.get("/v1/changes", cursor=cursor, limit=1000)
                pages.append(answer.text)
                page = answer.json()
                cursor = page["cursor"]
                if not page["more"]:
                    break
        finally:
            server.stop()
    path.write_text("\n".join(pages) + "\n", encoding="utf-8")
    print(json.dumps({"pages": len(pages), "offers": offers}))


def validate(path: Path, passes: int, root: Path) -> None:
    sys.path.insert(0, str(root))
    from kiosk.store.database import open_database
    from sync.engine import SyncEngine

    texts = path.read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="slvie-bench-validation-") as tmp:
        db = open_database(Path(tmp) / "kiosk.sqlite3")
        engine = SyncEngine(db, None)
        engine._apply_page(engine._validate_page(json.loads(texts[0]), 0))  # its categories, for the pages after
        seconds = []
        for _ in range(passes):
            cpu, cursor = 0.0, 0
            for text in texts:
                page = json.loads(text)
                began = time.process_time()
                engine._validate_page(page, cursor)
                cpu += time.process_time() - began
                cursor = page["cursor"]
            seconds.append(round(cpu, 3))
        db.close()
    print(json.dumps({"root": str(root), "pages": len(texts), "validate_cpu_s": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["capture", "validate"])
    parser.add_argument("pages", type=Path)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose engine is timed")
    args = parser.parse_args()
    if args.action == "capture":
        capture(args.pages, args.offers)
    else:
        validate(args.pages, args.passes, args.root)


if __name__ == "__main__":
    main()
