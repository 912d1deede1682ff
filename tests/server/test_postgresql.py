"""The centre on PostgreSQL with several worker processes, and PostgreSQL going away mid-run."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from tests.postgres import PostgresCluster, postgres_bin
from tests.server.central import CentralServer
from tests.server.data import booking_op, catalog, household, member, offer, session, state_of, years_ago

WORKERS = 4
KIOSKS = 8
FAMILIES_PER_KIOSK = 8
CAPACITY = 20


@pytest.fixture
def workers_centre(tmp_path, postgres_cluster):
    server = CentralServer(postgres_cluster.new_database(), log_path=tmp_path / "central.log", workers=WORKERS)
    server.start()
    yield server
    server.stop()


def _requests_counted(metrics: str) -> float:
    return sum(
        float(m)
        for m in re.findall(r'^slvie_http_requests_total\{[^}]*route="/v1/me"[^}]*\} (\S+)$', metrics, re.MULTILINE)
    )


def test_four_workers_never_oversell_a_session_and_their_metrics_add_up(workers_centre):
    workers_centre.load_catalog(catalog([offer("HOT", [session("HOT-1", days=10, capacity=CAPACITY)])]))
    workers_centre.load_households(
        [
            household(f"H-{k}-{f}", [member(f"P-{k}-{f}", "A", years_ago(40), "ouvrant_droit")])
            for k in range(KIOSKS)
            for f in range(FAMILIES_PER_KIOSK)
        ]
    )
    kiosks = [workers_centre.enroll(name=f"Borne {k}") for k in range(KIOSKS)]
    answers: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(KIOSKS)

    def book(k: int) -> None:
        start.wait()
        for f in range(FAMILIES_PER_KIOSK):
            op = booking_op("HOT-1", [f"P-{k}-{f}"], f"H-{k}-{f}", kiosk_state="requested")
            result = kiosks[k].push_one(op)
            with lock:
                answers.append(result)

    threads = [threading.Thread(target=book, args=(k,)) for k in range(KIOSKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    states = [state_of(answer) for answer in answers]
    assert len(states) == KIOSKS * FAMILIES_PER_KIOSK
    assert states.count("confirmed") == CAPACITY
    assert states.count("waitlisted") == KIOSKS * FAMILIES_PER_KIOSK - CAPACITY
    assert workers_centre.seat_problems() == []
    (row,) = workers_centre.query("SELECT outside_taken FROM sessions WHERE id = 'HOT-1'")
    assert row["outside_taken"] == CAPACITY

    for kiosk in kiosks:  # 8 calls, answered by whichever worker takes each
        assert kiosk.get("/v1/me").status_code == 200
    _, secret, _ = workers_centre.cli("admin-credential", "it")
    metrics = requests.get(f"{workers_centre.url}/metrics", auth=("it", secret.strip()), timeout=10)
    assert metrics.status_code == 200
    assert _requests_counted(metrics.text) == KIOSKS


def test_postgresql_stopping_mid_run_gives_503_in_french_and_english_then_the_centre_recovers(tmp_path):
    bin_dir = postgres_bin()
    assert bin_dir is not None, "./run.sh test installs Debian's postgresql package"
    cluster = PostgresCluster(bin_dir)  # its own: this test stops it
    server = CentralServer(cluster.new_database(), log_path=tmp_path / "central.log")
    try:
        server.start()
        server.load_catalog(catalog([offer("O", [session("O-1", days=10, capacity=5)])]))
        server.load_households([household("H-1", [member("P-1", "A", years_ago(40), "ouvrant_droit")])])
        kiosk = server.enroll()
        cursor = kiosk.pull_all()[1]

        cluster.stop()
        op = booking_op("O-1", ["P-1"], "H-1", kiosk_state="confirmed")
        refused = kiosk.post("/v1/operations", {"operations": [op]})
        assert refused.status_code == 503
        error = refused.json()["error"]
        assert error["code"] == "database_unavailable"
        assert "base de données" in error["fr"] and "database" in error["en"]
        assert refused.headers["Retry-After"]
        assert kiosk.get("/v1/changes", cursor=cursor).status_code == 503

        cluster.start()  # the kiosk tries again: the same operation, applied once
        assert state_of(kiosk.push_one(op)) == "confirmed"
        assert state_of(kiosk.push_one(op)) == "confirmed"
        assert server.query("SELECT count(*) AS n FROM bookings")[0]["n"] == 1
        assert server.seat_problems() == []
    finally:
        server.stop()
        cluster.destroy()
