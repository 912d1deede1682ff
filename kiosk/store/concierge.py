"""Concierge requests in the local store: recording one, moving it along, finding it, listing the queue.

Writes happen inside the caller's transaction (the service writes the request, its
outbox operation and, in assisted mode, its audit entry together), except
`record_pulled_request`, which runs inside the sync engine's page transaction.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlite_utils

from kiosk.domain.concierge import OPEN_STATES, ConciergeRequest, RequestState, StateReason
from kiosk.domain.voucher import short_code
from kiosk.store.database import Row, read_row, read_rows, stamp


def _row_to_request(r: Row) -> ConciergeRequest:
    reason = StateReason(r["reason_code"], r["reason_fr"], r["reason_en"]) if r["reason_code"] else None
    return ConciergeRequest(
        request_id=r["request_id"],
        site_id=r["site_id"],
        service_id=r["service_id"],
        household_id=r["household_id"],
        person_id=r["person_id"],
        answers=json.loads(r["answers"]),
        quantity=r["quantity"],
        estimate_cents=r["estimate_cents"],
        collect_on=date.fromisoformat(r["collect_on"]) if r["collect_on"] else None,
        note=r["note"],
        state=RequestState(r["state"]),
        created_at=datetime.fromisoformat(r["created_at"]),
        updated_at=datetime.fromisoformat(r["updated_at"]),
        created_by=r["created_by"],
        reason=reason,
    )


def insert_request(db: sqlite_utils.Database, request: ConciergeRequest, made_here: bool = True) -> None:
    """Inside the caller's transaction."""
    reason = request.reason
    db.execute(
        "INSERT INTO concierge_requests (request_id, short_code, site_id, service_id, household_id, person_id,"
        " answers, quantity, estimate_cents, collect_on, note, state, reason_code, reason_fr, reason_en,"
        " created_at, updated_at, created_by, made_here)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            request.request_id,
            short_code(request.request_id),
            request.site_id,
            request.service_id,
            request.household_id,
            request.person_id,
            json.dumps(request.answers, ensure_ascii=False, sort_keys=True),
            request.quantity,
            request.estimate_cents,
            request.collect_on.isoformat() if request.collect_on else None,
            request.note,
            request.state.value,
            reason.code if reason else "",
            reason.fr if reason else "",
            reason.en if reason else "",
            stamp(request.created_at),
            stamp(request.updated_at),
            request.created_by,
            made_here,
        ],
    )


def load_request(db: sqlite_utils.Database, request_id: str) -> ConciergeRequest | None:
    return read_row(db, _row_to_request, "SELECT * FROM concierge_requests WHERE request_id = ?", [request_id])


def set_state(
    db: sqlite_utils.Database, request_id: str, state: RequestState, reason: StateReason | None, now: datetime
) -> None:
    """Inside the caller's transaction; the lifecycle rules are checked by the caller."""
    db.execute(
        "UPDATE concierge_requests SET state = ?, reason_code = ?, reason_fr = ?, reason_en = ?, updated_at = ?"
        " WHERE request_id = ?",
        [
            RequestState(state).value,
            reason.code if reason else "",
            reason.fr if reason else "",
            reason.en if reason else "",
            stamp(now),
            request_id,
        ],
    )


def household_requests(db: sqlite_utils.Database, household_id: str, limit: int = 100) -> list[ConciergeRequest]:
    """A household's requests, newest first."""
    return read_rows(
        db,
        _row_to_request,
        "SELECT * FROM concierge_requests WHERE household_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
        [household_id, limit],
    )


def count_open_requests(db: sqlite_utils.Database, household_id: str) -> int:
    """How many of a household's requests are still in progress, however many it made since."""
    states = sorted(OPEN_STATES)
    marks = ", ".join("?" * len(states))
    query = f"SELECT count(*) FROM concierge_requests WHERE household_id = ? AND state IN ({marks})"
    return int(db.execute(query, [household_id, *states]).fetchone()[0])


def ready_requests(db: sqlite_utils.Database, household_id: str) -> list[ConciergeRequest]:
    return read_rows(
        db,
        _row_to_request,
        "SELECT * FROM concierge_requests WHERE household_id = ? AND state = 'ready' ORDER BY updated_at, rowid",
        [household_id],
    )


def queue(
    db: sqlite_utils.Database,
    site_id: str,
    states: list[RequestState] | None = None,
    service_id: str | None = None,
    limit: int = 200,
) -> list[ConciergeRequest]:
    """The site's requests in the given states (all by default), oldest first: the order they are worked in."""
    where = ["site_id = ?"]
    params: list[object] = [site_id]
    if states:
        where.append(f"state IN ({','.join('?' * len(states))})")
        params += [RequestState(s).value for s in states]
    if service_id:
        where.append("service_id = ?")
        params.append(service_id)
    params.append(limit)
    return read_rows(
        db,
        _row_to_request,
        f"SELECT * FROM concierge_requests WHERE {' AND '.join(where)} ORDER BY created_at, rowid LIMIT ?",
        params,
    )


def find_by_short_code(db: sqlite_utils.Database, site_id: str, code: str) -> list[ConciergeRequest]:
    """Requests of the site whose short code is `code` (normally one; 35 bits may rarely collide)."""
    return read_rows(
        db,
        _row_to_request,
        "SELECT * FROM concierge_requests WHERE short_code = ? AND site_id = ? ORDER BY created_at DESC",
        [code, site_id],
    )


def count_requests(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM concierge_requests").fetchone()[0])


def has_pending_operation(db: sqlite_utils.Database, request_id: str) -> bool:
    """A local change to this request still waiting to reach the centre (parked ones do not count:
    the centre has answered them, and its state is the one to show)."""
    return db.execute(PENDING_OPERATION_SQL, [request_id]).fetchone() is not None


# Served by the index outbox_by_request (migration 4): one lookup, however long the outbox.
PENDING_OPERATION_SQL = (
    "SELECT 1 FROM outbox WHERE json_extract(payload, '$.request_id') = ? AND state = 'pending'"
    " AND kind IN ('concierge.create', 'concierge.transition') LIMIT 1"
)


def record_pulled_request(db: sqlite_utils.Database, request: ConciergeRequest) -> None:
    """A request as the centre has it, inside the pull's transaction. A local change still waiting wins."""
    if has_pending_operation(db, request.request_id):
        return
    made_here = db.execute(
        "SELECT made_here FROM concierge_requests WHERE request_id = ?", [request.request_id]
    ).fetchone()
    db.execute("DELETE FROM concierge_requests WHERE request_id = ?", [request.request_id])
    insert_request(db, request, made_here=bool(made_here and made_here[0]))


def remove_request(db: sqlite_utils.Database, request_id: str) -> None:
    if not has_pending_operation(db, request_id):
        db.execute("DELETE FROM concierge_requests WHERE request_id = ?", [request_id])
