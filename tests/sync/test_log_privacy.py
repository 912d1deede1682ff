"""The log files of a kiosk after a full day's work hold no personal data and no credentials.

A kiosk at debug level is enrolled with a real centre on loopback with the installers'
command, syncs; a beneficiary identifies on its screens (a wrong PIN first), books, and the
voucher goes to a printer that is not there, while the sync worker sends the booking, then
fails with the centre down; the command line syncs, and fails with a revoked credential. Then every
line of every log file is searched for the beneficiaries' names, card numbers, PIN and PIN hashes,
the enrolment code and the tokens.
"""

from __future__ import annotations

import copy
import logging
import re

import pytest
from PySide6.QtCore import Qt, QThreadPool

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.logs import LOG_FILE, redact, stop_logging
from kiosk.services.context import open_services
from kiosk.ui.app import create_application
from kiosk.ui.main_window import MainWindow
from sync.credential import CREDENTIAL_FILE, Credential, load_credential, save_credential
from sync.worker import SyncWorker
from tests.factories import households_document, pin_hash, sample_catalog
from tests.server.central import CentralServer

PIN = "583719"


def identify(qtbot, window, card: str, pin: str) -> None:
    screen = window.screens["identify"]
    screen.card.clear()
    qtbot.keyClicks(screen.card, card)
    qtbot.keyClick(screen.card, Qt.Key.Key_Return)
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)


@pytest.fixture
def people():
    document = copy.deepcopy(households_document())
    for household in document["households"]:
        for member in household["members"]:
            if member["pin_hash"]:
                member["pin_hash"] = pin_hash(PIN)
    return document


@pytest.fixture
def central(tmp_path, people):
    server = CentralServer(tmp_path / "central.sqlite3")
    server.start()
    server.load_catalog(sample_catalog(), shift_to_today=True)
    server.load_households(people["households"])
    yield server
    server.stop()


def secrets_of(people: dict) -> list[str]:
    found = set()
    for household in people["households"]:
        for member in household["members"]:
            found |= {member["first_name"], member["last_name"]}
            if member["card_number"]:
                found |= {member["card_number"], member["pin_hash"]}
    return sorted(found)


def test_no_personal_data_or_credential_reaches_the_logs(qtbot, tmp_path, central, people, monkeypatch, capsys):
    data = tmp_path / "kiosk"
    site = tmp_path / "site.toml"
    site.write_text(
        '[site]\nid = "DEMO-LYON-PARTDIEU"\n[printer]\nqueue = "nowhere"\n'
        f'[central]\nurl = "{central.url}"\n[logging]\nlevel = "debug"\n',
        encoding="utf-8",
    )
    common = ["--data-dir", str(data), "--config", str(site)]
    code = central.enroll_code()
    monkeypatch.setenv("SLVIE_KIOSK_ENROL_CODE", code)
    try:
        assert main(["enroll-pending", *common]) == 0
        monkeypatch.delenv("SLVIE_KIOSK_ENROL_CODE")
        token = load_credential(data).token
        assert main(["sync", "--once", *common]) == 0

        assert logging.getLogger().getEffectiveLevel() == logging.DEBUG  # [logging] level = "debug"

        # A beneficiary at the kiosk's screens, while the kiosk syncs in the background.
        config = load_config(site)
        services = open_services(data, config)
        create_application(config)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        window.start()
        worker = SyncWorker(data, config, load_credential(data), interval_seconds=3600)
        statuses = []
        worker.status_changed.connect(statuses.append)
        worker.start()
        try:
            qtbot.waitUntil(lambda: len(statuses) == 1, timeout=30_000)
            card = people["households"][0]["members"][0]["card_number"]
            window.with_identity(("booking", "T1", "T1-S1"))
            identify(qtbot, window, card, "000000")
            assert window.current_screen() == "identify"
            window.screens["identify"].pin.clear()
            identify(qtbot, window, card, PIN)
            assert window.current_screen() == "booking"
            qtbot.mouseClick(window.screens["booking"].confirm, Qt.MouseButton.LeftButton)
            done = window.screens["booking_done"]
            qtbot.waitUntil(lambda: "imprim" in done.status.text(), timeout=20_000)  # "nowhere" does not exist
            worker.request_now()
            qtbot.waitUntil(lambda: len(statuses) == 2, timeout=30_000)
            assert statuses[-1]["pending"] == 0 and statuses[-1]["online"]
            central.stop()
            worker.request_now()
            qtbot.waitUntil(lambda: len(statuses) == 3, timeout=30_000)
            assert not statuses[-1]["online"]
            central.start()
        finally:
            worker.stop()
            window.close()
            QThreadPool.globalInstance().waitForDone(30_000)
            services.close()

        # The same from the command line, and with the credential revoked.
        assert main(["sync", "--once", *common]) == 0
        save_credential(data, Credential(central.url, "K-revoked", "DEMO-LYON-PARTDIEU", "revoked-token-0123456789"))
        assert main(["sync", "--once", *common]) == 2  # refused credential
        main(["doctor", "--json", *common])
    finally:
        stop_logging()
    capsys.readouterr()

    logs = sorted((data / "logs").glob(f"{LOG_FILE}*"))
    lines = [line for path in logs for line in path.read_text(encoding="utf-8").splitlines()]
    text = "\n".join(lines)
    assert len(lines) >= 5, text
    # It did log: enrolment, sync cycles, the printer missing, the centre down.
    for expected in ("kiosk enrolled", "sync: pushed", "voucher not printed", "sync failed"):
        assert expected in text, (expected, text)
    forbidden = [*secrets_of(people), token, code, "revoked-token-0123456789"]
    for line in lines:
        for secret in forbidden:
            assert secret not in line, f"{secret!r} found in the log: {line}"
        assert not re.search(rf"(?<!\d){PIN}(?!\d)", line), line
    assert (data / CREDENTIAL_FILE).stat().st_mode & 0o077 == 0


def test_redaction_catches_what_a_careless_line_would_leak():
    assert redact("GET /v1/me Authorization: Bearer abc.DEF-123") == "GET /v1/me Authorization: Bearer [secret]"
    assert redact("card 1000000000017 refused") == "card [number] refused"
    assert redact("token=s3cr3t&x=1 pin: 1234") == "token=[secret]&x=1 pin: [secret]"
    assert (
        redact("booking 5f0c-42 cursor 4242 at 2026-11-23 10:42") == "booking 5f0c-42 cursor 4242 at 2026-11-23 10:42"
    )
