"""A pushed batch: each operation applied at most once, forever, with one result each.

The whole batch is one write transaction: either every result is stored with
its effects, or (on a server error) nothing is, and the kiosk retries the
batch. Every op_id is kept for good with its kind, payload and result, so a
replay — in the same batch, the next one or a year later — gets the stored
result and changes nothing. The same op_id with another kind or payload (or
from another kiosk) is rejected as `op_id_reused`, and that answer is not
stored (the original stays the one on record).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ValidationError

from sync.server import audit, bookings, concierge, decisions, leases, notices, payments, reasons
from sync.server.auth import Kiosk
from sync.server.clock import Clock, fmt, parse_moment
from sync.server.db import Database, canonical_json, compact_json
from sync.wire import (
    AuditAppendPayload,
    BookingCancelPayload,
    BookingCreatePayload,
    ConciergeCreatePayload,
    ConciergeTransitionPayload,
    LeaseReturnPayload,
    NoticeConsentPayload,
    NoticeWithdrawPayload,
    Operation,
    PaymentRecordPayload,
)

Handler = Callable[[sqlite3.Connection, Kiosk, BaseModel, str, datetime, datetime], dict]


def _create(conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return bookings.create_booking(conn, kiosk.id, kiosk.site_id, payload, created_at, when, now)


def _cancel(conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return bookings.cancel_booking(conn, payload.booking_id, when, now)


def _lease_return(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    lease = leases.give_back(conn, kiosk.id, payload.session_id, payload.seats)
    if lease is None:
        return bookings.rejected(reasons.lease_unknown())
    return {"outcome": "applied", "lease": lease.data()}


def _concierge_create(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return concierge.create_request(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _concierge_transition(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return concierge.transition(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _audit_append(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return audit.append(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _payment(conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return payments.from_kiosk(conn, kiosk.site_id, payload)


def _notice_consent(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return notices.record_consent(conn, kiosk.site_id, payload, now)


def _notice_withdraw(
    conn: sqlite3.Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return notices.withdraw_consent(conn, kiosk.site_id, payload)


HANDLERS: dict[str, tuple[type[BaseModel], Handler]] = {
    "booking.create": (BookingCreatePayload, _create),
    "booking.cancel": (BookingCancelPayload, _cancel),
    "lease.return": (LeaseReturnPayload, _lease_return),
    "concierge.create": (ConciergeCreatePayload, _concierge_create),
    "concierge.transition": (ConciergeTransitionPayload, _concierge_transition),
    "audit.append": (AuditAppendPayload, _audit_append),
    "payment.record": (PaymentRecordPayload, _payment),
    "notice.consent": (NoticeConsentPayload, _notice_consent),
    "notice.withdraw": (NoticeWithdrawPayload, _notice_withdraw),
}


def push(db: Database, kiosk: Kiosk, operations: list[Operation], clock: Clock) -> list[dict]:
    with db.write() as conn:
        now = clock()
        bookings.release_expired(conn, now)
        return [{"op_id": op.op_id, **apply_operation(conn, kiosk, op, now)} for op in operations]


def apply_operation(conn: sqlite3.Connection, kiosk: Kiosk, op: Operation, now: datetime) -> dict:
    key = op.op_id.lower()
    payload_text = canonical_json(op.payload)
    row = conn.execute("SELECT kiosk_id, kind, payload, result FROM operations WHERE op_id = ?", (key,)).fetchone()
    if row is not None:
        if (row[0], row[1], row[2]) == (kiosk.id, op.kind, payload_text):
            return json.loads(row[3])
        return bookings.rejected(reasons.op_id_reused())
    result = _apply(conn, kiosk, op, now)
    conn.execute(
        "INSERT INTO operations (op_id, kiosk_id, kind, payload, created_at, applied_at, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, kiosk.id, op.kind, payload_text, op.created_at, fmt(now), compact_json(result)),
    )
    return result


def _apply(conn: sqlite3.Connection, kiosk: Kiosk, op: Operation, now: datetime) -> dict:
    if op.kind not in HANDLERS:
        return bookings.rejected(reasons.unknown_kind(op.kind))
    model, handler = HANDLERS[op.kind]
    try:
        payload = model.model_validate(op.payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        return bookings.rejected(reasons.invalid_payload(where, first["msg"]))
    when = decisions.acted_at(parse_moment(op.created_at), now)
    return handler(conn, kiosk, payload, op.created_at, when, now)
