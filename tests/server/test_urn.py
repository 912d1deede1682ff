"""The ballot urn at rest, on SQLite and PostgreSQL: rewritten in key order, every ballot kept, and on SQLite
no WAL left behind (docs/sync-protocol.md, Secrecy; the full flow is in tests/sync/test_participation_sync.py)."""

from __future__ import annotations

from pathlib import Path

from sync.server import dialect
from sync.server.consultations import settle_urn
from sync.server.db import Database

ARRIVALS = ("c3", "a1", "b2")  # ballot keys in their order of arrival


def test_the_urn_is_rewritten_in_key_order_and_keeps_every_ballot(central_database):
    db = Database(central_database, pooled=False)
    try:
        with db.write() as conn:
            conn.execute("INSERT INTO vote_urn (consultation_id, ballot_key, choice) VALUES ('D', 'zz', '[\"y\"]')")
            for key in ARRIVALS:
                conn.execute(
                    "INSERT INTO vote_urn (consultation_id, ballot_key, choice) VALUES ('C', ?, ?)", (key, f'["{key}"]')
                )
            settle_urn(conn, "C")
        db.forget_history()
        stored = {tuple(r) for r in db.query("SELECT consultation_id, ballot_key, choice FROM vote_urn")}
        assert stored == {("D", "zz", '["y"]')} | {("C", key, f'["{key}"]') for key in ARRIVALS}
        if db.dialect == dialect.POSTGRESQL:  # the rows' places in the heap follow the keys, not the arrivals
            placed = db.query("SELECT ballot_key FROM vote_urn WHERE consultation_id = 'C' ORDER BY ctid")
            assert [r[0] for r in placed] == sorted(ARRIVALS)
        else:  # the WAL is folded into the file and emptied: no commit-by-commit history to replay
            assert Path(f"{central_database}-wal").stat().st_size == 0
    finally:
        db.close()
