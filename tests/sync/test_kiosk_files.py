"""What a kiosk leaves on its disk, and enrolment run again: files for the kiosk's user only whatever
the umask, and a lost enrolment answer that does not cost the code or leave an orphan at the centre."""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.demo.households import DEMO_PIN
from kiosk.logs import setup_logging, stop_logging
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store.database import DATABASE_FILE
from sync.credential import CREDENTIAL_FILE, load_credential

DEMO_CARD = "1000000000017"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """What a careless service unit or shell would give: files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_data_folder_database_log_and_keys_are_the_kiosks_own_whatever_the_umask(
    tmp_path, clock, open_umask, monkeypatch
):
    data = tmp_path / "kiosk"
    monkeypatch.setenv("SLVIE_KIOSK_LOG_DIR", str(data / "logs"))
    log_file = setup_logging(KioskConfig(), data)
    services = open_services(data, KioskConfig(), demo=True, clock=clock)
    try:
        services.identity.identify(BENEFICIARY, DEMO_CARD, DEMO_PIN)  # a write: the log files are there
        files = [data / DATABASE_FILE, data / f"{DATABASE_FILE}-wal", data / f"{DATABASE_FILE}-shm", log_file]
        files += [p for p in data.iterdir() if p.suffix == ".pem"]
        assert mode(data) == 0o700
        for path in files:
            assert path.exists() and mode(path) == 0o600, (path, oct(mode(path)))
    finally:
        services.close()
        stop_logging()


def test_files_left_open_by_an_older_version_are_closed_again_at_start(tmp_path, clock, open_umask):
    data = tmp_path / "kiosk"
    open_services(data, KioskConfig(), clock=clock).close()
    os.chmod(data, 0o755)
    os.chmod(data / DATABASE_FILE, 0o644)
    open_services(data, KioskConfig(), clock=clock).close()
    assert (mode(data), mode(data / DATABASE_FILE)) == (0o700, 0o600)


def test_enrolling_again_with_the_same_code_after_a_lost_answer_gets_the_same_kiosk(tmp_path, centre, capsys):
    data = tmp_path / "kiosk"
    code = centre.enroll_code()
    command = ["enroll", "--server", centre.url, "--code", code, "--name", "Borne 1", "--data-dir", str(data)]
    assert main(command) == 0
    first = load_credential(data)
    (data / CREDENTIAL_FILE).unlink()  # the answer never arrived: nothing was saved
    assert main(command) == 0
    again = load_credential(data)
    assert again.kiosk_id == first.kiosk_id and again.token != first.token
    assert [r["id"] for r in centre.query("SELECT id FROM kiosks")] == [first.kiosk_id]  # no orphan
    assert mode(data / CREDENTIAL_FILE) == 0o600
    elsewhere = tmp_path / "another-machine"
    assert main([*command[:-1], str(elsewhere)]) != 0  # the code is spent for any other machine
    assert "déjà utilisé" in capsys.readouterr().err


def test_doctor_says_when_the_data_is_readable_by_others(tmp_path, clock):
    from kiosk.doctor import run_checks

    data = tmp_path / "kiosk"
    open_services(data, KioskConfig(), clock=clock).close()
    checks = {c.id: c for c in run_checks(None, data, client_factory=lambda *a: None).checks}
    assert checks["data_dir"].status == "ok"
    os.chmod(data / DATABASE_FILE, 0o644)
    checks = {c.id: c for c in run_checks(None, data, client_factory=lambda *a: None).checks}
    assert checks["data_dir"].status == "warning" and DATABASE_FILE in checks["data_dir"].en
