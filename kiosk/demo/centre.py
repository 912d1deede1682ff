"""The demo's own central server: the reference server on loopback, loaded with the demo data,
and this kiosk enrolled with it, so `slvie-kiosk run --demo` shows the whole loop.

The reference server is an optional part of the package (`pip install .[central]`): a kiosk in
service talks to the real centre. It runs in its own process, so nothing here imports it.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import requests

from kiosk.errors import KioskError
from sync.client import CentralError
from sync.credential import load_credential, save_credential
from sync.enrolment import enrol

log = logging.getLogger(__name__)

DEMO_CENTRAL_DB = "demo-central.sqlite3"
PREFERRED_PORT = 8765
START_TIMEOUT = 20.0


class DemoCentreError(KioskError):
    """The demo's central server could not be started; the kiosk runs on without it."""


@dataclass
class DemoCentre:
    process: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _central(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _port() -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", PREFERRED_PORT))
            return PREFERRED_PORT
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


def start_demo_centre(data_dir: Path, site_id: str) -> DemoCentre:
    """Start (and on first use fill) the demo centre, and make sure this kiosk is enrolled with it."""
    db = data_dir / DEMO_CENTRAL_DB
    if not db.exists():
        loaded = _central("load-demo", "--site", site_id, db=db)
        if loaded.returncode != 0:
            raise DemoCentreError("error.sync.demo.centre_not_prepared", output=loaded.stderr[-500:])
    port = _port()
    url = f"http://127.0.0.1:{port}"
    with open(data_dir / "demo-central.log", "ab") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync.server.cli",
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    centre = DemoCentre(process, url)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DemoCentreError("error.sync.demo.demo_central_server_stopped")
        try:
            if requests.get(f"{url}/v1/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        centre.stop()
        raise DemoCentreError("error.sync.demo.demo_central_server_does")
    _enrol(data_dir, db, url, site_id)
    return centre


def _enrol(data_dir: Path, db: Path, url: str, site_id: str) -> None:
    credential = load_credential(data_dir)
    if credential is not None:
        # Same demo centre, perhaps on another port this time: keep the credential, follow the address.
        if credential.server != url:
            save_credential(data_dir, replace(credential, server=url))
        return
    code = _central("enroll-code", "--site", site_id, db=db)
    if code.returncode != 0:
        raise DemoCentreError("error.sync.demo.kiosk_not_enrolled", output=code.stderr[-500:])
    try:
        enrol(data_dir, url, code.stdout.strip().split()[-1], "Borne de démonstration")
    except CentralError as error:
        raise DemoCentreError("error.sync.demo.enrolment_refused", error=error) from None
