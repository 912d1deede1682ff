"""What an administrator does to the centre's seats and offers: allocations, capacities, withdrawals, requests.

Each function is one write transaction: a refused change changes nothing. Every
change kiosks must see bumps the change sequence. Loading data is in `loading`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from kiosk.errors import KioskError
from kiosk.i18n import Said, Text
from sync.server import bookings, decisions, dialect, leases
from sync.server.changes import bump
from sync.server.clock import fmt_catalog
from sync.server.db import Connection, Database, Row

DEFAULT_SITE = "DEMO-LYON-PARTDIEU"


class AdminError(KioskError):
    """An administrative change was refused; nothing was written."""


def set_allocation(
    db: Database, session_id: str, site_id: str, seats: int, until: datetime | None, now: datetime
) -> None:
    """Grant `site_id` `seats` seats on a session (more, fewer or none), refused if places would not add up."""
    if until is not None and until <= now:
        raise AdminError("error.central.admin.allocation_s_cut_off")
    with db.write() as conn:
        bookings.release_expired(conn, now)
        session = _session(conn, session_id)
        old = conn.execute(
            "SELECT seats, used + leased FROM allocations WHERE session_id = ? AND site_id = ?", (session_id, site_id)
        ).fetchone()
        old_seats, used = (old[0], old[1]) if old else (0, 0)
        others = session["allocated"] - old_seats
        problem = decisions.allocation_problem(session["capacity"], session["outside_taken"], others, seats, used)
        if problem:
            raise AdminError("error.central.admin.allocation_refused", problem=problem)
        conn.execute(
            "INSERT INTO allocations (session_id, site_id, seats, external_used, used, until, until_is_start, "
            "released) VALUES (?, ?, ?, 0, ?, ?, ?, 0) ON CONFLICT (session_id, site_id) DO UPDATE SET "
            "seats = excluded.seats, until = excluded.until, until_is_start = excluded.until_is_start, released = 0",
            (session_id, site_id, seats, used, fmt_catalog(until) if until else session["start"], 0 if until else 1),
        )
        conn.execute("UPDATE sessions SET allocated = ? WHERE id = ?", (others + seats, session_id))
        bump(conn, "offer", session["offer_id"])
        if seats < old_seats:
            bookings.promote_waitlist(conn, session_id, now)
        leases.split(conn, site_id, now, session_id)


def set_capacity(db: Database, session_id: str, capacity: int, now: datetime) -> None:
    with db.write() as conn:
        bookings.release_expired(conn, now)
        session = _session(conn, session_id)
        problem = decisions.capacity_problem(capacity, session["allocated"], session["outside_taken"])
        if problem:
            raise AdminError("error.central.admin.capacity_refused", problem=problem)
        conn.execute("UPDATE sessions SET capacity = ? WHERE id = ?", (capacity, session_id))
        bump(conn, "offer", session["offer_id"])
        if capacity > session["capacity"]:
            bookings.promote_waitlist(conn, session_id, now)


def withdraw_offer(db: Database, offer_id: str) -> bool:
    """Withdraw an offer (kiosks get a tombstone); False if it already was. Its bookings are left as they are."""
    with db.write() as conn:
        row = conn.execute("SELECT withdrawn FROM offers WHERE id = ?", (offer_id,)).fetchone()
        if row is None:
            raise AdminError("error.central.admin.unknown_offer", offer_id=offer_id)
        if row[0]:
            return False
        conn.execute("UPDATE offers SET withdrawn = 1 WHERE id = ?", (offer_id,))
        bump(conn, "offer", offer_id)
        return True


def decide_request(db: Database, booking_id: str, state: str, now: datetime) -> None:
    with db.write() as conn:
        problem = bookings.decide_request(conn, booking_id, state, now)
    if problem:
        raise AdminError("error.central.admin.decision_refused_for", booking_id=booking_id, problem=problem)


def refuse_concierge(db: Database, request_id: str, reason_fr: str, reason_en: str, now: datetime) -> None:
    """The centre refuses a concierge request, with a reason people read; kiosks of its site pull the refusal."""
    from kiosk.domain.concierge import ConciergeFormError, clean_text
    from sync.server import concierge

    try:
        fr = clean_text(reason_fr, 200, Text("form.reason"), required=True)
        en = clean_text(reason_en, 200, Text("form.reason.english"), required=True)
    except ConciergeFormError as error:
        raise AdminError("error.central.admin.refuse_2", error=error) from None
    with db.write() as conn:
        problem = concierge.refuse(conn, request_id, fr, en, now)
    if problem:
        raise AdminError("error.central.admin.refuse", request_id=request_id, problem=problem)


def report_payment(db: Database, kind: str, subject_id: str, amount_text: str, reference: str, now: datetime) -> str:
    """A payment made elsewhere (at the CMCAS, by transfer…), reported by the centre; kiosks of the site pull it.
    Returns its id."""
    from kiosk.domain.payment import Means, PaymentRefused, check_reference, parse_amount
    from sync.server import payments

    try:
        amount = parse_amount(amount_text)
        reference = check_reference(Means.ELSEWHERE, reference)
    except PaymentRefused as error:
        raise AdminError("error.central.admin.payment_refused", error=error) from None
    with db.write() as conn:
        result = payments.report_elsewhere(conn, kind, subject_id, amount, reference, now.strftime("%Y-%m-%dT%H:%M:%S"))
    payment, reason = result.get("payment"), result.get("reason")
    if isinstance(payment, dict):  # kept
        return str(payment["payment_id"])
    said = reason if isinstance(reason, dict) else {}
    raise AdminError("error.central.admin.payment_refused", error=Said(said.get("fr", ""), said.get("en", "")))


def _session(conn: Connection, session_id: str) -> Row:
    dialect.lock_session(conn, session_id)
    row: Row | None = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise AdminError("error.central.admin.unknown_session", session_id=session_id)
    return row


def seat_problems(db: Database) -> list[str]:
    """Recount every session's seats from the bookings; the list of what does not add up (empty when sound)."""
    with db.read() as conn:
        return _seat_problems(conn)


def _seat_problems(conn: Connection) -> list[str]:
    pool: dict[str, int] = dict(
        conn.execute("SELECT session_id, SUM(pool_seats) FROM bookings WHERE state = 'confirmed' GROUP BY session_id")
    )
    alloc_used = {
        (r[0], r[1]): r[2]
        for r in conn.execute(
            "SELECT session_id, site_id, SUM(alloc_seats) FROM bookings WHERE state = 'confirmed' "
            "GROUP BY session_id, site_id"
        )
    }
    held = {
        (r[0], r[1]): r[2]
        for r in conn.execute(
            "SELECT session_id, site_id, SUM(granted - returned) FROM leases GROUP BY session_id, site_id"
        )
    }
    lease_used = {
        (r[0], r[1]): r[2]
        for r in conn.execute(
            "SELECT session_id, kiosk_id, SUM(lease_seats) FROM bookings WHERE state = 'confirmed' "
            "GROUP BY session_id, kiosk_id"
        )
    }
    seats: defaultdict[str, int] = defaultdict(int)
    problems = []
    for session_id, site_id, s, external_used, used, leased in conn.execute(
        "SELECT session_id, site_id, seats, external_used, used, leased FROM allocations"
    ):
        seats[session_id] += s
        if used != external_used + alloc_used.get((session_id, site_id), 0) or used + leased > s:
            problems.append(f"{session_id}@{site_id}: used {used}, leased {leased}, seats {s}")
        if leased != held.get((session_id, site_id), 0):
            problems.append(f"{session_id}@{site_id}: leased {leased} != {held.get((session_id, site_id), 0)}")
    for session_id, kiosk_id, granted, returned, used in conn.execute(
        "SELECT session_id, kiosk_id, granted, returned, used FROM leases"
    ):
        if used != lease_used.get((session_id, kiosk_id), 0) or used > granted - returned:
            problems.append(f"{session_id}@{kiosk_id}: lease used {used}, held {granted - returned}")
    for sid, capacity, external, outside, allocated in conn.execute(
        "SELECT id, capacity, external_taken, outside_taken, allocated FROM sessions"
    ):
        if outside != external + pool.get(sid, 0):
            problems.append(f"{sid}: outside_taken {outside} != {external} + {pool.get(sid, 0)}")
        if allocated != seats[sid]:
            problems.append(f"{sid}: allocated {allocated} != {seats[sid]}")
        if allocated + outside > capacity:
            problems.append(f"{sid}: {allocated} allocated + {outside} outside > capacity {capacity}")
    return problems


def publish_consultation(db: Database, document: object, now: datetime) -> str:
    """Publish a consultation from its document (docs/sync-protocol.md); its id."""
    from sync.server import consultations

    try:
        consultation = consultations.parse(document)
    except consultations.ConsultationRefused as error:
        raise AdminError(error.key, **error.values) from None
    if consultation.closes_at <= now:
        raise AdminError("error.central.admin.consultation_already_closed")
    with db.write() as conn:
        try:
            consultations.publish(conn, consultation)
        except consultations.ConsultationRefused as error:
            raise AdminError(error.key, **error.values) from None
    return consultation.consultation_id


def consultation_results(db: Database, consultation_id: str, now: datetime) -> dict[str, object]:
    """The counts of a consultation once counting has ended (never before: they stay secret until then)."""
    from sync.server import consultations

    with db.write() as conn:
        consultations.publish_due_results(conn, now)
        consultation = consultations.load(conn, consultation_id)
        if consultation is None:
            raise AdminError("error.central.admin.unknown_consultation", consultation_id=consultation_id)
        if now < consultation.counting_ends:
            participants = conn.execute(
                "SELECT count(*) FROM vote_participations WHERE consultation_id = ?", (consultation_id,)
            ).fetchone()[0]
            return {
                "consultation": consultation_id,
                "counting_ends": consultation.counting_ends.isoformat(),
                "participants_so_far": participants,
            }
        return {"consultation": consultation_id, **consultations.results(conn, consultation)}


def answer_idea(db: Database, id_or_code: str, text: str, author: str, now: datetime) -> str:
    """The SLVie or CMCAS answers an idea (found by its id or receipt code); kiosks of its site pull it."""
    from kiosk.domain.ideas import IdeaError, clean_answer
    from sync.server import ideas

    try:
        text, author = clean_answer(text, author)
    except IdeaError as error:
        raise AdminError("error.central.admin.answer_refused", error=error) from None
    with db.write() as conn:
        row = ideas.find(conn, id_or_code)
        if row is None:
            raise AdminError("error.central.admin.unknown_idea", id_or_code=id_or_code)
        idea_id = str(row["id"])
        ideas.answer(conn, idea_id, text, author, now)
        return idea_id


def moderate_appreciation(
    db: Database, appreciation_id: str, publish: bool, reason_fr: str | None, reason_en: str | None, now: datetime
) -> None:
    """Publish a comment, or refuse it with a reason its author reads at the kiosk; ratings are never edited."""
    from kiosk.domain.concierge import ConciergeFormError, clean_text
    from sync.server import appreciation

    reason = None
    if not publish:
        try:
            reason = {
                "code": "refused_by_moderation",
                "fr": clean_text(reason_fr, 200, Text("form.reason"), required=True),
                "en": clean_text(reason_en, 200, Text("form.reason.english"), required=True),
            }
        except ConciergeFormError as error:
            raise AdminError("error.central.admin.refuse_2", error=error) from None
    with db.write() as conn:
        problem = appreciation.moderate(conn, appreciation_id, publish, reason, now)
    if problem:
        raise AdminError("error.central.admin.cannot_moderate", appreciation_id=appreciation_id, problem=problem)
