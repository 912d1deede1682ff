"""Seat leases: each kiosk's share of its site's allocation on a session (escrow, docs/sync-protocol.md).

A lease is a bounded counter's rights held by one replica: the kiosk confirms offline only
inside its own lease, so what all the kiosks of a site can confirm never exceeds what the
centre set aside. Seats move between kiosks only through the centre, and only from seats a
kiosk has given back (`give_back`) or never had: the centre never takes seats back from a
lease, since the kiosk may be using them offline. `granted` and `returned` only grow; the
kiosk keeps the largest `granted` it has heard of and counts its own returns, so a lost
answer can make the centre hold more for a kiosk than the kiosk believes, never less.

Every function runs inside the caller's write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sync.server import dialect
from sync.server.changes import bump, kiosk_scope
from sync.server.clock import Clock, fmt, parse_moment
from sync.server.db import Connection, Database, Row
from sync.wire import LeaseWanted

if TYPE_CHECKING:
    from sync.server.auth import Kiosk

# How long a lease lets a kiosk confirm offline before it must hear from the centre again
# (renewed at every sync cycle of an online kiosk; never past the allocation's cut-off).
LEASE_TTL = timedelta(hours=24)
ALL = 1_000_000  # give back every unused seat


@dataclass(frozen=True)
class Lease:
    session_id: str
    kiosk_id: str
    granted: int
    returned: int
    used: int
    expires_at: str

    @property
    def held(self) -> int:
        return self.granted - self.returned

    @property
    def free(self) -> int:
        return max(self.held - self.used, 0)

    def data(self) -> dict[str, object]:
        """The lease as its kiosk pulls it, and as a top-up answers it."""
        return {
            "session_id": self.session_id,
            "granted": self.granted,
            "returned": self.returned,
            "used": self.used,
            "expires_at": self.expires_at,
        }


def load(conn: Connection, session_id: str, kiosk_id: str) -> Lease | None:
    row = conn.execute(
        "SELECT session_id, kiosk_id, granted, returned, used, expires_at FROM leases "
        "WHERE session_id = ? AND kiosk_id = ?",
        (session_id, kiosk_id),
    ).fetchone()
    return None if row is None else Lease(*row)


def _changed(conn: Connection, session_id: str, kiosk_id: str, offer_id: str | None) -> None:
    bump(conn, "lease", session_id, kiosk_scope(kiosk_id))
    if offer_id is not None:  # the site's free seats changed: every site's view of the places too
        bump(conn, "offer", offer_id)


def _expiry(start: str, until: str | None, now: datetime) -> str:
    """Now + the lease's time to live, never past the session's start or the allocation's cut-off."""
    ends = [now + LEASE_TTL, parse_moment(start)]
    if until is not None:
        ends.append(parse_moment(until))
    return fmt(min(ends))


def _session(conn: Connection, session_id: str) -> Row | None:
    row: Row | None = conn.execute(
        "SELECT s.id, s.offer_id, s.start, s.capacity, s.allocated, s.outside_taken, o.booking_mode, o.withdrawn "
        "FROM sessions s JOIN offers o ON o.id = s.offer_id WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    return row


def _allocation(conn: Connection, session_id: str, site_id: str) -> Row | None:
    row: Row | None = conn.execute(
        "SELECT seats, used, leased, until, released FROM allocations WHERE session_id = ? AND site_id = ?",
        (session_id, site_id),
    ).fetchone()
    return row


def grant(
    conn: Connection,
    kiosk_id: str,
    site_id: str,
    session_id: str,
    seats: int,
    known_granted: int,
    now: datetime,
) -> Lease | None:
    """Renew the kiosk's lease on a session and top it up by `seats` more: from the site's own free
    seats, then from the central pool on an offer booked directly. Seats the centre granted but the
    kiosk never heard of (`known_granted` is what it knows) count towards them, so a call repeated
    after a lost answer grants nothing twice. None: no such session."""
    dialect.lock_session(conn, session_id)
    session = _session(conn, session_id)
    if session is None:
        return None
    lease = load(conn, session_id, kiosk_id)
    allocation = _allocation(conn, session_id, site_id)
    if lease is None:
        conn.execute(
            "INSERT INTO leases (session_id, kiosk_id, site_id, expires_at) VALUES (?, ?, ?, ?)",
            (session_id, kiosk_id, site_id, fmt(now)),
        )
        lease = Lease(session_id, kiosk_id, 0, 0, 0, fmt(now))
    still_open = (
        not session["withdrawn"]
        and parse_moment(session["start"]) > now
        and not (allocation is not None and allocation["released"])
    )
    wanted = max(seats - max(lease.granted - known_granted, 0), 0) if still_open else 0
    site_free = max(allocation["seats"] - allocation["used"] - allocation["leased"], 0) if allocation else 0
    from_site = min(wanted, site_free)
    pool_free = max(session["capacity"] - session["allocated"] - session["outside_taken"], 0)
    from_pool = min(wanted - from_site, pool_free) if session["booking_mode"] == "direct" else 0
    if from_pool and allocation is None:
        conn.execute(
            "INSERT INTO allocations (session_id, site_id, seats, until, until_is_start) VALUES (?, ?, 0, ?, 1)",
            (session_id, site_id, session["start"][:16]),
        )
    if from_pool:
        conn.execute(
            "UPDATE allocations SET seats = seats + ? WHERE session_id = ? AND site_id = ?",
            (from_pool, session_id, site_id),
        )
        conn.execute("UPDATE sessions SET allocated = allocated + ? WHERE id = ?", (from_pool, session_id))
    moved = from_site + from_pool
    if moved:
        conn.execute(
            "UPDATE allocations SET leased = leased + ? WHERE session_id = ? AND site_id = ?",
            (moved, session_id, site_id),
        )
    until = allocation["until"] if allocation is not None else None
    expires_at = _expiry(session["start"], until, now) if still_open else lease.expires_at
    conn.execute(
        "UPDATE leases SET granted = granted + ?, expires_at = ? WHERE session_id = ? AND kiosk_id = ?",
        (moved, expires_at, session_id, kiosk_id),
    )
    if moved or expires_at != lease.expires_at:
        _changed(conn, session_id, kiosk_id, session["offer_id"] if moved else None)
    return load(conn, session_id, kiosk_id)


def give_back(conn: Connection, kiosk_id: str, session_id: str, seats: int) -> Lease | None:
    """The kiosk gives `seats` unused seats of its lease back (its lease expired, or it no longer needs
    them): to the site's own free seats, or to the central pool once the allocation's cut-off passed.
    Never more than the lease holds unused. None: the kiosk holds no lease on that session."""
    dialect.lock_session(conn, session_id)
    lease = load(conn, session_id, kiosk_id)
    if lease is None:
        return None
    back = min(seats, lease.free)
    if back:
        conn.execute(
            "UPDATE leases SET returned = returned + ? WHERE session_id = ? AND kiosk_id = ?",
            (back, session_id, kiosk_id),
        )
        site_id = conn.execute(
            "SELECT site_id FROM leases WHERE session_id = ? AND kiosk_id = ?", (session_id, kiosk_id)
        ).fetchone()[0]
        released = conn.execute(
            "SELECT released FROM allocations WHERE session_id = ? AND site_id = ?", (session_id, site_id)
        ).fetchone()[0]
        conn.execute(
            "UPDATE allocations SET leased = leased - ?, seats = seats - ? WHERE session_id = ? AND site_id = ?",
            (back, back if released else 0, session_id, site_id),
        )
        if released:
            conn.execute("UPDATE sessions SET allocated = allocated - ? WHERE id = ?", (back, session_id))
        offer_id = conn.execute("SELECT offer_id FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
        _changed(conn, session_id, kiosk_id, offer_id)
    return load(conn, session_id, kiosk_id)


def take(conn: Connection, kiosk_id: str, session_id: str, seats: int) -> int:
    """Seats of a booking taken from its kiosk's lease (none if the lease does not hold them all)."""
    lease = load(conn, session_id, kiosk_id)
    if lease is None or lease.free < seats:
        return 0
    conn.execute(
        "UPDATE leases SET used = used + ? WHERE session_id = ? AND kiosk_id = ?", (seats, session_id, kiosk_id)
    )
    _changed(conn, session_id, kiosk_id, None)
    return seats


def put_back(conn: Connection, kiosk_id: str, session_id: str, seats: int) -> None:
    """A cancelled booking's seats go back to the lease it came from (its kiosk may confirm them again)."""
    conn.execute(
        "UPDATE leases SET used = used - ? WHERE session_id = ? AND kiosk_id = ?", (seats, session_id, kiosk_id)
    )
    _changed(conn, session_id, kiosk_id, None)


def split(conn: Connection, site_id: str, now: datetime, session_id: str | None = None) -> int:
    """Give each active kiosk of the site a share of the site's free seats on its sessions still to come
    (with several kiosks, one more share stays with the site, for top-ups). Returns how many seats.

    A site's first kiosk gets a lease on every session of the catalog the site has seats on (tens of
    thousands): the leases are written a statement per table, not a `grant` per lease. Each share fits
    in the free seats read under the sessions' locks, so every share comes from the site's own seats."""
    kiosks = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM kiosks WHERE site_id = ? AND revoked_at IS NULL ORDER BY enrolled_at, id", (site_id,)
        )
    ]
    if not kiosks:
        return 0
    rows = conn.execute(
        "SELECT a.session_id, s.offer_id, s.start, a.until, a.seats - a.used - a.leased "
        "FROM allocations a JOIN sessions s ON s.id = a.session_id JOIN offers o ON o.id = s.offer_id "
        "WHERE a.site_id = ? AND a.released = 0 AND o.withdrawn = 0 AND s.start > ? "
        "AND a.seats - a.used - a.leased > 0"
        + (" AND a.session_id = ?" if session_id else "")
        + " ORDER BY a.session_id"
        + dialect.for_update(conn.dialect, "s"),
        (site_id, fmt(now)[:16], *((session_id,) if session_id else ())),
    ).fetchall()
    shares: list[tuple[str, str, str, str | None, int]] = [
        (sid, offer_id, start, until, free if len(kiosks) == 1 else free // (len(kiosks) + 1))
        for sid, offer_id, start, until, free in rows
    ]
    shares = [share for share in shares if share[4] > 0]

    @cache
    def expiry(start: str, until: str | None) -> str:  # a catalog's sessions share a few thousand start times
        return _expiry(start, until, now)

    conn.executemany(
        "INSERT INTO leases (session_id, kiosk_id, site_id, granted, expires_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, kiosk_id) DO UPDATE SET granted = leases.granted + excluded.granted, "
        "expires_at = excluded.expires_at",
        [
            (sid, kiosk_id, site_id, share, expiry(start, until))
            for sid, _, start, until, share in shares
            for kiosk_id in kiosks
        ],
    )
    conn.executemany(
        "UPDATE allocations SET leased = leased + ? WHERE session_id = ? AND site_id = ?",
        [(share * len(kiosks), sid, site_id) for sid, _, _, _, share in shares],
    )
    for sid, offer_id, _, _, _ in shares:
        for kiosk_id in kiosks:
            _changed(conn, sid, kiosk_id, offer_id)
    return sum(share for *_, share in shares) * len(kiosks)


def top_up(db: Database, kiosk: Kiosk, wanted: list[LeaseWanted], clock: Clock) -> list[dict[str, object]]:
    """The `POST /v1/leases` call: every lease named renewed and topped up, in one transaction."""
    with db.write() as conn:
        now = clock()
        answers = []
        for item in wanted:
            lease = grant(conn, kiosk.id, kiosk.site_id, item.session_id, item.seats, item.known_granted, now)
            if lease is not None:
                answers.append(lease.data())
        return answers
