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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

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
from sync.server.reasons import Outcome
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

Payload = TypeVar("Payload", bound=BaseModel)


@dataclass(frozen=True)
class Handling(Generic[Payload]):
    """How the centre applies one kind of operation: its payload's model, and what applies it."""

    model: type[Payload]
    apply: Callable[[Connection, Kiosk, Payload, str, datetime, datetime], Outcome]


def _create(
    conn: Connection, kiosk: Kiosk, payload: BookingCreatePayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return bookings.create_booking(conn, kiosk.id, kiosk.site_id, payload, created_at, when, now)


def _cancel(
    conn: Connection, kiosk: Kiosk, payload: BookingCancelPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return bookings.cancel_booking(conn, kiosk.site_id, payload.booking_id, when, now)


def _lease_return(
    conn: Connection, kiosk: Kiosk, payload: LeaseReturnPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    lease = leases.give_back(conn, kiosk.id, payload.session_id, payload.seats)
    if lease is None:
        return bookings.rejected(reasons.lease_unknown())
    return {"outcome": "applied", "lease": lease.data()}


def _concierge_create(
    conn: Connection, kiosk: Kiosk, payload: ConciergeCreatePayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return concierge.create_request(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _concierge_transition(
    conn: Connection,
    kiosk: Kiosk,
    payload: ConciergeTransitionPayload,
    created_at: str,
    when: datetime,
    now: datetime,
) -> Outcome:
    return concierge.transition(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _audit_append(
    conn: Connection, kiosk: Kiosk, payload: AuditAppendPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return audit.append(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _idea_create(
    conn: Connection, kiosk: Kiosk, payload: IdeaCreatePayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return ideas.create_idea(conn, kiosk.id, kiosk.site_id, payload, created_at, now)


def _vote_cast(
    conn: Connection, kiosk: Kiosk, payload: VoteCastPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return consultations.cast(conn, kiosk.site_id, payload, when, now)


def _appreciation_create(
    conn: Connection,
    kiosk: Kiosk,
    payload: AppreciationCreatePayload,
    created_at: str,
    when: datetime,
    now: datetime,
) -> Outcome:
    return appreciation.create(conn, kiosk.site_id, payload, when)


def _payment(
    conn: Connection, kiosk: Kiosk, payload: PaymentRecordPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return payments.from_kiosk(conn, kiosk.site_id, payload)


def _stay_request(
    conn: Connection, kiosk: Kiosk, payload: StayRequestPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return stays.receive(conn, kiosk.id, kiosk.site_id, payload, created_at, when, now)


def _stay_answer(
    conn: Connection, kiosk: Kiosk, payload: StayAnswerPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return stays.answer(conn, kiosk.site_id, payload, when, now)


def _notice_consent(
    conn: Connection, kiosk: Kiosk, payload: NoticeConsentPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return notices.record_consent(conn, kiosk.site_id, payload, now)


def _notice_withdraw(
    conn: Connection, kiosk: Kiosk, payload: NoticeWithdrawPayload, created_at: str, when: datetime, now: datetime
) -> Outcome:
    return notices.withdraw_consent(conn, kiosk.site_id, payload)


# Each kind is checked against its own payload's model; the table holds them all (hence Any).
HANDLERS: dict[str, Handling[Any]] = {
    "booking.create": Handling[BookingCreatePayload](BookingCreatePayload, _create),
    "booking.cancel": Handling[BookingCancelPayload](BookingCancelPayload, _cancel),
    "lease.return": Handling[LeaseReturnPayload](LeaseReturnPayload, _lease_return),
    "concierge.create": Handling[ConciergeCreatePayload](ConciergeCreatePayload, _concierge_create),
    "concierge.transition": Handling[ConciergeTransitionPayload](ConciergeTransitionPayload, _concierge_transition),
    "audit.append": Handling[AuditAppendPayload](AuditAppendPayload, _audit_append),
    "idea.create": Handling[IdeaCreatePayload](IdeaCreatePayload, _idea_create),
    "vote.cast": Handling[VoteCastPayload](VoteCastPayload, _vote_cast),
    "appreciation.create": Handling[AppreciationCreatePayload](AppreciationCreatePayload, _appreciation_create),
    "payment.record": Handling[PaymentRecordPayload](PaymentRecordPayload, _payment),
    "stay.request": Handling[StayRequestPayload](StayRequestPayload, _stay_request),
    "stay.answer": Handling[StayAnswerPayload](StayAnswerPayload, _stay_answer),
    "notice.consent": Handling[NoticeConsentPayload](NoticeConsentPayload, _notice_consent),
    "notice.withdraw": Handling[NoticeWithdrawPayload](NoticeWithdrawPayload, _notice_withdraw),
}
# Fields an operation of this kind is stored without: a ballot's choice is counted, never kept
# with who cast it (a replay is recognised by the rest of its payload).
FORGOTTEN = {"vote.cast": ("choice",)}


def push(
    db: Database, kiosk: Kiosk, operations: list[Operation], clock: Clock, seen: SeenHistory | None = None
) -> tuple[list[Outcome], str]:
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


def apply_operation(conn: Connection, kiosk: Kiosk, op: Operation, now: datetime) -> Outcome:
    key = op.op_id.lower()
    forgotten = FORGOTTEN.get(op.kind, ())
    payload_text = canonical_json({k: v for k, v in op.payload.items() if k not in forgotten})
    dialect.lock_key(conn, "operation:" + key)  # the same operation sent twice at once: applied once
    row = conn.execute("SELECT kiosk_id, kind, payload, result FROM operations WHERE op_id = ?", (key,)).fetchone()
    if row is not None:
        if (row[0], row[1], row[2]) == (kiosk.id, op.kind, payload_text):
            kept: Outcome = json.loads(row[3])
            return kept
        return bookings.rejected(reasons.op_id_reused())
    result = _apply(conn, kiosk, op, now)
    reason = result.get("reason")
    if isinstance(reason, dict) and reason["code"] in NOT_KEPT:
        return result
    conn.execute(
        "INSERT INTO operations (op_id, kiosk_id, kind, payload, created_at, applied_at, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, kiosk.id, op.kind, payload_text, op.created_at, fmt(now), compact_json(result)),
    )
    return result


def _apply(conn: Connection, kiosk: Kiosk, op: Operation, now: datetime) -> Outcome:
    if op.kind not in HANDLERS:
        return bookings.rejected(reasons.unknown_kind(op.kind))
    handling = HANDLERS[op.kind]
    try:
        payload = handling.model.model_validate(op.payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        return bookings.rejected(reasons.invalid_payload(where, first["msg"]))
    when = decisions.acted_at(parse_moment(op.created_at), now)
    return handling.apply(conn, kiosk, payload, op.created_at, when, now)
