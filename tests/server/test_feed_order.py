"""The change feed never skips a change: writers committing out of order while kiosks pull.

A writer holds its transaction open (a slow batch) while others commit around it; kiosks pull all
the while over HTTP. On PostgreSQL a change number taken early but committed late would be skipped
by a kiosk that already read past it; the centre numbers changes at commit, under the feed lock
(docs/sync-protocol.md, "Pull"), so each kiosk sees every change exactly once.
"""

from __future__ import annotations

import random
import threading
import time

from sync.server.db import Database

WRITERS = 4
CHANGES_PER_WRITER = 15
KIOSKS = 3


def test_every_kiosk_sees_every_change_exactly_once_while_writers_commit_out_of_order(central_server):
    kiosks = [central_server.enroll(name=f"Borne {k}") for k in range(KIOSKS)]
    done = threading.Event()
    written: list[str] = []
    written_lock = threading.Lock()
    seen: list[list[str]] = [[] for _ in kiosks]
    errors: list[BaseException] = []

    def write(w: int) -> None:
        db = Database(central_server.db_path)
        chance = random.Random(w)
        try:
            for n in range(CHANGES_PER_WRITER):
                entity = f"W{w}-{n:03d}"
                with db.write() as tx:
                    tx.bump("category", entity, "")
                    time.sleep(chance.choice((0, 0.001, 0.02, 0.08)))  # committed late, or at once
                with written_lock:
                    written.append(entity)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            db.close()

    def pull(k: int) -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()  # read before the pull: a last pull after every commit
                page = kiosks[k].pull(cursor, limit=7)
                seen[k].extend(change["id"] for change in page["changes"])
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    pullers = [threading.Thread(target=pull, args=(k,)) for k in range(KIOSKS)]
    for thread in writers + pullers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in pullers:
        thread.join()

    assert errors == []
    assert len(written) == WRITERS * CHANGES_PER_WRITER
    for entities in seen:
        assert sorted(entities) == sorted(written)  # every change, none twice
