"""Only what offline work needs stays on the kiosk: old bookings, closed requests and spent counters go."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.config import KioskConfig
from kiosk.domain.lockout import FailureRecord
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store import lockout
from kiosk.store.database import transaction
from kiosk.store.lockout import CARDS
from kiosk.store.retention import KEEP_AFTER, prune
from tests.factories import CLAIRE_CARD, NOW, holder


def test_bookings_of_sessions_long_over_are_pruned_unless_still_to_send(services, clock):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").household
    sent = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    waiting = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P2"])
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox WHERE json_extract(payload, '$.booking_id') = ?", [sent.booking_id])
    session_end = datetime.fromisoformat(
        services.db.execute("SELECT \"end\" FROM sessions WHERE id = 'T1-S1'").fetchone()[0]
    )
    assert prune(services.db, session_end + KEEP_AFTER - timedelta(seconds=1)).bookings == 0
    assert prune(services.db, session_end + KEEP_AFTER + timedelta(seconds=1)).bookings == 1
    assert services.bookings.booking(sent.booking_id) is None  # answered by the centre, long over: gone
    assert services.bookings.booking(waiting.booking_id) is not None  # still to send: kept


def test_spent_lock_counters_are_pruned_at_start(tmp_path, clock):
    data = tmp_path / "kiosk"
    services = open_services(data, KioskConfig(), demo=True, clock=clock)
    lockout.write_failures(services.db, CARDS, CLAIRE_CARD, FailureRecord(0, NOW + timedelta(minutes=15)))
    lockout.write_failures(services.db, CARDS, "1000000000025", FailureRecord(0, NOW - timedelta(minutes=1)))
    services.close()
    services = open_services(data, KioskConfig(), clock=clock)
    try:
        assert services.db.execute("SELECT count(*) FROM pin_failures").fetchone()[0] == 1
        assert lockout.read_failures(services.db, CARDS, CLAIRE_CARD).is_locked(NOW)
    finally:
        services.close()
