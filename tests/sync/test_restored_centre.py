"""A centre restored from a backup after kiosks synced: every kiosk starts its pull again from 0
(409 cursor_ahead, or a new feed epoch) and gets every change, keeping the operations it still has to send."""

from __future__ import annotations

import shutil

import pytest

from kiosk.domain.booking import BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.services.identity import IdentificationError
from kiosk.store.outbox import counts
from kiosk.store.state import read_state
from sync.client import TransientError
from sync.engine import CycleReport
from tests.factories import holder, households_document, offer, pin_hash, sample_catalog, session

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


@pytest.mark.parametrize(
    "how, changes_after",
    [
        ("backup command", 4),  # its copy carries a new epoch: the numbering passing the kiosk's cursor is seen
        ("file copy, reset-epoch", 4),  # a copy made otherwise, and the administrator resets the epoch
        ("file copy", 2),  # nothing tells the epoch, but the kiosk's cursor is ahead: 409 cursor_ahead
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
