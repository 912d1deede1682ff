"""Bookings and seats in the database: the SQL around the rules of `decisions`.

Every function runs inside the caller's write transaction. Each change of seats
bumps the offer (every site's view of its places changes), each change of a
booking bumps the booking for its site.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sync.server import decisions, dialect, leases, pricing, reasons
from sync.server.changes import bump
from sync.server.clock import fmt, parse_moment
from sync.server.db import Connection, Row, compact_json
from sync.server.decisions import ACTIVE_STATES, CANCELLED, CONFIRMED, Member, SessionFacts, SiteSeats
from sync.server.reasons import Outcome, Reason
from sync.wire import BookingCreatePayload


def applied(row_or_id: str, state: str, reason: Reason | None) -> Outcome:
    return {"outcome": "applied", "booking": {"booking_id": row_or_id, "state": state, "reason": reason}}


def rejected(reason: Reason) -> Outcome:
    return {"outcome": "rejected", "reason": reason}


def load_session(conn: Connection, session_id: str) -> SessionFacts | None:
    row = conn.execute(
        "SELECT s.id, s.offer_id, s.start, s.capacity, s.outside_taken, s.allocated, o.booking_mode, o.withdrawn, "
        "o.age_min, o.age_max, o.cancel_days_before FROM sessions s JOIN offers o ON o.id = s.offer_id "
        "WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        return None
    return SessionFacts(
        row[0], row[1], parse_moment(row[2]), row[3], row[4], row[5], row[6], bool(row[7]), row[8], row[9], row[10]
    )


def load_site(conn: Connection, session_id: str, site_id: str) -> SiteSeats:
    row = conn.execute(
        "SELECT seats, used + leased, released FROM allocations WHERE session_id = ? AND site_id = ?",
        (session_id, site_id),
    ).fetchone()
    return SiteSeats() if row is None else SiteSeats(row[0], row[1], bool(row[2]))


def household_site(conn: Connection, household_id: str) -> str | None:
    """The site a household belongs to, or None for a household the centre does not know."""
    row = conn.execute("SELECT site_id FROM households WHERE id = ?", (household_id,)).fetchone()
    return None if row is None else row[0]


def load_members(conn: Connection, household_id: str) -> dict[str, Member] | None:
    if household_site(conn, household_id) is None:
        return None
    return {
        r[0]: Member(r[0], r[1], r[2], date.fromisoformat(r[3]))
        for r in conn.execute(
            "SELECT person_id, first_name, last_name, birth_date FROM persons WHERE household_id = ?", (household_id,)
        )
    }


def create_booking(
    conn: Connection,
    kiosk_id: str,
    site_id: str,
    payload: BookingCreatePayload,
    created_at: str,
    when: datetime,
    now: datetime,
) -> Outcome:
    if conn.execute("SELECT 1 FROM bookings WHERE id = ?", (payload.booking_id,)).fetchone() is not None:
        return rejected(reasons.booking_exists())
    session = load_session(conn, payload.session_id)
    if session is None:  # nothing the centre knows of: not a booking it could decide on
        return rejected(reasons.session_unknown())
    members = load_members(conn, payload.household_id)
    if members is None:
        return rejected(reasons.household_unknown())
    if household_site(conn, payload.household_id) != site_id:  # a kiosk books for its own site's households
        return rejected(reasons.household_other_site())
    priced = pricing.check(
        conn,
        session.offer_id,
        payload.household_id,
        payload.tier,
        len(payload.participants),
        payload.total_cents,
        payload.offer_version,
        payload.unit_cents,
    )
    if priced.problem is not None:
        pricing.record_for_it(
            conn,
            kiosk_id,
            "invalid_price",
            payload.booking_id,
            {
                "session_id": payload.session_id,
                "household_id": payload.household_id,
                "tier": payload.tier,
                "participants": len(payload.participants),
                "total_cents": payload.total_cents,
                "offer_version": payload.offer_version,
                "unit_cents": payload.unit_cents,
            },
            now,
        )
        return rejected(priced.problem)
    # From here to the commit, the session's seats are this transaction's alone: as it stands once locked.
    dialect.lock_session(conn, payload.session_id)
    session = load_session(conn, payload.session_id) or session
    site = load_site(conn, payload.session_id, site_id)
    booked = {
        r[0]
        for r in conn.execute(
            "SELECT person_id FROM booking_participants WHERE session_id = ? "
            f"AND person_id IN {dialect.ids_in(conn.dialect)}",
            (payload.session_id, json.dumps(payload.participants)),
        )
    }
    lease = leases.load(conn, payload.session_id, kiosk_id)
    lease_free = lease.free if lease else 0
    decision = decisions.decide_booking(
        payload.kiosk_state,
        payload.participants,
        session,
        site,
        members,
        booked,
        when,
        lease_free,
        lease_first=payload.protocol >= 2,
    )
    if (
        payload.protocol >= 2
        and payload.kiosk_state == CONFIRMED
        and decision.state not in (CONFIRMED, decisions.REFUSED)
    ):
        pricing.record_for_it(
            conn,
            kiosk_id,
            "lease_overdrawn",
            payload.booking_id,
            {"session_id": payload.session_id, "seats": len(payload.participants), "lease_free": lease_free},
            now,
        )
    conn.execute(
        "INSERT INTO bookings (id, session_id, household_id, site_id, kiosk_id, participants, tier, total_cents, "
        "kiosk_state, state, reason, alloc_seats, pool_seats, lease_seats, protocol, offer_version, unit_cents, "
        "created_at, decided_at, arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "(SELECT COALESCE(MAX(arrival), 0) + 1 FROM bookings WHERE session_id = ?))",
        (
            payload.booking_id,
            payload.session_id,
            payload.household_id,
            site_id,
            kiosk_id,
            compact_json(payload.participants),
            payload.tier,
            payload.total_cents,
            payload.kiosk_state,
            decision.state,
            compact_json(decision.reason) if decision.reason else None,
            decision.alloc_seats,
            decision.pool_seats,
            decision.lease_seats,
            payload.protocol,
            priced.version,
            priced.unit_cents,
            created_at,
            fmt(now),
            payload.session_id,
        ),
    )
    if decision.state in ACTIVE_STATES:
        conn.executemany(
            "INSERT INTO booking_participants (session_id, person_id, booking_id) VALUES (?, ?, ?)",
            [(payload.session_id, p, payload.booking_id) for p in payload.participants],
        )
    if decision.lease_seats:
        leases.take(conn, kiosk_id, payload.session_id, decision.lease_seats)
    if decision.alloc_seats:
        conn.execute(
            "UPDATE allocations SET used = used + ? WHERE session_id = ? AND site_id = ?",
            (decision.alloc_seats, payload.session_id, site_id),
        )
    if decision.pool_seats:
        conn.execute(
            "UPDATE sessions SET outside_taken = outside_taken + ? WHERE id = ?",
            (decision.pool_seats, payload.session_id),
        )
    if decision.alloc_seats or decision.pool_seats or decision.lease_seats:
        bump(conn, "offer", session.offer_id)
    bump(conn, "booking", payload.booking_id, site_id)
    return applied(payload.booking_id, decision.state, decision.reason)


def cancel_booking(conn: Connection, site_id: str, booking_id: str, when: datetime, now: datetime) -> Outcome:
    """Cancel for a kiosk of `site_id` (the person there, or a correspondent signed in at it): only that
    site's bookings, so a booking id read off someone's voucher is no use at another site's kiosk."""
    row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
    if row is None:
        return rejected(reasons.booking_unknown())
    if row["site_id"] != site_id:
        return rejected(reasons.booking_other_site())
    if row["state"] == CANCELLED:
        return applied(booking_id, CANCELLED, None)
    dialect.lock_session(conn, row["session_id"])
    row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()  # as it stands, locked
    if row["state"] == CANCELLED:
        return applied(booking_id, CANCELLED, None)
    session = load_session(conn, row["session_id"])
    refusal = decisions.cancel_refusal(row["state"], session, when)
    if refusal is not None:
        return rejected(refusal)
    conn.execute(
        "UPDATE bookings SET state = ?, reason = NULL, decided_at = ? WHERE id = ?", (CANCELLED, fmt(now), booking_id)
    )
    conn.execute(
        "DELETE FROM booking_participants WHERE session_id = ? AND booking_id = ?", (row["session_id"], booking_id)
    )
    bump(conn, "booking", booking_id, row["site_id"])
    if row["state"] == CONFIRMED and session is not None:
        _give_back(conn, row)
        bump(conn, "offer", session.offer_id)
        promote_waitlist(conn, row["session_id"], now)
    return applied(booking_id, CANCELLED, None)


def _give_back(conn: Connection, row: Row) -> None:
    """A cancelled booking's seats go back where they came from: its kiosk's lease, the site's allocation
    (a released allocation's to the pool), the central pool."""
    session_id, alloc, pool = row["session_id"], row["alloc_seats"], row["pool_seats"]
    if row["lease_seats"]:
        leases.put_back(conn, row["kiosk_id"], session_id, row["lease_seats"])
    if alloc:
        released = conn.execute(
            "SELECT released FROM allocations WHERE session_id = ? AND site_id = ?", (session_id, row["site_id"])
        ).fetchone()
        if released is not None and released[0]:
            conn.execute(
                "UPDATE allocations SET used = used - ?, seats = seats - ? WHERE session_id = ? AND site_id = ?",
                (alloc, alloc, session_id, row["site_id"]),
            )
            conn.execute("UPDATE sessions SET allocated = allocated - ? WHERE id = ?", (alloc, session_id))
        else:
            conn.execute(
                "UPDATE allocations SET used = used - ? WHERE session_id = ? AND site_id = ?",
                (alloc, session_id, row["site_id"]),
            )
    if pool:
        conn.execute("UPDATE sessions SET outside_taken = outside_taken - ? WHERE id = ?", (pool, session_id))


def promote_waitlist(conn: Connection, session_id: str, now: datetime) -> list[str]:
    """Confirm waitlisted bookings, oldest first, while the central pool has room."""
    session = load_session(conn, session_id)
    if session is None or session.withdrawn or session.booking_mode != "direct" or session.start <= now:
        return []
    if session.pool_free == 0:
        return []
    waiting = conn.execute(
        "SELECT id, participants, site_id FROM bookings WHERE session_id = ? AND state = ? ORDER BY arrival",
        (session_id, decisions.WAITLISTED),
    ).fetchall()
    sizes = {r[0]: len(json.loads(r[1])) for r in waiting}
    chosen = decisions.promotions(session.pool_free, [(r[0], sizes[r[0]]) for r in waiting])
    sites = {r[0]: r[2] for r in waiting}
    for booking_id in chosen:
        conn.execute(
            "UPDATE bookings SET state = ?, reason = NULL, pool_seats = ?, decided_at = ? WHERE id = ?",
            (CONFIRMED, sizes[booking_id], fmt(now), booking_id),
        )
        conn.execute(
            "UPDATE sessions SET outside_taken = outside_taken + ? WHERE id = ?", (sizes[booking_id], session_id)
        )
        bump(conn, "booking", booking_id, sites[booking_id])
    if chosen:
        bump(conn, "offer", session.offer_id)
    return chosen


def release_expired(conn: Connection, now: datetime) -> int:
    """At an allocation's cut-off its unused seats go back to the central pool. Returns how many allocations.

    Seats held in kiosks' leases stay allocated: a kiosk may have confirmed them offline; they go back
    to the pool when the kiosk gives them back."""
    due = conn.execute(
        "SELECT a.session_id, a.site_id, a.seats - a.used - a.leased, s.offer_id FROM allocations a "
        "JOIN sessions s ON s.id = a.session_id WHERE a.released = 0 AND a.until <= ?",
        (fmt(now),),
    ).fetchall()
    for session_id, site_id, unused, offer_id in due:
        dialect.lock_session(conn, session_id)
        conn.execute(
            "UPDATE allocations SET released = 1, seats = used + leased WHERE session_id = ? AND site_id = ?",
            (session_id, site_id),
        )
        if unused > 0:
            conn.execute("UPDATE sessions SET allocated = allocated - ? WHERE id = ?", (unused, session_id))
            bump(conn, "offer", offer_id)
            promote_waitlist(conn, session_id, now)
    return len(due)


def decide_request(conn: Connection, booking_id: str, state: str, now: datetime) -> str | None:
    """The centre settles a request (or a waitlisted booking): None, or why it cannot (English)."""
    row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
    if row is None:
        return "unknown booking"
    if row["state"] not in (decisions.REQUESTED, decisions.WAITLISTED):
        return f"the booking is {row['state']}, not requested or waitlisted"
    if state == row["state"]:
        return None
    dialect.lock_session(conn, row["session_id"])
    session = load_session(conn, row["session_id"])
    size = len(json.loads(row["participants"]))
    reason = None
    if state == CONFIRMED:
        if session is None or session.pool_free < size:
            free = session.pool_free if session else 0
            return f"the central pool has {free} free places, the booking needs {size}"
        conn.execute("UPDATE sessions SET outside_taken = outside_taken + ? WHERE id = ?", (size, row["session_id"]))
        bump(conn, "offer", session.offer_id)
    elif state == decisions.REFUSED:
        reason = reasons.refused_by_centre()
        conn.execute(
            "DELETE FROM booking_participants WHERE session_id = ? AND booking_id = ?", (row["session_id"], booking_id)
        )
    elif state == decisions.WAITLISTED:
        reason = reasons.waitlisted_full()
    conn.execute(
        "UPDATE bookings SET state = ?, reason = ?, pool_seats = ?, decided_at = ? WHERE id = ?",
        (state, compact_json(reason) if reason else None, size if state == CONFIRMED else 0, fmt(now), booking_id),
    )
    bump(conn, "booking", booking_id, row["site_id"])
    return None
