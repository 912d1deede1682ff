"""`slvie-kiosk doctor` against a real centre on loopback: what it finds, for a person and as JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.doctor import OK, PROBLEM, SKIPPED, WARNING, run_checks
from kiosk.printing.printer import PrinterStatus
from kiosk.services.context import open_services
from kiosk.store.database import DATABASE_FILE
from sync.credential import Credential, save_credential
from tests.factories import NOW
from tests.sync.conftest import Kiosk


def ready_printer(queue):
    return PrinterStatus(queue, exists=True, enabled=True, accepting=True)


@pytest.fixture
def site(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        '[site]\nid = "DEMO-LYON-PARTDIEU"\n[printer]\nqueue = "thermique"\n[logging]\nlevel = "debug"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def enrolled(tmp_path, centre, clock):
    """A kiosk enrolled with the centre (its credential saved as `slvie-kiosk enroll` would) and synced once."""
    client = centre.enroll(name="doctor")
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    save_credential(data_dir, Credential(centre.url, client.kiosk_id, client.site_id, client.token))
    kiosk = Kiosk(data_dir, centre.url, client.token, clock)
    kiosk.sync()
    kiosk.close()
    return data_dir


def by_id(report):
    return {check.id: check for check in report.checks}


def check(site, data_dir, **options):
    options.setdefault("now", lambda: NOW)
    options.setdefault("local_now", lambda: NOW + timedelta(minutes=5))
    options.setdefault("printer_status", ready_printer)
    return run_checks(site, data_dir, **options)


def test_a_healthy_kiosk_has_no_problem(site, enrolled):
    report = check(site, enrolled)
    found = by_id(report)
    assert report.ok, [c.en for c in report.checks if c.status == PROBLEM]
    for name in (
        "config",
        "data_dir",
        "database",
        "recovery",
        "disk",
        "logs",
        "printer",
        "central",
        "credential",
        "clock",
        "last_sync",
        "outbox",
    ):
        assert found[name].status == OK, (name, found[name].en)
    assert found["database"].details["integrity"] == "ok"
    assert found["database"].details["schema"] == found["database"].details["latest_schema"]
    assert found["clock"].details["skew_seconds"] == 0
    assert found["credential"].details["site_id"] == "DEMO-LYON-PARTDIEU"
    assert "token" not in report.to_json()
    text = report.to_text()
    assert "Aucun problème" in text and "No problem" in text


@pytest.mark.parametrize(
    "offset, status", [(timedelta(seconds=20), OK), (timedelta(seconds=90), WARNING), (timedelta(minutes=-10), PROBLEM)]
)
def test_clock_skew_with_the_centre(site, enrolled, offset, status):
    found = by_id(check(site, enrolled, now=lambda: NOW + offset))
    assert found["clock"].status == status
    assert found["clock"].details["skew_seconds"] == round(offset.total_seconds())


def test_an_old_last_sync_is_a_problem(site, enrolled):
    found = by_id(check(site, enrolled, local_now=lambda: NOW + timedelta(hours=30)))
    assert found["last_sync"].status == PROBLEM and "30 h" in found["last_sync"].en


def test_an_unreachable_centre_and_a_refused_credential(site, enrolled, centre):
    save_credential(enrolled, Credential(centre.url, "K-x", "DEMO-LYON-PARTDIEU", "not-a-valid-token"))
    found = by_id(check(site, enrolled))
    assert found["central"].status == OK and found["credential"].status == PROBLEM
    centre.stop()
    report = check(site, enrolled)
    found = by_id(report)
    assert not report.ok
    assert found["central"].status == PROBLEM and "unreachable" in found["central"].en
    assert found["credential"].status == SKIPPED
    assert "not-a-valid-token" not in report.to_json() + report.to_text()


def test_run_outside_the_service_of_a_packaged_kiosk_says_the_token_cannot_be_opened_here(site, enrolled):
    """The token is sealed with the machine's data key, which systemd hands to the kiosk's service only."""
    (enrolled / "data-key").unlink()
    (enrolled / "data-key.cred").write_bytes(b"sealed by systemd-creds")  # as the Debian package leaves it
    report = check(site, enrolled)
    found = by_id(report)
    assert found["central"].status == PROBLEM and "sealed for the kiosk's service" in found["central"].en
    assert found["credential"].status == SKIPPED
    assert found["last_sync"].status == OK  # still known as enrolled: its last sync is still judged
    central = next(c for c in json.loads(report.to_json())["checks"] if c["id"] == "central")  # for monitoring tools
    assert "sealed for the kiosk's service" in central["en"] and "service du kiosque" in central["fr"]


def test_a_damaged_credential_file_is_named_not_taken_for_a_kiosk_never_enrolled(site, enrolled):
    (enrolled / "central-credential.json").write_text('{"server": "https://c')
    found = by_id(check(site, enrolled))
    assert found["central"].status == PROBLEM and "damaged or was sealed on another machine" in found["central"].en


def test_printer_and_configuration_problems_are_named(tmp_path, site, enrolled):
    bad = tmp_path / "bad.toml"
    bad.write_text('[logging]\nlevel = "loud"\n', encoding="utf-8")
    found = by_id(
        run_checks(
            bad,
            enrolled,
            now=lambda: NOW,
            local_now=lambda: NOW,
            printer_status=lambda q: PrinterStatus(q, exists=False),
        )
    )
    assert found["config"].status == PROBLEM and "logging.level" in found["config"].en
    assert found["printer"].status == PROBLEM and "no printer configured" in found["printer"].en.lower()
    found = by_id(
        check(site, enrolled, printer_status=lambda q: PrinterStatus(q, True, True, True, ("media-empty-error",)))
    )
    assert found["printer"].status == PROBLEM and "media-empty" in found["printer"].en
    assert found["printer"].details["state"] == "paper_out"  # the word its heartbeat sends the centre


def test_a_rebuilt_database_is_reported_until_acknowledged(site, enrolled, capsys, clock):
    services = open_services(enrolled, KioskConfig(), clock=clock)
    services.close()
    path = enrolled / DATABASE_FILE
    path.write_bytes(b"\0" * 4096)
    found = by_id(check(site, enrolled))
    assert found["database"].status == PROBLEM and "damaged" in found["database"].en

    open_services(enrolled, KioskConfig(), clock=clock).close()  # the next start rebuilds it
    found = by_id(check(site, enrolled))
    assert found["database"].status == OK
    assert found["recovery"].status == PROBLEM and "not all of its unsent operations" in found["recovery"].en
    assert found["last_sync"].status == PROBLEM  # a fresh database has never synced

    code = main(["doctor", "--json", "--acknowledge-recovery", "--data-dir", str(enrolled), "--config", str(site)])
    document = json.loads(capsys.readouterr().out)
    assert code == 1  # the printer cannot be reached from here, and the clock is today's
    assert {c["id"]: c["status"] for c in document["checks"]}["recovery"] == OK


def test_the_command_prints_json_and_fails_on_a_problem(site, enrolled, capsys):
    code = main(["doctor", "--json", "--data-dir", str(enrolled), "--config", str(site)])
    document = json.loads(capsys.readouterr().out)
    statuses = {c["id"]: c["status"] for c in document["checks"]}
    # The centre's clock is frozen in 2026-11-23 10:42: today's kiosk clock is far from it.
    assert code == 1 and document["ok"] is False and statuses["clock"] == PROBLEM
    assert {"fr", "en", "details"} <= set(document["checks"][0])
    code = main(["doctor", "--data-dir", str(enrolled), "--config", str(site)])
    text = capsys.readouterr().out
    assert code == 1 and "[ !! ]" in text and "problème" in text and "problem" in text
