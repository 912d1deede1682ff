"""The marks of the feed's history are pruned (sync/server/history.py), against the real centre over loopback:
the table stays bounded however many pushes come, and a kiosk away while its marks age out is still
recognised when it comes back — it pulls on from its cursor, it does not start again from 0.

The centre keeps its newest KEPT marks here (10,000 in production) and does its housekeeping five times a
second (every 30 s): "weeks away" is "away while many more marks than that were made", whatever the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from kiosk.domain.booking import BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.store.outbox import counts
from kiosk.store.state import read_state
from sync.heartbeat import KioskProbe
from sync.history import PAGE_MARK, PUSH_MARK
from tests.factories import NOW, holder, households_document, sample_catalog
from tests.server.central import CentralServer, KioskClient

pytestmark = pytest.mark.both_databases  # the centre on SQLite and on PostgreSQL

KEPT = 20


@pytest.fixture
def centre(tmp_path, central_database):
    server = CentralServer(
        central_database,
        now=NOW,
        log_path=tmp_path / "central.log",
        options=("--marks-kept", str(KEPT), "--housekeeping-every", "0.2"),
    )
    server.start()
    server.load_catalog(sample_catalog())
    server.load_households(households_document()["households"])
    yield server
    server.stop()


def marks(centre: CentralServer) -> list[str]:
    """The marks the centre holds, oldest first."""
    return [row["mark"] for row in centre.query("SELECT mark FROM feed_marks ORDER BY made")]


def eventually(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the centre's housekeeping did not get there in time"
        time.sleep(0.3)


def push_often(kiosk: KioskClient, times: int) -> list[str]:
    """Pushes with nothing to send, each naming the last one's mark as a kiosk does: each leaves a mark."""
    given: list[str] = []
    for _ in range(times):
        history = {"cursor": 0, "marks": given[-1:]} if given else None
        answer = kiosk.post("/v1/operations", {"operations": [], **({"history": history} if history else {})})
        assert answer.status_code == 200, answer.text
        given.append(answer.json()["mark"])
    return given


def test_the_marks_stay_bounded_however_many_pushes_come(centre):
    busy = centre.enroll(name="busy")
    given = push_often(busy, 6 * KEPT)
    # The newest KEPT, and the busy kiosk's own (the one it named last, the one it was answered).
    eventually(lambda: len(marks(centre)) <= KEPT + 2)
    held = marks(centre)
    assert given[-1] in held and given[0] not in held  # the oldest, no longer named by anyone, went
    # What the kiosk holds is still known: it goes on; a mark never made (a restored centre's case) is not.
    assert push_often(busy, 1)
    known = busy.post("/v1/operations", {"operations": [], "history": {"cursor": 0, "marks": [given[-1]]}})
    assert known.status_code == 200
    unknown = busy.post("/v1/operations", {"operations": [], "history": {"cursor": 0, "marks": [given[0]]}})
    assert unknown.status_code == 409 and unknown.json()["error"]["code"] == "history_unknown"


def test_a_kiosk_away_while_its_marks_age_out_pulls_on_from_its_cursor(make_kiosk, centre, tmp_path):
    away = make_kiosk("away")
    away.engine.probe = KioskProbe(tmp_path / "away", "")  # its heartbeat names the marks it holds
    away.sync()
    claire = away.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    away.services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    report = away.sync()
    assert report.heartbeat and counts(away.services.db)["pending"] == 0
    held = [read_state(away.services.db, PAGE_MARK), read_state(away.services.db, PUSH_MARK)]
    cursor = int(read_state(away.services.db, "sync_cursor") or 0)

    push_often(centre.enroll(name="busy"), 6 * KEPT)  # the rest of the fleet goes on meanwhile
    centre.set_capacity("P1-S1", 17)  # and something the kiosk must see when it comes back
    eventually(lambda: len(marks(centre)) <= KEPT + 4)
    kept = marks(centre)
    assert all(mark in kept[: len(kept) - KEPT] for mark in held)  # long past the newest: kept for the kiosk

    booked = away.services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P2"])  # made while away
    back = away.sync()
    assert not back.resynced and back.problem is None
    assert int(read_state(away.services.db, "sync_cursor") or 0) > cursor
    assert back.pulled < 10  # what changed while it was away, not the whole feed again
    assert counts(away.services.db)["pending"] == 0
    assert away.services.bookings.booking(booked.booking_id).state is BookingState.CONFIRMED
    (capacity,) = [s.capacity for s in away.services.catalog.offer("P1").sessions if s.id == "P1-S1"]
    assert capacity == 17
