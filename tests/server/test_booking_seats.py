"""Where the centre takes a booking's seats from and gives them back to, on a real SQLite database in this
process (sync/server/bookings.py: the SQL around the rules of `decisions`).

tests/server/test_bookings.py drives the same through the API against a running centre; these push the
kiosk's operations through the centre's own `operations.push` in this process (a second each, not ten),
so the mutation run of bookings.py can afford them. What is checked is what the centre's staff and the
kiosks would see: each booking's state, reason and seats, the session's pool and the site's allocation,
who is booked, what is kept for IT, and the changes the kiosks pull.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from sync.server import auth, bookings, leases, loading, operations
from sync.server.clock import fmt, local_now
from sync.server.db import Database
from sync.wire import Operation
from tests.server.data import booking_op, cancel_op, catalog, martin_family, offer, session

SITE = "DEMO-LYON-PARTDIEU"
OTHER_SITE = "DEMO-MARSEILLE"
NOW = local_now().replace(second=0, microsecond=0)


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "central.sqlite3", pooled=False)
    loading.load_catalog(
        database,
        catalog(
            [
                offer("CONC", [session("CONC-1", days=10, capacity=10, allocation=3, now=NOW)]),
                offer("DUO", [session("DUO-1", days=10, capacity=4, allocation=2, now=NOW)]),
                offer("PAST", [session("PAST-1", days=-1, capacity=10, allocation=2, now=NOW)]),
                offer("SOON", [session("SOON-1", days=1, capacity=10, now=NOW)], cancel_days_before=2),
                offer("REQ", [session("REQ-1", days=60, capacity=4, allocation=2, now=NOW)], booking_mode="request"),
            ]
        ),
        SITE,
        None,
        NOW,
    )
    for site, families in ((SITE, ("H-1", "H-2")), (OTHER_SITE, ("H-9",))):
        households = [martin_family(h, h.replace("H", "P")) for h in families]
        loading.load_households(database, json.dumps({"format": "slvie-households/1", "households": households}), site)
    yield database
    database.close()


def enrol(db: Database, site: str = SITE, give_back: bool = True) -> auth.Kiosk:
    """A kiosk; by default it gives its leases back, so that a kiosk-confirmed booking uses the site's allocation."""
    kiosk, _token = auth.enroll(db, auth.create_enrolment_code(db, site, NOW), "borne", NOW)
    if give_back:
        with db.write() as conn:
            for (session_id,) in conn.execute(
                "SELECT session_id FROM leases WHERE kiosk_id = ?", (kiosk.id,)
            ).fetchall():
                leases.give_back(conn, kiosk.id, session_id, leases.ALL)
    return kiosk


@pytest.fixture
def kiosk(db):
    return enrol(db)


def push(db: Database, kiosk: auth.Kiosk, op: dict, now: datetime = NOW) -> dict:
    [result], _mark = operations.push(db, kiosk, [Operation.model_validate(op)], lambda: now)
    assert result.pop("op_id") == op["op_id"]
    return result


def book(db, kiosk, session_id, people, household="H-1", state="requested", now=NOW, **payload) -> dict:
    op = booking_op(session_id, people, household, kiosk_state=state, created_at=now)
    op["payload"].update(payload)
    return push(db, kiosk, op, now)


def cancel(db, kiosk, booking_id, now=NOW) -> dict:
    return push(db, kiosk, cancel_op(booking_id, created_at=now), now)


def seats(db: Database, session_id: str) -> dict:
    with db.read() as conn:
        allocated, outside = conn.execute(
            "SELECT allocated, outside_taken FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        row = conn.execute(
            "SELECT seats, used, released FROM allocations WHERE session_id = ? AND site_id = ?", (session_id, SITE)
        ).fetchone()
    site = {} if row is None else {"seats": row[0], "used": row[1], "released": bool(row[2])}
    return {"allocated": allocated, "outside_taken": outside, **site}


def booking(db: Database, booking_id: str) -> dict:
    with db.read() as conn:
        row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
        booked = [
            r[0] for r in conn.execute("SELECT person_id FROM booking_participants WHERE booking_id = ?", (booking_id,))
        ]
    return {**dict(row), "booked": sorted(booked), "reason": json.loads(row["reason"]) if row["reason"] else None}


def last_seq(db: Database) -> int:
    with db.read() as conn:
        return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]


def changes_since(db: Database, seq: int) -> set[tuple[str, str, str]]:
    with db.read() as conn:
        rows = conn.execute("SELECT kind, entity_id, site_id FROM changes WHERE seq > ?", (seq,)).fetchall()
    return {tuple(r) for r in rows}


def integrity(db: Database) -> list[tuple[str, str, dict]]:
    with db.read() as conn:
        rows = conn.execute("SELECT kind, subject, details FROM integrity_events ORDER BY at, kind").fetchall()
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def booking_id(result: dict) -> str:
    assert result["outcome"] == "applied", result
    return result["booking"]["booking_id"]


def test_a_booking_confirmed_at_the_kiosk_takes_the_sites_allocation_and_is_recorded_as_sent(db, kiosk):
    before = seats(db, "CONC-1")
    seq = last_seq(db)
    result = book(db, kiosk, "CONC-1", ["P-1-1", "P-1-2"], state="confirmed")
    assert result == bookings.applied(booking_id(result), "confirmed", None)
    assert seats(db, "CONC-1") == {**before, "used": 2}
    row = booking(db, booking_id(result))
    assert {k: row[k] for k in ("session_id", "household_id", "site_id", "kiosk_id", "participants", "tier")} == {
        "session_id": "CONC-1",
        "household_id": "H-1",
        "site_id": SITE,
        "kiosk_id": kiosk.id,
        "participants": '["P-1-1","P-1-2"]',
        "tier": 3,
    }
    assert (row["total_cents"], row["kiosk_state"], row["state"], row["reason"], row["protocol"]) == (
        2200,
        "confirmed",
        "confirmed",
        None,
        1,
    )
    assert (row["alloc_seats"], row["pool_seats"], row["lease_seats"], row["arrival"]) == (2, 0, 0, 1)
    assert (row["created_at"], row["decided_at"], row["booked"]) == (fmt(NOW), fmt(NOW), ["P-1-1", "P-1-2"])
    released = ("offer", "PAST", "")  # the first push also releases PAST's allocation: its cut-off has passed
    assert changes_since(db, seq) - {released} == {("offer", "CONC", ""), ("booking", booking_id(result), SITE)}


def test_a_requested_booking_takes_the_central_pool_and_arrives_after_the_others(db, kiosk):
    book(db, kiosk, "CONC-1", ["P-1-1"])
    result = book(db, kiosk, "CONC-1", ["P-2-1", "P-2-2", "P-2-3"], household="H-2")
    row = booking(db, booking_id(result))
    assert (row["state"], row["pool_seats"], row["alloc_seats"], row["arrival"]) == ("confirmed", 3, 0, 2)
    assert seats(db, "CONC-1") == {"allocated": 3, "outside_taken": 4, "seats": 3, "used": 0, "released": False}


def test_a_booking_beyond_every_seat_waits_holding_no_seat_and_one_refused_holds_no_one(db, kiosk):
    book(db, kiosk, "DUO-1", ["P-1-1", "P-1-2"])  # the pool: 4 - 2 allocated
    seq = last_seq(db)
    waiting = book(db, kiosk, "DUO-1", ["P-2-1"], household="H-2")
    row = booking(db, booking_id(waiting))
    assert (row["state"], row["reason"]["code"], row["pool_seats"], row["booked"]) == (
        "waitlisted",
        "waitlisted_full",
        0,
        ["P-2-1"],
    )
    assert changes_since(db, seq) == {("booking", booking_id(waiting), SITE)}  # the places did not change
    refused = booking(db, booking_id(book(db, kiosk, "PAST-1", ["P-1-3"])))
    assert (refused["state"], refused["reason"]["code"], refused["booked"]) == ("refused", "session_past", [])


def test_a_booking_the_centre_cannot_decide_on_is_rejected_and_nothing_is_kept(db, kiosk):
    made = book(db, kiosk, "CONC-1", ["P-1-1"])
    again = booking_op("CONC-1", ["P-1-2"], created_at=NOW, booking_id=booking_id(made))
    assert push(db, kiosk, again)["reason"]["code"] == "booking_exists"
    assert book(db, kiosk, "NOPE-1", ["P-1-2"])["reason"]["code"] == "session_unknown"
    assert book(db, kiosk, "CONC-1", ["P-7-1"], household="H-7")["reason"]["code"] == "household_unknown"
    assert book(db, kiosk, "CONC-1", ["P-9-1"], household="H-9")["reason"]["code"] == "household_other_site"
    with db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 1


def test_a_wrong_price_is_rejected_and_kept_for_it(db, kiosk):
    op = booking_op("CONC-1", ["P-1-1"], created_at=NOW)
    op["payload"]["total_cents"] = 1
    result = push(db, kiosk, op)
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "invalid_price"
    assert integrity(db) == [
        (
            "invalid_price",
            op["payload"]["booking_id"],
            {
                "session_id": "CONC-1",
                "household_id": "H-1",
                "tier": 3,
                "participants": 1,
                "total_cents": 1,
                "offer_version": None,
                "unit_cents": None,
            },
        )
    ]
    assert seats(db, "CONC-1")["outside_taken"] == 0


def test_a_booking_confirmed_in_the_lease_takes_it_and_one_beyond_the_lease_is_kept_for_it(db):
    kiosk = enrol(db, give_back=False)  # alone at its site: it holds the whole allocation (3)
    inside = book(db, kiosk, "CONC-1", ["P-1-1", "P-1-2"], state="confirmed", protocol=2)
    row = booking(db, booking_id(inside))
    assert (row["state"], row["lease_seats"], row["alloc_seats"], row["protocol"]) == ("confirmed", 2, 0, 2)
    with db.read() as conn:
        assert leases.load(conn, "CONC-1", kiosk.id).used == 2
    from_pool = book(db, kiosk, "CONC-1", ["P-2-1", "P-2-2"], household="H-2", state="confirmed", protocol=2)
    assert booking(db, booking_id(from_pool))["state"] == "confirmed"  # beyond its lease, but the pool had room
    assert integrity(db) == []
    book(db, kiosk, "DUO-1", ["P-1-4", "P-2-4"])  # the last of DUO's pool
    beyond = book(db, kiosk, "DUO-1", ["P-1-1", "P-1-2", "P-1-3"], state="confirmed", protocol=2)
    assert booking(db, booking_id(beyond))["state"] == "waitlisted"
    assert integrity(db) == [
        ("lease_overdrawn", booking_id(beyond), {"session_id": "DUO-1", "seats": 3, "lease_free": 2})
    ]
    assert book(db, kiosk, "PAST-1", ["P-1-3"], state="confirmed", protocol=2)["booking"]["state"] == "refused"
    assert len(integrity(db)) == 1  # a refusal is no overdraft
    assert book(db, kiosk, "CONC-1", ["P-1-3"], state="requested", protocol=2)["booking"]["state"] == "confirmed"
    assert len(integrity(db)) == 1  # nor is a request


def test_a_cancellation_gives_each_seat_back_where_it_came_from(db):
    kiosk = enrol(db, give_back=False)
    lent = booking_id(book(db, kiosk, "CONC-1", ["P-1-1"], state="confirmed", protocol=2))
    pooled = booking_id(book(db, kiosk, "CONC-1", ["P-1-2", "P-1-3"]))
    with db.write() as conn:
        leases.give_back(conn, kiosk.id, "CONC-1", leases.ALL)
    allotted = booking_id(book(db, kiosk, "CONC-1", ["P-2-1"], household="H-2", state="confirmed"))
    assert seats(db, "CONC-1") == {"allocated": 3, "outside_taken": 2, "seats": 3, "used": 1, "released": False}
    seq = last_seq(db)
    assert cancel(db, kiosk, lent) == bookings.applied(lent, "cancelled", None)
    assert changes_since(db, seq) == {
        ("booking", lent, SITE),
        ("offer", "CONC", ""),
        ("lease", "CONC-1", f"kiosk:{kiosk.id}"),
    }
    with db.read() as conn:
        assert leases.load(conn, "CONC-1", kiosk.id).used == 0
    cancel(db, kiosk, pooled)
    assert seats(db, "CONC-1")["outside_taken"] == 0
    row = booking(db, pooled)
    assert (row["state"], row["reason"], row["booked"], row["decided_at"]) == ("cancelled", None, [], fmt(NOW))
    cancel(db, kiosk, allotted)
    assert seats(db, "CONC-1") == {"allocated": 3, "outside_taken": 0, "seats": 3, "used": 0, "released": False}
    seq = last_seq(db)
    assert cancel(db, kiosk, allotted) == bookings.applied(allotted, "cancelled", None)  # twice: harmless
    assert changes_since(db, seq) == set()


def test_a_seat_of_an_allocation_released_goes_back_to_the_pool(db, kiosk):
    allotted = booking_id(book(db, kiosk, "CONC-1", ["P-1-1"], state="confirmed"))
    with db.write() as conn:
        conn.execute("UPDATE allocations SET until = ? WHERE session_id = 'CONC-1'", (fmt(NOW - timedelta(hours=1)),))
        assert bookings.release_expired(conn, NOW) == 1
    assert seats(db, "CONC-1") == {"allocated": 1, "outside_taken": 0, "seats": 1, "used": 1, "released": True}
    cancel(db, kiosk, allotted)
    assert seats(db, "CONC-1") == {"allocated": 0, "outside_taken": 0, "seats": 0, "used": 0, "released": True}


def test_cancellations_refused_say_why_and_change_nothing(db, kiosk):
    soon = booking_id(book(db, kiosk, "SOON-1", ["P-1-1"]))
    late = cancel(db, kiosk, soon)
    assert late["outcome"] == "rejected" and late["reason"]["code"] == "cancel_deadline_passed"
    assert booking(db, soon)["state"] == "confirmed" and seats(db, "SOON-1")["outside_taken"] == 1
    assert cancel(db, kiosk, "00000000-0000-4000-8000-000000000000")["reason"]["code"] == "booking_unknown"
    marseille = enrol(db, OTHER_SITE)
    refused = cancel(db, marseille, booking_id(book(db, kiosk, "CONC-1", ["P-1-2"])))
    assert refused["reason"]["code"] == "booking_other_site"
    past = booking_id(book(db, kiosk, "PAST-1", ["P-1-3"]))
    assert cancel(db, kiosk, past)["reason"]["code"] == "booking_not_cancellable"


def test_a_cancellation_confirms_the_waiting_list_oldest_first_as_places_allow(db, kiosk):
    first = booking_id(book(db, kiosk, "DUO-1", ["P-1-1", "P-1-2"]))
    big = booking_id(book(db, kiosk, "DUO-1", ["P-2-1", "P-2-2", "P-2-3"], household="H-2"))
    small = booking_id(book(db, kiosk, "DUO-1", ["P-1-3"]))
    seq = last_seq(db)
    cancel(db, kiosk, first)
    assert booking(db, big)["state"] == "waitlisted"  # 3 places wanted, 2 free
    promoted = booking(db, small)
    assert (promoted["state"], promoted["reason"], promoted["pool_seats"]) == ("confirmed", None, 1)
    assert seats(db, "DUO-1")["outside_taken"] == 1
    assert ("booking", small, SITE) in changes_since(db, seq)


def test_no_one_is_promoted_on_a_withdrawn_offer_or_a_session_begun(db, kiosk):
    book(db, kiosk, "DUO-1", ["P-1-1", "P-1-2"])
    waiting = booking_id(book(db, kiosk, "DUO-1", ["P-2-1"], household="H-2"))
    with db.write() as conn:
        conn.execute("UPDATE sessions SET outside_taken = 0 WHERE id = 'DUO-1'")
        conn.execute("UPDATE offers SET withdrawn = 1 WHERE id = 'DUO'")
        assert bookings.promote_waitlist(conn, "DUO-1", NOW) == []
        conn.execute("UPDATE offers SET withdrawn = 0 WHERE id = 'DUO'")
        assert bookings.promote_waitlist(conn, "DUO-1", NOW + timedelta(days=10)) == []
        conn.execute("UPDATE sessions SET outside_taken = 2 WHERE id = 'DUO-1'")
        assert bookings.promote_waitlist(conn, "DUO-1", NOW) == []  # the pool is full
        assert bookings.promote_waitlist(conn, "NOPE-1", NOW) == []
        conn.execute("UPDATE sessions SET outside_taken = 0 WHERE id = 'DUO-1'")
        assert bookings.promote_waitlist(conn, "DUO-1", NOW) == [waiting]


def test_an_allocations_cut_off_gives_its_unused_seats_to_the_pool_and_the_waiting_list(db, kiosk):
    book(db, kiosk, "DUO-1", ["P-1-1", "P-1-2"])
    book(db, kiosk, "DUO-1", ["P-1-3"], state="confirmed")  # one of the site's two seats
    waiting = booking_id(book(db, kiosk, "DUO-1", ["P-2-1"], household="H-2"))
    with db.write() as conn:
        conn.execute("UPDATE allocations SET until = ? WHERE session_id = 'DUO-1'", (fmt(NOW),))
        assert bookings.release_expired(conn, NOW) == 1
        assert bookings.release_expired(conn, NOW) == 0  # released once
    assert seats(db, "DUO-1") == {"allocated": 1, "outside_taken": 3, "seats": 1, "used": 1, "released": True}
    assert booking(db, waiting)["state"] == "confirmed"


def test_the_centre_settles_a_request(db, kiosk):
    asked = booking_id(book(db, kiosk, "REQ-1", ["P-1-1", "P-1-2"]))
    other = booking_id(book(db, kiosk, "REQ-1", ["P-2-1", "P-2-2", "P-2-3"], household="H-2"))
    assert booking(db, asked)["state"] == "requested"
    with db.write() as conn:
        assert bookings.decide_request(conn, "NOPE", "confirmed", NOW) == "unknown booking"
        assert bookings.decide_request(conn, asked, "requested", NOW) is None
        assert bookings.decide_request(conn, asked, "confirmed", NOW) is None
        assert bookings.decide_request(conn, asked, "refused", NOW) == (
            "the booking is confirmed, not requested or waitlisted"
        )
        assert bookings.decide_request(conn, other, "confirmed", NOW) == (
            "the central pool has 0 free places, the booking needs 3"
        )
    row = booking(db, asked)
    assert (row["state"], row["pool_seats"], row["reason"], row["booked"]) == ("confirmed", 2, None, ["P-1-1", "P-1-2"])
    assert seats(db, "REQ-1")["outside_taken"] == 2
    with db.write() as conn:
        assert bookings.decide_request(conn, other, "waitlisted", NOW) is None
    row = booking(db, other)
    assert (row["state"], row["reason"]["code"], row["pool_seats"]) == ("waitlisted", "waitlisted_full", 0)
    with db.write() as conn:
        assert bookings.decide_request(conn, other, "refused", NOW) is None
    row = booking(db, other)
    assert (row["state"], row["reason"]["code"], row["booked"]) == ("refused", "refused_by_centre", [])
    assert seats(db, "REQ-1")["outside_taken"] == 2
