"""Holiday-stay wishes (docs/stay-wishes.md): the requests with their ranked wishes, each campaign's
allocation run (kept: a second run gives the same outcomes and changes nothing), and the national stays
households had before.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable, **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    # wishes: [{offer_id, session_id, participants}] in the person's order. proposed_rank: the wish proposed (or
    # whose waiting list the request is on). answer_by: until when a proposal holds (catalog time).
    op.create_table(
        "stay_requests",
        _text("id", primary_key=True),
        _text("site_id"),
        _text("kiosk_id"),
        _text("household_id"),
        _text("campaign"),
        _text("wishes"),
        _text("created_at"),
        _text("received_at"),
        _text("state"),
        sa.Column("proposed_rank", sa.Integer(), nullable=True),
        _text("answer_by", nullable=True),
        sa.Column("waitlist_position", sa.Integer(), nullable=True),
        _text("reason", nullable=True),
        _text("booking_id", nullable=True),
        _text("decided_at", nullable=True),
    )
    op.create_index("stay_requests_by_campaign", "stay_requests", ["campaign", "state"])
    op.create_index("stay_requests_by_state", "stay_requests", ["state", "answer_by"])
    op.create_table(
        "stay_allocation_runs",
        _text("campaign", primary_key=True),
        _text("run_at"),
        _text("answer_by"),
        _text("outcomes"),
    )
    op.create_table(
        "past_stays",
        _text("household_id"),
        _text("started_on"),
        sa.PrimaryKeyConstraint("household_id", "started_on"),
    )


def downgrade() -> None:
    for table in ("past_stays", "stay_allocation_runs", "stay_requests"):
        op.drop_table(table)
