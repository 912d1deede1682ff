"""Schema 11 (kiosk marks): the marks of the feed's history each kiosk may still name, so the rest can go.

Every write that numbers changes and every push leaves a mark (revision 0011): a million a day for a large
fleet. A mark is kept while it is among the newest (`made`, the order marks were made in, commit order) or
while a kiosk holds it (`kiosk_marks`: what it named in its latest push or heartbeat, and what its latest
push was answered); the others are deleted by the centre's housekeeping (sync/server/history.py).

The feed's marks are copied into a table numbered in the order they were made: the marks of revision 0011
come first, in the order of the changes they end.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.drop_index("feed_marks_by_seq", "feed_marks")
    op.rename_table("feed_marks", "feed_marks_0011")
    op.create_table(
        "feed_marks",
        sa.Column("made", SEQ, autoincrement=True),
        sa.Column("mark", sa.Text(), nullable=False),
        sa.Column("last_seq", SEQ, nullable=False),
        sa.PrimaryKeyConstraint("made", name="feed_marks_by_age"),
        sa.UniqueConstraint("mark", name="feed_marks_by_mark"),
    )
    op.execute("INSERT INTO feed_marks (mark, last_seq) SELECT mark, last_seq FROM feed_marks_0011 ORDER BY last_seq")
    op.drop_table("feed_marks_0011")
    op.create_table(
        "kiosk_marks",
        sa.Column("kiosk_id", sa.Text(), nullable=False),
        sa.Column("mark", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kiosk_id", "mark", name="kiosk_marks_by_kiosk"),
    )
    op.create_index("kiosk_marks_by_mark", "kiosk_marks", ["mark"])


def downgrade() -> None:
    op.drop_index("kiosk_marks_by_mark", "kiosk_marks")
    op.drop_table("kiosk_marks")
    op.rename_table("feed_marks", "feed_marks_0012")
    op.create_table(
        "feed_marks",
        sa.Column("mark", sa.Text(), primary_key=True),
        sa.Column("last_seq", SEQ, nullable=False),
    )
    op.execute("INSERT INTO feed_marks (mark, last_seq) SELECT mark, last_seq FROM feed_marks_0012")
    op.drop_table("feed_marks_0012")
    op.create_index("feed_marks_by_seq", "feed_marks", ["last_seq"])
