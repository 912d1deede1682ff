"""The centre's schema under Alembic: a new database gets the whole schema, and a SQLite file made before
Alembic (schema 1 to 6) opens with everything it held, stamped with the baseline and upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sync.server import dialect, migrations
from sync.server.db import CentralDatabaseError, Database

SCHEMA_6_TABLES = (
    "SELECT * FROM concierge_requests, correspondents, audit_entries, concierge_moves",
    "SELECT kiosk_id, key_id, public_key, registered_at FROM voucher_keys",
    "SELECT granted, returned, used, expires_at FROM leases",
    "SELECT leased FROM allocations",
    "SELECT lease_seats, protocol, offer_version, unit_cents FROM bookings",
    "SELECT * FROM kiosk_health, kiosk_health_history, administrators",
    "SELECT payment_id, subject_kind, subject_id, amount_cents, corrects, data FROM payments",
)
LATER_TABLES = (  # schema 7 (trust), 8 (participation): 0002, 0003; stay wishes 0006; the urn 0007; notices 0008;
    # rate windows 0009; vote refusals 0010; feed marks 0011
    "SELECT kiosk_id, chain, seq, code, flagged_at FROM audit_flags",
    "SELECT attempt_hash FROM enrolment_codes",
    "SELECT * FROM ideas, consultations, vote_participations, vote_urn, appreciations",
    "SELECT * FROM stay_requests, stay_allocation_runs, past_stays",
    "SELECT * FROM notice_consents, notices",
    "SELECT key, hits, ends_at FROM rate_windows",
    "SELECT ballot_id, consultation_id, site_id, person_id, reason FROM vote_refusals",
)


def _legacy_file(path: Path, version: int) -> sqlite3.Connection:
    """A centre's file as the release before Alembic made it, at schema `version`."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in dialect.SQLITE_LEGACY_MIGRATIONS[:version]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def _revision(db: Database) -> str | None:
    with db.read() as conn:
        return migrations.current(conn.sa)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_new_database_gets_the_whole_schema_at_the_latest_revision(database, tmp_path, request):
    if database == "postgresql":
        target: Path | str = request.getfixturevalue("postgres_cluster").new_database(empty=True)
    else:
        target = tmp_path / "new.sqlite3"
    db = Database(target, pooled=False)
    try:
        assert _revision(db) == migrations.head()
        for query in SCHEMA_6_TABLES + LATER_TABLES:
            db.query(query)
        db.query("SELECT arrival FROM bookings")
    finally:
        db.close()
    Database(target, pooled=False).close()  # opened again: nothing to do, nothing lost


def test_a_schema_1_file_is_brought_up_to_date(tmp_path):
    path = tmp_path / "old-central.sqlite3"
    conn = _legacy_file(path, 1)
    conn.execute("INSERT INTO meta VALUES ('price_tiers', '7')")
    conn.close()
    db = Database(path)
    try:
        assert _revision(db) == migrations.head()
        assert db.query_one("SELECT value FROM meta WHERE key = 'price_tiers'")[0] == "7"
        for query in SCHEMA_6_TABLES + LATER_TABLES:
            db.query(query)
    finally:
        db.close()


def test_a_schema_6_file_keeps_its_bookings_their_order_and_its_feed(tmp_path):
    path = tmp_path / "central-6.sqlite3"
    conn = _legacy_file(path, 6)
    conn.execute("INSERT INTO meta VALUES ('feed_epoch', 'e1')")
    for booking_id in ("b-late", "b-early"):  # rowid order, not alphabetical: the waiting list's order
        conn.execute(
            "INSERT INTO bookings (id, session_id, household_id, site_id, kiosk_id, participants, tier, "
            "total_cents, kiosk_state, state, created_at, decided_at) "
            "VALUES (?, 's1', 'h1', 'site', 'k1', '[\"p1\"]', 1, 0, 'waitlisted', 'waitlisted', 't', 't')",
            (booking_id,),
        )
    conn.execute("INSERT INTO changes (kind, entity_id, site_id) VALUES ('booking', 'b-late', 'site')")
    conn.execute("INSERT INTO changes (kind, entity_id, site_id) VALUES ('booking', 'b-early', 'site')")
    conn.close()

    db = Database(path)
    try:
        assert _revision(db) == migrations.head()
        assert [tuple(r) for r in db.query("SELECT id, arrival FROM bookings ORDER BY arrival")] == [
            ("b-late", 1),
            ("b-early", 2),
        ]
        assert db.query_one("SELECT value FROM meta WHERE key = 'feed_epoch'")[0] == "e1"  # kiosks keep cursors
        with db.write() as tx:
            tx.bump("booking", "b-late", "site")
        assert [tuple(r) for r in db.query("SELECT seq, entity_id FROM changes ORDER BY seq")] == [
            (2, "b-early"),
            (3, "b-late"),
        ]
    finally:
        db.close()


def test_a_file_from_a_newer_centre_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    _legacy_file(path, 6).close()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    before = path.read_bytes()
    with pytest.raises(CentralDatabaseError):
        Database(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]
    assert len(path.read_bytes()) == len(before)


def test_a_schema_8_file_of_the_release_before_alembic_is_stamped_and_upgraded(tmp_path):
    path = tmp_path / "central-8.sqlite3"
    Database(path).close()
    with sqlite3.connect(path, isolation_level=None) as conn:  # as the release before Alembic left it
        for later in ("notices", "notice_consents"):  # revision 0006
            conn.execute(f"DROP TABLE {later}")
        conn.execute("DROP INDEX bookings_by_household")
        conn.execute("DROP INDEX operations_notice_consents")
        conn.execute("DROP INDEX bookings_by_arrival")
        conn.execute("ALTER TABLE bookings DROP COLUMN arrival")
        conn.execute("ALTER TABLE audit_flags DROP COLUMN arrival")
        for table in ("stay_requests", "stay_allocation_runs", "past_stays"):  # revision 0006, after Alembic
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP TABLE vote_urn")  # revision 0007
        conn.execute("DROP TABLE rate_windows")  # revision 0009
        conn.execute("DROP TABLE vote_refusals")  # revision 0010
        conn.execute("DROP TABLE feed_marks")  # revision 0011
        conn.execute(
            "CREATE TABLE vote_tallies (consultation_id TEXT NOT NULL, code TEXT NOT NULL, votes INTEGER NOT NULL "
            "DEFAULT 0, points INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (consultation_id, code)) WITHOUT ROWID"
        )
        conn.execute("DROP TABLE alembic_version")
        conn.execute("PRAGMA user_version = 8")
        conn.execute(
            "INSERT INTO ideas (id, site_id, kiosk_id, theme, text, created_at) VALUES ('I1', 'S', 'K', 't', "
            "'Plus de sorties', 'now')"
        )
    db = Database(path)
    try:
        assert _revision(db) == migrations.head()
        assert db.query_one("SELECT text FROM ideas WHERE id = 'I1'")[0] == "Plus de sorties"
        db.query("SELECT arrival FROM bookings")
        db.query("SELECT consultation_id, ballot_key, choice FROM vote_urn")
        assert db.query_one("SELECT 1 FROM sqlite_master WHERE name = 'vote_tallies'") is None
        assert len(db.query("SELECT mark FROM feed_marks WHERE last_seq = 0")) == 1  # the feed as it stood
    finally:
        db.close()


def test_a_postgresql_centre_out_of_reach_is_said_without_its_password():
    with pytest.raises(CentralDatabaseError) as refused:
        Database("postgresql://centre:s3cret-word@127.0.0.1:1/slvie", pooled=False)
    said = refused.value.bilingual()
    assert "127.0.0.1:1/slvie" in said and "s3cret-word" not in said
