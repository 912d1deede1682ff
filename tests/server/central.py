"""A real central server on loopback for tests (a uvicorn subprocess on a free port), and a kiosk-side client.

`CentralServer` is what the `central_server` fixture yields: `.url`, `.db_path` (a SQLite file, or a
PostgreSQL database's URL),
`.enroll_code(site)`, `.enroll(site)` → `KioskClient`, `.stop()` (kill -9, as a
crash would) and `.start()` (again, same port and database file), plus the
administrator's actions (`load_catalog`, `load_households`, `set_allocation`,
`set_capacity`, `withdraw_offer`, `load_staff`, `refuse_concierge`, `query`, `cli(...)`) working on the
same file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import requests

from sync.server import admin, loading
from sync.server.admin import DEFAULT_SITE
from sync.server.auth import create_enrolment_code
from sync.server.clock import local_now
from sync.server.db import Database, is_database_url

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CentralServer:
    def __init__(
        self,
        db_path: Path | str,
        now: datetime | None = None,
        port: int | None = None,
        limits: tuple[str, str, str] = ("10000/minute", "100/minute", "100000/minute"),
        options: tuple[str, ...] = (),
        log_path: Path | None = None,
        workers: int = 1,
    ):
        self.options = options  # more of slvie-central's options (an SMTP server for the notices…)
        self.limits = limits  # enrolments per address, per code, calls per kiosk: tests enrol many kiosks
        self.db_path: Path | str = db_path if is_database_url(db_path) else Path(db_path)
        self.now = now  # a frozen server clock, or None for the real one
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        if log_path is None:
            assert isinstance(self.db_path, Path), "a centre on PostgreSQL needs a log_path"
            log_path = self.db_path.with_suffix(".log")
        self.log_path = log_path
        self.photos = log_path.with_name("central.photos")  # the offers' photos (--photos)
        self.process: subprocess.Popen | None = None
        Database(self.db_path, pooled=False).close()  # create the schema before anyone uses the database

    # --- process -----------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> None:
        if self.process is not None:
            return
        command = [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--db",
            str(self.db_path),
            "--photos",
            str(self.photos),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--enrol-limit",
            self.limits[0],
            "--enrol-code-limit",
            self.limits[1],
            "--kiosk-limit",
            self.limits[2],
        ]
        if self.now is not None:
            command += ["--now", self.now.strftime("%Y-%m-%dT%H:%M:%S")]
        command += self.options
        if self.workers > 1:
            command += ["serve", "--workers", str(self.workers)]
        path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        log = open(self.log_path, "ab")  # noqa: SIM115 (handed to the process, closed just after)
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=self.workers > 1
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"central server exited at start:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"central server did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        """Kill the server at once (no graceful shutdown), as a crash or a power cut would; with several
        workers, their whole process group."""
        if self.process is not None:
            if self.workers > 1:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    # --- administrator -----------------------------------------------------------
    def clock(self) -> datetime:
        return self.now or local_now()

    def _admin(self, action, *args):
        db = Database(self.db_path, pooled=False)
        try:
            return action(db, *args)
        finally:
            db.close()

    def enroll_code(self, site: str = DEFAULT_SITE) -> str:
        return self._admin(create_enrolment_code, site, self.clock())

    def enroll(self, site: str = DEFAULT_SITE, name: str = "Borne de test") -> KioskClient:
        answer = requests.post(
            f"{self.url}/v1/enroll", json={"code": self.enroll_code(site), "kiosk_name": name}, timeout=10
        )
        answer.raise_for_status()
        body = answer.json()
        return KioskClient(self.url, body["token"], body["kiosk_id"], body["site_id"])

    def load_catalog(self, document: dict, site: str = DEFAULT_SITE, shift_to_today: bool = False) -> dict:
        now = self.clock()
        return self._admin(loading.load_catalog, document, site, now if shift_to_today else None, now)

    def load_households(self, households: list[dict], site: str = DEFAULT_SITE) -> dict:
        text = json.dumps({"format": "slvie-households/1", "households": households})
        return self._admin(loading.load_households, text, site)

    def load_staff(self, document: dict, site: str = DEFAULT_SITE) -> dict:
        return self._admin(loading.load_staff, json.dumps(document), site)

    def refuse_concierge(
        self, request_id: str, fr: str = "Le prestataire a fermé.", en: str = "The provider has closed."
    ) -> None:
        self._admin(admin.refuse_concierge, request_id, fr, en, self.clock())

    def query(self, sql: str, *params) -> list:
        """Read the central database directly (what the centre holds)."""
        db = Database(self.db_path, pooled=False)
        try:
            return [dict(row) for row in db.query(sql, params)]
        finally:
            db.close()

    def write(self, sql: str, *params) -> int:
        """Change the central database directly, as a restore from an older backup would: rows changed."""

        def change(db: Database) -> int:
            with db.write() as conn:
                return conn.execute(sql, params).rowcount

        return self._admin(change)

    def tables(self) -> list[str]:
        """The names of the tables the centre holds, whatever its database."""
        from sqlalchemy import inspect

        return self._admin(lambda db: inspect(db.engine).get_table_names())

    def set_allocation(self, session_id: str, site: str, seats: int, until: datetime | None = None) -> None:
        self._admin(admin.set_allocation, session_id, site, seats, until, self.clock())

    def set_capacity(self, session_id: str, capacity: int) -> None:
        self._admin(admin.set_capacity, session_id, capacity, self.clock())

    def withdraw_offer(self, offer_id: str) -> bool:
        return self._admin(admin.withdraw_offer, offer_id)

    def seat_problems(self) -> list[str]:
        return self._admin(admin.seat_problems)

    def cli(self, *args: str) -> tuple[int, str, str]:
        """Run `slvie-central --db THIS_DB ARGS...` in this process: (exit code, stdout, stderr)."""
        from sync.server.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--db", str(self.db_path), "--photos", str(self.photos), *args])
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 2
        return code, out.getvalue(), err.getvalue()


class KioskClient:
    """What a kiosk's sync engine does, reduced to calls a test can read."""

    def __init__(self, url: str, token: str, kiosk_id: str, site_id: str):
        self.url, self.token, self.kiosk_id, self.site_id = url, token, kiosk_id, site_id
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(f"{self.url}{path}", params=params, timeout=30)

    def post(self, path: str, body) -> requests.Response:
        return self.http.post(f"{self.url}{path}", json=body, timeout=60)

    def push(self, operations: list[dict]) -> list[dict]:
        answer = self.post("/v1/operations", {"operations": operations})
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def push_one(self, operation: dict) -> dict:
        return self.push([operation])[0]

    def pull(self, cursor: int = 0, limit: int = 500, protocol: int = 1) -> dict:
        answer = self.get("/v1/changes", cursor=cursor, limit=limit, protocol=protocol)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pull_all(
        self, cursor: int = 0, limit: int = 1000, protocol: int = 1
    ) -> tuple[dict[tuple[str, str], dict | None], int]:
        """Follow pages until `more` is false: {(kind, id): data} at the latest state, and the last cursor."""
        seen: dict[tuple[str, str], dict | None] = {}
        while True:
            page = self.pull(cursor, limit, protocol)
            for change in page["changes"]:
                seen[(change["kind"], change["id"])] = change["data"]
            cursor = page["cursor"]
            if not page["more"]:
                return seen, cursor


def new_id() -> str:
    return str(uuid.uuid4())
