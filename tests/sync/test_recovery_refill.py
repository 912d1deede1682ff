"""A kiosk whose database is found corrupt at start refills from the centre and still sends what it owed."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.domain.booking import BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.store.database import DATABASE_FILE
from kiosk.store.outbox import counts
from tests.factories import holder
from tests.sync.conftest import Kiosk

pytestmark = pytest.mark.both_databases  # the centre's feed refilling a kiosk, on SQLite and PostgreSQL


def test_a_corrupt_database_is_rebuilt_refilled_and_its_unsent_booking_delivered(make_kiosk, centre, tmp_path, clock):
    kiosk = make_kiosk("k1")
    kiosk.sync()
    household = kiosk.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    centre.stop()  # offline: the booking waits in the outbox
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1", "P2"])
    assert counts(kiosk.services.db)["pending"] == 1
    url, token = kiosk.client.base_url, kiosk.client._token
    kiosk.close()

    # Disk trouble: a page of the catalog is garbage now; the outbox pages are intact.
    path = tmp_path / "k1" / DATABASE_FILE
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'offers' ORDER BY pageno").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(b"\xff" * 4096)

    centre.start()
    reborn = Kiosk(tmp_path / "k1", url, token, clock)
    try:
        recovery = reborn.services.recovery
        assert recovery is not None and recovery.complete and recovery.recovered == 1
        assert reborn.services.catalog.offer_count() == 0
        assert any(".corrupt-" in name for name in recovery.set_aside)
        report = reborn.sync()
        assert report.applied == 1  # the booking made before the damage reached the centre
        assert reborn.services.catalog.offer("T1") is not None  # refilled from the centre
        assert reborn.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household.tier == 3
        assert reborn.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
        assert counts(reborn.services.db) == {"pending": 0, "parked": 0}
        assert centre.seat_problems() == []
    finally:
        reborn.close()
