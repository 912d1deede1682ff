"""Audit flags numbered in their order of arrival, as SQLite's rowid listed them (PostgreSQL has no rowid).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync.server import dialect
from sync.server.db import Connection

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_flags", sa.Column("arrival", sa.BigInteger(), nullable=True))
    dialect.number_rows_by_arrival(Connection(op.get_bind()), "audit_flags", "arrival")


def downgrade() -> None:
    op.drop_column("audit_flags", "arrival")
