"""Baseline: the centre's schema 6 (catalog, households, bookings and seats, operations, the change feed,
kiosks, concierge, audit, voucher keys, fleet health, payments, leases), as it stood before Alembic.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str, *constraints: sa.ForeignKey, nullable: bool = False, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), *constraints, nullable=nullable, **kwargs)  # type: ignore[arg-type]


def _int(name: str, default: int | None = None, nullable: bool = False) -> sa.Column[int]:
    server_default = None if default is None else sa.text(str(default))
    return sa.Column(name, sa.Integer(), nullable=nullable, server_default=server_default)


def upgrade() -> None:
    op.create_table("meta", _text("key", primary_key=True), _text("value"))
    op.create_table("categories", _text("id", primary_key=True), _int("position"), _text("data"))
    op.create_table("concierge_services", _text("id", primary_key=True), _int("position"), _text("data"))
    # data: the offer as in docs/catalog-format.md without its sessions (compact JSON).
    op.create_table(
        "offers",
        _text("id", primary_key=True),
        _text("data"),
        _text("booking_mode"),
        _int("age_min", nullable=True),
        _int("age_max", nullable=True),
        _int("cancel_days_before"),
        _int("withdrawn", 0),
        _int("version", 0),
    )
    # external_taken: places the catalog said were taken outside allocations (other channels);
    # outside_taken: external_taken + seats of confirmed bookings taken from the central pool;
    # allocated: sum of the sites' allocations. Invariant: allocated + outside_taken <= capacity.
    op.create_table(
        "sessions",
        _text("id", primary_key=True),
        _text("offer_id"),
        _int("position"),
        _text("start"),
        _text("end"),
        _text("place"),
        _int("capacity"),
        _int("external_taken", 0),
        _int("outside_taken", 0),
        _int("allocated", 0),
    )
    op.create_index("sessions_by_offer", "sessions", ["offer_id", "position"])
    # used: external_used (the catalog's site_taken) + seats of confirmed bookings taken from it;
    # leased: seats held in its kiosks' leases. Invariant: used + leased <= seats.
    # until: the cut-off when unused seats go back to the central pool (released = 1 after it).
    op.create_table(
        "allocations",
        _text("session_id", primary_key=True),
        _text("site_id", primary_key=True),
        _int("seats"),
        _int("external_used", 0),
        _int("used", 0),
        _text("until"),
        _int("until_is_start", 1),
        _int("released", 0),
        _int("leased", 0),
    )
    released_0 = sa.text("released = 0")
    op.create_index("allocations_due", "allocations", ["until"], sqlite_where=released_0, postgresql_where=released_0)
    op.create_table("households", _text("id", primary_key=True), _text("site_id"), _int("tier"), _text("data"))
    op.create_table(
        "persons",
        _text("person_id", primary_key=True),
        _text("household_id"),
        _text("first_name"),
        _text("last_name"),
        _text("birth_date"),
    )
    op.create_index("persons_by_household", "persons", ["household_id"])
    op.create_table(
        "bookings",
        _text("id", primary_key=True),
        _text("session_id"),
        _text("household_id"),
        _text("site_id"),
        _text("kiosk_id"),
        _text("participants"),
        _int("tier"),
        _int("total_cents"),
        _text("kiosk_state"),
        _text("state"),
        _text("reason", nullable=True),
        _int("alloc_seats", 0),
        _int("pool_seats", 0),
        _text("created_at"),
        _text("decided_at"),
        _int("lease_seats", 0),
        _int("protocol", 1),
        _int("offer_version", nullable=True),
        _int("unit_cents", nullable=True),
    )
    op.create_index("bookings_by_session", "bookings", ["session_id", "state"])
    # One row per participant of an active booking (confirmed, waitlisted, requested).
    op.create_table(
        "booking_participants",
        _text("session_id", primary_key=True),
        _text("person_id", primary_key=True),
        _text("booking_id"),
    )
    # Every operation ever applied, with its result: a replay gets the same answer, forever.
    op.create_table(
        "operations",
        _text("op_id", primary_key=True),
        _text("kiosk_id"),
        _text("kind"),
        _text("payload"),
        _text("created_at"),
        _text("applied_at"),
        _text("result"),
    )
    # One row per entity (and site, for per-site entities) at the seq of its latest change.
    op.create_table(
        "changes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        _text("kind"),
        _text("entity_id"),
        _text("site_id", server_default=sa.text("''")),
        sa.UniqueConstraint("kind", "entity_id", "site_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "kiosks",
        _text("id", primary_key=True),
        _text("site_id"),
        _text("name"),
        _text("token_hash", unique=True),
        _text("enrolled_at"),
        _text("revoked_at", nullable=True),
    )
    op.create_table(
        "enrolment_codes",
        _text("code_hash", primary_key=True),
        _text("site_id"),
        _text("created_at"),
        _text("expires_at"),
        _text("used_at", nullable=True),
        _text("kiosk_id", nullable=True),
    )
    # data: the request as kiosks pull it, without state, reason and updated_at (kept in their own columns).
    op.create_table(
        "concierge_requests",
        _text("id", primary_key=True),
        _text("site_id"),
        _text("kiosk_id"),
        _text("household_id"),
        _text("state"),
        _text("reason", nullable=True),
        _text("data"),
        _text("created_at"),
        _text("updated_at"),
    )
    op.create_index("concierge_by_site", "concierge_requests", ["site_id", "state"])
    # Every move of a request, by whom (kiosk, correspondent or the centre), for the record.
    op.create_table(
        "concierge_moves",
        _text("request_id"),
        _text("at"),
        _text("from_state"),
        _text("to_state"),
        _text("actor"),
        _text("staff_id", nullable=True),
        _text("kiosk_id", nullable=True),
        _text("reason", nullable=True),
    )
    op.create_index("concierge_moves_by_request", "concierge_moves", ["request_id"])
    # data: the correspondent as kiosks pull it (with the hashes of their PIN and password).
    op.create_table("correspondents", _text("id", primary_key=True), _text("site_id"), _text("data"))
    # Each kiosk's audit chains, entry by entry, each chain checked link by link as it arrives.
    op.create_table(
        "audit_entries",
        _text("kiosk_id"),
        _text("chain"),
        _int("seq"),
        _text("hash"),
        _text("entry"),
        _text("received_at"),
        sa.PrimaryKeyConstraint("kiosk_id", "chain", "seq"),
    )
    # The kiosks' voucher-signing public keys, published for whoever checks a voucher.
    op.create_table(
        "voucher_keys",
        _text("kiosk_id", sa.ForeignKey("kiosks.id"), primary_key=True),
        _text("key_id", primary_key=True),
        _text("public_key"),
        _text("registered_at"),
    )
    # Fleet health: each kiosk's latest heartbeat, their history (30 days), and the administrators'
    # credentials for the fleet page and the metrics (distinct from kiosk tokens).
    op.create_table(
        "kiosk_health",
        _text("kiosk_id", sa.ForeignKey("kiosks.id"), primary_key=True),
        _text("received_at"),
        _int("skew_seconds"),
        _text("heartbeat"),
        _text("history_at"),
        _text("history_state"),
    )
    op.create_table(
        "kiosk_health_history",
        _text("kiosk_id"),
        _text("received_at"),
        _int("skew_seconds"),
        _text("heartbeat"),
        _text("state"),
    )
    op.create_index("kiosk_health_history_by_kiosk", "kiosk_health_history", ["kiosk_id", "received_at"])
    op.create_index("kiosk_health_history_by_age", "kiosk_health_history", ["received_at"])
    op.create_table("administrators", _text("name", primary_key=True), _text("secret_hash"), _text("created_at"))
    # Payments, taken at a kiosk's desk or reported by the centre; never edited (corrections are new rows).
    op.create_table(
        "payments",
        _text("payment_id", primary_key=True),
        _text("subject_kind"),
        _text("subject_id"),
        _text("site_id"),
        _text("household_id"),
        _int("amount_cents"),
        _text("means"),
        _text("corrects", nullable=True),
        _text("source"),
        _text("data"),
    )
    op.create_index("payments_by_subject", "payments", ["subject_kind", "subject_id"])
    # A kiosk's share of its site's allocation on one session. granted and returned only grow (the kiosk
    # merges them by max): held = granted - returned, and used counts the seats of its confirmed bookings.
    op.create_table(
        "leases",
        _text("session_id", primary_key=True),
        _text("kiosk_id", primary_key=True),
        _text("site_id"),
        _int("granted", 0),
        _int("returned", 0),
        _int("used", 0),
        _text("expires_at"),
    )
    op.create_index("leases_by_site", "leases", ["site_id", "session_id"])
    # Every price an offer has had: a booking is priced from the version the kiosk showed.
    op.create_table(
        "offer_prices",
        _text("offer_id"),
        _int("version"),
        _text("prices"),
        _text("since"),
        sa.PrimaryKeyConstraint("offer_id", "version"),
    )
    # Every tier a household has had (a kiosk may price from the one it last pulled).
    op.create_table(
        "household_tiers",
        _text("household_id"),
        _int("tier"),
        sa.PrimaryKeyConstraint("household_id", "tier"),
    )
    # What the centre found wrong in what a kiosk sent (a forged total, a booking it had to downgrade): for IT.
    op.create_table(
        "integrity_events", _text("at"), _text("kiosk_id"), _text("kind"), _text("subject"), _text("details")
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is where the centre's history starts")
