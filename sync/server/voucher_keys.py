"""The kiosks' voucher-signing public keys, published by the centre so that anyone who receives
a voucher (a show's staff, a provider) can check it offline with every kiosk's key at hand; and,
online, what a voucher's booking has become (cancelled, refused, confirmed since), by its reference.

A kiosk registers its key once; sending it again changes nothing. Another key for the same kiosk is
refused (409 `voucher_key_pinned`): whoever got hold of a kiosk's token (a copy of its data folder)
cannot publish a key of their own and sign vouchers or audit entries with it. A machine with a new key
is enrolled again, as a new kiosk. A revoked kiosk's keys stay listed, marked revoked, so a voucher it
signed is recognised and flagged rather than called unknown.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.voucher import key_id
from kiosk.signing_key import parse_public_key, public_key_pem
from sync.server import auth, dialect
from sync.server.clock import fmt
from sync.server.db import Database

MAX_PEM_CHARS = 400


class NotAPublicKey(ValueError):
    """The text is not the PEM of an Ed25519 public key."""


class KeyPinned(Exception):
    """The kiosk already published another key."""


def canonical_public_key(pem: str) -> tuple[str, str]:
    """(key id, the PEM as written by the centre) of an Ed25519 public key, or NotAPublicKey."""
    key = parse_public_key(pem) if len(pem) <= MAX_PEM_CHARS else None
    if key is None:
        raise NotAPublicKey("not the PEM of an Ed25519 public key")
    return key_id(key), public_key_pem(key)


def register(db: Database, kiosk: auth.Kiosk, pem: str, now: datetime) -> str:
    """Publish this kiosk's key (again: nothing changes); returns its key id. KeyPinned for another one."""
    identifier, text = canonical_public_key(pem)
    with db.write() as conn:
        dialect.lock_key(conn, "voucher-key:" + kiosk.id)  # two first keys sent at once: one wins
        held = conn.execute("SELECT key_id FROM voucher_keys WHERE kiosk_id = ?", (kiosk.id,)).fetchall()
        if any(row[0] != identifier for row in held):
            raise KeyPinned()
        conn.execute(
            "INSERT INTO voucher_keys (kiosk_id, key_id, public_key, registered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (kiosk.id, identifier, text, fmt(now)),
        )
    return identifier


def published(db: Database) -> list[dict[str, object]]:
    rows = db.query(
        "SELECT k.kiosk_id, s.site_id, k.key_id, k.public_key, k.registered_at, s.revoked_at IS NOT NULL"
        " FROM voucher_keys k JOIN kiosks s ON s.id = k.kiosk_id ORDER BY k.registered_at, k.kiosk_id, k.key_id"
    )
    return [
        {
            "kiosk_id": r[0],
            "site_id": r[1],
            "key_id": r[2],
            "public_key": r[3],
            "registered_at": r[4],
            "revoked": bool(r[5]),
        }
        for r in rows
    ]


def booking_state(db: Database, reference: str) -> str | None:
    """What the centre knows of a voucher's booking now (its state only: nothing of the people), or None."""
    row = db.query_one("SELECT state FROM bookings WHERE id = ?", (reference,))
    return None if row is None else row[0]
