"""This kiosk's Ed25519 key for signing vouchers, kept in the data directory.

The private key is a PEM file readable by the kiosk's user only (mode 0600),
created atomically the first time it is needed: a crash can never leave half a
key behind, and two processes starting at once end up with the same key. Its
public half is what IT publishes so that anyone can check a voucher offline
(`slvie-kiosk voucher public-key`). A key file that cannot be read is reported,
never silently replaced: vouchers already printed rely on it.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from kiosk.domain.voucher import key_id
from kiosk.errors import KioskError

KEY_FILE_NAME = "voucher-signing-key.pem"

log = logging.getLogger(__name__)


class SigningKeyError(KioskError):
    """The voucher signing key (or a public key given to check vouchers) cannot be used."""


def signing_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE_NAME


def load_signing_key(data_dir: Path) -> Ed25519PrivateKey | None:
    """This kiosk's key, or None if it has none yet."""
    path = signing_key_path(data_dir)
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SigningKeyError(
            "error.signing_key.voucher_signing_key_read",
            path=path,
            reason=error.strerror or error,
        ) from None
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("error.signing_key.voucher_signing_key_damaged", path=path)
    if stat.S_IMODE(mode) & 0o077:
        log.warning("voucher signing key %s was readable by others; restricting it to mode 0600", path)
        try:
            os.chmod(path, 0o600)
        except OSError:
            log.warning("could not restrict the mode of %s", path)
    return key


def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """This kiosk's key, created (mode 0600, atomically) the first time."""
    key = load_signing_key(data_dir)
    if key is not None:
        return key
    path = signing_key_path(data_dir)
    new_key = Ed25519PrivateKey.generate()
    try:
        write_private_file_once(path, new_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    except OSError as error:
        raise SigningKeyError(
            "error.signing_key.voucher_signing_key_created",
            parent=path.parent,
            reason=error.strerror or error,
        ) from None
    key = load_signing_key(data_dir)
    assert key is not None
    return key


def write_private_file_once(path: Path, data: bytes) -> None:
    """Create `path` (mode 0600) holding `data`, atomically, unless it exists: a crash never leaves half a
    file, and of two processes creating it at once, the first one's content wins for both."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            # link() never replaces an existing file: if another process created it meanwhile, theirs wins.
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():  # a file system without hard links
                os.rename(temporary, path)
        _fsync_directory(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key to publish, as PEM text (SubjectPublicKeyInfo)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def kiosk_key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return key_id(public)


def parse_public_key(pem: str) -> Ed25519PublicKey | None:
    """An Ed25519 public key written as PEM (as published), or None for anything else."""
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def read_public_key(path: Path) -> Ed25519PublicKey:
    """A published public key (PEM); a private key file is accepted too and its public half used."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyError(
            "error.signing_key.public_key_read",
            path=path,
            reason=error.strerror or error,
        ) from None
    key: object = None
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError):
        try:
            key = load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            key = None
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError("error.signing_key.file_ed_public_key", path=path)
    return key


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
