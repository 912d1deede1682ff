"""A centre restored from a backup after kiosks synced: every kiosk starts its pull again from 0
(409 cursor_ahead, or a new feed epoch) and gets every change, keeping the operations it still has to send."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.domain.booking import BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.services.identity import IdentificationError
from kiosk.store.database import transaction
from kiosk.store.outbox import counts
from kiosk.store.state import read_state, write_state
from sync.client import TransientError
from sync.engine import CycleReport
from tests.factories import (
    CLAIRE_CARD,
    KARIM_CARD,
    holder,
    households_document,
    offer,
    pin_hash,
    sample_catalog,
    session,
    staff_document,
)

SESSIONS = ["T1-S1", "P1-S1"]


def capacities(kiosk) -> dict[str, int]:
    offers = [kiosk.services.catalog.offer(session.split("-")[0]) for session in SESSIONS]
    return {s.id: s.capacity for o in offers for s in o.sessions if s.id in SESSIONS}


def files(path):
    return [path, path.with_name(path.name + "-wal")]


def raw_copy(centre, target):
    """The database file (and its WAL) copied as a file-level backup would, the server stopped."""
    centre.stop()
    for source, name in zip(files(centre.db_path), ("db", "wal")):
        if source.exists():
            shutil.copyfile(source, target / name)
    centre.start()


def restore(centre, folder):
    centre.stop()
    for path in [*files(centre.db_path), centre.db_path.with_name(centre.db_path.name + "-shm")]:
        path.unlink(missing_ok=True)
    shutil.copyfile(folder / "db", centre.db_path)
    if (folder / "wal").exists():
        shutil.copyfile(folder / "wal", files(centre.db_path)[1])
    centre.start()


def copy_database(centre, request, folder: Path) -> Path | str:
    """The centre's database copied by other means than `slvie-central backup` (the server stopped): its files
    (SQLite), or a copy of the database (PostgreSQL); where the copy is."""
    if isinstance(centre.db_path, Path):
        folder.mkdir()
        raw_copy(centre, folder)
        return folder
    centre.stop()
    copy = request.getfixturevalue("postgres_cluster").copy(centre.db_path)
    centre.start()
    return copy


def copy_back(centre, request, copy: Path | str) -> None:
    """The copy put back in place of the centre's database, and the centre started again (no reset-epoch)."""
    if isinstance(copy, Path):
        restore(centre, copy)
        return
    centre.stop()
    request.getfixturevalue("postgres_cluster").put_back(copy, centre.db_path)
    centre.start()


@pytest.mark.parametrize(
    "how, changes_after",
    [
        ("backup command", 4),  # its copy carries a new epoch: the numbering passing the kiosk's cursor is seen
        ("file copy, reset-epoch", 4),  # a copy made otherwise, and the administrator resets the epoch
        ("file copy", 2),  # nothing tells the epoch, but the kiosk's cursor is ahead: 409 cursor_ahead
        ("file copy", 4),  # the numbering passes the kiosk's cursor: the mark saved with it says the history is lost
    ],
)
def test_a_restored_centre_resyncs_every_kiosk_without_losing_its_outbox(
    make_kiosk, centre, proxy, tmp_path, how, changes_after
):
    kiosk = make_kiosk()
    kiosk.sync()
    backup = tmp_path / "backup"
    backup.mkdir()
    if how == "backup command":
        assert centre.cli("backup", str(backup / "db"))[0] == 0
    else:
        raw_copy(centre, backup)
    for capacity in (31, 32, 33):  # three changes after the backup, which the restore loses
        centre.set_capacity("T1-S1", capacity)
    kiosk.sync()
    assert capacities(kiosk)["T1-S1"] == 33

    restore(centre, backup)
    if how == "file copy, reset-epoch":
        assert centre.cli("reset-epoch")[0] == 0
    for step in range(changes_after):  # the restored centre's numbering passes the kiosk's cursor (or not)
        centre.set_capacity(SESSIONS[step % 2], 40 + step)
    household = kiosk.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    proxy.inject("drop_request")  # the push fails; a pull alone comes in before it gets through
    with pytest.raises(TransientError):
        kiosk.sync()
    report = CycleReport()
    kiosk.engine.pull(report)

    assert report.resynced
    expected = {
        s["id"]: s["capacity"] for s in centre.query("SELECT id, capacity FROM sessions") if s["id"] in SESSIONS
    }
    assert capacities(kiosk) == expected  # every change arrived, none skipped
    assert counts(kiosk.services.db)["pending"] == 1  # the booking still waits to be sent, unchanged by the pull
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
    epoch = centre.query("SELECT value FROM meta WHERE key = 'feed_epoch'")[0]["value"]
    assert read_state(kiosk.services.db, "sync_epoch") == epoch

    again = kiosk.sync()
    assert (again.applied, again.resynced) == (1, False)
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}


@pytest.mark.parametrize("how", ["backup command", "file copy"])
def test_what_the_restored_centre_no_longer_has_is_gone_from_the_kiosk_after_the_resync(
    make_kiosk, centre, tmp_path, how
):
    kiosk = make_kiosk()
    kiosk.sync()
    backup = tmp_path / "backup"
    backup.mkdir()
    if how == "backup command":
        assert centre.cli("backup", str(backup / "db"))[0] == 0
    else:
        raw_copy(centre, backup)
    document = sample_catalog()
    document["offers"].append(offer("NEW", "Offre créée après la sauvegarde", sessions=[session("NEW-S1", days=9)]))
    centre.load_catalog(document)
    late = {
        "household_id": "H-LATE",
        "tier": 2,
        "cmcas": "CMCAS Lyon",
        "slvie": "SLVie Lyon",
        "members": [
            {
                "person_id": "P-LATE",
                "first_name": "Tardif",
                "last_name": "Après",
                "birth_date": "1990-01-01",
                "role": "ouvrant_droit",
                "card_number": "1000000000041",
                "pin_hash": pin_hash(),
            }
        ],
    }
    centre.load_households([*households_document()["households"], late])
    kiosk.sync()
    assert kiosk.services.catalog.offer("NEW") is not None
    assert kiosk.services.identity.identify(BENEFICIARY, "1000000000041", "1234").household.household_id == "H-LATE"
    household = kiosk.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    waiting = kiosk.services.bookings.book(
        BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"]
    )  # not sent yet: it stays

    restore(centre, backup)
    report = CycleReport()
    kiosk.engine.pull(report)

    assert report.resynced
    assert kiosk.services.catalog.offer("NEW") is None  # the restored centre never had it
    with pytest.raises(IdentificationError):
        kiosk.services.identity.identify(BENEFICIARY, "1000000000041", "1234")
    assert kiosk.services.catalog.offer("T1") is not None  # what it has stays
    assert kiosk.services.bookings.booking(waiting.booking_id) is not None
    assert counts(kiosk.services.db)["pending"] == 1


def booked_and_acknowledged_before_the_backup_is_lost(make_kiosk, centre, tmp_path):
    """A kiosk books and asks a concierge service, the centre acknowledges both; then the centre is restored
    from a backup made before them."""
    centre.load_staff(staff_document())
    kiosk = make_kiosk()
    kiosk.sync()
    backup = tmp_path / "backup"
    backup.mkdir()
    assert centre.cli("backup", str(backup / "db"))[0] == 0
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    day = kiosk.services.concierge.form("pressing").form.field("day").options[0].code
    request = kiosk.services.concierge.submit(
        BENEFICIARY, claire, "pressing", {"garments": ["chemise"], "quantity": 2, "day": day}
    )
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking.booking_id)[0]["state"] == "confirmed"
    restore(centre, backup)
    assert not centre.query("SELECT id FROM bookings WHERE id = ?", booking.booking_id)
    return kiosk, claire, booking, request


def test_a_booking_and_a_request_made_here_that_the_restored_centre_lost_are_sent_again(make_kiosk, centre, tmp_path):
    kiosk, claire, booking, request = booked_and_acknowledged_before_the_backup_is_lost(make_kiosk, centre, tmp_path)

    report = CycleReport()
    kiosk.engine.pull(report)

    assert report.resynced
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED  # the voucher holds
    assert counts(kiosk.services.db)["pending"] == 2  # a booking.create and a concierge.create, from the rows
    assert read_state(kiosk.services.db, "sync_sent_again_after_restore") == "2"
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking.booking_id)[0]["state"] == "confirmed"
    assert centre.query("SELECT id FROM concierge_requests WHERE id = ?", request.request_id)
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
    assert kiosk.services.bookings.take_news(claire.household) == []  # nothing changed for the person
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}  # sent again once, not at every pull


def test_a_booking_sent_again_that_the_restored_centre_refuses_is_told_to_the_person(make_kiosk, centre, tmp_path):
    kiosk, claire, booking, _ = booked_and_acknowledged_before_the_backup_is_lost(make_kiosk, centre, tmp_path)
    lobby = make_kiosk("lobby")  # since the restore, the person booked the same date at another kiosk
    lobby.sync()
    here = lobby.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    lobby.services.bookings.book(BENEFICIARY, holder(here.household), "T1", "T1-S1", ["P1"])
    lobby.sync()
    kiosk.sync()
    kiosk.sync()

    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    decided = kiosk.services.bookings.booking(booking.booking_id)
    assert decided.state != BookingState.CONFIRMED
    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking.booking_id)[0]["state"] == decided.state
    (news,) = kiosk.services.bookings.take_news(claire.household)
    assert news.booking.booking_id == booking.booking_id and not news.good


def book(kiosk, card: str, offer_id: str, session_id: str, person_id: str) -> str:
    household = kiosk.services.identity.identify(BENEFICIARY, card, "1234").household
    return kiosk.services.bookings.book(BENEFICIARY, holder(household), offer_id, session_id, [person_id]).booking_id


def site_bookings(kiosk) -> dict[str, str]:
    return dict(kiosk.services.db.execute("SELECT booking_id, state FROM bookings").fetchall())


@pytest.mark.both_databases
def test_a_centre_restored_by_copying_its_database_back_loses_no_booking_and_every_kiosk_sees_every_change(
    make_kiosk, centre, proxy, request, tmp_path
):
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    kiosks = (desk, lobby)
    for kiosk in kiosks:
        kiosk.sync()
    before_copy = book(desk, CLAIRE_CARD, "T1", "T1-S1", "P1")
    for kiosk in kiosks:
        kiosk.sync()
    copy = copy_database(centre, request, tmp_path / "copy")
    # Acknowledged and seen by both kiosks, then lost by the restore: two bookings, three capacity changes.
    lost = [book(lobby, KARIM_CARD, "T1", "T1-S1", "P4"), book(desk, CLAIRE_CARD, "P1", "P1-S1", "P2")]
    for capacity in (31, 32, 33):
        centre.set_capacity("T1-S1", capacity)
    for kiosk in (*kiosks, desk):
        kiosk.sync()
    assert counts(desk.services.db) == counts(lobby.services.db) == {"pending": 0, "parked": 0}
    assert set(site_bookings(lobby)) == {before_copy, *lost}

    copy_back(centre, request, copy)
    for step in range(8):  # the restored centre's numbering passes both kiosks' cursors
        centre.set_capacity(SESSIONS[step % 2], 40 + step)
    after = [book(desk, CLAIRE_CARD, "E1", "E1-S1", "P2"), book(lobby, KARIM_CARD, "E1", "E1-S1", "P4")]
    reports = [kiosk.sync() for kiosk in (desk, lobby, desk, lobby)]

    assert reports[0].resynced and reports[1].resynced  # each push was refused before anything was applied
    held = {row["id"]: row["state"] for row in centre.query("SELECT id, state FROM bookings")}
    assert sorted(held) == sorted([before_copy, *lost, *after])  # none lost, none twice
    assert centre.seat_problems() == []  # each counted once in its session's seats
    expected = {
        s["id"]: s["capacity"] for s in centre.query("SELECT id, capacity FROM sessions") if s["id"] in SESSIONS
    }
    for kiosk in kiosks:
        assert capacities(kiosk) == expected  # every change the restored centre made, none skipped
        assert site_bookings(kiosk) == held  # every booking of the site, in the centre's state
        assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}


def test_a_push_the_restored_centre_lost_is_found_out_even_with_nothing_more_to_send(make_kiosk, centre, tmp_path):
    """The kiosk's push was answered, then its pull did not come (the network): the copy put back is older than
    the push but not than the kiosk's cursor, and nothing waits in the outbox. The push's mark tells."""
    kiosk = make_kiosk()
    kiosk.sync()
    copy = copy_database(centre, None, tmp_path / "copy")
    booking = book(kiosk, CLAIRE_CARD, "T1", "T1-S1", "P1")
    kiosk.engine.push(CycleReport())  # answered; no pull after it
    assert counts(kiosk.services.db)["pending"] == 0
    copy_back(centre, None, copy)

    report = kiosk.sync()

    assert report.resynced and report.applied == 1  # sent again from its row, once
    assert [row["id"] for row in centre.query("SELECT id FROM bookings")] == [booking]
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}


@pytest.mark.parametrize("how", ["backup command", "file copy"])
def test_a_cancellation_the_restored_centre_lost_is_sent_again_and_the_booking_stays_cancelled(
    make_kiosk, centre, tmp_path, how
):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    kiosk.sync()
    if how == "backup command":
        (tmp_path / "copy").mkdir()
        assert centre.cli("backup", str(tmp_path / "copy" / "db"))[0] == 0
        copy: Path | str = tmp_path / "copy"
    else:
        copy = copy_database(centre, None, tmp_path / "copy")
    kiosk.services.bookings.cancel(BENEFICIARY, claire, booking.booking_id)
    kiosk.sync()
    copy_back(centre, None, copy)
    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking.booking_id)[0]["state"] == "confirmed"

    kiosk.sync()
    kiosk.sync()

    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking.booking_id)[0]["state"] == "cancelled"
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CANCELLED
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert centre.seat_problems() == []


def test_a_kiosk_whose_push_was_answered_before_it_ever_pulled_resyncs_too(make_kiosk, centre, tmp_path):
    """Its cursor is still 0, but the last push's mark names a history the restored centre lost."""
    kiosk = make_kiosk()
    kiosk.sync()
    copy = copy_database(centre, None, tmp_path / "copy")
    booking = book(kiosk, CLAIRE_CARD, "T1", "T1-S1", "P1")
    kiosk.engine.push(CycleReport())
    with transaction(kiosk.services.db):  # as a kiosk that pushed before its first pull leaves it
        write_state(kiosk.services.db, "sync_cursor", "0")
        kiosk.services.db.execute("DELETE FROM kiosk_state WHERE key IN ('sync_epoch', 'sync_mark')")
    copy_back(centre, None, copy)

    report = kiosk.sync()

    assert report.resynced
    assert [row["id"] for row in centre.query("SELECT id FROM bookings")] == [booking]
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
