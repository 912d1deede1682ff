"""Schema 9 (ballot secrecy at rest): each counted choice goes into an urn under a random key.

Running counts updated in the transaction that recorded who voted let a replay of the WAL, or two copies
of the database, link a person to a choice. The urn holds no time, no order and no ballot id; the counts
are computed from it once counting has ended (sync/server/consultations.py). vote_tallies' running counts
cannot be turned back into ballots: no release kept votes in them, so they are dropped.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vote_urn",
        sa.Column("consultation_id", sa.Text(), nullable=False),
        sa.Column("ballot_key", sa.Text(), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("consultation_id", "ballot_key"),
        sqlite_with_rowid=False,  # a rowid would number the ballots in their order of arrival
    )
    op.drop_table("vote_tallies")


def downgrade() -> None:
    op.create_table(
        "vote_tallies",
        sa.Column("consultation_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("points", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("consultation_id", "code"),
    )
    op.drop_table("vote_urn")
