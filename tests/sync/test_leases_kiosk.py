"""A kiosk and its seat leases against the real centre over loopback: it confirms offline only within its
lease, asks the centre for more while the person waits (2 s at most), gives expired seats back by the
centre's clock, and its forged or rate-limited operations are handled as the centre says."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest

from kiosk.domain.booking import BookingRefused, BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.store.database import open_database, transaction
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.outbox import counts, parked_operations, pending_operations
from sync.client import TransientError
from sync.top_up import CentreTopUp
from tests.conftest import Clock
from tests.factories import NOW, holder, households_document, sample_catalog
from tests.server.central import CentralServer
from tests.sync.conftest import Kiosk

pytestmark = pytest.mark.both_databases  # the sync engine against the centre on SQLite and PostgreSQL


def claire(kiosk):
    return kiosk.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household


def lease_at_centre(centre, kiosk_id: str, session_id: str = "T1-S1") -> dict:
    (row,) = centre.query(
        "SELECT granted, returned, used FROM leases WHERE kiosk_id = ? AND session_id = ?", kiosk_id, session_id
    )
    return row


def local_lease(kiosk, session_id: str = "T1-S1") -> tuple[int, int]:
    row = kiosk.services.db.execute(
        "SELECT granted, returned FROM leases WHERE session_id = ?", [session_id]
    ).fetchone()
    return tuple(row) if row else (0, 0)


@pytest.fixture
def kiosks(make_kiosk, centre):
    """The site's first kiosk holds its whole allocation (10 seats of T1-S1); the second, enrolled after, none."""
    first, second = make_kiosk("k1"), make_kiosk("k2")
    for kiosk in (first, second):
        kiosk.services.bookings.top_up = CentreTopUp(kiosk.services.db, kiosk.client, kiosk.engine.clock)
        kiosk.sync()
    return first, second


def test_a_kiosk_confirms_offline_only_within_its_own_lease(kiosks, proxy):
    first, second = kiosks
    assert local_lease(first) == (10, 0) and local_lease(second) == (0, 0)
    proxy.inject(*["drop_request"] * 3)  # the second kiosk is cut off: no lease seats, so a request
    quote = second.services.bookings.quote("T1", "T1-S1", claire(second), ["P1"])
    assert quote.state is BookingState.REQUESTED and quote.lease_short == 1
    booking = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P1"])
    assert booking.state is BookingState.REQUESTED


def test_online_a_kiosk_short_of_seats_asks_the_centre_and_confirms(kiosks, centre):
    _, second = kiosks
    assert second.services.bookings.can_ask_centre()
    started = time.monotonic()
    booking = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P1", "P2"])
    assert time.monotonic() - started < 2.5
    assert booking.state is BookingState.CONFIRMED and booking.holds_site_seats
    second.sync()
    assert lease_at_centre(centre, centre.query("SELECT id FROM kiosks WHERE name = 'k2'")[0]["id"])["used"] == 2
    assert second.services.bookings.booking(booking.booking_id).state is BookingState.CONFIRMED


def test_a_kiosk_asks_the_centre_only_for_the_seats_it_lacks_and_only_for_a_place(kiosks, centre, proxy):
    first, second = kiosks
    calls = proxy.requests_seen
    assert (
        first.services.bookings.book(BENEFICIARY, holder(claire(first)), "T1", "T1-S1", ["P1"]).state
        is BookingState.CONFIRMED
    )
    assert proxy.requests_seen == calls  # its own lease held the seat: confirmed without waiting for the centre
    waiting = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P2"], waitlist=True)
    assert waiting.state is BookingState.REQUESTED  # a place on the waiting list: the centre decides
    with pytest.raises(BookingRefused):
        second.services.bookings.book(
            BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P2"]
        )  # P2 already asked for a place
    assert proxy.requests_seen == calls  # neither a waiting list nor a refusal asks the centre for seats
    booking = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P3"])
    assert booking.state is BookingState.CONFIRMED
    kiosk_id = centre.query("SELECT id FROM kiosks WHERE name = 'k2'")[0]["id"]
    assert lease_at_centre(centre, kiosk_id)["granted"] == 1  # exactly what it lacked, not more


def test_a_centre_too_slow_for_the_person_gives_a_request_and_its_late_grant_is_learnt(kiosks, centre, proxy):
    _, second = kiosks
    proxy.inject("delay:3")  # the centre answers, but after the two seconds a person waits
    started = time.monotonic()
    booking = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P1"])
    assert time.monotonic() - started < 2.8
    assert booking.state is BookingState.REQUESTED
    time.sleep(1.5)  # the centre granted it all the same
    second.sync()
    kiosk_id = centre.query("SELECT id FROM kiosks WHERE name = 'k2'")[0]["id"]
    assert local_lease(second)[0] == lease_at_centre(centre, kiosk_id)["granted"] == 1  # learnt at the pull


def test_a_cancelled_booking_gives_its_seats_back_to_the_lease(kiosks, centre):
    first, _ = kiosks
    made = [
        first.services.bookings.book(BENEFICIARY, holder(claire(first)), "T1", "T1-S1", [p]) for p in ("P1", "P2", "P3")
    ]
    assert all(b.state is BookingState.CONFIRMED for b in made)
    first.services.bookings.cancel(BENEFICIARY, holder(claire(first)), made[0].booking_id)
    first.sync()
    kiosk_id = centre.query("SELECT id FROM kiosks WHERE name = 'k1'")[0]["id"]
    assert lease_at_centre(centre, kiosk_id) == {"granted": 10, "returned": 0, "used": 2}
    session = next(s for s in first.services.catalog.offer("T1").sessions if s.id == "T1-S1")
    assert (session.site_allocation, session.site_taken) == (10, 2)
    assert centre.seat_problems() == []


def test_an_expired_lease_is_judged_by_the_centres_clock_and_its_seats_go_back(tmp_path, centre, proxy):
    behind = Clock(NOW - timedelta(hours=2))  # this kiosk's clock is two hours slow
    enrolled = centre.enroll(name="slow clock")
    kiosk = Kiosk(tmp_path / "slow", proxy.url, enrolled.token, behind)
    try:
        kiosk.sync()
        assert local_lease(kiosk) == (10, 0)
        # The lease runs out 24 h on, by the centre's clock: its own clock says 21 h 50 then, and the kiosk
        # goes by the centre's (its skew measured at the sync), five minutes early.
        behind.now += timedelta(hours=23, minutes=50)  # 23 h 50 by the centre's clock: open still
        assert kiosk.services.bookings.quote("T1", "T1-S1", claire(kiosk), ["P1"]).state is BookingState.CONFIRMED
        behind.now += timedelta(minutes=6)  # 23 h 56 by the centre's: within the five minutes' margin
        assert kiosk.services.bookings.quote("T1", "T1-S1", claire(kiosk), ["P1"]).state is BookingState.REQUESTED
        (given,) = [
            op
            for op in pending_operations(kiosk.services.db)
            if op["kind"] == "lease.return" and op["payload"]["session_id"] == "T1-S1"
        ]
        assert given["payload"]["seats"] == 10
        kiosk.sync()
        assert lease_at_centre(centre, enrolled.kiosk_id)["returned"] == 10
        assert centre.query("SELECT leased FROM allocations WHERE session_id = 'T1-S1'")[0]["leased"] == 0
    finally:
        kiosk.close()


def test_a_forged_total_is_refused_by_the_centre_and_shown_refused(kiosks, centre):
    first, _ = kiosks
    booking = first.services.bookings.book(BENEFICIARY, holder(claire(first)), "T1", "T1-S1", ["P1"])
    with transaction(first.services.db):  # what a tampered kiosk would send
        first.services.db.execute("UPDATE outbox SET payload = json_set(payload, '$.total_cents', 1)")
    first.sync()
    (parked,) = parked_operations(first.services.db)
    assert parked["reason"]["code"] == "invalid_price"
    refused = first.services.bookings.booking(booking.booking_id)
    assert refused.state is BookingState.REFUSED and "informatique" in refused.reason_fr
    assert centre.query("SELECT kind FROM integrity_events") == [{"kind": "invalid_price"}]


def test_a_rate_limited_kiosk_tries_again_later_and_parks_nothing(tmp_path, clock):
    server = CentralServer(tmp_path / "central.sqlite3", now=NOW, limits=("100/minute", "100/minute", "4/minute"))
    server.start()
    try:
        server.load_catalog(sample_catalog())
        server.load_households(households_document()["households"])
        enrolled = server.enroll()
        kiosk = Kiosk(tmp_path / "k", server.url, enrolled.token, clock)
        try:
            with pytest.raises(TransientError):
                for _ in range(3):
                    kiosk.sync()
            kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1"])
            with pytest.raises(TransientError):
                kiosk.sync()
            assert counts(kiosk.services.db) == {"pending": 1, "parked": 0}
        finally:
            kiosk.close()
    finally:
        server.stop()


def test_a_booking_queued_under_the_old_rules_is_honoured_after_the_upgrade(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1", "P2"])
    with transaction(kiosk.services.db):  # as the kiosk wrote it before its upgrade: no protocol, no version
        kiosk.services.db.execute(
            "UPDATE outbox SET payload = json_remove(payload, '$.protocol', '$.offer_version', '$.unit_cents')"
        )
    kiosk.sync()
    assert kiosk.services.bookings.booking(booking.booking_id).state is BookingState.CONFIRMED
    assert centre.query("SELECT protocol, state FROM bookings") == [{"protocol": 1, "state": "confirmed"}]
    assert centre.seat_problems() == []


def test_the_upgrade_pulls_again_for_leases_and_price_versions(tmp_path):
    path = tmp_path / "kiosk.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)  # a kiosk of the version before leases, which had pulled
    for script in MIGRATIONS[:10]:
        for statement in script:
            conn.execute(statement)
    conn.execute("INSERT INTO kiosk_state VALUES ('sync_cursor', '1234')")
    conn.execute("PRAGMA user_version = 10")
    conn.close()
    db = open_database(path)
    try:
        assert db.execute("SELECT value FROM kiosk_state WHERE key = 'sync_cursor'").fetchone()[0] == "0"
        assert db.execute("SELECT count(*) FROM leases").fetchone()[0] == 0
    finally:
        db.close()


def test_a_renewal_moves_the_kiosks_expiry_and_an_idle_cycle_pulls_nothing(kiosks, centre, clock):
    """Each cycle renews every lease; the kiosk reads the new expiry in the renewal's answer, so a cycle with
    nothing new pulls nothing (were renewals changes, it would pull every lease back, every cycle)."""
    first, _ = kiosks
    centre.restart()  # the past offer's allocation, due since the catalog was loaded, is released at start
    first.sync()
    centre.now = clock.now = NOW + timedelta(minutes=20)  # no allocation's cut-off passes meanwhile
    centre.restart()
    report = first.sync()
    assert (report.pulled, report.pushed) == (0, 0)
    (expires_at,) = first.services.db.execute("SELECT expires_at FROM leases WHERE session_id = 'T1-S1'").fetchone()
    assert expires_at == (NOW + timedelta(hours=24, minutes=20)).strftime("%Y-%m-%dT%H:%M:%S")
    clock.now = NOW + timedelta(hours=24, minutes=10)  # past the first expiry, within the renewed one
    assert first.services.bookings.quote("T1", "T1-S1", claire(first), ["P1"]).state is BookingState.CONFIRMED
