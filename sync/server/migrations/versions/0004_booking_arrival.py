"""Bookings numbered in their order of arrival (the waiting list is first come, first served): SQLite's
rowid said it, PostgreSQL has no such thing.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync.server import dialect
from sync.server.db import Connection

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("arrival", sa.BigInteger(), nullable=True))
    dialect.number_rows_by_arrival(Connection(op.get_bind()), "bookings", "arrival")
    op.create_index("bookings_by_arrival", "bookings", ["session_id", "arrival"])


def downgrade() -> None:
    op.drop_index("bookings_by_arrival", "bookings")
    op.drop_column("bookings", "arrival")
