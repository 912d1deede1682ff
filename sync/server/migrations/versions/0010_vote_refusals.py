"""Schema 10 (vote refusals): a ballot the centre did not count, so that every kiosk of the site tells the person.

A ballot refused (a second one, one cast too late, by someone not on the roll) was answered to the kiosk
that sent it alone; the person, coming back to another kiosk of the site, was never told. Each refusal is
kept with whose ballot it was and why, never a choice nor a time (a refused ballot's choice is not kept
anywhere), and pulled by the kiosks of the site.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vote_refusals",
        sa.Column("ballot_id", sa.Text(), primary_key=True),
        sa.Column("consultation_id", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("vote_refusals")
