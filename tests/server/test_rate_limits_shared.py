"""Rate limits shared by the worker processes of a centre on PostgreSQL: N workers give a kiosk its limit
once, not N times."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.server.central import CentralServer

LIMIT = 5
CALLS = 24


def _workers_that_answered(server: CentralServer) -> set[str]:
    """The worker processes that served a request: each writes its counters to its own files
    (prometheus-client's multiprocess mode, named by process id) in the folder handed to the workers."""
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    environment = Path(f"/proc/{children[0]}/environ").read_bytes().split(b"\0")
    (folder,) = [v.split(b"=", 1)[1].decode() for v in environment if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return {path.stem.rsplit("_", 1)[1] for path in Path(folder).glob("counter_*.db")} & set(children)


def test_two_workers_count_a_kiosks_calls_in_one_window(tmp_path, postgres_cluster):
    server = CentralServer(
        postgres_cluster.new_database(),
        limits=("100/minute", "100/minute", f"{LIMIT}/minute"),
        log_path=tmp_path / "central.log",
        workers=2,
    )
    server.start()
    try:
        kiosk = server.enroll()

        def call(_: int) -> int:  # a connection of its own each time: any worker may take it
            answer = requests.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {kiosk.token}"}, timeout=30)
            return answer.status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(CALLS)))
        assert len(_workers_that_answered(server)) == 2, "both workers must have answered for this to mean anything"
        assert statuses.count(200) == LIMIT
        assert statuses.count(429) == CALLS - LIMIT
        (row,) = server.query("SELECT hits FROM rate_windows WHERE key LIKE ?", f"%kiosk/{kiosk.kiosk_id}%")
        assert row["hits"] == CALLS
        other = server.enroll(name="quiet")
        assert other.get("/v1/me").status_code == 200  # each kiosk its own window
    finally:
        server.stop()
