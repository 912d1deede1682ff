"""Schema 8 (participation): "le par et le pour" — the ideas box, consultations and votes, appreciations.

Who took part (vote_participations) and what was chosen (vote_tallies: running counts per choice) are
kept apart with nothing to join them: no ballot row, no time, no order.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable, **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    op.create_table(
        "ideas",
        _text("id", primary_key=True),
        _text("site_id"),
        _text("kiosk_id"),
        _text("theme"),
        _text("text"),
        _text("household_id", nullable=True),
        _text("person_id", nullable=True),
        _text("created_by", nullable=True),
        _text("created_at"),
        _text("answer", server_default=sa.text("''")),
        _text("answered_by", server_default=sa.text("''")),
        _text("answered_at", nullable=True),
    )
    op.create_index("ideas_by_site", "ideas", ["site_id", "answered_at"])
    # data: the consultation as published (kiosk/domain/consultations.py, consultation_document).
    op.create_table(
        "consultations",
        _text("id", primary_key=True),
        _text("data"),
        _text("counting_ends"),
        sa.Column("results_published", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.create_table(
        "vote_participations",
        _text("consultation_id"),
        _text("person_id"),
        sa.PrimaryKeyConstraint("consultation_id", "person_id"),
    )
    op.create_table(
        "vote_tallies",
        _text("consultation_id"),
        _text("code"),
        sa.Column("votes", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("points", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("consultation_id", "code"),
    )
    # Appreciations of activities, once per booking: ratings are never edited, comments are moderated.
    # author: the first name and initial shown with a published comment.
    op.create_table(
        "appreciations",
        _text("id", primary_key=True),
        _text("booking_id", unique=True),
        _text("offer_id"),
        _text("session_id"),
        _text("site_id"),
        _text("person_id"),
        _text("author"),
        _text("ratings"),
        _text("comment"),
        _text("created_at"),
        _text("moderation"),
        _text("reason", nullable=True),
        _text("moderated_at", nullable=True),
    )
    op.create_index("appreciations_by_offer", "appreciations", ["offer_id", "session_id"])


def downgrade() -> None:
    for table in ("appreciations", "vote_tallies", "vote_participations", "consultations", "ideas"):
        op.drop_table(table)
