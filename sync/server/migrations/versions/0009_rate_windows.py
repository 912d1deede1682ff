"""Schema 10 (rate limits shared by every worker): the `limits` library's fixed windows in the database.

One row per limit and key (a kiosk's calls, an address's enrolment attempts…): the calls counted in the
current window and when it ends (seconds since the epoch). Every worker process of one PostgreSQL database
counts in the same rows (sync/server/limits.py); the embedded SQLite centre, one process, counts in memory.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
