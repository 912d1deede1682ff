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
sealed by the kiosk's service as it starts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.data_key import find_data_key, load_data_key
from kiosk.files import write_whole
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
    document = asdict(credential) | {"token": sealed}
    return write_whole(data_dir / CREDENTIAL_FILE, json.dumps(document).encode("utf-8"))


def _sealing_owner(credential: Credential) -> str:
    """What the sealed token is bound to: moved into another kiosk's credential, or this one pointed at
    another server, it does not open (the token would otherwise go to that server)."""
    return f"credential:{credential.server}:{credential.site_id}:{credential.kiosk_id}"


def _stored(data_dir: Path) -> Credential | None:
    """The credential file as written, its token still sealed (or in clear, from an earlier release)."""
    try:
        data = json.loads((data_dir / CREDENTIAL_FILE).read_text(encoding="utf-8"))
        fields = [data["server"], data["kiosk_id"], data["site_id"], data["token"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(value, str) and value for value in fields):
        return None
    return Credential(*fields)


def load_credential(data_dir: Path) -> Credential | None:
    """This kiosk's credential; None when it has none it can use (never enrolled, or a file that is
    damaged or was sealed on another machine). Never writes anything (any process may read it: the
    service, a command, the doctor run by root). Raises the data key's error when the machine's key is
    not given to this process (a packaged kiosk's command run outside its service)."""
    stored = _stored(data_dir)
    if stored is None or not stored.token.startswith(SEALED_PREFIX):  # in clear: an earlier release's
        return stored
    key = find_data_key(data_dir)
    try:
        token = Sealer(key).unseal(stored.token, _sealing_owner(stored)) if key is not None else None
    except ValueError:
        token = None
    if token is None:
        log.warning("the central credential does not open with this machine's data key: enrol this kiosk again")
        return None
    return replace(stored, token=token)


def seal_token_in_clear(data_dir: Path) -> None:
    """Seal a token an earlier release wrote in clear. The kiosk's service does it as it starts, as the
    kiosk's user and before its sync starts; a failure (a full disk) leaves the file as it was."""
    stored = _stored(data_dir)
    if stored is None or stored.token.startswith(SEALED_PREFIX):
        return
    try:
        save_credential(data_dir, stored)
    except OSError as error:
        log.warning("the central token stays in clear for now: %s", error.strerror or error)
