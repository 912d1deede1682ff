"""Schema 9 (notices): e-mail notices (sync/server/notices.py).

A consent holds the address the centre uses for a person; taking consent back deletes it with every notice
not yet sent, and blanks it in the operations kept. A notice holds no address: the consent's is read when it
is sent. (kind, subject_id, person_id) is unique: a notice is made once, ever.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync.server import dialect

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable, **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    op.create_table(
        "notice_consents",
        _text("person_id", primary_key=True),
        _text("household_id"),
        _text("site_id"),
        _text("address"),
        _text("language"),
        _text("given_at"),
    )
    op.create_table(
        "notices",
        _text("notice_id", primary_key=True),
        _text("person_id"),
        _text("kind"),
        _text("subject_id"),
        _text("facts"),
        _text("state"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        _text("next_attempt_at"),
        _text("last_error", nullable=True),
        _text("created_at"),
        _text("done_at", nullable=True),
        sa.UniqueConstraint("kind", "subject_id", "person_id"),
    )
    due = sa.text("state IN ('waiting', 'sending')")
    op.create_index("notices_due", "notices", ["next_attempt_at"], sqlite_where=due, postgresql_where=due)
    op.create_index("notices_by_person", "notices", ["person_id"])
    # The reminders are looked for from the consents: each consenting household's bookings.
    op.create_index("bookings_by_household", "bookings", ["household_id"])
    # The operations kept for good include each consent's address: found by person when consent is taken back.
    consents = sa.text("kind = 'notice.consent'")
    op.create_index(
        "operations_notice_consents",
        "operations",
        [sa.text(dialect.json_text(op.get_bind().dialect.name, "payload", "person_id"))],
        sqlite_where=consents,
        postgresql_where=consents,
    )


def downgrade() -> None:
    op.drop_index("operations_notice_consents", "operations")
    op.drop_index("bookings_by_household", "bookings")
    op.drop_table("notices")
    op.drop_table("notice_consents")
