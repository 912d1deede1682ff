"""Personal data sealed in the database: SQL functions on each connection, keyed by the machine's data key.

`seal(text, owner)` gives "s1:" + base64(nonce + AES-256-GCM ciphertext), bound to the row's
owner id (the associated data), so a sealed value moved to another person's row does not
open; `unseal(value, owner)` reverses it and fails on anything else (another machine's key,
an edited value). `blind_index(number)` is a keyed HMAC of a card or badge number: the
column a card is looked up by, which says nothing without the key. `digest(text)` is a
plain SHA-256, to recognise a value without keeping it. Both keys come from the data key
(kiosk/data_key.py) through HKDF, each for its own use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.data_key import DataKey
from kiosk.store import connection

PREFIX = "s1:"


def _subkey(secret: bytes, use: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"slvie-kiosk/" + use).derive(secret)


class Sealer:
    def __init__(self, key: DataKey):
        self._aead = AESGCM(_subkey(key.secret, b"seal/1"))
        self._index_key = _subkey(key.secret, b"blind-index/1")

    def seal(self, text: str | None, owner: str) -> str | None:
        if text is None:
            return None
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, str(text).encode("utf-8"), str(owner).encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, value: str | None, owner: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.startswith(PREFIX):
            raise ValueError("not a sealed value")
        try:
            raw = base64.b64decode(value[len(PREFIX) :], validate=True)
            return self._aead.decrypt(raw[:12], raw[12:], str(owner).encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError) as error:
            raise ValueError("sealed with another key, or altered") from error

    def blind_index(self, number: str | None) -> str | None:
        if number is None:
            return None
        return hmac.new(self._index_key, str(number).encode("utf-8"), hashlib.sha256).hexdigest()[:40]

    def install(self, conn: sqlite3.Connection) -> None:
        """The SQL functions, on this connection."""
        conn.create_function("seal", 2, self.seal)
        conn.create_function("unseal", 2, self.unseal, deterministic=True)
        conn.create_function("blind_index", 1, self.blind_index, deterministic=True)
        conn.create_function("digest", 1, digest, deterministic=True)


def digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def can_unseal(db_conn: sqlite3.Connection) -> bool:
    """Whether this connection's key opens the personal data already stored (True when there is none)."""
    row = db_conn.execute("SELECT first_name, person_id FROM persons LIMIT 1").fetchone()
    try:
        db_conn.execute("SELECT unseal(?, ?)", row).fetchone() if row else None
    except connection.OperationalError:
        return False
    return True
