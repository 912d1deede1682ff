"""Payments at the centre: taken at a kiosk's desk (pushed), or reported by the centre (paid elsewhere).

The centre trusts no kiosk blindly: it finds the booking or request itself, checks it is of the
kiosk's site and household, and recomputes what is still owed from its own record before it keeps
a payment; a correction takes back at most what is left of the payment it names. Payments are
never edited. Each one bumps the change feed for its site, so every kiosk of the site shows it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from kiosk.domain.payment import Means
from sync.server import reasons
from sync.server.changes import bump
from sync.server.db import Connection, compact_json
from sync.server.reasons import Reason
from sync.wire import PaymentRecordPayload

_UNPAID_BOOKING_STATES = ("refused", "cancelled")
_UNPAID_REQUEST_STATES = ("refused", "cancelled")


def _applied(payment_id: str) -> dict[str, object]:
    return {"outcome": "applied", "payment": {"payment_id": payment_id}}


def _rejected(reason: Reason) -> dict[str, object]:
    return {"outcome": "rejected", "reason": reason}


def subject_of(conn: Connection, kind: str, subject_id: str) -> tuple[str, str, int] | None:
    """(site, household, what it costs while it stands) of a booking or a concierge request."""
    if kind == "booking":
        row = conn.execute(
            "SELECT site_id, household_id, total_cents, state FROM bookings WHERE id = ?", (subject_id,)
        ).fetchone()
        if row is None:
            return None
        return row[0], row[1], 0 if row[3] in _UNPAID_BOOKING_STATES else row[2]
    row = conn.execute(
        "SELECT site_id, household_id, data, state FROM concierge_requests WHERE id = ?", (subject_id,)
    ).fetchone()
    if row is None:
        return None
    estimate = json.loads(row[2]).get("estimate_cents") or 0
    return row[0], row[1], 0 if row[3] in _UNPAID_REQUEST_STATES else estimate


def paid(conn: Connection, kind: str, subject_id: str) -> int:
    total: int = conn.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE subject_kind = ? AND subject_id = ?",
        (kind, subject_id),
    ).fetchone()[0]
    return total


def record(conn: Connection, site_id: str, data: dict[str, Any], source: str) -> dict[str, object]:
    """Keep one payment (a dict as on the wire) if it fits the centre's record; the result or a rejection."""
    if conn.execute("SELECT 1 FROM payments WHERE payment_id = ?", (data["payment_id"],)).fetchone():
        return _rejected(reasons.payment_exists())
    subject = subject_of(conn, data["subject_kind"], data["subject_id"])
    if subject is None:
        return _rejected(reasons.payment_subject_unknown())
    subject_site, household_id, total = subject
    if subject_site != site_id:
        return _rejected(reasons.payment_other_site())
    if household_id != data["household_id"]:
        return _rejected(reasons.payment_other_household())
    amount = data["amount_cents"]
    if data["corrects"] is None:
        if amount <= 0 or amount > total - paid(conn, data["subject_kind"], data["subject_id"]):
            return _rejected(reasons.payment_too_much())
    else:
        original = conn.execute(
            "SELECT amount_cents, subject_kind, subject_id FROM payments WHERE payment_id = ?", (data["corrects"],)
        ).fetchone()
        if (
            original is None
            or (original[1], original[2]) != (data["subject_kind"], data["subject_id"])
            or original[0] <= 0
        ):
            return _rejected(reasons.payment_subject_unknown())
        left = (
            original[0]
            + conn.execute(
                "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE corrects = ?", (data["corrects"],)
            ).fetchone()[0]
        )
        if not 0 < -amount <= left:
            return _rejected(reasons.payment_too_much())
    conn.execute(
        "INSERT INTO payments (payment_id, subject_kind, subject_id, site_id, household_id, amount_cents, means, "
        "corrects, source, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            data["payment_id"],
            data["subject_kind"],
            data["subject_id"],
            site_id,
            household_id,
            amount,
            data["means"],
            data["corrects"],
            source,
            compact_json(data),
        ),
    )
    bump(conn, "payment", data["payment_id"], site_id)
    return _applied(data["payment_id"])


def from_kiosk(conn: Connection, site_id: str, payload: PaymentRecordPayload) -> dict[str, object]:
    data = payload.model_dump(mode="json")
    if data["means"] == Means.ELSEWHERE or data["site_id"] != site_id:
        return _rejected(reasons.payment_other_site())
    return record(conn, site_id, data, "kiosk")


def report_elsewhere(
    conn: Connection, kind: str, subject_id: str, amount_cents: int, reference: str, at: str
) -> dict[str, object]:
    """The centre reports a payment made elsewhere (at the CMCAS, by transfer…) for a booking or request."""
    subject = subject_of(conn, kind, subject_id)
    if subject is None:
        return _rejected(reasons.payment_subject_unknown())
    site_id, household_id, _ = subject
    data = {
        "payment_id": str(uuid.uuid4()),
        "subject_kind": kind,
        "subject_id": subject_id,
        "household_id": household_id,
        "amount_cents": amount_cents,
        "means": Means.ELSEWHERE.value,
        "reference": reference,
        "recorded_at": at,
        "site_id": site_id,
        "staff_id": None,
        "corrects": None,
    }
    return record(conn, site_id, data, "centre")
