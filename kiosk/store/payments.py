"""Payments in the local store: appended with their outbox operation, read by subject or by day."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from kiosk.domain.payment import Means, Payment, SubjectKind
from kiosk.store.outbox import enqueue

_MOMENT = "%Y-%m-%dT%H:%M:%S"


def payment_wire(payment: Payment) -> dict[str, object]:
    """A payment as it travels (push payload and pull data alike)."""
    return {
        "payment_id": payment.payment_id,
        "subject_kind": payment.subject_kind.value,
        "subject_id": payment.subject_id,
        "household_id": payment.household_id,
        "amount_cents": payment.amount_cents,
        "means": payment.means.value,
        "reference": payment.reference,
        "recorded_at": payment.recorded_at.strftime(_MOMENT),
        "site_id": payment.site_id,
        "staff_id": payment.staff_id,
        "corrects": payment.corrects,
    }


def record_payment(db: sqlite_utils.Database, payment: Payment, audit_seq: int, now: datetime) -> None:
    """Append a payment taken here, with the audit entry that records it, and its operation for the centre;
    call inside the action's transaction."""
    _insert(db, payment, audit_seq)
    enqueue(db, "payment.record", payment_wire(payment), now)


def record_pulled_payment(db: sqlite_utils.Database, payment: Payment) -> None:
    """A payment the centre knows (reported elsewhere, or taken at another kiosk of the site): kept once."""
    if db.execute("SELECT 1 FROM payments WHERE payment_id = ?", [payment.payment_id]).fetchone() is None:
        _insert(db, payment)


def _insert(db: sqlite_utils.Database, payment: Payment, audit_seq: int | None = None) -> None:
    db.execute(
        "INSERT INTO payments (payment_id, subject_kind, subject_id, household_id, amount_cents, means, reference, "
        "recorded_at, site_id, staff_id, corrects, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            payment.payment_id,
            payment.subject_kind.value,
            payment.subject_id,
            payment.household_id,
            payment.amount_cents,
            payment.means.value,
            payment.reference,
            payment.recorded_at.strftime(_MOMENT),
            payment.site_id,
            payment.staff_id,
            payment.corrects,
            audit_seq,
        ],
    )


def audit_seqs(db: sqlite_utils.Database, payment_ids: list[str]) -> dict[str, int]:
    """The audit entry of each payment taken at this kiosk."""
    return dict(
        db.execute(
            "SELECT payment_id, audit_seq FROM payments WHERE audit_seq IS NOT NULL "
            "AND payment_id IN (SELECT value FROM json_each(?))",
            [json.dumps(payment_ids)],
        ).fetchall()
    )


def load_payment(db: sqlite_utils.Database, payment_id: str) -> Payment | None:
    rows = list(db.query("SELECT * FROM payments WHERE payment_id = ?", [payment_id]))
    return _payment(rows[0]) if rows else None


def payments_for(db: sqlite_utils.Database, kind: SubjectKind, subject_id: str) -> list[Payment]:
    """What counts towards a subject's price: a payment the centre refused for good (its operation parked,
    with the reason for the correspondent) does not."""
    return [
        _payment(row)
        for row in db.query(
            "SELECT * FROM payments WHERE subject_kind = ? AND subject_id = ? AND payment_id NOT IN "
            "(SELECT json_extract(payload, '$.payment_id') FROM outbox"
            " WHERE state = 'parked' AND kind = 'payment.record')"
            " ORDER BY recorded_at, rowid",
            [kind.value, subject_id],
        )
    ]


def payments_on(db: sqlite_utils.Database, day: date) -> list[Payment]:
    start = datetime.combine(day, datetime.min.time())
    return [
        _payment(row)
        for row in db.query(
            "SELECT * FROM payments WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, rowid",
            [start.strftime(_MOMENT), (start + timedelta(days=1)).strftime(_MOMENT)],
        )
    ]


def _payment(row: dict[str, Any]) -> Payment:
    return Payment(
        payment_id=row["payment_id"],
        subject_kind=SubjectKind(row["subject_kind"]),
        subject_id=row["subject_id"],
        household_id=row["household_id"],
        amount_cents=row["amount_cents"],
        means=Means(row["means"]),
        reference=row["reference"],
        recorded_at=datetime.strptime(row["recorded_at"], _MOMENT),
        site_id=row["site_id"],
        staff_id=row["staff_id"],
        corrects=row["corrects"],
    )
