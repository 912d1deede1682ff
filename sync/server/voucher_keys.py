"""The kiosks' voucher-signing public keys, published by the centre so that anyone who receives
a voucher (a show's staff, a provider) can check it offline with every kiosk's key at hand; and,
online, what a voucher's booking has become (cancelled, refused, confirmed since), by its reference.

A kiosk registers its key once (and again after a rotation: earlier keys stay published, the
vouchers they signed are still in people's hands). A revoked kiosk's keys stay listed, marked
revoked, so a voucher it signed is recognised and flagged rather than called unknown.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.voucher import key_id
from kiosk.signing_key import parse_public_key, public_key_pem
from sync.server import auth
from sync.server.clock import fmt
from sync.server.db import Database

MAX_PEM_CHARS = 400


class NotAPublicKey(ValueError):
    """The text is not the PEM of an Ed25519 public key."""


def canonical_public_key(pem: str) -> tuple[str, str]:
    """(key id, the PEM as written by the centre) of an Ed25519 public key, or NotAPublicKey."""
    key = parse_public_key(pem) if len(pem) <= MAX_PEM_CHARS else None
    if key is None:
        raise NotAPublicKey("not the PEM of an Ed25519 public key")
    return key_id(key), public_key_pem(key)


def register(db: Database, kiosk: auth.Kiosk, pem: str, now: datetime) -> str:
    """Publish one of this kiosk's keys (again: nothing changes); returns its key id."""
    identifier, text = canonical_public_key(pem)
    with db.write() as conn:
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
