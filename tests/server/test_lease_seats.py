"""The centre's seat leases, function by function, on a real SQLite database in this process (sync/server/leases.py).

tests/server/test_leases.py drives the same rules through the API against a running centre; these
call them directly (a second each, not ten), so the mutation run of leases.py can afford them. The
figures a site's staff would see are read back from the tables: the site's allocation (`seats`,
`leased`), the session's central pool (`allocated`), each kiosk's lease, and the feed of changes the
kiosks pull.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from sync.server import auth, leases, loading
from sync.server.clock import local_now
from sync.server.db import Database
from sync.wire import LeaseWanted
from tests.server.data import catalog, martin_family, offer, session

SITE = "DEMO-LYON-PARTDIEU"
NOW = local_now().replace(second=0, microsecond=0)


def _load(db: Database, *offers: dict) -> None:
    loading.load_catalog(db, catalog(list(offers)), SITE, None, NOW)


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "central.sqlite3", pooled=False)
    _load(
        database,
        offer("SHOW", [session("SHOW-1", days=10, capacity=10, allocation=6, now=NOW)]),
        offer("ASK", [session("ASK-1", days=10, capacity=10, allocation=2, now=NOW)], booking_mode="request"),
    )
    loading.load_households(
        database, json.dumps({"format": "slvie-households/1", "households": [martin_family()]}), SITE
    )
    yield database
    database.close()


def enrol(db: Database, name: str, when: datetime = NOW) -> str:
    kiosk, _token = auth.enroll(db, auth.create_enrolment_code(db, SITE, when), name, when)
    return kiosk.id


def figures(db: Database, session_id: str = "SHOW-1") -> dict:
    with db.read() as conn:
        seats, used, leased, released = conn.execute(
            "SELECT seats, used, leased, released FROM allocations WHERE session_id = ? AND site_id = ?",
            (session_id, SITE),
        ).fetchone()
        allocated = conn.execute("SELECT allocated FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
    return {"seats": seats, "used": used, "leased": leased, "released": bool(released), "allocated": allocated}


def lease_of(db: Database, kiosk_id: str, session_id: str = "SHOW-1") -> leases.Lease | None:
    with db.read() as conn:
        return leases.load(conn, session_id, kiosk_id)


def grant(db: Database, kiosk_id: str, seats: int, known: int, session_id: str = "SHOW-1", when: datetime = NOW):
    with db.write() as conn:
        return leases.grant(conn, kiosk_id, SITE, session_id, seats, known, when)


def changes_since(db: Database, seq: int) -> list[tuple[str, str, str]]:
    with db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute("SELECT kind, entity_id, site_id FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        ]


def last_seq(db: Database) -> int:
    with db.read() as conn:
        return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]


def test_a_lone_kiosk_is_lent_its_sites_whole_allocation_a_day_at_most(db):
    kiosk = enrol(db, "k1")
    lease = lease_of(db, kiosk)
    assert lease == leases.Lease("SHOW-1", kiosk, 6, 0, 0, (NOW + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%S"))
    assert (lease.held, lease.free) == (6, 6)
    assert lease.data() == {
        "session_id": "SHOW-1",
        "granted": 6,
        "returned": 0,
        "used": 0,
        "expires_at": lease.expires_at,
    }
    assert figures(db) == {"seats": 6, "used": 0, "leased": 6, "released": False, "allocated": 6}
    assert lease_of(db, kiosk, "ASK-1").granted == 2  # a request offer's allocation is lent as well


def test_several_kiosks_share_the_free_seats_and_the_site_keeps_one_share(db):
    first = enrol(db, "k1")
    second = enrol(db, "k2")
    _load(db, offer("SHOW", [session("SHOW-2", days=10, capacity=20, allocation=9, now=NOW)]))
    assert [lease_of(db, k, "SHOW-2").granted for k in (first, second)] == [3, 3]  # 9 // (2 kiosks + 1)
    assert figures(db, "SHOW-2")["leased"] == 6
    with db.write() as conn:
        assert leases.split(conn, SITE, NOW, "SHOW-2") == 2  # the 3 left: one more each, the site keeps 1
        assert leases.split(conn, SITE, NOW, "SHOW-2") == 0  # 1 // 3: no share
        assert leases.split(conn, "NO-SUCH-SITE", NOW) == 0  # a site without kiosks
    assert [lease_of(db, k, "SHOW-2").granted for k in (first, second)] == [4, 4]


def test_a_split_leaves_out_revoked_kiosks_released_allocations_and_sessions_begun(db):
    first = enrol(db, "k1")
    second = enrol(db, "k2")
    auth.revoke(db, second, NOW)
    _load(
        db,
        offer(
            "SHOW",
            [
                session("SHOW-1", days=10, capacity=10, allocation=6, now=NOW),
                session("SHOW-2", days=10, capacity=20, allocation=4, now=NOW),
                session("SHOW-3", days=-1, capacity=20, allocation=4, now=NOW),
            ],
        ),
    )
    assert lease_of(db, first, "SHOW-2").granted == 4  # all of it to the one kiosk left
    assert lease_of(db, second, "SHOW-2") is None
    assert lease_of(db, first, "SHOW-3") is None
    with db.write() as conn:
        leases.give_back(conn, first, "SHOW-1", 3)
        conn.execute("UPDATE allocations SET released = 1 WHERE session_id = 'SHOW-1'")
        conn.execute("UPDATE allocations SET seats = seats + 3 WHERE session_id = 'SHOW-1'")
        assert leases.split(conn, SITE, NOW) == 0
    assert lease_of(db, first, "SHOW-1").held == 3


def test_a_top_up_comes_from_the_site_then_the_pool_and_never_twice(db):
    kiosk = enrol(db, "k1")
    seq = last_seq(db)
    more = grant(db, kiosk, 3, 6)
    assert more.granted == 9  # the site had none left: the central pool gave 3
    assert figures(db) == {"seats": 9, "used": 0, "leased": 9, "released": False, "allocated": 9}
    assert changes_since(db, seq) == [("lease", "SHOW-1", f"kiosk:{kiosk}"), ("offer", "SHOW", "")]
    assert grant(db, kiosk, 3, 6).granted == 9  # the answer was lost: asked again as known before
    assert grant(db, kiosk, 2, 8).granted == 10  # it had heard of 8: one more
    assert grant(db, kiosk, 5, 10).granted == 10  # the pool is empty: 10 seats, all lent
    assert figures(db) == {"seats": 10, "used": 0, "leased": 10, "released": False, "allocated": 10}
    assert grant(db, kiosk, 1, 0, "NO-SUCH-SESSION") is None


def test_a_site_without_allocation_gets_one_from_the_pool(db):
    kiosk = enrol(db, "k1")
    _load(db, offer("OPEN", [session("OPEN-1", days=10, capacity=5, allocation=0, now=NOW)]))
    with db.write() as conn:
        conn.execute("DELETE FROM allocations WHERE session_id = 'OPEN-1'")
    assert grant(db, kiosk, 2, 0, "OPEN-1").granted == 2
    start = (NOW + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    with db.read() as conn:
        row = conn.execute(
            "SELECT seats, leased, until, until_is_start FROM allocations WHERE session_id = 'OPEN-1'"
        ).fetchone()
    assert tuple(row) == (2, 2, start, 1)  # its cut-off is the session's start


def test_a_request_offers_pool_is_never_lent(db):
    kiosk = enrol(db, "k1")
    assert grant(db, kiosk, 5, 2, "ASK-1").granted == 2
    assert figures(db, "ASK-1")["allocated"] == 2


def test_nothing_is_lent_on_a_withdrawn_offer_a_session_begun_or_a_released_allocation(db):
    kiosk = enrol(db, "k1")
    seq = last_seq(db)
    with db.write() as conn:
        conn.execute("UPDATE offers SET withdrawn = 1 WHERE id = 'SHOW'")
    later = NOW + timedelta(hours=1)
    assert grant(db, kiosk, 2, 6, when=later).granted == 6
    assert lease_of(db, kiosk).expires_at == (NOW + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%S")
    with db.write() as conn:
        conn.execute("UPDATE offers SET withdrawn = 0 WHERE id = 'SHOW'")
        conn.execute("UPDATE allocations SET released = 1 WHERE session_id = 'SHOW-1'")
    assert grant(db, kiosk, 2, 6, when=later).granted == 6
    assert grant(db, kiosk, 2, 6, when=NOW + timedelta(days=11)).granted == 6  # begun
    with db.write() as conn:
        conn.execute("UPDATE allocations SET released = 0 WHERE session_id = 'SHOW-1'")
    assert grant(db, kiosk, 2, 6, when=NOW + timedelta(days=10)).granted == 6  # beginning this minute
    assert changes_since(db, seq) == []  # no change a kiosk should pull
    assert figures(db)["allocated"] == 6


def test_a_lease_ends_at_the_cut_off_or_the_start_if_sooner(db):
    kiosk = enrol(db, "k1")
    until = NOW + timedelta(hours=5)
    with db.write() as conn:
        conn.execute(
            "UPDATE allocations SET until = ? WHERE session_id = 'SHOW-1'", (until.strftime("%Y-%m-%dT%H:%M"),)
        )
    assert grant(db, kiosk, 0, 6).expires_at == until.strftime("%Y-%m-%dT%H:%M:%S")
    start = NOW + timedelta(days=10)
    assert grant(db, kiosk, 0, 6, when=start - timedelta(hours=2)).expires_at == until.strftime("%Y-%m-%dT%H:%M:%S")
    with db.write() as conn:
        conn.execute(
            "UPDATE allocations SET until = ? WHERE session_id = 'SHOW-1'",
            ((start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),),
        )
    renewed = grant(db, kiosk, 0, 6, when=start - timedelta(hours=2))
    assert renewed.expires_at == start.strftime("%Y-%m-%dT%H:%M:%S")


def test_a_renewal_alone_is_told_to_the_kiosk_but_not_as_a_change_of_places(db):
    kiosk = enrol(db, "k1")
    seq = last_seq(db)
    assert grant(db, kiosk, 0, 6, when=NOW + timedelta(hours=1)).granted == 6
    assert changes_since(db, seq) == [("lease", "SHOW-1", f"kiosk:{kiosk}")]
    seq = last_seq(db)
    grant(db, kiosk, 0, 6, when=NOW + timedelta(hours=1))  # the same expiry: nothing new
    assert changes_since(db, seq) == []


def test_seats_given_back_go_to_the_site_never_more_than_unused(db):
    kiosk = enrol(db, "k1")
    with db.write() as conn:
        assert leases.take(conn, kiosk, "SHOW-1", 2) == 2
        seq_before = conn.execute("SELECT MAX(seq) FROM changes").fetchone()[0]
    seq = last_seq(db)
    assert seq >= seq_before
    with db.write() as conn:
        back = leases.give_back(conn, kiosk, "SHOW-1", 1)
    assert (back.granted, back.returned, back.used, back.free) == (6, 1, 2, 3)
    assert figures(db) == {"seats": 6, "used": 0, "leased": 5, "released": False, "allocated": 6}
    assert changes_since(db, seq) == [("lease", "SHOW-1", f"kiosk:{kiosk}"), ("offer", "SHOW", "")]
    with db.write() as conn:
        back = leases.give_back(conn, kiosk, "SHOW-1", leases.ALL)
    assert (back.returned, back.free) == (4, 0)
    assert figures(db) == {"seats": 6, "used": 0, "leased": 2, "released": False, "allocated": 6}
    seq = last_seq(db)
    with db.write() as conn:
        assert leases.give_back(conn, kiosk, "SHOW-1", 3).returned == 4  # nothing unused left
        assert leases.give_back(conn, kiosk, "NO-SUCH-SESSION", 1) is None
    assert changes_since(db, seq) == []


def test_seats_given_back_after_the_cut_off_go_to_the_central_pool(db):
    kiosk = enrol(db, "k1")
    with db.write() as conn:
        conn.execute("UPDATE allocations SET released = 1 WHERE session_id = 'SHOW-1'")
        leases.give_back(conn, kiosk, "SHOW-1", 4)
    assert figures(db) == {"seats": 2, "used": 0, "leased": 2, "released": True, "allocated": 2}


def test_a_booking_takes_seats_only_from_a_lease_holding_them_all_and_a_cancellation_puts_them_back(db):
    kiosk = enrol(db, "k1")
    with db.write() as conn:
        assert leases.take(conn, kiosk, "SHOW-1", 7) == 0
        assert leases.take(conn, kiosk, "SHOW-1", 6) == 6
        assert leases.take(conn, kiosk, "SHOW-1", 1) == 0
        assert leases.take(conn, "NO-SUCH-KIOSK", "SHOW-1", 1) == 0
    assert lease_of(db, kiosk).used == 6
    seq = last_seq(db)
    with db.write() as conn:
        leases.put_back(conn, kiosk, "SHOW-1", 4)
    assert (lease_of(db, kiosk).used, lease_of(db, kiosk).free) == (2, 4)
    assert changes_since(db, seq) == [("lease", "SHOW-1", f"kiosk:{kiosk}")]


def test_a_lease_used_beyond_what_it_holds_has_nothing_free():
    assert leases.Lease("S", "K", granted=4, returned=1, used=5, expires_at="").free == 0


def test_a_top_up_counts_the_seats_the_site_used_and_the_pool_sold_elsewhere(db):
    kiosk = enrol(db, "k1")
    with db.write() as conn:
        leases.give_back(conn, kiosk, "SHOW-1", 3)  # the site now has 3 free...
        conn.execute("UPDATE allocations SET used = 2 WHERE session_id = 'SHOW-1'")  # ...2 taken by bookings
        conn.execute("UPDATE sessions SET outside_taken = 3 WHERE id = 'SHOW-1'")  # the pool: 10 - 6 - 3
    assert grant(db, kiosk, 3, 6).granted == 8  # one from the site, one from the pool, no more
    assert figures(db) == {"seats": 7, "used": 2, "leased": 5, "released": False, "allocated": 7}


def test_the_leases_call_answers_each_lease_named_and_skips_unknown_sessions(db):
    kiosk, _token = auth.enroll(db, auth.create_enrolment_code(db, SITE, NOW), "k1", NOW)
    wanted = [LeaseWanted(session_id="SHOW-1", seats=2, known_granted=6), LeaseWanted(session_id="NOPE-1")]
    answers = leases.top_up(db, kiosk, wanted, lambda: NOW)
    assert answers == [{**lease_of(db, kiosk.id).data(), "granted": 8}]
