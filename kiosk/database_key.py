"""The key that encrypts the kiosk's database file at rest (SQLCipher), bound to the machine.

Threat addressed: a powered-off kiosk, its disk, or a copy of its data folder read somewhere
else. With this key the whole database file, its write-ahead log and its backups are encrypted
(kiosk/store/connection.py): without the machine, the file is random bytes, names and bookings
included. Personal data inside it is sealed besides, with its own key (kiosk/data_key.py).

The key is a systemd credential only (`LoadCredentialEncrypted=slvie-database-key:…` in
installers/debian/slvie-kiosk.service), made once by the Debian package's postinst with
`systemd-creds encrypt --with-key=auto`: sealed by the machine's TPM2 chip when it has one, else
by the host key in /var/lib/systemd (root's alone, on the same disk). A key file beside the data
would protect nothing, so a kiosk run outside the package (the demo, the tests, a hand install)
keeps a plain database, and `slvie-kiosk doctor` says so.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.credentials import read_credential
from kiosk.errors import KioskError

CREDENTIAL_NAME = "slvie-database-key"
SEALED_CREDENTIAL_FILE = "database-key.cred"  # made by the Debian package; systemd opens it for the service
KEY_BYTES = 32


class DatabaseKeyError(KioskError):
    """The database is encrypted and its key is not here, or does not open it."""


def find_database_key(data_dir: Path) -> bytes | None:
    """The machine's database key when systemd gives it; None when the kiosk runs without one.

    On a machine where the package sealed a key, a command run without it (by the kiosk's user by
    hand) is refused rather than allowed to write a plain database beside the encrypted one.
    """
    secret = read_credential(CREDENTIAL_NAME)
    if secret is None:
        sealed = Path(data_dir) / SEALED_CREDENTIAL_FILE
        if sealed.exists():
            raise DatabaseKeyError("error.database_key.sealed_for_service", credential=sealed)
        return None
    if len(secret) != KEY_BYTES:
        raise DatabaseKeyError("error.database_key.wrong_size", name=CREDENTIAL_NAME)
    return secret
