"""The central database: one SQLite file in WAL mode, explicit transactions, one writer at a time.

Readers each use their own connection (one per thread) and see a consistent
snapshot inside `read()`. Writers go through `write()`: a process-wide lock, then
BEGIN IMMEDIATE (which also serialises against the command line writing to the
same file), COMMIT on success, ROLLBACK on any error. The server syncs every
commit to disk (synchronous=FULL): once a kiosk is told an operation was applied,
a power cut must not undo it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.errors import KioskError

SCHEMA_VERSION = 9
FEED_EPOCH = "feed_epoch"
BUSY_TIMEOUT_MS = 30_000

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

# Schema 7: audit entries the centre refused (forged, forked, out of order) and restarted chains;
# the attempt that spent an enrolment code (sync/server/auth.py: a lost answer is asked again).
SCHEMA_7 = """
CREATE TABLE audit_flags (
    kiosk_id TEXT NOT NULL, chain TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, flagged_at TEXT NOT NULL
);
ALTER TABLE enrolment_codes ADD COLUMN attempt_hash TEXT
"""

# Schema 8: "le par et le pour" — the ideas box, consultations and votes, appreciations. Who took part
# (vote_participations) and what was chosen (vote_tallies: running counts per choice) are kept
# apart with nothing to join them: no ballot row, no time, no order (WITHOUT ROWID tables).
SCHEMA_8 = """
CREATE TABLE ideas (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, theme TEXT NOT NULL, text TEXT NOT NULL,
    household_id TEXT, person_id TEXT, created_by TEXT, created_at TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '', answered_by TEXT NOT NULL DEFAULT '', answered_at TEXT
);
CREATE INDEX ideas_by_site ON ideas (site_id, answered_at);
-- data: the consultation as published (kiosk/domain/consultations.py, consultation_document).
CREATE TABLE consultations (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, counting_ends TEXT NOT NULL, results_published INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE vote_participations (
    consultation_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (consultation_id, person_id)
) WITHOUT ROWID;
CREATE TABLE vote_tallies (
    consultation_id TEXT NOT NULL, code TEXT NOT NULL, votes INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (consultation_id, code)
) WITHOUT ROWID;
-- Appreciations of activities, once per booking: ratings are never edited, comments are moderated.
-- author: the first name and initial shown with a published comment.
CREATE TABLE appreciations (
    id TEXT PRIMARY KEY, booking_id TEXT NOT NULL UNIQUE, offer_id TEXT NOT NULL, session_id TEXT NOT NULL,
    site_id TEXT NOT NULL, person_id TEXT NOT NULL, author TEXT NOT NULL, ratings TEXT NOT NULL,
    comment TEXT NOT NULL, created_at TEXT NOT NULL, moderation TEXT NOT NULL, reason TEXT, moderated_at TEXT
);
CREATE INDEX appreciations_by_offer ON appreciations (offer_id, session_id)
"""

# Schema 9: e-mail notices (sync/server/notices.py). A consent holds the address the centre uses for a
# person; taking consent back deletes it with every notice not yet sent, and blanks it in the operations
# kept. A notice holds no address: the consent's is read when it is sent. (kind, subject_id, person_id)
# is unique: a notice is made once, ever.
SCHEMA_9 = """
CREATE TABLE notice_consents (
    person_id TEXT PRIMARY KEY, household_id TEXT NOT NULL, site_id TEXT NOT NULL, address TEXT NOT NULL,
    language TEXT NOT NULL, given_at TEXT NOT NULL
);
CREATE TABLE notices (
    notice_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, kind TEXT NOT NULL, subject_id TEXT NOT NULL,
    facts TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
    last_error TEXT, created_at TEXT NOT NULL, done_at TEXT, UNIQUE (kind, subject_id, person_id)
);
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE state IN ('waiting', 'sending');
CREATE INDEX notices_by_person ON notices (person_id);
-- The reminders are looked for from the consents: each consenting household's bookings.
CREATE INDEX bookings_by_household ON bookings (household_id);
-- The operations kept for good include each consent's address: found by person when consent is taken back.
CREATE INDEX operations_notice_consents ON operations (json_extract(payload, '$.person_id'))
    WHERE kind = 'notice.consent'
"""

# Migration N brings the file to user_version N.
MIGRATIONS = [SCHEMA, SCHEMA_2, SCHEMA_3, SCHEMA_4, SCHEMA_5, SCHEMA_6, SCHEMA_7, SCHEMA_8, SCHEMA_9]


class CentralDatabaseError(KioskError):
    """The central database file cannot be used."""


def new_epoch() -> str:
    return secrets.token_hex(16)


def canonical_json(value: object) -> str:
    """One text per JSON value (sorted keys, no spaces): for storage and comparison."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Database:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._initialise()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as error:
            raise CentralDatabaseError("error.central.db.central_database_read", path=self.path, error=error) from None
        conn.row_factory = sqlite3.Row
        return conn

    def _initialise(self) -> None:
        conn = self.connection()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise CentralDatabaseError(
                    "error.central.db.central_database_was_written",
                    path=self.path,
                    version=version,
                )
            conn.execute("PRAGMA journal_mode = WAL")
            if version < SCHEMA_VERSION:
                with self.write() as tx:
                    current = tx.execute("PRAGMA user_version").fetchone()[0]
                    for number, script in enumerate(MIGRATIONS, start=1):
                        if number <= current:
                            continue
                        for statement in script.split(";"):
                            if statement.strip():
                                tx.execute(statement)
                    tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if get_meta(conn, FEED_EPOCH) is None:  # a new database, or one made before epochs (sync/server/epoch.py)
                with self.write() as tx:
                    if get_meta(tx, FEED_EPOCH) is None:
                        set_meta(tx, FEED_EPOCH, new_epoch())
        except sqlite3.DatabaseError as error:
            raise CentralDatabaseError("error.central.db.central_database_read", path=self.path, error=error) from None

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nothing of it stays if the block raises."""
        conn = self.connection()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
