"""This kiosk's credential for the central API, obtained at enrolment and kept in the data directory."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

CREDENTIAL_FILE = "central-credential.json"


@dataclass(frozen=True)
class Credential:
    server: str
    kiosk_id: str
    site_id: str
    token: str

    def __repr__(self) -> str:  # never print the token
        return f"Credential(server={self.server!r}, kiosk_id={self.kiosk_id!r}, site_id={self.site_id!r})"


def save_credential(data_dir: Path, credential: Credential) -> Path:
    return write_secret_json(data_dir / CREDENTIAL_FILE, asdict(credential))


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
    path = data_dir / CREDENTIAL_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credential(str(data["server"]), str(data["kiosk_id"]), str(data["site_id"]), str(data["token"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
