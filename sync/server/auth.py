"""Kiosk enrolment and credentials, and the administrators' credentials.

An administrator prints a one-time code for a site; the kiosk exchanges it for
its own token. Only hashes of codes and tokens are stored: a copy of the
database does not let anyone act as a kiosk. Both secrets are long random
strings, so a plain SHA-256 is enough (no password stretching is needed).

IT reads the fleet's health (`/admin/fleet`, `/metrics`) with an administrator's
name and secret (HTTP Basic), made by `slvie-central admin-credential NAME`: a
credential of its own kind, which no kiosk token opens and which opens no kiosk route.

A lost answer: the same code with the same `attempt` (sync/credential.py, made by the
machine that spent the code) within REPEAT_WINDOW gets the same kiosk again, with a new
token (the lost one stops working). Any other reuse of a spent code is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync.server import leases
from sync.server.clock import fmt
from sync.server.db import Connection, Database, Row
from sync.wire import normalise_code

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud and typed without doubt
CODE_LENGTH = 12
CODE_VALIDITY = timedelta(days=7)
TOKEN_PREFIX = "slvk_"
ADMIN_SECRET_PREFIX = "slva_"
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Kiosk:
    id: str
    site_id: str
    name: str
    revoked: bool


class EnrolmentRefused(Exception):
    """The code is unknown, already used or expired (the kiosk is not told which)."""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_enrolment_code(db: Database, site_id: str, now: datetime, validity: timedelta = CODE_VALIDITY) -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with db.write() as conn:
        conn.execute(
            "INSERT INTO enrolment_codes (code_hash, site_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (secret_hash(code), site_id, fmt(now), fmt(now + validity)),
        )
    return code


def enroll(db: Database, code: str, kiosk_name: str, now: datetime, attempt: str | None = None) -> tuple[Kiosk, str]:
    """Spend a code: a new kiosk and its token (shown once, never stored); or, for the same attempt
    shortly after, the same kiosk with a new token."""
    code_hash = secret_hash(normalise_code(code))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write() as conn:
        row = conn.execute(
            "SELECT site_id, expires_at, used_at, kiosk_id, attempt_hash FROM enrolment_codes WHERE code_hash = ?",
            (code_hash,),
        ).fetchone()
        if row is None:
            raise EnrolmentRefused()
        if row["used_at"] is not None:
            kiosk = _repeated(conn, row, attempt, now)
            conn.execute("UPDATE kiosks SET token_hash = ? WHERE id = ?", (secret_hash(token), kiosk.id))
            return kiosk, token
        if row["expires_at"] < fmt(now):
            raise EnrolmentRefused()
        kiosk_id = _new_kiosk_id(conn)
        conn.execute(
            "INSERT INTO kiosks (id, site_id, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)",
            (kiosk_id, row["site_id"], kiosk_name, secret_hash(token), fmt(now)),
        )
        conn.execute(
            "UPDATE enrolment_codes SET used_at = ?, kiosk_id = ?, attempt_hash = ? WHERE code_hash = ?",
            (fmt(now), kiosk_id, secret_hash(attempt) if attempt else None, code_hash),
        )
        leases.split(conn, row["site_id"], now)  # the new kiosk's share of what its site has free
    return Kiosk(kiosk_id, row["site_id"], kiosk_name, False), token


def _repeated(conn: Connection, row: Row, attempt: str | None, now: datetime) -> Kiosk:
    """The kiosk a spent code made, if this is the same attempt again within the window; else refused."""
    if (
        attempt is None
        or row["attempt_hash"] is None
        or not secrets.compare_digest(row["attempt_hash"], secret_hash(attempt))
        or fmt(now - REPEAT_WINDOW) > row["used_at"]
    ):
        raise EnrolmentRefused()
    kiosk = conn.execute("SELECT id, site_id, name, revoked_at FROM kiosks WHERE id = ?", (row["kiosk_id"],)).fetchone()
    if kiosk is None or kiosk["revoked_at"] is not None:
        raise EnrolmentRefused()
    return Kiosk(kiosk["id"], kiosk["site_id"], kiosk["name"], False)


def _new_kiosk_id(conn: Connection) -> str:
    while True:
        kiosk_id = "K-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if conn.execute("SELECT 1 FROM kiosks WHERE id = ?", (kiosk_id,)).fetchone() is None:
            return kiosk_id


def kiosk_for_token(db: Database, token: str) -> Kiosk | None:
    row = db.query_one("SELECT id, site_id, name, revoked_at FROM kiosks WHERE token_hash = ?", (secret_hash(token),))
    return None if row is None else Kiosk(row[0], row[1], row[2], row[3] is not None)


def revoke(db: Database, kiosk_id: str, now: datetime) -> bool:
    """Revoke a kiosk's credential for good; False if no such kiosk. The unused seats of its leases go
    back to its site: whatever it confirmed offline and never sent, the centre can no longer take."""
    with db.write() as conn:
        cursor = conn.execute(
            "UPDATE kiosks SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", (fmt(now), kiosk_id)
        )
        held = conn.execute("SELECT session_id FROM leases WHERE kiosk_id = ?", (kiosk_id,)).fetchall()
        for (session_id,) in held:
            leases.give_back(conn, kiosk_id, session_id, leases.ALL)
        return cursor.rowcount == 1


def list_kiosks(db: Database) -> list[Row]:
    return db.query("SELECT id, site_id, name, enrolled_at, revoked_at FROM kiosks ORDER BY enrolled_at, id")


def set_administrator(db: Database, name: str, now: datetime) -> str:
    """A new secret for administrator `name` (made, or replacing the old one): shown once, never stored."""
    secret = ADMIN_SECRET_PREFIX + secrets.token_urlsafe(24)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO administrators (name, secret_hash, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET secret_hash = excluded.secret_hash, "
            "created_at = excluded.created_at",
            (name, secret_hash(secret), fmt(now)),
        )
    return secret


def remove_administrator(db: Database, name: str) -> bool:
    with db.write() as conn:
        return conn.execute("DELETE FROM administrators WHERE name = ?", (name,)).rowcount == 1


def is_administrator(db: Database, name: str, secret: str) -> bool:
    row = db.query_one("SELECT secret_hash FROM administrators WHERE name = ?", (name,))
    return row is not None and hmac.compare_digest(row[0], secret_hash(secret))
