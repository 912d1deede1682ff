"""Schema 7 (trust): audit entries the centre refused (forged, forked, out of order) and restarted chains;
the attempt that spent an enrolment code (sync/server/auth.py: a lost answer is asked again).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_flags",
        sa.Column("kiosk_id", sa.Text(), nullable=False),
        sa.Column("chain", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.Text(), nullable=False),
    )
    op.add_column("enrolment_codes", sa.Column("attempt_hash", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("enrolment_codes", "attempt_hash")
    op.drop_table("audit_flags")
