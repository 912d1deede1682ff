"""Concierge requests at the centre: created by kiosks, moved along by correspondents, refused by the centre.

Every function runs inside the caller's write transaction. The lifecycle rules are the
kiosk's own (kiosk/domain/concierge.py), judged against the centre's state of the
request, so two kiosks of a site moving the same request cannot take it backwards.
Each change bumps the request for its site, so every kiosk of the site pulls it.
"""

from __future__ import annotations

import json
from datetime import datetime

from kiosk.domain.concierge import Actor, RequestState, StateReason, TransitionRefused, check_transition
from kiosk.i18n import Said
from sync.server import notices, reasons
from sync.server.changes import bump
from sync.server.clock import fmt
from sync.server.db import Connection, Row, compact_json
from sync.server.reasons import Outcome, Reason
from sync.wire import ConciergeCreatePayload, ConciergeTransitionPayload


def _applied(request_id: str, state: str, reason: Reason | None) -> Outcome:
    return {"outcome": "applied", "concierge_request": {"request_id": request_id, "state": state, "reason": reason}}


def _rejected(reason: Reason) -> Outcome:
    return {"outcome": "rejected", "reason": reason}


def create_request(
    conn: Connection, kiosk_id: str, site_id: str, payload: ConciergeCreatePayload, created_at: str, now: datetime
) -> Outcome:
    if conn.execute("SELECT 1 FROM concierge_requests WHERE id = ?", (payload.request_id,)).fetchone():
        return _rejected(reasons.request_exists())
    if conn.execute("SELECT 1 FROM concierge_services WHERE id = ?", (payload.service_id,)).fetchone() is None:
        return _rejected(reasons.service_unknown(payload.service_id))
    household_site = conn.execute("SELECT site_id FROM households WHERE id = ?", (payload.household_id,)).fetchone()
    if household_site is None:
        return _rejected(reasons.household_unknown())
    if household_site[0] != site_id:
        return _rejected(reasons.household_other_site())
    if (
        conn.execute(
            "SELECT 1 FROM persons WHERE person_id = ? AND household_id = ?", (payload.person_id, payload.household_id)
        ).fetchone()
        is None
    ):
        return _rejected(reasons.not_in_household(payload.person_id))
    data = payload.model_dump(mode="json")
    conn.execute(
        "INSERT INTO concierge_requests (id, site_id, kiosk_id, household_id, state, reason, data, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        (
            payload.request_id,
            site_id,
            kiosk_id,
            payload.household_id,
            RequestState.SUBMITTED.value,
            compact_json(data),
            created_at,
            created_at,
        ),
    )
    bump(conn, "concierge_request", payload.request_id, site_id)
    return _applied(payload.request_id, RequestState.SUBMITTED.value, None)


def move_request(
    conn: Connection,
    request_id: str,
    target: str,
    actor: Actor,
    reason: Reason | None,
    staff_id: str | None,
    kiosk_id: str | None,
    site_id: str | None,
    at: str,
    now: datetime,
) -> Outcome:
    """Apply one move if the lifecycle allows it from the centre's state; the result, or a rejection. A move to
    "ready" makes the notice "Votre pressing est prêt." for the person who asked, if they consented."""
    row = conn.execute("SELECT site_id, state, reason FROM concierge_requests WHERE id = ?", (request_id,)).fetchone()
    if row is None:
        return _rejected(reasons.request_unknown())
    if site_id is not None and row["site_id"] != site_id:
        return _rejected(reasons.request_other_site())
    current = RequestState(row["state"])
    if current.value == target:  # the same move made twice (two kiosks, or a replay): nothing more to do
        return _applied(request_id, current.value, json.loads(row["reason"]) if row["reason"] else None)
    state_reason = StateReason(reason["code"], reason["fr"], reason["en"]) if reason else None
    try:
        check_transition(current, RequestState(target), actor, state_reason)
    except TransitionRefused as refused:
        # The kiosk shows a state the centre does not have: make every kiosk of the site pull it again.
        bump(conn, "concierge_request", request_id, row["site_id"])
        return _rejected(reasons.transition_refused(refused))
    kept = reason if target in (RequestState.CANCELLED, RequestState.REFUSED) else None
    conn.execute(
        "UPDATE concierge_requests SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
        (target, compact_json(kept) if kept else None, at, request_id),
    )
    conn.execute(
        "INSERT INTO concierge_moves (request_id, at, from_state, to_state, actor, staff_id, kiosk_id, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, at, current.value, target, actor.value, staff_id, kiosk_id, compact_json(kept) if kept else None),
    )
    if target == RequestState.READY:
        notices.request_ready(conn, request_id, now)
    bump(conn, "concierge_request", request_id, row["site_id"])
    return _applied(request_id, target, kept)


def transition(
    conn: Connection,
    kiosk_id: str,
    site_id: str,
    payload: ConciergeTransitionPayload,
    created_at: str,
    now: datetime,
) -> Outcome:
    return move_request(
        conn,
        payload.request_id,
        payload.to_state,
        Actor(payload.actor),
        payload.reason.model_dump() if payload.reason else None,
        payload.staff_id,
        kiosk_id,
        site_id,
        created_at,
        now,
    )


def refuse(conn: Connection, request_id: str, fr: str, en: str, now: datetime) -> Said | None:
    """The centre refuses a request (administrator): None, or why it cannot."""
    result = move_request(
        conn,
        request_id,
        RequestState.REFUSED.value,
        Actor.CENTRE,
        {"code": "refused_by_centre", "fr": fr, "en": en},
        None,
        None,
        None,
        fmt(now),
        now,
    )
    reason = result.get("reason")  # a rejection's
    if isinstance(reason, dict):
        return Said(reason["fr"], reason["en"])
    return None


def request_data(row: Row) -> dict[str, object]:
    """A request as kiosks pull it."""
    data = json.loads(row["data"])
    return {
        **data,
        "site_id": row["site_id"],
        "state": row["state"],
        "reason": json.loads(row["reason"]) if row["reason"] else None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def load_requests(conn: Connection, requests: list[dict[str, object]], site_id: str, now: datetime) -> int:
    """Requests given whole (the demo's), upserted for `site_id`; returns how many changed."""
    changed = 0
    for request in requests:
        state, reason = request.pop("state"), request.pop("reason")
        created, updated = request.pop("created_at"), request.pop("updated_at")
        data = compact_json(request)
        request_id = str(request["request_id"])
        old = conn.execute("SELECT state, reason, data FROM concierge_requests WHERE id = ?", (request_id,)).fetchone()
        reason_text = compact_json(reason) if reason else None
        if old is not None and (old["state"], old["reason"], old["data"]) == (state, reason_text, data):
            continue
        conn.execute(
            "INSERT INTO concierge_requests (id, site_id, kiosk_id, household_id, state, reason, data, created_at, "
            "updated_at) VALUES (?, ?, 'centre', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "site_id = excluded.site_id, state = excluded.state, reason = excluded.reason, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (request_id, site_id, request["household_id"], state, reason_text, data, created, updated),
        )
        bump(conn, "concierge_request", request_id, site_id)
        changed += 1
    return changed
