"""Pulls are not starved by pushes waiting for the one writer (many kiosks syncing at once).

Pushes are serialised (one write transaction at a time). Each waiting push used to hold
one of the server's worker threads while it waited, so with enough kiosks pushing at once
every thread was waiting for the writer and a pull, which needs no lock at all (WAL
readers see a snapshot), waited behind them. Here the database's write lock is held from
outside while more pushes than the server has worker threads wait for it: a pull must
still be answered at once, and every push must complete once the lock is released.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import requests

from tests.server.data import booking_op, catalog, household, member, offer, session, years_ago

WAITING_PUSHES = 60  # more than the thread pool's 40 workers


@pytest.mark.sqlite_only  # holds SQLite's writer lock
def test_a_pull_is_answered_while_many_pushes_wait_for_the_writer(central_server, kiosk):
    central_server.load_catalog(catalog([offer("O1", [session("O1-1", days=10, capacity=500)])]))
    central_server.load_households([household("H-1", [member("P-1", "A", years_ago(40), "ouvrant_droit")])])
    cursor = kiosk.pull_all()[1]

    blocker = sqlite3.connect(central_server.db_path, isolation_level=None, timeout=30)
    blocker.execute("BEGIN IMMEDIATE")  # the writer's lock, held as a long transaction would
    answers: list[int] = []
    lock = threading.Lock()

    def push(n: int) -> None:
        op = booking_op("O1-1", ["P-1"], "H-1", booking_id=None)
        op["payload"]["participants"] = ["P-1"]
        response = requests.post(
            f"{central_server.url}/v1/operations",
            json={"operations": [op]},
            headers={"Authorization": f"Bearer {kiosk.token}"},
            timeout=60,
        )
        with lock:
            answers.append(response.status_code)

    threads = [threading.Thread(target=push, args=(n,), daemon=True) for n in range(WAITING_PUSHES)]
    released = False
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # every push has arrived and is waiting for the writer
        assert answers == []
        began = time.perf_counter()
        response = requests.get(
            f"{central_server.url}/v1/changes",
            params={"cursor": cursor},
            headers={"Authorization": f"Bearer {kiosk.token}"},
            timeout=5,
        )
        assert response.status_code == 200
        assert time.perf_counter() - began < 2.0
        health = requests.get(f"{central_server.url}/v1/health", timeout=5)
        assert health.status_code == 200
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        released = True
    for thread in threads:
        thread.join(timeout=60)
    assert released and sorted(set(answers)) == [200] and len(answers) == WAITING_PUSHES
