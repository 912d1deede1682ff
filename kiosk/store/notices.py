"""Consents to e-mail notices in the local store, each written with its operation for the centre.

The whole address travels in the `notice.consent` operation only, sealed there with the machine's data key
(kiosk/store/sealing.py) until it is pushed (`opened`); the table keeps it masked, sealed too. Taking
consent back removes the row and any consent still waiting in the outbox (the address with it), and
queues `notice.withdraw`, which makes the centre forget the address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.domain.notices import NoticeConsent, masked
from kiosk.store.outbox import enqueue

_MOMENT = "%Y-%m-%dT%H:%M:%S"
CONSENT = "notice.consent"
WITHDRAW = "notice.withdraw"


def _seal(db: sqlite_utils.Database, text: str, owner: str) -> str:
    return str(db.execute("SELECT seal(?, ?)", [text, owner]).fetchone()[0])


def _unseal(db: sqlite_utils.Database, value: str, owner: str) -> str:
    return str(db.execute("SELECT unseal(?, ?)", [value, owner]).fetchone()[0])


def record_consent(db: sqlite_utils.Database, consent: NoticeConsent, address: str, now: datetime) -> None:
    """Keep the consent (its address masked) and send the whole address to the centre; call inside
    the action's transaction. A new address replaces the last one, also still unsent."""
    _drop_unsent_consents(db, consent.person_id)
    db.execute(
        "INSERT INTO notice_consents (person_id, household_id, masked_address, language, given_at, given_by) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET household_id = excluded.household_id, "
        "masked_address = excluded.masked_address, language = excluded.language, given_at = excluded.given_at, "
        "given_by = excluded.given_by",
        [
            consent.person_id,
            consent.household_id,
            _seal(db, consent.masked_address, consent.person_id),
            consent.language,
            consent.given_at.strftime(_MOMENT),
            consent.given_by,
        ],
    )
    enqueue(
        db,
        CONSENT,
        {
            "person_id": consent.person_id,
            "household_id": consent.household_id,
            "address": _seal(db, address, consent.person_id),
            "language": consent.language,
            "staff_id": consent.given_by,
        },
        now,
    )


def opened(db: sqlite_utils.Database, op: dict[str, Any]) -> dict[str, Any]:
    """An outbox operation as it is pushed: a consent's address unsealed (the same text at every retry)."""
    if op["kind"] != CONSENT:
        return op
    payload = op["payload"]
    return {**op, "payload": {**payload, "address": _unseal(db, payload["address"], payload["person_id"])}}


def withdraw_consent(
    db: sqlite_utils.Database, person_id: str, household_id: str, staff_id: str | None, now: datetime
) -> None:
    """Forget the consent here and tell the centre to forget the address; call inside the action's
    transaction. Sent even when this kiosk knew of no consent: it may have been given at another kiosk."""
    _drop_unsent_consents(db, person_id)
    db.execute("DELETE FROM notice_consents WHERE person_id = ?", [person_id])
    enqueue(db, WITHDRAW, {"person_id": person_id, "household_id": household_id, "staff_id": staff_id}, now)


def consent_refused(db: sqlite_utils.Database, op_id: str, person_id: str) -> None:
    """The centre will never take this consent (its reason is parked with the operation, for a correspondent):
    the kiosk no longer says it holds, and the parked operation keeps the address masked only."""
    db.execute("DELETE FROM notice_consents WHERE person_id = ?", [person_id])
    row = db.execute("SELECT json_extract(payload, '$.address') FROM outbox WHERE op_id = ?", [op_id]).fetchone()
    if row is not None and row[0]:
        shown = masked(_unseal(db, row[0], person_id))
        db.execute("UPDATE outbox SET payload = json_set(payload, '$.address', ?) WHERE op_id = ?", [shown, op_id])


def _drop_unsent_consents(db: sqlite_utils.Database, person_id: str) -> None:
    """An address not yet sent (or refused by the centre) goes with the consent it came with."""
    db.execute(
        "DELETE FROM outbox WHERE kind = ? AND state IN ('pending', 'parked') "
        "AND json_extract(payload, '$.person_id') = ?",
        [CONSENT, person_id],
    )


def load_consent(db: sqlite_utils.Database, person_id: str) -> NoticeConsent | None:
    row = db.execute(
        "SELECT person_id, household_id, unseal(masked_address, person_id), language, given_at, given_by "
        "FROM notice_consents WHERE person_id = ?",
        [person_id],
    ).fetchone()
    if row is None:
        return None
    return NoticeConsent(row[0], row[1], row[2], row[3], datetime.strptime(row[4], _MOMENT), row[5])
