"""Everything the centre says differently to SQLite and to PostgreSQL — the only module that may.

The rest of the centre writes SQL both understand (standard SQL, `?` placeholders, `ON CONFLICT`)
and asks this module for the few things that differ: how a connection is set up and a transaction
begun, how rows are locked, how a list of ids or a JSON object is written in a query, and the
SQLite-only steps of migrating a file made before Alembic.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from sync.server.db import Connection

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BUSY_TIMEOUT_MS = 30_000
# Keys of the transaction-scoped advisory locks (PostgreSQL): two fixed ones, and per-key ones hashed.
FEED_LOCK = 1_651_272_001
MIGRATION_LOCK = 1_651_272_002


def configure(engine: Engine) -> None:
    """SQLite: WAL, every commit synced to disk (synchronous=FULL), and transactions begun by us:
    BEGIN IMMEDIATE for a writer, so writers queue on the file's lock instead of failing at commit."""
    if engine.dialect.name != SQLITE:
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say when a transaction begins
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA journal_mode = WAL")
        # Deleted rows are overwritten, not left in free space: a ballot urn is rewritten in key order
        # (sync/server/consultations.py, settle_urn) so that no trace of the order of arrival stays in the file.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        writing = connection.get_execution_options().get("slvie_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def forget_history(engine: Engine) -> None:
    """SQLite: fold the WAL into the file and empty it, so a copy taken later holds no commit-by-commit
    history (run outside any transaction; waits, busy timeout, for readers still on an older snapshot, and
    what one of them kept busy stays until the next call). PostgreSQL: nothing can be done from here — its
    WAL, and any archive of it, keeps every commit; docs/sync-protocol.md says what that leaves exposed."""
    if engine.dialect.name != SQLITE:
        return
    with engine.connect() as sa:
        sa.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[union-attr]


def read_options(name: str) -> dict[str, Any]:
    """A read sees one snapshot for all its queries (SQLite's read transaction does by itself)."""
    return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True} if name == POSTGRESQL else {}


def statement_options(name: str) -> dict[str, Any]:
    """A query read on its own: PostgreSQL runs it outside any transaction (no BEGIN and COMMIT round trips);
    SQLite's reads cost no round trip."""
    return {"isolation_level": "AUTOCOMMIT"} if name == POSTGRESQL else {}


@lru_cache(maxsize=1024)
def driver_sql(sql: str, name: str) -> str:
    """`?` placeholders as the driver wants them: psycopg takes `%s` (and a literal % doubled)."""
    if name == POSTGRESQL:
        return sql.replace("%", "%%").replace("?", "%s")
    return sql


def lock_session(conn: Connection, session_id: str) -> None:
    """Hold the session's row until commit: what decides its seats runs one transaction at a time, in
    every process. SQLite has one writer at a time already."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SELECT 1 FROM sessions WHERE id = ? FOR UPDATE", (session_id,))


def for_update(name: str, table: str) -> str:
    """A SELECT's last clause that holds the rows it reads of `table` (its alias) until commit, as
    `lock_session` does for one session; nothing for SQLite, which has one writer at a time already."""
    return f" FOR UPDATE OF {table}" if name == POSTGRESQL else ""


def lock_key(conn: Connection, key: str) -> None:
    """Serialise the transactions about one key (an operation id) until commit."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (key,))


def write_feed(conn: Connection, rows: list[tuple[str, str, str]]) -> None:
    """A transaction's changed entities (kind, id, site) moved to the end of the feed, just before it commits,
    under the feed lock held to the commit: change numbers are handed out in commit order, so a reader that
    sees number n has seen every number below (docs/sync-protocol.md). PostgreSQL: the lock and the rows in one
    statement, each entity's row renumbered in place, so that the lock every writer queues on is held for two
    round trips (this one and the commit), not four. SQLite: one writer at a time already."""
    if conn.dialect == POSTGRESQL and not rows:  # a mark alone (sync/server/history.py), in commit order too
        conn.execute("SELECT pg_advisory_xact_lock(?)", (FEED_LOCK,))
        return
    if conn.dialect == POSTGRESQL:
        conn.execute(
            "INSERT INTO changes (kind, entity_id, site_id) SELECT x.item ->> 0, x.item ->> 1, x.item ->> 2 "
            "FROM (SELECT pg_advisory_xact_lock(?)) AS feed, "
            "json_array_elements(CAST(? AS json)) WITH ORDINALITY AS x(item, n) ORDER BY x.n "
            "ON CONFLICT (kind, entity_id, site_id) DO UPDATE SET seq = excluded.seq",
            (FEED_LOCK, json.dumps(rows)),
        )
        return
    conn.executemany("DELETE FROM changes WHERE kind = ? AND entity_id = ? AND site_id = ?", rows)
    conn.executemany("INSERT INTO changes (kind, entity_id, site_id) VALUES (?, ?, ?)", rows)


def commit_without_waiting(conn: Connection) -> None:
    """This transaction's commit returns before its WAL is on disk (PostgreSQL; a crash may lose it, never
    half of it): for what may be lost without harm. SQLite: unchanged."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SET LOCAL synchronous_commit = off")


def lock_migrations(conn: Connection) -> None:
    """Several processes starting at once migrate one at a time (SQLite: the writer's lock does it)."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))


def ids_in(name: str) -> str:
    """`column IN (…)` over a JSON array of ids given as one parameter."""
    if name == POSTGRESQL:
        return "(SELECT json_array_elements_text(CAST(? AS json)))"
    return "(SELECT value FROM json_each(?))"


def json_object(name: str) -> str:
    return "json_build_object" if name == POSTGRESQL else "json_object"


def json_text(name: str, column: str, key: str) -> str:
    """A JSON text column's top-level `key`, as text (NULL if absent; `key` is ours, never a user's: it is
    written in the SQL). The same expression serves in a query and in the index that answers it."""
    if name == POSTGRESQL:
        return f"(CAST({column} AS jsonb) ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def json_with_text(name: str, column: str, key: str) -> str:
    """A JSON text column with its top-level `key` set to the text given as one `?` parameter."""
    if name == POSTGRESQL:
        return f"CAST(jsonb_set(CAST({column} AS jsonb), '{{{key}}}', to_jsonb(CAST(? AS text))) AS text)"
    return f"json_set({column}, '$.{key}', ?)"


def join_in_order(name: str) -> str:
    """A join whose left side stays the outer loop: SQLite's CROSS JOIN says so (PostgreSQL plans it itself)."""
    return "CROSS JOIN" if name == SQLITE else "JOIN"


def greatest(name: str) -> str:
    return "greatest" if name == POSTGRESQL else "max"


def least(name: str) -> str:
    return "least" if name == POSTGRESQL else "min"


def legacy_user_version(conn: Connection) -> int:
    """The schema number a SQLite file made before Alembic carries (0: none, or not SQLite)."""
    if conn.dialect != SQLITE:
        return 0
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def number_rows_by_arrival(conn: Connection, table: str, column: str) -> None:
    """A SQLite file's rows numbered in the order they came (their rowid); PostgreSQL never held any."""
    if conn.dialect == SQLITE:
        conn.execute(f"UPDATE {table} SET {column} = rowid")


# SQLite files made before Alembic: each script brings a file to the next `user_version`, up to 6,
# which the Alembic baseline (migrations/versions/0001_baseline.py) then takes as it is. Files at 7 and 8
# (made by the releases just before Alembic) hold what revisions 0002 and 0003 make, and are stamped so.
LEGACY_SCHEMA_VERSION = 6
LEGACY_REVISIONS = {6: "0001", 7: "0002", 8: "0003"}  # user_version -> the revision that holds the same

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE categories (id TEXT PRIMARY KEY, position INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE concierge_services (id TEXT PRIMARY KEY, position INTEGER NOT NULL, data TEXT NOT NULL);
-- data: the offer as in docs/catalog-format.md without its sessions (compact JSON).
CREATE TABLE offers (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, booking_mode TEXT NOT NULL,
    age_min INTEGER, age_max INTEGER, cancel_days_before INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0
);
-- external_taken: places the catalog said were taken outside allocations (other channels);
-- outside_taken: external_taken + seats of confirmed bookings taken from the central pool;
-- allocated: sum of the sites' allocations. Invariant: allocated + outside_taken <= capacity.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, offer_id TEXT NOT NULL, position INTEGER NOT NULL,
    start TEXT NOT NULL, "end" TEXT NOT NULL, place TEXT NOT NULL, capacity INTEGER NOT NULL,
    external_taken INTEGER NOT NULL DEFAULT 0, outside_taken INTEGER NOT NULL DEFAULT 0,
    allocated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_offer ON sessions (offer_id, position);
-- used: external_used (the catalog's site_taken) + seats of confirmed bookings taken from it.
-- until: the cut-off when unused seats go back to the central pool (released = 1 after it).
CREATE TABLE allocations (
    session_id TEXT NOT NULL, site_id TEXT NOT NULL, seats INTEGER NOT NULL,
    external_used INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0,
    until TEXT NOT NULL, until_is_start INTEGER NOT NULL DEFAULT 1, released INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, site_id)
) WITHOUT ROWID;
CREATE INDEX allocations_due ON allocations (until) WHERE released = 0;
CREATE TABLE households (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, tier INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE persons (
    person_id TEXT PRIMARY KEY, household_id TEXT NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, birth_date TEXT NOT NULL
);
CREATE INDEX persons_by_household ON persons (household_id);
CREATE TABLE bookings (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, household_id TEXT NOT NULL,
    site_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, participants TEXT NOT NULL,
    tier INTEGER NOT NULL, total_cents INTEGER NOT NULL, kiosk_state TEXT NOT NULL,
    state TEXT NOT NULL, reason TEXT, alloc_seats INTEGER NOT NULL DEFAULT 0,
    pool_seats INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, decided_at TEXT NOT NULL
);
-- The rowid orders bookings by arrival (the waiting list is first come, first served).
CREATE INDEX bookings_by_session ON bookings (session_id, state);
-- One row per participant of an active booking (confirmed, waitlisted, requested).
CREATE TABLE booking_participants (
    session_id TEXT NOT NULL, person_id TEXT NOT NULL, booking_id TEXT NOT NULL,
    PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;
-- Every operation ever applied, with its result: a replay gets the same answer, forever.
CREATE TABLE operations (
    op_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
    created_at TEXT NOT NULL, applied_at TEXT NOT NULL, result TEXT NOT NULL
) WITHOUT ROWID;
-- One row per entity (and site, for per-site entities) at the seq of its latest change.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, entity_id TEXT NOT NULL,
    site_id TEXT NOT NULL DEFAULT '', UNIQUE (kind, entity_id, site_id)
);
CREATE TABLE kiosks (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    enrolled_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY, site_id TEXT NOT NULL, created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL, used_at TEXT, kiosk_id TEXT
);
"""

# Schema 2: concierge requests, correspondents and the kiosks' audit logs.
SCHEMA_2 = """
-- data: the request as kiosks pull it, without state, reason and updated_at (kept in their own columns).
CREATE TABLE concierge_requests (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, household_id TEXT NOT NULL,
    state TEXT NOT NULL, reason TEXT, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX concierge_by_site ON concierge_requests (site_id, state);
-- Every move of a request, by whom (kiosk, correspondent or the centre), for the record.
CREATE TABLE concierge_moves (
    request_id TEXT NOT NULL, at TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
    actor TEXT NOT NULL, staff_id TEXT, kiosk_id TEXT, reason TEXT
);
CREATE INDEX concierge_moves_by_request ON concierge_moves (request_id);
-- data: the correspondent as kiosks pull it (with the hashes of their PIN and password).
CREATE TABLE correspondents (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, data TEXT NOT NULL);
-- Each kiosk's audit chains, entry by entry, each chain checked link by link as it arrives.
CREATE TABLE audit_entries (
    kiosk_id TEXT NOT NULL, chain TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
    entry TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (kiosk_id, chain, seq)
) WITHOUT ROWID;
"""

# Schema 3: the kiosks' voucher-signing public keys, published for whoever checks a voucher.
SCHEMA_3 = """
CREATE TABLE voucher_keys (
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id), key_id TEXT NOT NULL, public_key TEXT NOT NULL,
    registered_at TEXT NOT NULL, PRIMARY KEY (kiosk_id, key_id)
)
"""

# Schema 4: fleet health — each kiosk's latest heartbeat, their history (30 days), and the
# administrators' credentials for the fleet page and the metrics (distinct from kiosk tokens).
SCHEMA_4 = """
CREATE TABLE kiosk_health (
    kiosk_id TEXT PRIMARY KEY REFERENCES kiosks(id), received_at TEXT NOT NULL, skew_seconds INTEGER NOT NULL,
    heartbeat TEXT NOT NULL, history_at TEXT NOT NULL, history_state TEXT NOT NULL
);
CREATE TABLE kiosk_health_history (
    kiosk_id TEXT NOT NULL, received_at TEXT NOT NULL, skew_seconds INTEGER NOT NULL, heartbeat TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX kiosk_health_history_by_kiosk ON kiosk_health_history (kiosk_id, received_at);
CREATE INDEX kiosk_health_history_by_age ON kiosk_health_history (received_at);
CREATE TABLE administrators (name TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL)
"""

# Schema 5: payments, taken at a kiosk's desk or reported by the centre; never edited (corrections are new rows).
SCHEMA_5 = """
CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, site_id TEXT NOT NULL,
    household_id TEXT NOT NULL, amount_cents INTEGER NOT NULL, means TEXT NOT NULL, corrects TEXT,
    source TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX payments_by_subject ON payments (subject_kind, subject_id)

"""

# Schema 6: seat leases per kiosk (escrow, docs/sync-protocol.md), the offers' price versions, what the
# centre re-checked of each booking, and what it found wrong for IT.
SCHEMA_6 = """
-- leased: seats of the allocation held in its kiosks' leases (used or not), and the site's own free seats
-- are seats - used - leased. Invariant: used + leased <= seats.
ALTER TABLE allocations ADD COLUMN leased INTEGER NOT NULL DEFAULT 0;
-- A kiosk's share of its site's allocation on one session. granted and returned only grow (the kiosk
-- merges them by max): held = granted - returned, and used counts the seats of its confirmed bookings.
CREATE TABLE leases (
    session_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, site_id TEXT NOT NULL,
    granted INTEGER NOT NULL DEFAULT 0, returned INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT NOT NULL, PRIMARY KEY (session_id, kiosk_id)
) WITHOUT ROWID;
CREATE INDEX leases_by_site ON leases (site_id, session_id);
ALTER TABLE bookings ADD COLUMN lease_seats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1;
ALTER TABLE bookings ADD COLUMN offer_version INTEGER;
ALTER TABLE bookings ADD COLUMN unit_cents INTEGER;
-- Every price an offer has had: a booking is priced from the version the kiosk showed.
ALTER TABLE offers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE offer_prices (
    offer_id TEXT NOT NULL, version INTEGER NOT NULL, prices TEXT NOT NULL, since TEXT NOT NULL,
    PRIMARY KEY (offer_id, version)
) WITHOUT ROWID;
-- Every tier a household has had (a kiosk may price from the one it last pulled).
CREATE TABLE household_tiers (household_id TEXT NOT NULL, tier INTEGER NOT NULL, PRIMARY KEY (household_id, tier))
    WITHOUT ROWID;
INSERT OR IGNORE INTO household_tiers SELECT id, tier FROM households;
-- What the centre found wrong in what a kiosk sent (a forged total, a booking it had to downgrade): for IT.
CREATE TABLE integrity_events (
    at TEXT NOT NULL, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, details TEXT NOT NULL
)
"""

SQLITE_LEGACY_MIGRATIONS = [
    SCHEMA,
    SCHEMA_2,
    SCHEMA_3,
    SCHEMA_4,
    SCHEMA_5,
    SCHEMA_6,
]  # N brings a file to user_version N


def migrate_legacy(conn: Connection, version: int) -> str:
    """Bring a SQLite file made before Alembic from `version` to schema 6 or more (inside the caller's
    transaction); the Alembic revision it then stands at."""
    for number, script in enumerate(SQLITE_LEGACY_MIGRATIONS, start=1):
        if number > version:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
    version = max(version, LEGACY_SCHEMA_VERSION)
    conn.execute(f"PRAGMA user_version = {version}")
    return LEGACY_REVISIONS[version]
