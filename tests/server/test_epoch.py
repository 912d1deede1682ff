"""The feed epoch: carried by every page, new with a new database, a reset, or a backup copy."""

from __future__ import annotations

import sqlite3

import pytest

from tests.server.central import CentralServer


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
