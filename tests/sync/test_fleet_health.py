"""Fleet health from afar, end to end: real kiosks (their sync engine, a real CUPS queue) send heartbeats
to the real centre on loopback, and IT reads /admin/fleet in a real browser (Debian's chromium, driven
by Playwright). A printer out of paper shows red within one sync, on a page that refreshes itself."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.doctor import centre_now
from kiosk.errors import PrinterError
from kiosk.printing.printer import print_pdf, printer_condition
from kiosk.services.context import open_services
from kiosk.store.database import schema_version
from kiosk.store.state import read_state
from sync.client import CentralClient, TransientError
from sync.credential import Credential
from sync.engine import SyncEngine
from sync.heartbeat import KioskProbe
from sync.server.db import is_database_url
from tests.integration.test_printing_cups import cups, faulty_queue, test_backend, voucher_pdf  # noqa: F401 (fixtures)
from tests.server.central import CentralServer

CHROMIUM = Path("/usr/bin/chromium")


class Kiosk:
    """A kiosk as deployed: its store, its sync engine with a heartbeat, its CUPS queue."""

    def __init__(self, data_dir: Path, centre: CentralServer, name: str, queue: str):
        enrolled = centre.enroll(name=name)
        self.kiosk_id = enrolled.kiosk_id
        self.services = open_services(data_dir, KioskConfig())
        self.client = CentralClient(centre.url, enrolled.token, timeout=(2, 10))
        # The kiosk's clock in the sites' time zone, as a kiosk in France has it (this machine runs in UTC).
        self.engine = SyncEngine(self.services.db, self.client, clock=centre_now, probe=KioskProbe(data_dir, queue))

    def close(self) -> None:
        self.client.close()
        self.services.close()


@pytest.fixture
def centre(tmp_path, central_database):
    """The real clock: heartbeats age as they do in the field. On PostgreSQL with 4 workers, as a fleet's centre."""
    workers = 4 if is_database_url(central_database) else 1
    server = CentralServer(central_database, log_path=tmp_path / "central.log", workers=workers)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; ./run.sh test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.mark.both_databases
def test_a_printer_out_of_paper_shows_red_on_the_fleet_page_within_one_sync(
    tmp_path, centre, faulty_queue, test_backend, voucher_pdf, browser
):
    from playwright.sync_api import expect

    queue = faulty_queue("ok")
    assert printer_condition(queue) == "ready"
    lobby = Kiosk(tmp_path / "lobby", centre, "Hall d'accueil", queue)
    desk = Kiosk(tmp_path / "desk", centre, "Point conciergerie", faulty_queue("ok"))
    try:
        for kiosk in (lobby, desk):
            assert kiosk.engine.run_cycle().heartbeat
        _, secret, _ = centre.cli("admin-credential", "it-lyon")
        page = browser.new_context(
            http_credentials={"username": "it-lyon", "password": secret.strip()},
            viewport={"width": 1366, "height": 768},
        ).new_page()
        page.goto(f"{centre.url}/admin/fleet")
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(2)
        for kiosk in (lobby, desk):
            expect(page.locator(f'tr[data-kiosk="{kiosk.kiosk_id}"]')).to_have_attribute("data-state", "green")

        # The lobby's printer runs out of paper: CUPS says so once it tried to print.
        assert subprocess.run(["lpadmin", "-p", queue, "-v", f"{test_backend}:/paper-out"], check=False).returncode == 0
        with pytest.raises(PrinterError):
            print_pdf(voucher_pdf[0], queue, timeout=60, device_problem_grace=2)
        assert printer_condition(queue) == "paper_out"
        report = lobby.engine.run_cycle()  # one sync
        assert report.heartbeat

        # The page, left open, refreshes itself: the lobby turns red and comes first, saying why.
        lobby_row = page.locator(f'tr[data-kiosk="{lobby.kiosk_id}"]')
        expect(lobby_row).to_have_attribute("data-state", "red", timeout=45_000)
        expect(rows.first).to_have_attribute("data-kiosk", lobby.kiosk_id)
        expect(lobby_row).to_contain_text("Imprimante : plus de papier.")
        expect(lobby_row).to_contain_text("Printer: out of paper.")
        expect(page.locator("#count-red")).to_have_text("1 rouge / red")
        page.screenshot(path=str(tmp_path / "fleet.png"), full_page=True)
        assert (tmp_path / "fleet.png").stat().st_size > 10_000
    finally:
        lobby.close()
        desk.close()


def test_a_heartbeat_refused_never_fails_the_sync(tmp_path, centre):
    kiosk = Kiosk(tmp_path / "kiosk", centre, "Borne", "")
    # A kiosk whose printer reports a word this centre does not know: its heartbeat is refused (422).
    kiosk.engine.probe = KioskProbe(tmp_path / "kiosk", "", read_printer=lambda queue: "on_fire")
    try:
        report = kiosk.engine.run_cycle()
        assert not report.heartbeat and "heartbeat not recorded" in report.notes
        assert read_state(kiosk.services.db, "sync_last_success") is not None  # the sync itself went through
        assert centre.query("SELECT * FROM kiosk_health") == []
    finally:
        kiosk.close()


def test_after_the_centre_was_unreachable_the_heartbeat_says_so(tmp_path, centre):
    kiosk = Kiosk(tmp_path / "kiosk", centre, "Borne", "")
    try:
        centre.stop()
        with pytest.raises(TransientError):
            kiosk.engine.run_cycle()  # no heartbeat tried: no one would hear it
        centre.start()
        assert kiosk.engine.run_cycle().heartbeat
        (row,) = centre.query("SELECT heartbeat FROM kiosk_health")
        sent = json.loads(row["heartbeat"])
        assert sent["last_error"]["code"] == "transient_error" and sent["last_sync_seconds"] == 0
        assert sent["printer"] == "not_configured" and sent["waiting"] == 0 and sent["oldest_waiting_seconds"] is None
        assert sent["schema_version"] == schema_version(kiosk.services.db) and sent["disk_free_bytes"] > 0
        _, out, _ = centre.cli("fleet")
        assert f"RED    {kiosk.kiosk_id}" in out and "Printer: no printer configured." in out
        assert "sync" not in out.split(kiosk.kiosk_id)[1]  # the failure is older than the last success: not a reason
    finally:
        kiosk.close()


def test_the_kiosks_sync_worker_sends_its_heartbeat(qtbot, tmp_path, centre):
    """The Qt worker a kiosk runs (sync/worker.py) reports the printer of its site configuration."""
    from sync.worker import SyncWorker

    enrolled = centre.enroll(name="Borne en service")
    config = KioskConfig()
    config = replace(config, printer=replace(config.printer, queue="slvie-no-such-queue"))
    (tmp_path / "kiosk").mkdir()
    worker = SyncWorker(
        tmp_path / "kiosk",
        config,
        Credential(centre.url, enrolled.kiosk_id, enrolled.site_id, enrolled.token),
        interval_seconds=3600,
    )
    statuses: list[dict] = []
    worker.status_changed.connect(statuses.append)
    worker.start()
    try:
        qtbot.waitUntil(lambda: bool(statuses), timeout=20_000)
    finally:
        worker.stop()
    assert statuses[0]["problem"] is None
    (row,) = centre.query("SELECT kiosk_id, heartbeat FROM kiosk_health")
    assert row["kiosk_id"] == enrolled.kiosk_id
    assert json.loads(row["heartbeat"])["printer"] == ("missing" if shutil.which("lpstat") else "unknown")
