"""Holiday-stay requests in the local store: written with their outbox operation, answered, pulled back."""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from kiosk.domain.stay_wishes import StayRequest, StayRequestState, Wish
from kiosk.store.outbox import enqueue

_MOMENT = "%Y-%m-%dT%H:%M"
# Served by the index outbox_by_request (migration 4): one lookup, however long the outbox.
# An operation the centre refused (parked) no longer holds the centre's word back.
_PENDING_SQL = "SELECT 1 FROM outbox WHERE json_extract(payload, '$.request_id') = ? AND state = 'pending' LIMIT 1"


def _wishes_wire(wishes: tuple[Wish, ...]) -> list[dict[str, object]]:
    return [{"offer_id": w.offer_id, "session_id": w.session_id, "participants": list(w.participants)} for w in wishes]


def record_request(db: sqlite_utils.Database, request: StayRequest, now: datetime) -> None:
    """A new request and its `stay.request` operation; call inside the use case's transaction."""
    _upsert(db, request)
    enqueue(
        db,
        "stay.request",
        {
            "request_id": request.request_id,
            "household_id": request.household_id,
            "campaign": request.campaign,
            "wishes": _wishes_wire(request.wishes),
        },
        now,
    )


def record_answer(db: sqlite_utils.Database, request: StayRequest, accept: bool, now: datetime) -> StayRequest:
    """The person's answer to a proposal, shown at once and sent as `stay.answer`; call inside a transaction."""
    state = StayRequestState.ACCEPTED if accept else StayRequestState.DECLINED
    db.execute("UPDATE stay_requests SET state = ? WHERE request_id = ?", [state.value, request.request_id])
    enqueue(db, "stay.answer", {"request_id": request.request_id, "accept": accept}, now)
    answered = load_request(db, request.request_id)
    assert answered is not None
    return answered


def settle(db: sqlite_utils.Database, request_id: str, state: str, reason_fr: str = "", reason_en: str = "") -> None:
    """The centre's answer to an operation on this request: its state (and why, when it refused), unless
    another operation on it still waits to be sent."""
    if db.execute(_PENDING_SQL, [request_id]).fetchone() is not None:
        return
    db.execute(
        "UPDATE stay_requests SET state = ?, reason_fr = CASE WHEN ? != '' THEN ? ELSE reason_fr END, "
        "reason_en = CASE WHEN ? != '' THEN ? ELSE reason_en END WHERE request_id = ?",
        [state, reason_fr, reason_fr, reason_en, reason_en, request_id],
    )


def record_pulled_request(db: sqlite_utils.Database, request: StayRequest) -> None:
    """A request as the centre has it. A local answer still in the outbox wins until the centre answers it."""
    if db.execute(_PENDING_SQL, [request.request_id]).fetchone() is not None:
        return
    _upsert(db, request)


def remove_request(db: sqlite_utils.Database, request_id: str) -> None:
    """The centre no longer shows this request to the site."""
    db.execute("DELETE FROM stay_requests WHERE request_id = ?", [request_id])


def _upsert(db: sqlite_utils.Database, request: StayRequest) -> None:
    db.execute(
        "INSERT INTO stay_requests (request_id, household_id, campaign, wishes, state, created_at, proposed_rank, "
        "answer_by, waitlist_position, reason_fr, reason_en, booking_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, proposed_rank = excluded.proposed_rank, "
        "answer_by = excluded.answer_by, waitlist_position = excluded.waitlist_position, "
        "reason_fr = excluded.reason_fr, reason_en = excluded.reason_en, booking_id = excluded.booking_id",
        [
            request.request_id,
            request.household_id,
            request.campaign,
            json.dumps(_wishes_wire(request.wishes), ensure_ascii=False),
            request.state.value,
            request.created_at.strftime(_MOMENT),
            request.proposed_rank,
            request.answer_by.strftime(_MOMENT) if request.answer_by else None,
            request.waitlist_position,
            request.reason_fr,
            request.reason_en,
            request.booking_id,
        ],
    )


def _row_to_request(r: dict[str, object]) -> StayRequest:
    wishes = tuple(Wish(w["offer_id"], w["session_id"], tuple(w["participants"])) for w in json.loads(str(r["wishes"])))
    answer_by = r["answer_by"]
    return StayRequest(
        request_id=str(r["request_id"]),
        household_id=str(r["household_id"]),
        campaign=str(r["campaign"]),
        wishes=wishes,
        state=StayRequestState(str(r["state"])),
        created_at=datetime.strptime(str(r["created_at"]), _MOMENT),
        proposed_rank=r["proposed_rank"] if isinstance(r["proposed_rank"], int) else None,
        answer_by=datetime.strptime(answer_by, _MOMENT) if isinstance(answer_by, str) else None,
        waitlist_position=r["waitlist_position"] if isinstance(r["waitlist_position"], int) else None,
        reason_fr=str(r["reason_fr"]),
        reason_en=str(r["reason_en"]),
        booking_id=r["booking_id"] if isinstance(r["booking_id"], str) else None,
    )


def open_stay_ids(db: sqlite_utils.Database, now: datetime) -> list[str]:
    """Stays of a campaign of wishes with a date still ahead and wishes not closed, soonest first."""
    moment = now.strftime(_MOMENT)
    return [
        row[0]
        for row in db.execute(
            "SELECT o.id FROM offers o JOIN sessions s ON s.offer_num = o.num WHERE o.booking_mode = 'request' "
            "AND o.campaign != '' AND s.start > ? AND (o.wishes_until IS NULL OR o.wishes_until > ?) "
            "GROUP BY o.id ORDER BY min(s.start), o.id",
            [moment, moment],
        ).fetchall()
    ]


def load_request(db: sqlite_utils.Database, request_id: str) -> StayRequest | None:
    rows = list(db.query("SELECT * FROM stay_requests WHERE request_id = ?", [request_id]))
    return _row_to_request(rows[0]) if rows else None


def household_requests(db: sqlite_utils.Database, household_id: str) -> list[StayRequest]:
    """The household's requests, the newest first."""
    return [
        _row_to_request(r)
        for r in db.query(
            "SELECT * FROM stay_requests WHERE household_id = ? ORDER BY created_at DESC, request_id", [household_id]
        )
    ]


def untold_outcomes(db: sqlite_utils.Database, household_id: str) -> list[StayRequest]:
    """The centre's outcomes the person has not been told of yet (a proposal, a place on the list, a refusal)."""
    return [
        _row_to_request(r)
        for r in db.query(
            "SELECT * FROM stay_requests WHERE household_id = ? AND state IN ('proposed', 'waitlisted', 'refused') "
            "AND (told_state IS NULL OR told_state != state) ORDER BY created_at",
            [household_id],
        )
    ]


def mark_told(db: sqlite_utils.Database, requests: list[StayRequest]) -> None:
    db.conn.executemany(
        "UPDATE stay_requests SET told_state = ? WHERE request_id = ?",
        [(r.state.value, r.request_id) for r in requests],
    )
