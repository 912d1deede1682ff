"""Appreciations at the centre: received from the kiosks, moderated, published per offer, exported per session.

Writes run inside the caller's write transaction. An appreciation is accepted once per
booking, from a participant of a confirmed booking whose session has ended (judged at
the moment the person gave it). Ratings count at once and are never edited; a comment is
published only once moderated. Each change bumps the appreciation for its site (every kiosk
of the site learns it was given, and its moderation, to tell the author wherever they come
back) and the offer's published appreciation for all.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from kiosk.domain.appreciation import LATEST_COMMENTS, QUESTION_CODES, Moderation, author_name
from sync.server import reasons
from sync.server.bookings import household_site
from sync.server.changes import GLOBAL, bump
from sync.server.clock import fmt, parse_moment
from sync.server.db import Connection, Row, compact_json
from sync.wire import AppreciationCreatePayload


def _bump(conn: Connection, appreciation_id: str, site_id: str, offer_id: str) -> None:
    bump(conn, "appreciation", appreciation_id, site_id)
    bump(conn, "offer_appreciation", offer_id, GLOBAL)


def create(conn: Connection, site_id: str, payload: AppreciationCreatePayload, when: datetime) -> dict[str, object]:
    booking = conn.execute(
        'SELECT b.*, s.offer_id, s."end" FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE b.id = ?',
        (payload.booking_id,),
    ).fetchone()
    if booking is None:
        return {"outcome": "rejected", "reason": reasons.booking_unknown()}
    # A kiosk takes appreciations of its own site's bookings, for its own site's households.
    if site_id != booking["site_id"] or site_id != household_site(conn, booking["household_id"]):
        return {"outcome": "rejected", "reason": reasons.appreciation_other_site()}
    if (
        booking["state"] != "confirmed"
        or payload.person_id not in json.loads(booking["participants"])
        or when < parse_moment(booking["end"])
    ):
        return {"outcome": "rejected", "reason": reasons.appreciation_not_allowed()}
    if conn.execute(
        "SELECT 1 FROM appreciations WHERE booking_id = ? OR id = ?", (payload.booking_id, payload.appreciation_id)
    ).fetchone():
        return {"outcome": "rejected", "reason": reasons.appreciation_exists()}
    person = conn.execute(
        "SELECT first_name, last_name FROM persons WHERE person_id = ?", (payload.person_id,)
    ).fetchone()
    author = author_name(person["first_name"], person["last_name"]) if person else "?"
    moderation = Moderation.PENDING if payload.comment else Moderation.NONE
    conn.execute(
        "INSERT INTO appreciations (id, booking_id, offer_id, session_id, site_id, person_id, author, "
        "ratings, comment, created_at, moderation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payload.appreciation_id,
            payload.booking_id,
            booking["offer_id"],
            booking["session_id"],
            site_id,
            payload.person_id,
            author,
            compact_json(payload.ratings),
            payload.comment,
            fmt(when),
            moderation.value,
        ),
    )
    _bump(conn, payload.appreciation_id, site_id, booking["offer_id"])
    return {
        "outcome": "applied",
        "appreciation": {"appreciation_id": payload.appreciation_id, "state": moderation.value, "reason": None},
    }


def moderate(
    conn: Connection, appreciation_id: str, publish: bool, reason: dict[str, str] | None, now: datetime
) -> str | None:
    """Publish or refuse a comment (with a reason the author reads); None, or why it cannot be done."""
    row = conn.execute(
        "SELECT site_id, offer_id, comment FROM appreciations WHERE id = ?", (appreciation_id,)
    ).fetchone()
    if row is None:
        return "unknown appreciation"
    if not row["comment"]:
        return "no comment to moderate (the ratings are never edited)"
    state = Moderation.PUBLISHED if publish else Moderation.REFUSED
    conn.execute(
        "UPDATE appreciations SET moderation = ?, reason = ?, moderated_at = ? WHERE id = ?",
        (state.value, None if publish else compact_json(reason), fmt(now), appreciation_id),
    )
    _bump(conn, appreciation_id, row["site_id"], row["offer_id"])
    return None


def moderation_data(row: Row) -> dict[str, object]:
    """What the kiosks of the author's site pull of an appreciation (`row` with its booking's `household_id`):
    whose and of what, and the moderation; never the ratings or the comment."""
    return {
        "appreciation_id": row["id"],
        "booking_id": row["booking_id"],
        "offer_id": row["offer_id"],
        "session_id": row["session_id"],
        "household_id": row["household_id"],
        "person_id": row["person_id"],
        "created_at": row["created_at"],
        "state": row["moderation"],
        "reason": json.loads(row["reason"]) if row["reason"] else None,
    }


def _averages(rows: list[Row]) -> dict[str, int]:
    """Per question, the average rating in tenths (43 reads 4.3)."""
    ratings = [json.loads(r["ratings"]) for r in rows]
    return {code: round(10 * sum(r[code] for r in ratings) / len(ratings)) if ratings else 0 for code in QUESTION_CODES}


def offer_data(conn: Connection, offer_id: str) -> dict[str, object]:
    """An offer's published appreciation: averages, count, the latest published comments, newest first."""
    rows = conn.execute("SELECT ratings FROM appreciations WHERE offer_id = ?", (offer_id,)).fetchall()
    comments = conn.execute(
        "SELECT author, created_at, comment FROM appreciations WHERE offer_id = ? AND moderation = 'published' "
        "ORDER BY created_at DESC, id DESC LIMIT ?",
        (offer_id, LATEST_COMMENTS),
    ).fetchall()
    return {
        "offer_id": offer_id,
        "count": len(rows),
        "averages": _averages(rows),
        "comments": [{"author": c["author"], "day": c["created_at"][:10], "comment": c["comment"]} for c in comments],
    }


def listing(conn: Connection, pending_only: bool) -> list[Row]:
    clause = "WHERE moderation = 'pending'" if pending_only else ""
    return conn.execute(f"SELECT * FROM appreciations {clause} ORDER BY created_at").fetchall()


def results_csv(conn: Connection, offer_id: str | None) -> str:
    """Organisers' results per offer and session: count, averages, comments published / waiting / refused."""
    where, params = ("WHERE offer_id = ?", (offer_id,)) if offer_id else ("", ())
    groups = conn.execute(
        f"SELECT DISTINCT offer_id, session_id FROM appreciations {where} ORDER BY offer_id, session_id", params
    ).fetchall()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "offer_id",
            "session_id",
            "count",
            *[f"average_{c}" for c in QUESTION_CODES],
            "comments_published",
            "comments_pending",
            "comments_refused",
        ]
    )
    for group in groups:
        rows = conn.execute(
            "SELECT ratings, moderation FROM appreciations WHERE offer_id = ? AND session_id = ?",
            (group["offer_id"], group["session_id"]),
        ).fetchall()
        averages = _averages(rows)
        states = [r["moderation"] for r in rows]
        writer.writerow(
            [
                group["offer_id"],
                group["session_id"],
                len(rows),
                *[f"{averages[c] / 10:.1f}" for c in QUESTION_CODES],
                states.count("published"),
                states.count("pending"),
                states.count("refused"),
            ]
        )
    return out.getvalue()
