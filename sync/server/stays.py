"""Holiday-stay requests at the centre: received from kiosks and checked again, allocated by the campaign's
rule (sync/server/stay_allocation.py) when it closes, answered by the person (docs/stay-wishes.md).

Every function runs inside the caller's write transaction, except `allocate_campaign`, the command's.
Each change of a request bumps it for its site, so its kiosks pull the outcome.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.domain.stay_wishes import MAX_WISHES
from kiosk.errors import KioskError
from kiosk.i18n import Text
from sync.server import dialect, notices, reasons, stay_allocation
from sync.server.bookings import load_members, load_session, rejected
from sync.server.changes import bump
from sync.server.clock import fmt, fmt_catalog, parse_moment
from sync.server.db import Connection, Database, Row, canonical_json, compact_json
from sync.server.decisions import CONFIRMED, age_on
from sync.server.reasons import Reason, reason
from sync.server.stay_allocation import RECENT_STAY_YEARS, Candidate, WishSeats
from sync.wire import StayAnswerPayload, StayRequestPayload

SENT, PROPOSED, WAITLISTED, REFUSED = "sent", "proposed", "waitlisted", "refused"
ACCEPTED, DECLINED, EXPIRED = "accepted", "declined", "expired"
OPEN = (SENT, PROPOSED, WAITLISTED)
ANSWER_DAYS = 10  # a proposal holds this many days by default
# The booking an accepted proposal becomes has an id made from the request's: accepting twice is one booking.
STAY_BOOKINGS = uuid.UUID("9b6f0c1e-5a7d-4f3e-8c2b-6d1e0f9a7b35")


class StayCampaignError(KioskError):
    """A campaign cannot be allocated (unknown, or still open); nothing was written."""


@dataclass(frozen=True)
class StayFacts:
    """What the centre knows of the stay and dates a wish names."""

    offer_id: str
    campaign: str
    wishes_until: datetime | None
    booking_mode: str
    withdrawn: bool
    session_offer_id: str | None  # the offer the named session belongs to (None: no such session)
    start: datetime | None
    age_min: int | None
    age_max: int | None


@dataclass(frozen=True)
class CampaignRun:
    campaign: str
    allocated_at: str
    changed: bool  # False: the campaign was allocated before, and these are that run's outcomes
    outcomes: list[dict[str, Any]]  # in ranking order


def outcome(row_id: str, state: str, reason_: Reason | None) -> dict[str, object]:
    return {"outcome": "applied", "stay_request": {"request_id": row_id, "state": state, "reason": reason_}}


# --- receiving a request -------------------------------------------------------------------------------------


def receive(
    conn: Connection,
    kiosk_id: str,
    site_id: str,
    payload: StayRequestPayload,
    created_at: str,
    when: datetime,
    now: datetime,
) -> dict[str, object]:
    """Record a request after checking every wish again on the centre's own data; refused whole otherwise."""
    if conn.execute("SELECT 1 FROM stay_requests WHERE id = ?", (payload.request_id,)).fetchone() is not None:
        return rejected(reason(Text("reason.stay.exists")))
    household = conn.execute("SELECT site_id FROM households WHERE id = ?", (payload.household_id,)).fetchone()
    if household is None:
        return rejected(reasons.household_unknown())
    if household[0] != site_id:
        return rejected(reason(Text("reason.stay.other_site")))
    problem = _wishes_problem(conn, payload, when)
    if problem is not None:
        return rejected(problem)
    already = conn.execute(
        "SELECT 1 FROM stay_requests WHERE household_id = ? AND campaign = ? AND state IN (?, ?, ?)",
        (payload.household_id, payload.campaign, *OPEN),
    ).fetchone()
    if already is not None:
        return rejected(reason(Text("reason.stay.already_requested")))
    wishes = [
        {"offer_id": w.offer_id, "session_id": w.session_id, "participants": w.participants} for w in payload.wishes
    ]
    conn.execute(
        "INSERT INTO stay_requests (id, site_id, kiosk_id, household_id, campaign, wishes, created_at, received_at, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payload.request_id,
            site_id,
            kiosk_id,
            payload.household_id,
            payload.campaign,
            compact_json(wishes),
            created_at,
            fmt(now),
            SENT,
        ),
    )
    bump(conn, "stay_request", payload.request_id, site_id)
    if conn.execute("SELECT 1 FROM stay_allocation_runs WHERE campaign = ?", (payload.campaign,)).fetchone():
        return _allocate_late(conn, payload.request_id, now)
    return outcome(payload.request_id, SENT, None)


def _allocate_late(conn: Connection, request_id: str, now: datetime) -> dict[str, object]:
    """A request made before the close (offline) that reaches the centre after the campaign's allocation: it is
    served on what is left, after everyone allocated, the waiting lists included."""
    row = conn.execute("SELECT * FROM stay_requests WHERE id = ?", (request_id,)).fetchone()
    candidate = _candidate(conn, row, _first_start(conn, row["campaign"]), now)
    waiting = {w.session_id: _waiting_on(conn, w.session_id) for w in candidate.wishes}
    free = {
        w.session_id: free_for_proposals(conn, w.session_id, now) if not waiting[w.session_id] else 0
        for w in candidate.wishes
    }
    [result] = stay_allocation.allocate([candidate], free)
    if result.state == REFUSED:
        said = result.reason
        position = None
    elif result.state == PROPOSED:
        said = reason(Text("reason.stay.proposed_late", rank=result.wish_rank))
        position = None
    else:
        position = waiting[result.session_id or ""] + 1
        said = reason(Text("reason.stay.waitlisted_late", rank=result.wish_rank, position=position))
    answer_by = fmt_catalog(now + timedelta(days=ANSWER_DAYS)) if result.state == PROPOSED else None
    conn.execute(
        "UPDATE stay_requests SET state = ?, proposed_rank = ?, answer_by = ?, waitlist_position = ?, reason = ?, "
        "decided_at = ? WHERE id = ?",
        (result.state, result.wish_rank, answer_by, position, compact_json(said), fmt(now), request_id),
    )
    return outcome(request_id, result.state, said)


def _waiting_on(conn: Connection, session_id: str) -> int:
    """How many requests wait on this session's waiting list."""
    return sum(
        1
        for row in conn.execute("SELECT * FROM stay_requests WHERE state = ?", (WAITLISTED,))
        if _proposed_session(row) == session_id
    )


def _wishes_problem(conn: Connection, payload: StayRequestPayload, when: datetime) -> Reason | None:
    if not payload.wishes:
        return reason(Text("reason.stay.no_wish"))
    if len(payload.wishes) > MAX_WISHES:
        return reason(Text("reason.stay.too_many", most=MAX_WISHES))
    members = load_members(conn, payload.household_id) or {}
    seen = set()
    for rank, wish in enumerate(payload.wishes, start=1):
        stay = _stay(conn, wish.offer_id, wish.session_id)
        if stay is None or stay.withdrawn or stay.booking_mode != "request":
            return reason(Text("reason.stay.stay_unknown", rank=rank))
        if stay.session_offer_id != stay.offer_id or stay.start is None:
            return reason(Text("reason.stay.dates_outside", rank=rank))
        if stay.campaign != payload.campaign:
            return reason(Text("reason.stay.other_campaign", rank=rank))
        if stay.start <= when or (stay.wishes_until is not None and when >= stay.wishes_until):
            return reason(Text("reason.stay.closed", rank=rank))
        if (wish.offer_id, wish.session_id) in seen:
            return reason(Text("reason.stay.same_twice", rank=rank))
        seen.add((wish.offer_id, wish.session_id))
        for person_id in wish.participants:
            if person_id not in members:
                return reasons.not_in_household(person_id)
            age = age_on(members[person_id].birth_date, stay.start.date())
            if (stay.age_min is not None and age < stay.age_min) or (stay.age_max is not None and age > stay.age_max):
                return reasons.age_limit(members[person_id].name, stay.age_min, stay.age_max)
    return None


def _stay(conn: Connection, offer_id: str, session_id: str) -> StayFacts | None:
    row = conn.execute(
        f"SELECT o.id, {dialect.json_text(conn.dialect, 'o.data', 'campaign')}, "
        f"{dialect.json_text(conn.dialect, 'o.data', 'wishes_until')}, o.booking_mode, "
        "o.withdrawn, s.offer_id, s.start, o.age_min, o.age_max FROM offers o LEFT JOIN sessions s ON s.id = ? "
        "WHERE o.id = ?",
        (session_id, offer_id),
    ).fetchone()
    if row is None:
        return None
    return StayFacts(
        row[0],
        row[1] or "",
        parse_moment(row[2]) if row[2] else None,
        row[3],
        bool(row[4]),
        row[5],
        parse_moment(row[6]) if row[6] else None,
        row[7],
        row[8],
    )


# --- the person's answer -------------------------------------------------------------------------------------


def answer(
    conn: Connection, site_id: str, payload: StayAnswerPayload, when: datetime, now: datetime
) -> dict[str, object]:
    """Accept (the place becomes a confirmed booking) or decline a proposal made before its date."""
    row = conn.execute("SELECT * FROM stay_requests WHERE id = ?", (payload.request_id,)).fetchone()
    if row is None:
        return rejected(reason(Text("reason.stay.unknown")))
    if row["site_id"] != site_id:
        return rejected(reason(Text("reason.stay.other_site")))
    bump(conn, "stay_request", row["id"], site_id)  # a refused answer: the kiosk pulls the request as it stands
    if row["state"] == PROPOSED and when > parse_moment(row["answer_by"]):
        _set_state(conn, row, EXPIRED, reason(Text("reason.stay.expired")), now)
        offer_waiting_places(conn, _proposed_session(row), now)
        return rejected(reason(Text("reason.stay.expired")))
    if row["state"] == EXPIRED:
        return rejected(reason(Text("reason.stay.expired")))
    if row["state"] != PROPOSED:
        return rejected(reason(Text("reason.stay.nothing_to_answer")))
    if not payload.accept:
        _set_state(conn, row, DECLINED, None, now)
        offer_waiting_places(conn, _proposed_session(row), now)
        return outcome(row["id"], DECLINED, None)
    booking_id = _book(conn, row, now)
    if isinstance(booking_id, dict):
        return rejected(booking_id)
    conn.execute("UPDATE stay_requests SET booking_id = ? WHERE id = ?", (booking_id, row["id"]))
    _set_state(conn, row, ACCEPTED, None, now)
    return outcome(row["id"], ACCEPTED, None)


def _proposed_wish(row: Row) -> dict[str, Any]:
    wishes: list[dict[str, Any]] = json.loads(row["wishes"])
    rank: int = row["proposed_rank"]
    return wishes[rank - 1]


def _proposed_session(row: Row) -> str:
    return str(_proposed_wish(row)["session_id"])


def _tell(
    conn: Connection, row: Row, state: str, rank: int | None, answer_by: str | None, said: Reason | None, now: datetime
) -> None:
    """An e-mail notice of the outcome to the household's people who consented (sync/server/notices.py)."""
    wishes: list[dict[str, Any]] = json.loads(row["wishes"])
    offer_id = wishes[(rank or 1) - 1]["offer_id"]
    found = conn.execute("SELECT data FROM offers WHERE id = ?", (offer_id,)).fetchone()
    title = str(json.loads(found[0]).get("title", offer_id)) if found else offer_id
    words = said or {}
    notices.holiday_outcome(
        conn, row["household_id"], row["id"], title, state, answer_by, words.get("fr", ""), words.get("en", ""), now
    )


def _book(conn: Connection, row: Row, now: datetime) -> str | Reason:
    """The confirmed booking an accepted proposal becomes, priced at the centre for the household's tier."""
    wish = _proposed_wish(row)
    session = load_session(conn, wish["session_id"])
    if session is None or session.withdrawn:
        return reasons.offer_withdrawn()
    participants: list[str] = wish["participants"]
    taken = conn.execute(
        f"SELECT 1 FROM booking_participants WHERE session_id = ? AND person_id IN {dialect.ids_in(conn.dialect)}",
        (session.session_id, json.dumps(participants)),
    ).fetchone()
    if taken is not None:
        return reason(Text("reason.stay.already_booked"))
    tier = conn.execute("SELECT tier FROM households WHERE id = ?", (row["household_id"],)).fetchone()[0]
    offer = conn.execute("SELECT data, version FROM offers WHERE id = ?", (session.offer_id,)).fetchone()
    prices = {p["tier"]: p["cents"] for p in json.loads(offer[0])["prices"]}
    unit = prices[tier]
    booking_id = str(uuid.uuid5(STAY_BOOKINGS, row["id"]))
    conn.execute(
        "INSERT INTO bookings (id, session_id, household_id, site_id, kiosk_id, participants, tier, total_cents, "
        "kiosk_state, state, reason, alloc_seats, pool_seats, lease_seats, protocol, offer_version, unit_cents, "
        "created_at, decided_at, arrival) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, NULL, 0, ?, 0, 2, ?, ?, ?, ?, "
        "(SELECT COALESCE(MAX(arrival), 0) + 1 FROM bookings WHERE session_id = ?))",
        (
            booking_id,
            session.session_id,
            row["household_id"],
            row["site_id"],
            row["kiosk_id"],
            compact_json(participants),
            tier,
            unit * len(participants),
            CONFIRMED,
            len(participants),
            offer[1] or None,
            unit,
            row["created_at"],
            fmt(now),
            session.session_id,
        ),
    )
    conn.executemany(
        "INSERT INTO booking_participants (session_id, person_id, booking_id) VALUES (?, ?, ?)",
        [(session.session_id, p, booking_id) for p in participants],
    )
    conn.execute(
        "UPDATE sessions SET outside_taken = outside_taken + ? WHERE id = ?", (len(participants), session.session_id)
    )
    bump(conn, "offer", session.offer_id)
    bump(conn, "booking", booking_id, row["site_id"])
    return booking_id


def _set_state(conn: Connection, row: Row, state: str, said: Reason | None, now: datetime) -> None:
    conn.execute(
        "UPDATE stay_requests SET state = ?, reason = COALESCE(?, reason), decided_at = ? WHERE id = ?",
        (state, compact_json(said) if said else None, fmt(now), row["id"]),
    )
    bump(conn, "stay_request", row["id"], row["site_id"])


# --- seats held by proposals, and the waiting list -----------------------------------------------------------


def free_for_proposals(conn: Connection, session_id: str, now: datetime) -> int:
    """The session's central pool, less the seats live proposals hold until they are answered."""
    session = load_session(conn, session_id)
    if session is None or session.withdrawn or session.start <= now:
        return 0
    return max(session.pool_free - _held(conn, session_id, now), 0)


def _held(conn: Connection, session_id: str, now: datetime) -> int:
    held = 0
    for row in conn.execute(
        "SELECT * FROM stay_requests WHERE state = ? AND answer_by >= ?", (PROPOSED, fmt_catalog(now))
    ):
        wish = _proposed_wish(row)
        if wish["session_id"] == session_id:
            held += len(wish["participants"])
    return held


def expire_proposals(conn: Connection, now: datetime) -> None:
    """Proposals past their date expire; their places go to the waiting list."""
    for row in conn.execute(
        "SELECT * FROM stay_requests WHERE state = ? AND answer_by < ? ORDER BY answer_by, id",
        (PROPOSED, fmt_catalog(now)),
    ).fetchall():
        _set_state(conn, row, EXPIRED, reason(Text("reason.stay.expired")), now)
        offer_waiting_places(conn, _proposed_session(row), now)


def offer_waiting_places(conn: Connection, session_id: str, now: datetime, answer_days: int = ANSWER_DAYS) -> None:
    """Places freed on a session go to its waiting list, in order, to whoever they fit."""
    free = free_for_proposals(conn, session_id, now)
    answer_by = fmt_catalog(now + timedelta(days=answer_days))
    for row in conn.execute(
        "SELECT * FROM stay_requests WHERE state = ? ORDER BY waitlist_position, id", (WAITLISTED,)
    ).fetchall():
        wish = _proposed_wish(row)
        seats = len(wish["participants"])
        if wish["session_id"] != session_id or seats > free:
            continue
        free -= seats
        said = reason(Text("reason.stay.from_waiting_list", rank=row["proposed_rank"]))
        conn.execute(
            "UPDATE stay_requests SET state = ?, answer_by = ?, waitlist_position = NULL, reason = ?, decided_at = ? "
            "WHERE id = ?",
            (PROPOSED, answer_by, compact_json(said), fmt(now), row["id"]),
        )
        bump(conn, "stay_request", row["id"], row["site_id"])
        _tell(conn, row, PROPOSED, row["proposed_rank"], answer_by, said, now)


# --- the campaign's allocation -------------------------------------------------------------------------------


def allocate_campaign(db: Database, campaign: str, now: datetime, answer_days: int = ANSWER_DAYS) -> CampaignRun:
    """Allocate a closed campaign by the rule, once: a second run changes nothing and gives the same outcomes."""
    with db.write() as conn:
        until, of_campaign = (dialect.json_text(conn.dialect, "data", key) for key in ("wishes_until", "campaign"))
        closing = conn.execute(f"SELECT max({until}) FROM offers WHERE {of_campaign} = ?", (campaign,)).fetchone()[0]
        if closing is None:
            raise StayCampaignError("error.stays.campaign_unknown", campaign=campaign)
        if now < parse_moment(closing):
            raise StayCampaignError("error.stays.campaign_open", campaign=campaign, until=parse_moment(closing))
        done = conn.execute(
            "SELECT run_at, outcomes FROM stay_allocation_runs WHERE campaign = ?", (campaign,)
        ).fetchone()
        if done is not None:
            return CampaignRun(campaign, done[0], False, json.loads(done[1]))
        expire_proposals(conn, now)
        rows = conn.execute(
            "SELECT * FROM stay_requests WHERE campaign = ? AND state = ? ORDER BY id", (campaign, SENT)
        ).fetchall()
        first_start = _first_start(conn, campaign)
        candidates = [_candidate(conn, row, first_start, now) for row in rows]
        sessions = {w.session_id for c in candidates for w in c.wishes}
        free = {session_id: free_for_proposals(conn, session_id, now) for session_id in sorted(sessions)}
        results = stay_allocation.allocate(candidates, free)
        answer_by = fmt_catalog(now + timedelta(days=answer_days))
        by_id = {row["id"]: row for row in rows}
        recorded: list[dict[str, Any]] = []
        for result in results:
            row = by_id[result.request_id]
            conn.execute(
                "UPDATE stay_requests SET state = ?, proposed_rank = ?, answer_by = ?, waitlist_position = ?, "
                "reason = ?, decided_at = ? WHERE id = ?",
                (
                    result.state,
                    result.wish_rank,
                    answer_by if result.state == PROPOSED else None,
                    result.waitlist_position,
                    compact_json(result.reason),
                    fmt(now),
                    result.request_id,
                ),
            )
            bump(conn, "stay_request", result.request_id, row["site_id"])
            proposed_by = answer_by if result.state == PROPOSED else None
            _tell(conn, row, result.state, result.wish_rank, proposed_by, result.reason, now)
            recorded.append(
                {
                    "ranking": result.ranking,
                    "request_id": result.request_id,
                    "household_id": row["household_id"],
                    "state": result.state,
                    "wish_rank": result.wish_rank,
                    "waitlist_position": result.waitlist_position,
                    "reason": result.reason,
                }
            )
        conn.execute(
            "INSERT INTO stay_allocation_runs (campaign, run_at, answer_by, outcomes) VALUES (?, ?, ?, ?)",
            (campaign, fmt(now), answer_by, canonical_json(recorded)),
        )
        return CampaignRun(campaign, fmt(now), True, recorded)


def _first_start(conn: Connection, campaign: str) -> datetime:
    start = conn.execute(
        "SELECT min(s.start) FROM sessions s JOIN offers o ON o.id = s.offer_id "
        f"WHERE {dialect.json_text(conn.dialect, 'o.data', 'campaign')} = ?",
        (campaign,),
    ).fetchone()[0]
    return parse_moment(start)


def _candidate(conn: Connection, row: Row, first_start: datetime, now: datetime) -> Candidate:
    """The request as the rule sees it: its household's standing and the wishes that can still be held."""
    tier = conn.execute("SELECT tier FROM households WHERE id = ?", (row["household_id"],)).fetchone()
    wishes = []
    for rank, wish in enumerate(json.loads(row["wishes"]), start=1):
        session = load_session(conn, wish["session_id"])
        if session is not None and not session.withdrawn and session.start > now:
            wishes.append(WishSeats(rank, wish["session_id"], len(wish["participants"])))
    return Candidate(
        request_id=row["id"],
        recent_stay=had_recent_stay(conn, row["household_id"], first_start),
        tier=tier[0] if tier else 99,
        created_at=parse_moment(row["created_at"]),
        wishes=tuple(wishes),
    )


def had_recent_stay(conn: Connection, household_id: str, before: datetime) -> bool:
    """A national stay (recorded, or booked here by request) that started in the two years before `before`."""
    since = before.replace(year=before.year - RECENT_STAY_YEARS)
    first, last = since.date().isoformat(), before.date().isoformat()
    return (
        conn.execute(
            "SELECT 1 FROM past_stays WHERE household_id = ? AND started_on >= ? AND started_on < ? "
            "UNION ALL SELECT 1 FROM bookings b JOIN sessions s ON s.id = b.session_id "
            "JOIN offers o ON o.id = s.offer_id WHERE b.household_id = ? AND b.state = ? "
            "AND o.booking_mode = 'request' AND substr(s.start, 1, 10) >= ? AND substr(s.start, 1, 10) < ? LIMIT 1",
            (household_id, first, last, household_id, CONFIRMED, first, last),
        ).fetchone()
        is not None
    )


def record_past_stay(db: Database, household_id: str, started_on: str) -> None:
    """A national stay the household had before this centre knew of it (from the CCAS's records)."""
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM households WHERE id = ?", (household_id,)).fetchone() is None:
            raise StayCampaignError("error.stays.household_unknown", household_id=household_id)
        conn.execute(
            "INSERT INTO past_stays (household_id, started_on) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (household_id, started_on),
        )


# --- what kiosks pull ----------------------------------------------------------------------------------------


def stay_request_data(row: Row) -> dict[str, object]:
    """A stay request as kiosks see it in a pull (docs/sync-protocol.md)."""
    return {
        "request_id": row["id"],
        "household_id": row["household_id"],
        "campaign": row["campaign"],
        "wishes": json.loads(row["wishes"]),
        "state": row["state"],
        "created_at": row["created_at"][:16],
        "proposed_rank": row["proposed_rank"],
        "answer_by": row["answer_by"],
        "waitlist_position": row["waitlist_position"],
        "reason": json.loads(row["reason"]) if row["reason"] else None,
        "booking_id": row["booking_id"],
    }
