"""Schema 10 (feed marks): which history of the feed a kiosk has seen (sync/server/history.py).

Each write transaction that numbers changes, and each push, leaves a random mark with the feed's last seq
then. A centre restored from an older copy no longer holds the marks made after that copy, nor any it
makes since: a kiosk that names one it does not hold has seen a history this centre lost. The feed as it
stands when this revision runs gets one mark, so that every cursor already issued has one.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_marks",
        sa.Column("mark", sa.Text(), primary_key=True),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    )
    op.create_index("feed_marks_by_seq", "feed_marks", ["last_seq"])
    op.get_bind().execute(
        sa.text("INSERT INTO feed_marks (mark, last_seq) SELECT :mark, COALESCE(MAX(seq), 0) FROM changes"),
        {"mark": secrets.token_hex(16)},
    )


def downgrade() -> None:
    op.drop_index("feed_marks_by_seq", "feed_marks")
    op.drop_table("feed_marks")
