"""The feed epoch: carried by every page, new with a new database, a reset, or a backup copy."""

from __future__ import annotations

import sqlite3

import pytest

from tests.server.central import CentralServer
from tests.server.data import booking_op, catalog, martin_family, offer, session


def epochs(kiosk, limit: int = 1) -> set[str]:
    seen, cursor = set(), 0
    while True:
        page = kiosk.pull(cursor, limit)
        seen.add(page["epoch"])
        cursor = page["cursor"]
        if not page["more"]:
            return seen


def test_every_page_carries_one_epoch_and_another_database_has_another(central_server, kiosk, tmp_path):
    central_server.cli("load-demo")
    (epoch,) = epochs(kiosk, limit=50)
    assert len(epoch) == 32
    assert kiosk.pull(0)["epoch"] == epoch  # it stays while the database stays
    other = CentralServer(tmp_path / "other.sqlite3")
    assert other.query("SELECT value FROM meta WHERE key = 'feed_epoch'")[0]["value"] != epoch


def test_reset_epoch_starts_a_new_one(central_server, kiosk):
    before = kiosk.pull(0)["epoch"]
    code, out, _ = central_server.cli("reset-epoch")
    assert code == 0
    after = kiosk.pull(0)["epoch"]
    assert after != before and after in out


@pytest.mark.sqlite_only  # PostgreSQL is backed up with pg_dump
def test_a_backup_copy_has_an_epoch_never_served_and_the_same_data(central_server, kiosk, tmp_path):
    central_server.cli("load-demo")
    served = kiosk.pull(0)["epoch"]
    copy = tmp_path / "backup.sqlite3"
    code, out, _ = central_server.cli("backup", str(copy))
    assert code == 0
    with sqlite3.connect(copy) as conn:
        (epoch,) = conn.execute("SELECT value FROM meta WHERE key = 'feed_epoch'").fetchone()
        offers = conn.execute("SELECT count(*) FROM offers").fetchone()[0]
    assert epoch != served and epoch in out
    assert offers == central_server.query("SELECT count(*) AS n FROM offers")[0]["n"] > 0
    assert kiosk.pull(0)["epoch"] == served  # the live database keeps its own


def test_a_push_naming_a_history_the_centre_does_not_hold_is_refused_before_anything_is_applied(central_server, kiosk):
    central_server.load_catalog(catalog([offer("CONC", [session("CONC-1", days=10, capacity=10, allocation=3)])]))
    central_server.load_households([martin_family("H-1", "P-1")])
    page = kiosk.pull(0)
    answer = kiosk.post("/v1/operations", {"operations": [booking_op("CONC-1", ["P-1-1"])]}).json()
    seen = {"epoch": page["epoch"], "cursor": page["cursor"], "marks": [page["mark"], answer["mark"]]}
    assert answer["mark"] != page["mark"]  # a push leaves a mark of its own

    assert kiosk.post("/v1/operations", {"operations": [booking_op("CONC-1", ["P-1-2"])], "history": seen}).ok
    for lost in (
        {**seen, "marks": [page["mark"], "a" * 32]},  # a push answered by a history the centre no longer has
        {**seen, "epoch": "b" * 32},  # another numbering
        {**seen, "cursor": page["cursor"] + 50},  # a cursor past the feed
    ):
        refused = kiosk.post("/v1/operations", {"operations": [booking_op("CONC-1", ["P-1-3"])], "history": lost})
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "history_unknown" and "restauré" in error["fr"] and "restored" in error["en"]
    assert len(central_server.query("SELECT id FROM bookings")) == 2  # nothing of the refused pushes

    assert kiosk.get("/v1/changes", cursor=page["cursor"], mark=seen["marks"]).status_code == 200
    refused_pull = kiosk.get("/v1/changes", cursor=page["cursor"], mark=[page["mark"], "c" * 32])
    assert refused_pull.status_code == 409 and refused_pull.json()["error"]["code"] == "history_unknown"
    assert kiosk.get("/v1/changes", cursor=page["cursor"], mark="not a mark!").status_code == 422


def test_each_page_carries_the_mark_of_the_write_that_numbered_its_cursor(central_server, kiosk):
    central_server.load_catalog(catalog([offer(f"O{n}", [session(f"O{n}-1", days=10)]) for n in range(3)]))
    marks = {row["last_seq"]: row["mark"] for row in central_server.query("SELECT mark, last_seq FROM feed_marks")}
    cursor, more = 0, True
    while more:
        page = kiosk.pull(cursor, limit=1)
        cursor, more = page["cursor"], page["more"]
        assert page["mark"] == marks[min(seq for seq in marks if seq >= cursor)]
