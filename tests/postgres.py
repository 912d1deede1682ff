"""A throwaway PostgreSQL cluster for the tests: Debian's `initdb` and `pg_ctl` in a temporary folder,
on a free loopback port, and a fresh database for each centre (`new_database()` → a URL): a copy of
one migrated once (PostgreSQL's template databases), with no feed epoch yet, so that each centre
makes its own as a new database does; `new_database(empty=True)` for one with no schema at all.

Run as root (CI, containers), the cluster belongs to the `postgres` user, as PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

TEMPLATE = "centre_template"


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL binaries, or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresCluster:
    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="slvie-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.template_made = False
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        """Stop at once (immediate mode: no checkpoint, as a crash would)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, empty: bool = False) -> str:
        if not empty and not self.template_made:
            self._make_template()
        name = "centre_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + ("" if empty else f" TEMPLATE {TEMPLATE}"))
        return self.url(name)

    def copy(self, url: str) -> str:
        """A copy of the database at `url`, as a copy of a stopped centre's files would be; the copy's URL."""
        source, name = url.rsplit("/", 1)[1], "copy_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            self._disconnect(conn, source)
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {source}")
        return self.url(name)

    def put_back(self, copy: str, url: str) -> None:
        """The database at `url` replaced by the copy made earlier: a restore by copying the files back."""
        target, source = url.rsplit("/", 1)[1], copy.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {target} WITH (FORCE)")
            self._disconnect(conn, source)
            conn.execute(f"CREATE DATABASE {target} TEMPLATE {source}")

    @staticmethod
    def _disconnect(conn: psycopg.Connection, database: str) -> None:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )

    def _make_template(self) -> None:
        from sync.server.db import FEED_EPOCH, Database

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        Database(self.url(TEMPLATE), pooled=False).close()
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            conn.execute("DELETE FROM meta WHERE key = %s", (FEED_EPOCH,))
        self.template_made = True

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
