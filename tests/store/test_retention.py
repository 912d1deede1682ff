"""Only what offline work needs stays on the kiosk: old bookings, closed requests and spent counters go."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from kiosk.config import KioskConfig
from kiosk.domain.appreciation import APPRECIATION_WINDOW
from kiosk.domain.help import Place
from kiosk.domain.lockout import FailureRecord
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store import lockout
from kiosk.store.catalog import withdraw_offers
from kiosk.store.database import transaction
from kiosk.store.lockout import CARDS
from kiosk.store.retention import KEEP_AFTER, prune
from tests.factories import CLAIRE_CARD, NOW, holder


def test_bookings_of_sessions_long_over_are_pruned_unless_still_to_send_or_to_appreciate(services, clock):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    sent = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    cancelled = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P2"])
    services.bookings.cancel(BENEFICIARY, claire, cancelled.booking_id)
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox")  # both answered by the centre
    waiting = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P2"])
    session_end = datetime.fromisoformat(
        services.db.execute("SELECT \"end\" FROM sessions WHERE id = 'T1-S1'").fetchone()[0]
    )
    assert prune(services.db, session_end + KEEP_AFTER - timedelta(seconds=1)).bookings == 0
    assert prune(services.db, session_end + KEEP_AFTER + timedelta(seconds=1)).bookings == 1
    assert services.bookings.booking(cancelled.booking_id) is None  # answered by the centre, long over: gone
    # Its participants may still give their appreciation of the activity: kept until that window closes.
    assert services.bookings.booking(sent.booking_id) is not None
    assert prune(services.db, session_end + APPRECIATION_WINDOW - timedelta(seconds=1)).bookings == 0
    assert prune(services.db, session_end + APPRECIATION_WINDOW + timedelta(seconds=1)).bookings == 1
    assert services.bookings.booking(sent.booking_id) is None
    assert services.bookings.booking(waiting.booking_id) is not None  # still to send: kept


def test_an_activity_over_for_six_weeks_can_still_be_appreciated_after_the_kiosk_restarts(services, clock):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booked = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", [claire.person.person_id])
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox")
    session_end = datetime.fromisoformat(
        services.db.execute("SELECT \"end\" FROM sessions WHERE id = 'T1-S1'").fetchone()[0]
    )
    clock.now = session_end + timedelta(weeks=6)
    prune(services.db, clock())  # what every start does
    waiting = services.appreciations.to_appreciate(claire)
    assert [item.booking.booking_id for item in waiting] == [booked.booking_id]


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


def test_voucher_pdfs_written_longer_ago_than_the_retention_are_removed_at_start(services, clock, tmp_path):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").household
    old = services.vouchers.write_pdf(
        services.vouchers.voucher(services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])), "fr"
    )
    recent = services.vouchers.write_pdf(
        services.vouchers.voucher(services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P2"])), "fr"
    )
    now = clock()
    written_long_ago = (now - KEEP_AFTER - timedelta(hours=1)).timestamp()
    os.utime(old, (written_long_ago, written_long_ago))
    written_lately = (now - KEEP_AFTER + timedelta(hours=1)).timestamp()
    os.utime(recent, (written_lately, written_lately))
    services.close()

    open_services(tmp_path / "data", KioskConfig(), clock=clock).close()

    assert not old.exists()  # a participant's name, kept past the retention: gone
    assert recent.exists()


def test_help_tickets_and_paper_written_longer_ago_than_the_retention_are_removed_at_start(services, clock, tmp_path):
    ticket = services.help.ticket(Place("detail", "T1"))
    old_ticket = services.help.write_ticket(ticket, "Sortie", "fr")
    old_sheet = services.paper.write_offer_sheet(services.paper.offer_sheet("T1", None), "fr")
    recent_sheet = services.paper.write_programme(services.paper.programme(), "fr")
    now = clock()
    for path, age in ((old_ticket, KEEP_AFTER + timedelta(hours=1)), (old_sheet, KEEP_AFTER + timedelta(days=3))):
        os.utime(path, ((now - age).timestamp(), (now - age).timestamp()))
    lately = (now - KEEP_AFTER + timedelta(hours=1)).timestamp()
    os.utime(recent_sheet, (lately, lately))
    services.close()

    open_services(tmp_path / "data", KioskConfig(), clock=clock).close()

    assert not old_ticket.exists() and not old_sheet.exists()
    assert recent_sheet.exists()


def test_a_confirmed_booking_of_a_withdrawn_offer_goes_30_days_after_it_was_made(services, clock):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booked = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox")
        withdraw_offers(services.db, ["T1"])  # the centre withdrew the offer: its sessions are gone here
    made = services.db.execute("SELECT created_at FROM bookings").fetchone()[0]
    assert prune(services.db, datetime.fromisoformat(made) + KEEP_AFTER - timedelta(seconds=1)).bookings == 0
    assert prune(services.db, datetime.fromisoformat(made) + KEEP_AFTER + timedelta(seconds=1)).bookings == 1
    assert services.bookings.booking(booked.booking_id) is None


def test_an_appreciation_goes_with_its_booking_unless_still_to_send(services, clock):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booked = services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox")
    session_end = datetime.fromisoformat(
        services.db.execute("SELECT \"end\" FROM sessions WHERE id = 'T1-S1'").fetchone()[0]
    )
    clock.now = session_end + timedelta(days=1)
    ratings = {"overall": 5, "organisation": 4, "place": 3, "value": 4}
    services.appreciations.give(BENEFICIARY, booked.booking_id, claire, ratings, [], "Super sortie")
    past_the_window = session_end + APPRECIATION_WINDOW + timedelta(days=1)
    prune(services.db, past_the_window)
    assert services.db.execute("SELECT count(*) FROM appreciations").fetchone()[0] == 1  # not sent yet: kept
    with transaction(services.db):
        services.db.execute("DELETE FROM outbox")  # the centre took it
    prune(services.db, past_the_window)
    assert services.db.execute("SELECT count(*) FROM appreciations").fetchone()[0] == 0
    assert services.db.execute("SELECT count(*) FROM bookings").fetchone()[0] == 0
