"""Secrets that systemd hands to the kiosk's service: the one way to read a credential.

The Debian package seals each secret with `systemd-creds encrypt --with-key=auto` (the machine's
TPM2 chip when it has one, else the host key in /var/lib/systemd, root's alone) and the unit loads
it with `LoadCredentialEncrypted=NAME:FILE`; systemd then puts it, decrypted, in a folder of the
service's own, named by $CREDENTIALS_DIRECTORY. The wrapper /usr/bin/slvie-kiosk does the same
for a command run by root (installers/debian/slvie-kiosk.sh). Elsewhere there is no such folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import KioskError

CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY"


class CredentialError(KioskError):
    """A credential systemd gave cannot be read."""


def read_credential(name: str) -> bytes | None:
    """The secret systemd gave this process under `name`, or None when it gave none."""
    folder = os.environ.get(CREDENTIALS_DIRECTORY)
    if not folder:
        return None
    path = Path(folder) / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CredentialError("error.credential.unreadable", name=name, reason=error.strerror or error) from None
