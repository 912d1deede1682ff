"""This kiosk's credential for the central API, obtained at enrolment and kept in the data directory.

Enrolment spends a one-time code. If its answer (the token) is lost on the way, running the
same enrolment again must not need a new code nor leave a kiosk at the centre that no
machine holds: each request carries an `attempt` that only this machine can make for this
code (a hash of its voucher key's signature of the code; Ed25519 signatures are
deterministic, so a new run makes the same one). The centre gives the same kiosk a fresh
token when the same code comes back with the same attempt within a few minutes.

The token is kept sealed with the machine's data key (kiosk/data_key.py), like the personal data:
on a packaged kiosk that key is a systemd credential bound to the machine, so a copy of the data
folder does not let its holder act as the kiosk. A token an earlier release wrote in clear is
sealed the first time it is read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.data_key import load_data_key
from kiosk.store.sealing import PREFIX as SEALED_PREFIX
from kiosk.store.sealing import Sealer
from sync.wire import normalise_code

CREDENTIAL_FILE = "central-credential.json"
_ATTEMPT_DOMAIN = b"slvie-enrolment/1:"

log = logging.getLogger(__name__)


def enrolment_attempt(key: Ed25519PrivateKey, code: str) -> str:
    """The same text each time this machine enrols with this code, and nobody else's."""
    signature = key.sign(_ATTEMPT_DOMAIN + normalise_code(code).encode("utf-8"))
    return base64.urlsafe_b64encode(hashlib.sha256(signature).digest()).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Credential:
    server: str
    kiosk_id: str
    site_id: str
    token: str

    def __repr__(self) -> str:  # never print the token
        return f"Credential(server={self.server!r}, kiosk_id={self.kiosk_id!r}, site_id={self.site_id!r})"


def save_credential(data_dir: Path, credential: Credential) -> Path:
    sealed = Sealer(load_data_key(data_dir)).seal(credential.token, _sealing_owner(credential))
    return write_secret_json(data_dir / CREDENTIAL_FILE, asdict(credential) | {"token": sealed})


def _sealing_owner(credential: Credential) -> str:
    """What the sealed token is bound to: moved into another kiosk's credential, it does not open."""
    return f"credential:{credential.site_id}:{credential.kiosk_id}"


def write_secret_json(path: Path, document: dict[str, str]) -> Path:
    """Written atomically, readable by the kiosk's user only (a credential, an enrolment code)."""
    partial = path.with_suffix(".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def load_credential(data_dir: Path) -> Credential | None:
    """This kiosk's credential; None when it has none it can use (never enrolled, or a file that is
    damaged or was sealed on another machine). Raises the data key's error when the machine's key
    is not given to this process (a packaged kiosk's command run outside its service)."""
    path = data_dir / CREDENTIAL_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stored = Credential(str(data["server"]), str(data["kiosk_id"]), str(data["site_id"]), str(data["token"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not stored.token.startswith(SEALED_PREFIX):  # written in clear by an earlier release
        save_credential(data_dir, stored)
        return stored
    try:
        token = Sealer(load_data_key(data_dir)).unseal(stored.token, _sealing_owner(stored))
    except ValueError:
        log.warning("the central credential was sealed with another machine's key: this kiosk must be enrolled again")
        return None
    return replace(stored, token=str(token))
