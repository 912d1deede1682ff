"""The kiosk's token stays sealed in its credential file: never in a log record, a repr, the command line's
output or any file in clear.

A kiosk is enrolled with `slvie-kiosk enroll`, syncs in-process (a booking pushed, the
centre's changes pulled) and with `slvie-kiosk sync --once`, then fails to sync (centre
down, then credential revoked), with every logger at DEBUG and captured raw (before any
redaction a log handler may do). The token must appear nowhere in clear: its credential file,
which only the kiosk's user may read, holds it sealed with the machine's data key.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.data_key import CREDENTIAL_NAME as DATA_KEY_CREDENTIAL
from kiosk.data_key import SEALED_CREDENTIAL_FILE as SEALED_DATA_KEY_FILE
from kiosk.data_key import DataKeyError
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from sync.client import CentralClient, CredentialRefused, TransientError
from sync.credential import CREDENTIAL_FILE, Credential, load_credential, save_credential, seal_token_in_clear
from sync.engine import SyncEngine
from tests.factories import CLAIRE_CARD, KARIM_CARD, holder

FORMATTER = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def debug_everywhere(caplog) -> None:
    """Every logger known so far, and the root, at DEBUG (caplog puts the levels back after the test)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def site_config(tmp_path, url: str):
    text = f'[central]\nurl = "{url}"\n'
    if any(f.name == "logging" for f in dataclasses.fields(KioskConfig)):
        text += '[logging]\nlevel = "debug"\n'  # the command line's own log files at debug level too
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def record_texts(records: list[logging.LogRecord]) -> list[str]:
    """Each record as a handler would write it (message, arguments, traceback), and its raw fields."""
    texts = []
    for record in records:
        texts.append(FORMATTER.format(record))
        texts.append(repr(record.msg) + repr(record.args) + repr(vars(record)))
    return texts


def stop_command_logging() -> None:
    try:
        from kiosk.logs import stop_logging
    except ImportError:  # no file logging in this version of the command line
        return
    stop_logging()


def test_the_token_never_shows_in_logs_reprs_or_the_command_output(
    tmp_path, centre, clock, caplog, capsys, monkeypatch
):
    monkeypatch.setenv("SLVIE_KIOSK_LOG_DIR", str(tmp_path / "logs"))
    debug_everywhere(caplog)
    data = tmp_path / "kiosk"
    common = ["--data-dir", str(data), "--config", str(site_config(tmp_path, centre.url))]
    output = []
    try:
        code = centre.enroll_code()
        assert main(["enroll", "--server", centre.url, "--code", code, "--name", "Borne 1", *common]) == 0
        output.append(capsys.readouterr())
        credential = load_credential(data)
        token = credential.token
        assert len(token) >= 32

        # In-process: the first pull, a booking pushed, the centre's answer pulled.
        debug_everywhere(caplog)  # the command may have set its own levels
        services = open_services(data, KioskConfig(), clock=clock)
        client = CentralClient(credential.server, credential.token)
        try:
            engine = SyncEngine(services.db, client, clock=clock)
            assert engine.run_cycle().pulled > 0
            claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").household
            services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
            report = engine.run_cycle()
            assert report.applied == 1 and report.pulled > 0
            karim = services.identity.identify(BENEFICIARY, KARIM_CARD, "1234").household
            # left for the command line to push
            services.bookings.book(BENEFICIARY, holder(karim), "T1", "T1-S1", ["P4"])
            reprs = [repr(client), str(client), repr(credential), str(credential), repr(engine)]
        finally:
            client.close()
            services.close()

        # The command line: a cycle that pushes, one with the centre down, one with the credential revoked.
        assert main(["sync", "--once", *common]) == 0
        out = capsys.readouterr()
        output.append(out)
        assert "pushed 1 (applied 1" in out.out
        centre.stop()
        assert main(["sync", "--once", *common]) == 2
        output.append(capsys.readouterr())
        centre.start()
        assert centre.cli("revoke", credential.kiosk_id)[0] == 0
        assert main(["sync", "--once", *common]) == 2
        output.append(capsys.readouterr())
        debug_everywhere(caplog)
        refused = CentralClient(credential.server, credential.token)
        try:
            with pytest.raises(CredentialRefused) as error:
                refused.me()
            reprs += [repr(error.value), str(error.value), error.value.fr, error.value.en]
        finally:
            refused.close()
        centre.stop()
        gone = CentralClient(credential.server, credential.token, timeout=(1, 1))
        try:
            with pytest.raises(TransientError) as error:
                gone.changes(0, 10)
            reprs += [repr(error.value), str(error.value), repr(error.value.__cause__), repr(error.value.__context__)]
        finally:
            gone.close()
    finally:
        stop_command_logging()

    secret = token.split("_", 1)[-1]  # the random part, whatever prefix it carries
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for text in record_texts(caplog.records):
        assert secret not in text
    for text in reprs:
        assert secret not in text
    printed = "".join(o.out + o.err for o in output)
    assert "Kiosk enrolled" in printed and "Sync failed" in printed
    assert secret not in printed
    for folder in (tmp_path / "logs", data):  # the command line's log files, anything else the kiosk wrote
        for path in folder.rglob("*"):
            if path.is_file() and ".sqlite3" not in path.name:
                assert secret.encode() not in path.read_bytes(), path
    assert secret not in centre.log()


def enrol_with_the_command(centre, data, config) -> None:
    """`slvie-kiosk enroll` as IT runs it."""
    command = ["enroll", "--server", centre.url, "--code", centre.enroll_code(), "--data-dir", str(data)]
    assert main([*command, "--config", str(config)]) == 0
    stop_command_logging()


def test_the_credential_file_is_for_the_kiosk_user_only(tmp_path, centre):
    data = tmp_path / "kiosk"
    config = site_config(tmp_path, centre.url)
    enrol_with_the_command(centre, data, config)
    path = data / CREDENTIAL_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not path.with_suffix(".part").exists()

    os.chmod(path, 0o644)  # someone loosened it: the next save puts it right
    credential = load_credential(data)
    save_credential(data, Credential(credential.server, credential.kiosk_id, credential.site_id, credential.token))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_credential(data) == credential


def machine_key(folder, key: bytes):
    """The data key systemd hands to the kiosk's service on a packaged kiosk (kiosk/data_key.py)."""
    folder.mkdir()
    (folder / DATA_KEY_CREDENTIAL).write_bytes(key)
    (folder / "data").mkdir()
    (folder / "data" / SEALED_DATA_KEY_FILE).write_bytes(b"sealed by systemd-creds")
    return folder


def test_a_copy_of_the_data_folder_does_not_hold_the_token(tmp_path, centre, monkeypatch):
    """Stolen kiosk: its data folder copied to another machine gives no token to act as the kiosk."""
    here = machine_key(tmp_path / "here", b"h" * 32)
    data = here / "data"
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(here))
    enrol_with_the_command(centre, data, site_config(tmp_path, centre.url))
    credential = load_credential(data)
    assert credential is not None and CentralClient(credential.server, credential.token).me()["site_id"]
    assert credential.token.split("_", 1)[-1].encode() not in (data / CREDENTIAL_FILE).read_bytes()

    elsewhere = machine_key(tmp_path / "elsewhere", b"e" * 32)
    copy = elsewhere / "data"
    (copy / CREDENTIAL_FILE).write_bytes((data / CREDENTIAL_FILE).read_bytes())
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(elsewhere))
    assert load_credential(copy) is None  # another machine's key: not enrolled there
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    with pytest.raises(DataKeyError) as refused:  # on the kiosk itself, outside its service: said plainly
        load_credential(data)
    assert "slvie-kiosk" in refused.value.message("fr") and "kiosk's service" in refused.value.message("en")


def test_a_token_an_earlier_release_wrote_in_clear_is_sealed_by_the_service_as_it_starts(tmp_path):
    token = "slvk_" + "Q" * 43
    clear = {"server": "https://central.example", "kiosk_id": "K-1", "site_id": "SITE", "token": token}
    (tmp_path / CREDENTIAL_FILE).write_text(json.dumps(clear))
    os.chmod(tmp_path / CREDENTIAL_FILE, 0o600)
    before = (tmp_path / CREDENTIAL_FILE).read_bytes()
    assert load_credential(tmp_path) == Credential("https://central.example", "K-1", "SITE", token)
    assert (tmp_path / CREDENTIAL_FILE).read_bytes() == before  # reading writes nothing (a command, the doctor)
    seal_token_in_clear(tmp_path)
    assert b"Q" * 20 not in (tmp_path / CREDENTIAL_FILE).read_bytes()
    assert load_credential(tmp_path).token == token
    assert stat.S_IMODE(os.stat(tmp_path / CREDENTIAL_FILE).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if "part" in p.name] == []


@pytest.mark.parametrize("field, value", [("kiosk_id", "K-2"), ("server", "http://elsewhere.example")])
def test_a_sealed_token_does_not_open_for_another_kiosk_nor_another_server(tmp_path, field, value):
    save_credential(tmp_path, Credential("https://central.example", "K-1", "SITE", "slvk_" + "A" * 43))
    document = json.loads((tmp_path / CREDENTIAL_FILE).read_text())
    (tmp_path / CREDENTIAL_FILE).write_text(json.dumps(document | {field: value}))
    assert load_credential(tmp_path) is None  # the token never goes to a server it was not given for


@pytest.mark.parametrize(
    "content",
    ['{"server": "https://c.example", "kiosk_id": "K-1", "site_id": "S", "token": null}', '{"server": 1', "[]", ""],
)
def test_a_damaged_credential_file_is_no_credential(tmp_path, content):
    (tmp_path / CREDENTIAL_FILE).write_text(content)
    assert load_credential(tmp_path) is None


def test_two_writers_at_once_leave_one_whole_private_file_and_nothing_else(tmp_path):
    credentials = [Credential("https://central.example", f"K-{n}", "SITE", f"slvk_{n:043d}") for n in range(2)]
    (tmp_path / f"{CREDENTIAL_FILE}.part").symlink_to(tmp_path / "elsewhere")  # left by someone: never written through
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(50):
            list(pool.map(lambda credential: save_credential(tmp_path, credential), credentials))
    assert load_credential(tmp_path) in credentials
    assert stat.S_IMODE(os.stat(tmp_path / CREDENTIAL_FILE).st_mode) == 0o600
    assert not (tmp_path / "elsewhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [CREDENTIAL_FILE, f"{CREDENTIAL_FILE}.part", "data-key"]
    )


def test_the_token_is_not_in_the_repr_of_a_client_or_a_credential():
    token = "slvk_" + "Z" * 43
    credential = Credential("https://central.example", "K-1", "SITE", token)
    client = CentralClient("https://central.example/v1", token)
    try:
        for text in (repr(credential), str(credential), f"{credential}", repr(client), str(client), f"{client!r}"):
            assert "Z" * 20 not in text
        assert "K-1" in repr(credential) and "central.example" in repr(client)
    finally:
        client.close()


def test_the_token_is_not_in_the_repr_of_an_enrolment_answer():
    from sync.client import Enrolment

    enrolment = Enrolment("K-1", "SITE", "slvk_" + "Z" * 43)
    assert "Z" * 20 not in repr(enrolment)
