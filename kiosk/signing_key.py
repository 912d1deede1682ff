"""This kiosk's Ed25519 key for signing vouchers and audit entries, kept out of the data folder.

Threat addressed: someone who holds the kiosk's data folder (a copy, a backup, the folder taken off
the disk) re-signing audit entries not yet sent, or signing vouchers, as this kiosk. The key is:

1. in the Debian package, a systemd credential (`LoadCredentialEncrypted=slvie-signing-key:…` in
   installers/debian/slvie-kiosk.service), sealed by `systemd-creds --with-key=auto` at install (the
   machine's TPM2 chip when it has one, else the host key, root's alone) and handed in clear to the
   kiosk's service only (kiosk/credentials.py). The sealed file beside the data is of no use elsewhere;
2. otherwise (a kiosk installed by hand, development), a PEM file (mode 0600, the kiosk's user's) in a
   key folder outside the data folder: $SLVIE_KIOSK_KEY_DIR, else the data folder's sibling
   `<data folder>-keys`. A key left in the data folder by an earlier release is moved there the first
   time the kiosk starts; where that folder cannot be made, the key stays in the data folder, and
   `slvie-kiosk doctor` warns whenever a key sits there.

The file is created atomically the first time it is needed: a crash can never leave half a key behind,
and two processes starting at once end up with the same key. Its public half is what the centre
publishes so that anyone can check a voucher offline (`slvie-kiosk voucher public-key`); the centre
keeps the first key a kiosk publishes and refuses another (sync/server/voucher_keys.py). A key that
cannot be read is reported, never silently replaced: vouchers already printed rely on it.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass
from enum import StrEnum
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

from kiosk.credentials import read_credential
from kiosk.domain.voucher import key_id
from kiosk.errors import KioskError

KEY_FILE_NAME = "voucher-signing-key.pem"
KEY_DIR_VARIABLE = "SLVIE_KIOSK_KEY_DIR"
CREDENTIAL_NAME = "slvie-signing-key"
SEALED_CREDENTIAL_FILE = "signing-key.cred"  # made by the Debian package; systemd opens it for the service

log = logging.getLogger(__name__)


class SigningKeyError(KioskError):
    """The voucher signing key (or a public key given to check vouchers) cannot be used."""


class KeySource(StrEnum):
    MACHINE = "machine"  # a systemd credential (TPM2 or host key)
    KEY_FOLDER = "key_folder"  # a file outside the data folder
    DATA_FOLDER = "data_folder"  # a file in the data folder: whoever holds the folder holds the key


@dataclass(frozen=True)
class SigningKey:
    key: Ed25519PrivateKey
    source: KeySource
    path: Path | None  # the file it was read from; None for a credential


def signing_key_path(data_dir: Path) -> Path:
    """Where this kiosk's key file is made: in the key folder, outside the data folder."""
    configured = os.environ.get(KEY_DIR_VARIABLE)
    folder = Path(configured) if configured else Path(data_dir).with_name(Path(data_dir).name + "-keys")
    return folder / KEY_FILE_NAME


def key_in_data_folder(data_dir: Path) -> Path:
    """Where earlier releases kept the key (and where it stays when no key folder can be made)."""
    return Path(data_dir) / KEY_FILE_NAME


def find_signing_key(data_dir: Path) -> SigningKey | None:
    """The key in use and where it comes from, without making or moving anything (None: none yet)."""
    given = read_credential(CREDENTIAL_NAME)
    if given is not None:
        return SigningKey(_private_key(given, CREDENTIAL_NAME), KeySource.MACHINE, None)
    sealed = Path(data_dir) / SEALED_CREDENTIAL_FILE
    if sealed.exists():
        # Never a key file beside the machine's: vouchers and audit entries would be signed by two keys.
        raise SigningKeyError("error.signing_key.sealed_for_service", credential=sealed)
    for path, source in (
        (signing_key_path(data_dir), KeySource.KEY_FOLDER),
        (key_in_data_folder(data_dir), KeySource.DATA_FOLDER),
    ):
        key = _read_key_file(path)
        if key is not None:
            return SigningKey(key, source, path)
    return None


def load_signing_key(data_dir: Path) -> Ed25519PrivateKey | None:
    """This kiosk's key, or None if it has none yet."""
    found = find_signing_key(data_dir)
    return None if found is None else found.key


def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """This kiosk's key: created (mode 0600, atomically) the first time, in the key folder; one an earlier
    release left in the data folder is moved there."""
    found = find_signing_key(data_dir)
    if found is not None and found.source is not KeySource.DATA_FOLDER:
        return found.key
    target = signing_key_path(data_dir)
    try:
        _make_key_folder(target.parent)
    except OSError as error:
        log.warning("no key folder %s (%s): the signing key stays in the data folder", target.parent, error)
        target = key_in_data_folder(data_dir)
        if found is not None:
            return found.key
    pem = (
        found.path.read_bytes()
        if found is not None and found.path is not None
        else Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    try:
        write_private_file_once(target, pem)
    except OSError as error:
        raise SigningKeyError(
            "error.signing_key.voucher_signing_key_created",
            parent=target.parent,
            reason=error.strerror or error,
        ) from None
    key = _read_key_file(target)
    assert key is not None
    if found is not None and target != found.path and public_key_pem(key) == public_key_pem(found.key):
        key_in_data_folder(data_dir).unlink(missing_ok=True)  # moved out: the copy left behind goes
        _fsync_directory(Path(data_dir))
        log.info("voucher signing key moved out of the data folder to %s", target)
    return key


def _make_key_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _private_key(data: bytes, where: Path | str) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("error.signing_key.voucher_signing_key_damaged", path=where)
    return key


def _read_key_file(path: Path) -> Ed25519PrivateKey | None:
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
    key = _private_key(data, path)
    if stat.S_IMODE(mode) & 0o077:
        log.warning("voucher signing key %s was readable by others; restricting it to mode 0600", path)
        try:
            os.chmod(path, 0o600)
        except OSError:
            log.warning("could not restrict the mode of %s", path)
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
