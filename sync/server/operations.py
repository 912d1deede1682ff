"""A pushed batch: each operation applied at most once, forever, with one result each.

The whole batch is one write transaction: either every result is stored with
its effects, or (on a server error) nothing is, and the kiosk retries the
batch. Every op_id is kept for good with its kind, payload and result, so a
replay — in the same batch, the next one or a year later — gets the stored
result and changes nothing. The same op_id with another kind or payload (or
from another kiosk) is rejected as `op_id_reused`, and that answer is not
stored (the original stays the one on record). Nor is `audit_key_unknown`: the
kiosk publishes its key again (a centre restored from an older backup lost it)
and sends the same entries again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ValidationError

from sync.server import (
    appreciation,
    audit,
    bookings,
    concierge,
    consultations,
    decisions,
    dialect,
    history,
    ideas,
    leases,
    notices,
    payments,
    reasons,
    stays,
)
from sync.server.auth import Kiosk
from sync.server.clock import Clock, fmt, parse_moment
from sync.server.db import Connection, Database, canonical_json, compact_json
from sync.wire import (
    AppreciationCreatePayload,
    AuditAppendPayload,
    BookingCancelPayload,
    BookingCreatePayload,
    ConciergeCreatePayload,
    ConciergeTransitionPayload,
    IdeaCreatePayload,
    LeaseReturnPayload,
    NoticeConsentPayload,
    NoticeWithdrawPayload,
    Operation,
    PaymentRecordPayload,
    SeenHistory,
    StayAnswerPayload,
    StayRequestPayload,
    VoteCastPayload,
)

# Refusals that the same operation, sent again, may no longer get: not kept as its answer. A kiosk whose
# key the centre lost (restored from a backup) publishes it again, then sends its audit entries again.
NOT_KEPT = frozenset({"audit_key_unknown"})

Handler = Callable[[Connection, Kiosk, BaseModel, str, datetime, datetime], dict]


def _create(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return bookings.create_booking(conn, kiosk.id, kiosk.site_id, payload, created_at, when, now)


def _cancel(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return bookings.cancel_booking(conn, kiosk.site_id, payload.booking_id, when, now)


def _lease_return(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    lease = leases.give_back(conn, kiosk.id, payload.session_id, payload.seats)
    if lease is None:
        return bookings.rejected(reasons.lease_unknown())
    return {"outcome": "applied", "lease": lease.data()}


def _concierge_create(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return concierge.create_request(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _concierge_transition(
    conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return concierge.transition(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _audit_append(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return audit.append(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _idea_create(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return ideas.create_idea(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _vote_cast(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return consultations.cast(conn, kiosk.site_id, payload, when, now)


def _appreciation_create(
    conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime
) -> dict:
    return appreciation.create(conn, kiosk.site_id, payload, when)


def _payment(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return payments.from_kiosk(conn, kiosk.site_id, payload)


def _stay_request(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return stays.receive(conn, kiosk.id, kiosk.site_id, payload, created_at, when, now)


def _stay_answer(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return stays.answer(conn, kiosk.site_id, payload, when, now)


def _notice_consent(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return notices.record_consent(conn, kiosk.site_id, payload, now)


def _notice_withdraw(conn: Connection, kiosk: Kiosk, payload, created_at: str, when: datetime, now: datetime) -> dict:
    return notices.withdraw_consent(conn, kiosk.site_id, payload)


HANDLERS: dict[str, tuple[type[BaseModel], Handler]] = {
    "booking.create": (BookingCreatePayload, _create),
    "booking.cancel": (BookingCancelPayload, _cancel),
    "lease.return": (LeaseReturnPayload, _lease_return),
    "concierge.create": (ConciergeCreatePayload, _concierge_create),
    "concierge.transition": (ConciergeTransitionPayload, _concierge_transition),
    "audit.append": (AuditAppendPayload, _audit_append),
    "idea.create": (IdeaCreatePayload, _idea_create),
    "vote.cast": (VoteCastPayload, _vote_cast),
    "appreciation.create": (AppreciationCreatePayload, _appreciation_create),
    "payment.record": (PaymentRecordPayload, _payment),
    "stay.request": (StayRequestPayload, _stay_request),
    "stay.answer": (StayAnswerPayload, _stay_answer),
    "notice.consent": (NoticeConsentPayload, _notice_consent),
    "notice.withdraw": (NoticeWithdrawPayload, _notice_withdraw),
}
# Fields an operation of this kind is stored without: a ballot's choice is counted, never kept
# with who cast it (a replay is recognised by the rest of its payload).
FORGOTTEN = {"vote.cast": ("choice",)}


def push(
    db: Database, kiosk: Kiosk, operations: list[Operation], clock: Clock, seen: SeenHistory | None = None
) -> tuple[list[dict], str]:
    """The results, and this push's mark in the feed's history. Refused whole (HistoryUnknown), before
    anything is applied, when the kiosk has seen a history this centre does not hold (sync/server/history.py)."""
    with db.write() as conn:
        if seen is not None:
            history.check(conn, seen.marks, seen.epoch, seen.cursor)
        mark = conn.history_mark()
        now = clock()
        bookings.release_expired(conn, now)
        consultations.publish_due_results(conn, now)
        stays.expire_proposals(conn, now)
        results = [{"op_id": op.op_id, **apply_operation(conn, kiosk, op, now)} for op in operations]
        voted_in = {str(op.payload.get("consultation_id")) for op in operations if op.kind == "vote.cast"}
        for consultation_id in sorted(voted_in):  # secrecy: no trace of the order ballots came in
            consultations.settle_urn(conn, consultation_id)
    if voted_in:
        db.forget_history()
    return results, mark


def apply_operation(conn: Connection, kiosk: Kiosk, op: Operation, now: datetime) -> dict:
    key = op.op_id.lower()
    forgotten = FORGOTTEN.get(op.kind, ())
    payload_text = canonical_json({k: v for k, v in op.payload.items() if k not in forgotten})
    dialect.lock_key(conn, "operation:" + key)  # the same operation sent twice at once: applied once
    row = conn.execute("SELECT kiosk_id, kind, payload, result FROM operations WHERE op_id = ?", (key,)).fetchone()
    if row is not None:
        if (row[0], row[1], row[2]) == (kiosk.id, op.kind, payload_text):
            return json.loads(row[3])
        return bookings.rejected(reasons.op_id_reused())
    result = _apply(conn, kiosk, op, now)
    if result["outcome"] == "rejected" and result["reason"]["code"] in NOT_KEPT:
        return result
    conn.execute(
        "INSERT INTO operations (op_id, kiosk_id, kind, payload, created_at, applied_at, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, kiosk.id, op.kind, payload_text, op.created_at, fmt(now), compact_json(result)),
    )
    return result


def _apply(conn: Connection, kiosk: Kiosk, op: Operation, now: datetime) -> dict:
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
