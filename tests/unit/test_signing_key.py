"""Where this kiosk's signing key lives: a machine-bound credential, or a private file outside the data folder."""

from __future__ import annotations

import stat

import pytest

from kiosk.doctor import run_checks
from kiosk.signing_key import (
    CREDENTIAL_NAME,
    KEY_DIR_VARIABLE,
    SEALED_CREDENTIAL_FILE,
    KeySource,
    SigningKeyError,
    find_signing_key,
    key_in_data_folder,
    load_or_create_signing_key,
    public_key_pem,
    signing_key_path,
)


def doctor_says(data_dir):
    checks = run_checks(None, data_dir, client_factory=lambda *a, **k: None).checks
    return next(c for c in checks if c.id == "signing_key")


def files_under(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_a_new_key_is_a_private_file_outside_the_data_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    key = load_or_create_signing_key(data)

    path = signing_key_path(data)
    assert path.parent == tmp_path / "data-keys" and files_under(data) == []  # a copy of the folder has no key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert find_signing_key(data).source is KeySource.KEY_FOLDER
    assert public_key_pem(load_or_create_signing_key(data)) == public_key_pem(key)
    said = doctor_says(data)
    assert said.status == "warning" and "not bound to the machine" in said.en and "pas liée" in said.fr


def test_the_key_folder_can_be_named(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_DIR_VARIABLE, str(tmp_path / "keys"))
    load_or_create_signing_key(tmp_path / "data")
    assert files_under(tmp_path / "keys") == ["voucher-signing-key.pem"]


def test_a_key_an_earlier_release_left_in_the_data_folder_is_moved_out_whole(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    made_by_release_before = load_or_create_signing_key(data)
    signing_key_path(data).rename(key_in_data_folder(data))  # where earlier releases kept it
    said = doctor_says(data)
    assert said.status == "warning" and "whoever copies the folder" in said.en

    moved = load_or_create_signing_key(data)

    assert public_key_pem(moved) == public_key_pem(made_by_release_before)  # vouchers printed still check
    assert files_under(data) == [] and find_signing_key(data).source is KeySource.KEY_FOLDER
    assert doctor_says(data).status == "warning" and "outside the data folder" in doctor_says(data).en


def test_the_machines_credential_is_used_and_no_file_is_made(tmp_path, monkeypatch):
    data = tmp_path / "data"
    given = load_or_create_signing_key(tmp_path / "elsewhere")
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / CREDENTIAL_NAME).write_bytes(signing_key_path(tmp_path / "elsewhere").read_bytes())
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))

    assert public_key_pem(load_or_create_signing_key(data)) == public_key_pem(given)
    assert find_signing_key(data).source is KeySource.MACHINE
    assert not signing_key_path(data).exists() and not key_in_data_folder(data).exists()
    assert doctor_says(data).status == "ok"


def test_a_key_sealed_for_the_service_is_never_replaced_by_a_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / SEALED_CREDENTIAL_FILE).write_bytes(b"sealed by systemd-creds")
    with pytest.raises(SigningKeyError) as refused:
        load_or_create_signing_key(data)  # a command run outside the service: no credential given
    assert "LoadCredentialEncrypted=slvie-signing-key" in refused.value.en and refused.value.fr
    assert not signing_key_path(data).exists() and not key_in_data_folder(data).exists()
    assert doctor_says(data).status == "ok"
