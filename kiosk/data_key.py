"""The key that seals personal data in the kiosk's database, bound to the machine where it can be.

Threat addressed: a kiosk's disk (or a copy of its data folder, or a backup of it) read
somewhere else. Names, birth dates, card and badge numbers and PIN/password hashes are
stored sealed (kiosk/store/sealing.py); what unseals them is this key, which is:

1. in production, a systemd credential (`LoadCredentialEncrypted=slvie-data-key:…` in
   installers/debian/slvie-kiosk.service). The Debian package makes it once with
   `systemd-creds encrypt --with-key=auto`: sealed by the machine's TPM2 chip when it has
   one (the disk alone is then worthless), else by the host key in /var/lib/systemd (which
   only root reads, but which lies on the same disk). systemd hands it, decrypted, to the
   kiosk's service only, in $CREDENTIALS_DIRECTORY;
2. otherwise (development, a kiosk installed by hand), a file `data-key` (0600) in the data
   folder, made the first time: it keeps personal data out of a copy of the database file
   alone, nothing more. `slvie-kiosk doctor` says which of the two is in use.

Not addressed: a thief who takes the whole machine and gets root on it while it runs (or
boots it, when the TPM releases the credential without a PIN or a measured boot): they get
what the kiosk itself can read. Full-disk encryption (LUKS) unlocked by TPM2 with a boot
policy (PCR 7, Secure Boot) is the step after; docs/threat-model.md says so.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.credentials import read_credential
from kiosk.errors import KioskError
from kiosk.signing_key import write_private_file_once

CREDENTIAL_NAME = "slvie-data-key"
SEALED_CREDENTIAL_FILE = "data-key.cred"  # made by the Debian package; systemd opens it for the service
KEY_FILE_NAME = "data-key"
KEY_BYTES = 32


class KeySource(StrEnum):
    MACHINE = "machine"  # a systemd credential (TPM2 or host key)
    FILE = "file"  # a file in the data folder: not bound to the machine


@dataclass(frozen=True)
class DataKey:
    secret: bytes
    source: KeySource


class DataKeyError(KioskError):
    """The key that seals personal data cannot be had."""


def load_data_key(data_dir: Path) -> DataKey:
    """The machine's credential when systemd gives one, else the data folder's key file (made once)."""
    found = find_data_key(data_dir)
    if found is not None:
        return found
    write_private_file_once(Path(data_dir) / KEY_FILE_NAME, secrets.token_bytes(KEY_BYTES))
    return DataKey(_read(Path(data_dir) / KEY_FILE_NAME), KeySource.FILE)


def find_data_key(data_dir: Path) -> DataKey | None:
    """The key in use, without making one (None when there is none yet)."""
    given = read_credential(CREDENTIAL_NAME)
    if given is not None:
        return DataKey(_of_right_size(given, CREDENTIAL_NAME), KeySource.MACHINE)
    if (Path(data_dir) / SEALED_CREDENTIAL_FILE).exists():
        # Never a key of another kind beside the machine's: the data would be sealed with two keys.
        raise DataKeyError("error.data_key.sealed_for_service", credential=Path(data_dir) / SEALED_CREDENTIAL_FILE)
    path = Path(data_dir) / KEY_FILE_NAME
    return DataKey(_read(path), KeySource.FILE) if path.exists() else None


def _read(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
    except OSError as error:
        raise DataKeyError("error.data_key.unreadable", path=path, reason=error.strerror or error) from None
    return _of_right_size(secret, path)


def _of_right_size(secret: bytes, where: Path | str) -> bytes:
    if len(secret) != KEY_BYTES:
        raise DataKeyError("error.data_key.wrong_size", path=where)
    return secret
