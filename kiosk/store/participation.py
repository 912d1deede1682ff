"""Ideas, consultations, ballots and appreciations in the local store ("le par et le pour").

Writes happen inside the caller's transaction: the service's (an idea or a ballot with
its outbox operation), or the sync engine's page transaction for what is pulled.
A ballot row says who took part here and what the centre answered, never the choice.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.domain.appreciation import Appreciation, Moderation, OfferAppreciation
from kiosk.domain.consultations import BallotState, Consultation, consultation_document
from kiosk.domain.ideas import Idea
from kiosk.store.database import Row, read_row, read_rows, stamp

# --- ideas ----------------------------------------------------------------------------------------


def _row_to_idea(r: Row) -> Idea:
    return Idea(
        idea_id=r["idea_id"],
        site_id=r["site_id"],
        theme=r["theme"],
        text=r["text"],
        household_id=r["household_id"],
        person_id=r["person_id"],
        created_at=datetime.fromisoformat(r["created_at"]),
        answer=r["answer"],
        answered_by=r["answered_by"],
        answered_at=datetime.fromisoformat(r["answered_at"]) if r["answered_at"] else None,
        created_by=r["created_by"],
    )


def insert_idea(db: sqlite_utils.Database, idea: Idea, told: bool = False) -> None:
    db.execute(
        "INSERT INTO ideas (idea_id, code, site_id, theme, text, household_id, person_id, created_at, created_by,"
        " answer, answered_by, answered_at, told) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            idea.idea_id,
            idea.code,
            idea.site_id,
            idea.theme,
            idea.text,
            idea.household_id,
            idea.person_id,
            stamp(idea.created_at),
            idea.created_by,
            idea.answer,
            idea.answered_by,
            stamp(idea.answered_at) if idea.answered_at else None,
            int(told),
        ],
    )


def load_idea(db: sqlite_utils.Database, idea_id: str) -> Idea | None:
    return read_row(db, _row_to_idea, "SELECT * FROM ideas WHERE idea_id = ?", [idea_id])


def ideas_by_code(db: sqlite_utils.Database, site_id: str, code: str) -> list[Idea]:
    return read_rows(
        db, _row_to_idea, "SELECT * FROM ideas WHERE code = ? AND site_id = ? ORDER BY created_at DESC", [code, site_id]
    )


def untold_answers(db: sqlite_utils.Database, person_id: str) -> list[Idea]:
    """A person's ideas answered since they last identified, oldest first."""
    return read_rows(
        db,
        _row_to_idea,
        "SELECT * FROM ideas WHERE person_id = ? AND answer != '' AND told = 0 ORDER BY answered_at, rowid",
        [person_id],
    )


def mark_told(db: sqlite_utils.Database, idea_ids: list[str]) -> None:
    db.conn.executemany("UPDATE ideas SET told = 1 WHERE idea_id = ?", [(i,) for i in idea_ids])


def record_pulled_idea(db: sqlite_utils.Database, idea: Idea) -> None:
    """An idea as the centre has it, inside the pull's transaction: a new answer is to be told once."""
    row = db.execute("SELECT answer, told FROM ideas WHERE idea_id = ?", [idea.idea_id]).fetchone()
    told = bool(row[1]) if row is not None and row[0] == idea.answer else not idea.answer
    db.execute("DELETE FROM ideas WHERE idea_id = ?", [idea.idea_id])
    insert_idea(db, idea, told=told)


def remove_idea(db: sqlite_utils.Database, idea_id: str) -> None:
    db.execute("DELETE FROM ideas WHERE idea_id = ?", [idea_id])


# --- consultations ---------------------------------------------------------------------------------


def upsert_consultation(db: sqlite_utils.Database, consultation: Consultation) -> None:
    """As the centre published it. Once its results are out, who took part here is forgotten (the ballots
    answered and told): the kiosk keeps personal data only while it needs it."""
    document = consultation_document(consultation)
    results = consultation.results
    if results is not None:
        db.execute(
            "DELETE FROM ballots WHERE consultation_id = ? AND state != 'sent' AND told = 1",
            [consultation.consultation_id],
        )
        document["results"] = {
            "participants": results.participants,
            "electorate": results.electorate,
            "votes": dict(results.votes),
            "points": dict(results.points),
        }
    db.execute(
        "INSERT INTO consultations (consultation_id, data, closes_at) VALUES (?, ?, ?) ON CONFLICT (consultation_id)"
        " DO UPDATE SET data = excluded.data, closes_at = excluded.closes_at",
        [consultation.consultation_id, json.dumps(document, ensure_ascii=False), stamp(consultation.closes_at)],
    )


def remove_consultation(db: sqlite_utils.Database, consultation_id: str) -> None:
    db.execute("DELETE FROM consultations WHERE consultation_id = ?", [consultation_id])


def consultation_documents(db: sqlite_utils.Database) -> list[dict[str, object]]:
    """Every consultation's wire document, the latest closing first."""
    return [json.loads(r[0]) for r in db.execute("SELECT data FROM consultations ORDER BY closes_at DESC")]


# --- ballots -----------------------------------------------------------------------------------------


def insert_ballot(
    db: sqlite_utils.Database, ballot_id: str, consultation_id: str, person_id: str, cast_at: datetime
) -> None:
    db.execute(
        "INSERT INTO ballots (ballot_id, consultation_id, person_id, cast_at, state) VALUES (?, ?, ?, ?, ?)",
        [ballot_id, consultation_id, person_id, stamp(cast_at), BallotState.SENT.value],
    )


def voted_here(db: sqlite_utils.Database, person_id: str) -> set[str]:
    """The consultations this person cast a ballot on at this kiosk: waiting, counted, or refused by the centre
    (they had voted elsewhere, were not eligible, came too late), whose refusal another ballot would only meet
    again."""
    return {r[0] for r in db.execute("SELECT consultation_id FROM ballots WHERE person_id = ?", [person_id])}


def settle_ballot(
    db: sqlite_utils.Database, ballot_id: str, state: BallotState, reason_fr: str, reason_en: str
) -> None:
    """The centre's answer; a refused ballot is told to the person on their next identification."""
    db.execute(
        "UPDATE ballots SET state = ?, reason_fr = ?, reason_en = ?, told = ? WHERE ballot_id = ?",
        [BallotState(state).value, reason_fr, reason_en, 0 if state is BallotState.REFUSED else 1, ballot_id],
    )


def record_pulled_refusal(
    db: sqlite_utils.Database,
    ballot_id: str,
    consultation_id: str,
    person_id: str,
    reasons: tuple[str, str],
    now: datetime,
) -> None:
    """A ballot of this site the centre refused, inside the pull's transaction: a ballot cast here has it already
    (the push's answer); one cast at another kiosk is to be told here too, once. Not once the consultation's
    results are out (pulled before it in the same page): who took part is forgotten then, and a pull from
    the feed's start must not bring it back nor tell it again."""
    db.execute(
        "INSERT INTO ballots (ballot_id, consultation_id, person_id, cast_at, state, reason_fr, reason_en, told)"
        " SELECT ?, ?, ?, ?, 'refused', ?, ?, 0 WHERE NOT EXISTS (SELECT 1 FROM consultations"
        " WHERE consultation_id = ? AND json_extract(data, '$.results') IS NOT NULL)"
        " ON CONFLICT (ballot_id) DO NOTHING",
        [ballot_id, consultation_id, person_id, stamp(now), *reasons, consultation_id],
    )


def untold_refusals(db: sqlite_utils.Database, person_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT b.ballot_id, b.consultation_id, b.reason_fr, b.reason_en, c.data FROM ballots b"
            " LEFT JOIN consultations c ON c.consultation_id = b.consultation_id"
            " WHERE b.person_id = ? AND b.state = 'refused' AND b.told = 0 ORDER BY b.cast_at",
            [person_id],
        )
    )


def mark_ballots_told(db: sqlite_utils.Database, ballot_ids: list[str]) -> None:
    db.conn.executemany("UPDATE ballots SET told = 1 WHERE ballot_id = ?", [(i,) for i in ballot_ids])


# --- appreciations -----------------------------------------------------------------------------------


def _row_to_appreciation(r: Row) -> Appreciation:
    return Appreciation(
        appreciation_id=r["appreciation_id"],
        booking_id=r["booking_id"],
        offer_id=r["offer_id"],
        session_id=r["session_id"],
        household_id=r["household_id"],
        person_id=r["person_id"],
        ratings=json.loads(r["ratings"]),
        comment=r["comment"],
        created_at=datetime.fromisoformat(r["created_at"]),
        moderation=Moderation(r["moderation"]),
        reason_fr=r["reason_fr"],
        reason_en=r["reason_en"],
    )


def insert_appreciation(db: sqlite_utils.Database, appreciation: Appreciation) -> None:
    db.execute(
        "INSERT INTO appreciations (appreciation_id, booking_id, offer_id, session_id, household_id, person_id,"
        " ratings, comment, created_at, moderation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            appreciation.appreciation_id,
            appreciation.booking_id,
            appreciation.offer_id,
            appreciation.session_id,
            appreciation.household_id,
            appreciation.person_id,
            json.dumps(dict(appreciation.ratings), sort_keys=True),
            appreciation.comment,
            stamp(appreciation.created_at),
            appreciation.moderation.value,
        ],
    )


def appreciated_bookings(db: sqlite_utils.Database, household_id: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT booking_id FROM appreciations WHERE household_id = ?", [household_id])}


def settle_appreciation(
    db: sqlite_utils.Database, appreciation_id: str, moderation: Moderation, reason_fr: str, reason_en: str
) -> None:
    """What the centre says of an appreciation: a change to published, refused or not taken is told to the author
    once."""
    row = db.execute("SELECT moderation FROM appreciations WHERE appreciation_id = ?", [appreciation_id]).fetchone()
    if row is None or row[0] == Moderation(moderation).value:
        return
    told = moderation not in (Moderation.PUBLISHED, Moderation.REFUSED, Moderation.NOT_TAKEN)
    db.execute(
        "UPDATE appreciations SET moderation = ?, reason_fr = ?, reason_en = ?, told = ? WHERE appreciation_id = ?",
        [Moderation(moderation).value, reason_fr, reason_en, int(told), appreciation_id],
    )


def record_pulled_appreciation(db: sqlite_utils.Database, pulled: Appreciation) -> None:
    """An appreciation given at a kiosk of the site (this one or another), inside the pull's transaction: known
    here from now on (the booking is not offered again), and its moderation told to the author here too."""
    if db.execute("SELECT 1 FROM appreciations WHERE appreciation_id = ?", [pulled.appreciation_id]).fetchone():
        settle_appreciation(db, pulled.appreciation_id, pulled.moderation, pulled.reason_fr, pulled.reason_en)
        return
    insert_appreciation(db, pulled)
    told = pulled.moderation not in (Moderation.PUBLISHED, Moderation.REFUSED)
    db.execute(
        "UPDATE appreciations SET reason_fr = ?, reason_en = ?, told = ? WHERE appreciation_id = ?",
        [pulled.reason_fr, pulled.reason_en, int(told), pulled.appreciation_id],
    )


def invite_once(db: sqlite_utils.Database, booking_id: str, person_id: str, now: datetime) -> bool:
    """Note that this person was invited to appreciate this booking; False if they had been already."""
    return bool(
        db.execute(
            "INSERT INTO appreciation_invitations (booking_id, person_id, invited_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [booking_id, person_id, stamp(now)],
        ).rowcount
    )


def untold_moderations(db: sqlite_utils.Database, person_id: str) -> list[Appreciation]:
    return read_rows(
        db,
        _row_to_appreciation,
        "SELECT * FROM appreciations WHERE person_id = ? AND told = 0 ORDER BY created_at",
        [person_id],
    )


def mark_appreciations_told(db: sqlite_utils.Database, appreciation_ids: list[str]) -> None:
    db.conn.executemany("UPDATE appreciations SET told = 1 WHERE appreciation_id = ?", [(i,) for i in appreciation_ids])


def upsert_offer_appreciation(db: sqlite_utils.Database, published: OfferAppreciation) -> None:
    data = {
        "offer_id": published.offer_id,
        "count": published.count,
        "averages": dict(published.averages),
        "comments": [{"author": c.author, "day": c.day.isoformat(), "comment": c.comment} for c in published.comments],
    }
    db.execute(
        "INSERT INTO offer_appreciations (offer_id, data) VALUES (?, ?) ON CONFLICT (offer_id)"
        " DO UPDATE SET data = excluded.data",
        [published.offer_id, json.dumps(data, ensure_ascii=False)],
    )


def remove_offer_appreciation(db: sqlite_utils.Database, offer_id: str) -> None:
    db.execute("DELETE FROM offer_appreciations WHERE offer_id = ?", [offer_id])


def offer_appreciation_document(db: sqlite_utils.Database, offer_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT data FROM offer_appreciations WHERE offer_id = ?", [offer_id]).fetchone()
    return json.loads(row[0]) if row else None
