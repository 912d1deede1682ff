"""Numbered schema migrations. Never edit a released one: append a new one.

Migration N brings the database to `PRAGMA user_version = N`, in one transaction.
"""

MIGRATION_1_CATALOG_AND_OUTBOX = [
    """
    CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        name_fr TEXT NOT NULL,
        name_en TEXT NOT NULL,
        pictogram TEXT NOT NULL
    )
    """,
    # `num` is the stable integer key the full-text index points at.
    """
    CREATE TABLE offers (
        num INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        level TEXT NOT NULL CHECK (level IN ('ccas', 'cmcas', 'slvie')),
        category TEXT NOT NULL REFERENCES categories(id),
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        description TEXT NOT NULL,
        organiser TEXT NOT NULL,
        location TEXT NOT NULL,
        booking_mode TEXT NOT NULL CHECK (booking_mode IN ('direct', 'request')),
        bon_plan INTEGER NOT NULL,
        discount_percent INTEGER,
        trans_slvie INTEGER NOT NULL,
        age_min INTEGER,
        age_max INTEGER,
        cancel_days_before INTEGER NOT NULL,
        price_from_cents INTEGER NOT NULL,
        -- The first session still to come (NULL once all have started); kept current by
        -- kiosk.store.catalog so that browsing sorts by date without reading every session.
        next_start TEXT
    )
    """,
    "CREATE INDEX offers_by_next_start ON offers(next_start)",
    "CREATE INDEX offers_by_category ON offers(category, next_start)",
    "CREATE INDEX offers_bons_plans ON offers(bon_plan, next_start)",
    """
    CREATE TABLE prices (
        offer_num INTEGER NOT NULL REFERENCES offers(num) ON DELETE CASCADE,
        tier INTEGER NOT NULL,
        cents INTEGER NOT NULL CHECK (cents >= 0),
        PRIMARY KEY (offer_num, tier)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        offer_num INTEGER NOT NULL REFERENCES offers(num) ON DELETE CASCADE,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        place TEXT NOT NULL,
        capacity INTEGER NOT NULL CHECK (capacity >= 0),
        taken INTEGER NOT NULL CHECK (taken >= 0),
        site_allocation INTEGER NOT NULL CHECK (site_allocation >= 0),
        site_taken INTEGER NOT NULL CHECK (site_taken >= 0 AND site_taken <= site_allocation),
        places_as_of TEXT NOT NULL
    )
    """,
    "CREATE INDEX sessions_by_offer ON sessions(offer_num, start)",
    # Accents and case folded by the tokenizer; prefix indexes keep type-as-you-go fast.
    # `tags` holds filter tokens (category, level, bon plan) so that words and filters
    # are intersected inside the index rather than offer by offer.
    """
    CREATE VIRTUAL TABLE offers_fts USING fts5(
        title, summary, location, organiser, category_name, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
    )
    """,
    """
    CREATE TABLE concierge_services (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        name_fr TEXT NOT NULL,
        name_en TEXT NOT NULL,
        description_fr TEXT NOT NULL,
        description_en TEXT NOT NULL,
        price_cents INTEGER,
        price_unit_fr TEXT NOT NULL,
        price_unit_en TEXT NOT NULL,
        hours_fr TEXT NOT NULL,
        hours_en TEXT NOT NULL,
        pictogram TEXT NOT NULL
    )
    """,
    # Every change that must reach the centre, written in the same transaction as
    # the change itself; `seq` keeps the order they were made in.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )
    """,
    "CREATE TABLE kiosk_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]

MIGRATION_2_HOUSEHOLDS_AND_BOOKINGS = [
    """
    CREATE TABLE households (
        household_id TEXT PRIMARY KEY,
        tier INTEGER NOT NULL CHECK (tier >= 1),
        cmcas TEXT NOT NULL,
        slvie TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE persons (
        person_id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(household_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('ouvrant_droit', 'conjoint', 'enfant')),
        card_number TEXT UNIQUE,
        pin_hash TEXT
    )
    """,
    "CREATE INDEX persons_by_household ON persons(household_id, position)",
    # Wrong PINs per card at this kiosk (no name, no PIN: only the count and the lock).
    """
    CREATE TABLE pin_failures (
        card_number TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT
    )
    """,
    """
    CREATE TABLE bookings (
        booking_id TEXT PRIMARY KEY,
        offer_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        participants TEXT NOT NULL,
        tier INTEGER NOT NULL,
        total_cents INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('confirmed', 'requested', 'waitlisted', 'refused', 'cancelled')),
        holds_site_seats INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX bookings_by_household ON bookings(household_id, created_at)",
    "CREATE INDEX bookings_by_session ON bookings(session_id)",
]

MIGRATION_3_CONCIERGE_STAFF_AND_AUDIT = [
    # Concierge requests of this site (made here, or at another kiosk of the site and pulled).
    """
    CREATE TABLE concierge_requests (
        request_id TEXT PRIMARY KEY,
        short_code TEXT NOT NULL,
        site_id TEXT NOT NULL,
        service_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        answers TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 1),
        estimate_cents INTEGER CHECK (estimate_cents IS NULL OR estimate_cents >= 0),
        collect_on TEXT,
        note TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN
            ('submitted', 'taken', 'at_provider', 'ready', 'handed_over', 'cancelled', 'refused')),
        reason_code TEXT NOT NULL DEFAULT '',
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT
    )
    """,
    "CREATE INDEX concierge_by_household ON concierge_requests(household_id, created_at)",
    "CREATE INDEX concierge_by_state ON concierge_requests(state, service_id, created_at)",
    "CREATE INDEX concierge_by_code ON concierge_requests(short_code)",
    # The site's correspondents, as the centre sends them: only hashes of their PINs and passwords.
    """
    CREATE TABLE correspondents (
        staff_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        badge_number TEXT UNIQUE,
        pin_hash TEXT,
        login TEXT UNIQUE,
        password_hash TEXT,
        active INTEGER NOT NULL DEFAULT 1
    )
    """,
    # Wrong sign-ins per account at this kiosk (an account id, or a hash of an unknown login).
    """
    CREATE TABLE staff_failures (
        account TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT
    )
    """,
    # The audit log of assisted mode (kiosk/domain/audit.py): append-only, hash-chained.
    """
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        chain TEXT NOT NULL,
        entry_id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        site_id TEXT NOT NULL,
        kiosk TEXT NOT NULL,
        staff_id TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        target TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    # One row: this database's chain, and how far the centre has acknowledged it.
    """
    CREATE TABLE audit_ack (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        chain TEXT NOT NULL,
        through_seq INTEGER NOT NULL CHECK (through_seq >= 0),
        through_hash TEXT NOT NULL
    )
    """,
    "INSERT INTO audit_ack VALUES (1, lower(hex(randomblob(16))), 0, '" + "0" * 64 + "')",
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END
    """,
    """
    CREATE TRIGGER audit_log_keep_until_acknowledged BEFORE DELETE ON audit_log
    WHEN OLD.seq > (SELECT through_seq FROM audit_ack WHERE id = 1)
    BEGIN SELECT RAISE(ABORT, 'an audit entry is kept until the centre has it'); END
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
    WHEN NEW.seq != max((SELECT through_seq FROM audit_ack WHERE id = 1),
                        (SELECT coalesce(max(seq), 0) FROM audit_log)) + 1
        OR NEW.chain != (SELECT chain FROM audit_ack WHERE id = 1)
        OR NEW.prev_hash != coalesce((SELECT hash FROM audit_log WHERE seq = NEW.seq - 1),
                                     (SELECT through_hash FROM audit_ack WHERE id = 1))
    BEGIN SELECT RAISE(ABORT, 'audit entries are only appended at the end of the chain'); END
    """,
    """
    CREATE TRIGGER audit_ack_forward_only BEFORE UPDATE ON audit_ack
    WHEN NEW.through_seq < OLD.through_seq OR NEW.chain != OLD.chain
    BEGIN SELECT RAISE(ABORT, 'the acknowledged part of the audit log only grows'); END
    """,
    """
    CREATE TRIGGER audit_ack_kept BEFORE DELETE ON audit_ack
    BEGIN SELECT RAISE(ABORT, 'the audit chain record cannot be removed'); END
    """,
]

# "Is a change of this request (or booking) still waiting in the outbox?" is asked for every
# answer and every pulled request or booking: without these it read the JSON of every outbox row.
# The expressions are exactly those of the queries (kiosk.store.concierge, kiosk.store.bookings),
# as SQLite uses an expression index only for the same expression.
MIGRATION_4_OUTBOX_SUBJECT_INDEXES = [
    "CREATE INDEX outbox_by_request ON outbox(json_extract(payload, '$.request_id'))",
    "CREATE INDEX outbox_by_booking ON outbox(json_extract(payload, '$.booking_id'))",
]

# Prices are only ever read whole, with their offer: one column of the offer ("500 800 1100 …",
# cents by tier) instead of a row per tier. A pull of 50,000 offers wrote 350,000 price rows.
MIGRATION_5_PRICES_IN_THE_OFFER = [
    "ALTER TABLE offers ADD COLUMN prices TEXT NOT NULL DEFAULT ''",
    """
    UPDATE offers SET prices = coalesce((SELECT group_concat(cents, ' ') FROM
        (SELECT cents FROM prices WHERE prices.offer_num = offers.num ORDER BY tier)), '')
    """,
    "DROP TABLE prices",
]

# What the person was last told of each booking: the centre's decisions since (a place confirmed
# from the waiting list, a request refused) are said on their next identification, once.
MIGRATION_6_BOOKING_NEWS = [
    "ALTER TABLE bookings ADD COLUMN told_state TEXT",
    "UPDATE bookings SET told_state = state",
]

# A person asked for help: a call to a correspondent, or a ticket to finish later. Where they were,
# never who they are (the correspondent identifies them by card when taking over).
MIGRATION_7_HELP_REQUESTS = [
    """
    CREATE TABLE help_requests (
        help_id TEXT PRIMARY KEY, kind TEXT NOT NULL, screen TEXT NOT NULL, subject_id TEXT, session_id TEXT,
        made_at TEXT NOT NULL, expires_at TEXT NOT NULL, closed_at TEXT, closed_by TEXT
    )
    """,
    "CREATE INDEX help_requests_open ON help_requests (expires_at) WHERE closed_at IS NULL",
]

# What to bring (printed on the voucher), and the offer's photo: the SHA-256 of its file, fetched from
# the centre into the photo cache (sync/photos.py), and its credit.
MIGRATION_8_BRING_AND_PHOTO = [
    "ALTER TABLE offers ADD COLUMN bring TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE offers ADD COLUMN photo_sha256 TEXT",
    "ALTER TABLE offers ADD COLUMN photo_credit TEXT",
    "CREATE INDEX offers_by_photo ON offers (photo_sha256) WHERE photo_sha256 IS NOT NULL",
]

# Search that reads French (#15): the index holds the stems of the offer's words (made in Python by
# kiosk.domain.search_language, which SQL cannot do), so it is made anew here, empty, and filled from
# the offers by kiosk.store.catalog.prepare_search. `near` says how near an offer is to this kiosk's
# site (kiosk.domain.search.Nearness) so that results and browsing walk an index in that order.
# `search_words` lists the words the offer uses, to forgive a typo and to suggest a word.
MIGRATION_9_FRENCH_SEARCH = [
    "DROP TABLE offers_fts",
    """
    CREATE VIRTUAL TABLE offers_fts USING fts5(
        title, body, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
    )
    """,
    "ALTER TABLE offers ADD COLUMN near INTEGER NOT NULL DEFAULT 3",
    "CREATE INDEX offers_by_near ON offers(near, next_start)",
    """
    CREATE TABLE search_words (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        word TEXT NOT NULL UNIQUE,
        stem TEXT NOT NULL,
        shown TEXT NOT NULL
    )
    """,
]

# What is owed and paid: payments recorded at the desk or reported by the centre. Append-only: a
# mistake is put right by a correction (a new entry), never by editing or removing one.
MIGRATION_10_PAYMENTS = [
    """
    CREATE TABLE payments (
        payment_id TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL CHECK (subject_kind IN ('booking', 'request')),
        subject_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        amount_cents INTEGER NOT NULL CHECK (amount_cents != 0),
        means TEXT NOT NULL CHECK (means IN ('cash', 'cheque', 'ancv', 'card', 'elsewhere')),
        reference TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        site_id TEXT NOT NULL,
        staff_id TEXT,
        corrects TEXT REFERENCES payments(payment_id),
        -- The audit entry that recorded it at this kiosk (NULL: taken at another kiosk, or by the centre).
        audit_seq INTEGER
    )
    """,
    "CREATE INDEX payments_by_subject ON payments(subject_kind, subject_id)",
    "CREATE INDEX payments_by_day ON payments(recorded_at)",
    """
    CREATE TRIGGER payments_never_edited BEFORE UPDATE ON payments
    BEGIN SELECT RAISE(ABORT, 'a payment is never edited: record a correction'); END
    """,
    """
    CREATE TRIGGER payments_never_removed BEFORE DELETE ON payments
    BEGIN SELECT RAISE(ABORT, 'a payment is never removed: record a correction'); END
    """,
]

# Seat leases (docs/sync-protocol.md): this kiosk's own share of its site's seats on each session, as
# the centre granted it (`granted`, `returned` only grow) and until when (`expires_at`, the centre's
# time). The sessions' site_allocation/site_taken become this kiosk's lease and what it used of it.
# Pulled again from cursor 0, so that every offer's price version and every lease arrive.
MIGRATION_11_SEAT_LEASES = [
    """
    CREATE TABLE leases (
        session_id TEXT PRIMARY KEY,
        granted INTEGER NOT NULL CHECK (granted >= 0),
        returned INTEGER NOT NULL CHECK (returned >= 0),
        expires_at TEXT NOT NULL
    )
    """,
    "ALTER TABLE offers ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
    "UPDATE kiosk_state SET value = '0' WHERE key = 'sync_cursor'",
]

# Audit entries signed with the kiosk's key (kiosk/domain/audit.py). Entries written before this
# migration get their signature once, at the next start (kiosk.store.audit.sign_unsigned): the only
# change ever allowed to an entry is that one, from no signature to one, all else unchanged.
MIGRATION_12_SIGNED_AUDIT = [
    "ALTER TABLE audit_log ADD COLUMN signature TEXT",
    "DROP TRIGGER audit_log_no_update",
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    WHEN OLD.signature IS NOT NULL OR NEW.signature IS NULL
        OR NEW.seq IS NOT OLD.seq OR NEW.chain IS NOT OLD.chain OR NEW.entry_id IS NOT OLD.entry_id
        OR NEW.at IS NOT OLD.at OR NEW.site_id IS NOT OLD.site_id OR NEW.kiosk IS NOT OLD.kiosk
        OR NEW.staff_id IS NOT OLD.staff_id OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
        OR NEW.target IS NOT OLD.target OR NEW.details IS NOT OLD.details OR NEW.prev_hash IS NOT OLD.prev_hash
        OR NEW.hash IS NOT OLD.hash
    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END
    """,
]

# PIN and password hashes of the older scheme replaced by argon2id ones at their owner's sign-in
# (kiosk/store/hash_upgrades.py). owner: "person:ID", "staff-pin:ID" or "staff-password:ID".
MIGRATION_13_HASH_UPGRADES = [
    """
    CREATE TABLE hash_upgrades (
        owner TEXT PRIMARY KEY,
        legacy_hash TEXT NOT NULL,
        upgraded_hash TEXT NOT NULL
    ) WITHOUT ROWID
    """,
]

# Personal data sealed with the machine's data key (kiosk/data_key.py, kiosk/store/sealing.py): names,
# birth dates, card and badge numbers, PIN and password hashes. Card and badge numbers are looked up
# by a keyed blind index (the old columns), the numbers themselves sealed in new columns.
MIGRATION_14_SEALED_PERSONAL_DATA = [
    "ALTER TABLE persons ADD COLUMN card_sealed TEXT",
    """
    UPDATE persons SET first_name = seal(first_name, person_id), last_name = seal(last_name, person_id),
        birth_date = seal(birth_date, person_id), pin_hash = seal(pin_hash, person_id),
        card_sealed = seal(card_number, person_id), card_number = blind_index(card_number)
    """,
    "UPDATE pin_failures SET card_number = blind_index(card_number)",
    "ALTER TABLE correspondents ADD COLUMN badge_sealed TEXT",
    """
    UPDATE correspondents SET pin_hash = seal(pin_hash, staff_id), password_hash = seal(password_hash, staff_id),
        badge_sealed = seal(badge_number, staff_id), badge_number = blind_index(badge_number)
    """,
    """
    UPDATE hash_upgrades SET legacy_hash = digest(legacy_hash),
        upgraded_hash = seal(upgraded_hash, substr(owner, instr(owner, ':') + 1))
    """,
]

# What a resync from cursor 0 has received so far (kiosk/store/resync.py): at its end, the rest goes.
MIGRATION_15_RESYNC_SEEN = [
    "CREATE TABLE resync_seen (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID",
]

# "Le par et le pour": the ideas box, consultations and the ballots cast here. A ballot's choice is
# never kept here: `ballots` says who took part (to tell them the centre's answer), not how.
MIGRATION_16_PARTICIPATION = [
    """
    CREATE TABLE ideas (
        idea_id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        site_id TEXT NOT NULL,
        theme TEXT NOT NULL,
        text TEXT NOT NULL,
        household_id TEXT,
        person_id TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT,
        answer TEXT NOT NULL DEFAULT '',
        answered_by TEXT NOT NULL DEFAULT '',
        answered_at TEXT,
        told INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX ideas_by_code ON ideas(code)",
    "CREATE INDEX ideas_by_person ON ideas(person_id)",
    # A consultation as the centre published it (the wire document, results included once out).
    """
    CREATE TABLE consultations (
        consultation_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        closes_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE ballots (
        ballot_id TEXT PRIMARY KEY,
        consultation_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        cast_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('sent', 'counted', 'refused')),
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT '',
        told INTEGER NOT NULL DEFAULT 1
    )
    """,
    "CREATE INDEX ballots_by_person ON ballots(person_id, consultation_id)",
    # Appreciations given here (once per booking), and what the centre says of their comment.
    """
    CREATE TABLE appreciations (
        appreciation_id TEXT PRIMARY KEY,
        booking_id TEXT NOT NULL UNIQUE,
        offer_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        ratings TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        moderation TEXT NOT NULL CHECK (moderation IN ('none', 'pending', 'published', 'refused')),
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT '',
        told INTEGER NOT NULL DEFAULT 1
    )
    """,
    # Each offer's published appreciation as the centre sends it (averages, count, latest comments).
    "CREATE TABLE offer_appreciations (offer_id TEXT PRIMARY KEY, data TEXT NOT NULL)",
]

# Which bookings and concierge requests were made at this kiosk: after a restore of the centre that lost
# them, these are sent again (kiosk/store/resync.py). Rows from before this migration: migration 21.
MIGRATION_17_MADE_HERE = [
    "ALTER TABLE bookings ADD COLUMN made_here INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE concierge_requests ADD COLUMN made_here INTEGER NOT NULL DEFAULT 0",
]

# Holiday-stay wishes (docs/stay-wishes.md): a stay booked by request names its campaign and when wishes close;
# a household's requests, each with up to three ranked wishes, and the centre's outcome. Pulled again from
# cursor 0, so that every stay's campaign arrives.
MIGRATION_18_STAY_WISHES = [
    "ALTER TABLE offers ADD COLUMN campaign TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE offers ADD COLUMN wishes_until TEXT",
    """
    CREATE TABLE stay_requests (
        request_id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL,
        campaign TEXT NOT NULL,
        wishes TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('sent', 'proposed', 'waitlisted', 'refused', 'accepted', 'declined', 'expired')),
        created_at TEXT NOT NULL,
        proposed_rank INTEGER,
        answer_by TEXT,
        waitlist_position INTEGER,
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT '',
        booking_id TEXT,
        -- The state the person was last told of (news on identification are given once).
        told_state TEXT
    )
    """,
    "CREATE INDEX stay_requests_by_household ON stay_requests(household_id)",
    "UPDATE kiosk_state SET value = '0' WHERE key = 'sync_cursor'",
]

# E-mail notices (kiosk/domain/notices.py): who consented, in which language, and the address masked
# (m•••@orange.fr), sealed. The whole address lives only in its `notice.consent` operation (sealed) until
# the centre has it.
MIGRATION_19_NOTICE_CONSENTS = [
    """
    CREATE TABLE notice_consents (
        person_id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL,
        masked_address TEXT NOT NULL,
        language TEXT NOT NULL CHECK (language IN ('fr', 'en')),
        given_at TEXT NOT NULL,
        given_by TEXT
    )
    """,
]

# Appreciations seen at every kiosk of the site (kiosk/store/participation.py): one given at another kiosk
# arrives with its moderation, so the booking is not offered again here and the author is told here too (a
# pulled row keeps neither ratings nor comment: '{}' and ''); one the centre did not take (already given
# elsewhere) is kept as 'not_taken' until the author is told why. Its booking is no longer unique: this
# kiosk's own refused one and the one taken elsewhere stand side by side. Each past activity is brought up
# on identification once per person (appreciation_invitations), then waits in « Donner mon avis ».
MIGRATION_20_APPRECIATIONS_OF_THE_SITE = [
    """
    CREATE TABLE appreciations_of_the_site (
        appreciation_id TEXT PRIMARY KEY,
        booking_id TEXT NOT NULL,
        offer_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        ratings TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        moderation TEXT NOT NULL
            CHECK (moderation IN ('none', 'pending', 'published', 'refused', 'not_taken')),
        reason_fr TEXT NOT NULL DEFAULT '',
        reason_en TEXT NOT NULL DEFAULT '',
        told INTEGER NOT NULL DEFAULT 1
    )
    """,
    "INSERT INTO appreciations_of_the_site SELECT * FROM appreciations",
    "DROP TABLE appreciations",
    "ALTER TABLE appreciations_of_the_site RENAME TO appreciations",
    "CREATE INDEX appreciations_by_household ON appreciations(household_id, booking_id)",
    """
    CREATE TABLE appreciation_invitations (
        booking_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        invited_at TEXT NOT NULL,
        PRIMARY KEY (booking_id, person_id)
    )
    """,
]

# Bookings and concierge requests made here before migration 17, told apart by what only this kiosk writes:
# a booking made here carries the household's price tier (1 to 20; a pulled one has 0: the centre never
# sends it); a booking or request still in the outbox (waiting or parked) or in the audit log (made by a
# correspondent, not yet acknowledged) is this kiosk's. A request made by a person alone and acknowledged
# before migration 17 left no trace here that tells it from another kiosk's (docs/threat-model.md).
MIGRATION_21_MADE_HERE_BEFORE_17 = [
    """
    UPDATE bookings SET made_here = 1 WHERE made_here = 0 AND (
        tier > 0
        OR booking_id IN (SELECT json_extract(payload, '$.booking_id') FROM outbox WHERE kind = 'booking.create')
        OR booking_id IN (SELECT target FROM audit_log WHERE action = 'booking.create' AND target IS NOT NULL))
    """,
    """
    UPDATE concierge_requests SET made_here = 1 WHERE made_here = 0 AND (
        request_id IN (SELECT json_extract(payload, '$.request_id') FROM outbox WHERE kind = 'concierge.create')
        OR request_id IN (SELECT target FROM audit_log WHERE action = 'concierge.create' AND target IS NOT NULL))
    """,
]

# Pull protocol 3 (docs/sync-protocol.md): the centre sends ballot refusals and who gave an appreciation only
# to a kiosk that says it knows them. Pulled again from cursor 0 once, so that those sent to nobody here
# while the kiosk was of protocol 2 arrive.
MIGRATION_22_PULL_PROTOCOL_3 = [
    "UPDATE kiosk_state SET value = '0' WHERE key = 'sync_cursor'",
]

MIGRATIONS: list[list[str]] = [
    MIGRATION_1_CATALOG_AND_OUTBOX,
    MIGRATION_2_HOUSEHOLDS_AND_BOOKINGS,
    MIGRATION_3_CONCIERGE_STAFF_AND_AUDIT,
    MIGRATION_4_OUTBOX_SUBJECT_INDEXES,
    MIGRATION_5_PRICES_IN_THE_OFFER,
    MIGRATION_6_BOOKING_NEWS,
    MIGRATION_7_HELP_REQUESTS,
    MIGRATION_8_BRING_AND_PHOTO,
    MIGRATION_9_FRENCH_SEARCH,
    MIGRATION_10_PAYMENTS,
    MIGRATION_11_SEAT_LEASES,
    MIGRATION_12_SIGNED_AUDIT,
    MIGRATION_13_HASH_UPGRADES,
    MIGRATION_14_SEALED_PERSONAL_DATA,
    MIGRATION_15_RESYNC_SEEN,
    MIGRATION_16_PARTICIPATION,
    MIGRATION_17_MADE_HERE,
    MIGRATION_18_STAY_WISHES,
    MIGRATION_19_NOTICE_CONSENTS,
    MIGRATION_20_APPRECIATIONS_OF_THE_SITE,
    MIGRATION_21_MADE_HERE_BEFORE_17,
    MIGRATION_22_PULL_PROTOCOL_3,
]
