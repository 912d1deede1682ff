"""Consultations and votes at the centre: publishing, judging each ballot, counting, publishing results.

The rules are the kiosk's own (kiosk/domain/consultations.py). One person, one ballot,
whatever the kiosk: `vote_participations` holds (consultation, person) once, so a
second ballot — from another kiosk, or cast offline and synced later — is refused and
the person told. A ballot counts if it was cast while the consultation was open and
arrives before closing + its grace period.

Secrecy: a counted ballot adds to `vote_tallies` (running counts per choice) and writes
who took part to `vote_participations`; neither holds a time, an order or a ballot id,
and the operation is stored without its choice (sync/server/operations.py). So no table
or log links a person to a choice. Counts are published only once counting has ended.
"""

from __future__ import annotations

import json
from datetime import datetime

from kiosk.domain.consultations import (
    BallotError,
    Consultation,
    check_ballot,
    consultation_document,
    is_eligible,
    parse_consultation,
    tally,
)
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household, parse_household
from kiosk.errors import KioskError
from sync.server import reasons
from sync.server.changes import GLOBAL, bump
from sync.server.clock import fmt
from sync.server.db import Connection, Row, compact_json
from sync.server.reasons import Reason
from sync.wire import VoteCastPayload


class ConsultationRefused(KioskError):
    """A consultation the centre cannot publish as given; nothing was written."""


def parse(document: object) -> Consultation:
    return parse_consultation(
        DocumentReader(document, "consultation", ConsultationRefused, "error.document.refused.consultation")
    )


def publish(conn: Connection, consultation: Consultation) -> None:
    """Publish a consultation (or correct one nobody has answered yet); every kiosk pulls it."""
    if conn.execute(
        "SELECT 1 FROM vote_participations WHERE consultation_id = ? LIMIT 1", (consultation.consultation_id,)
    ).fetchone():
        raise ConsultationRefused("error.central.consultation.already_voted_on")
    conn.execute("DELETE FROM vote_tallies WHERE consultation_id = ?", (consultation.consultation_id,))
    conn.executemany(
        "INSERT INTO vote_tallies (consultation_id, code) VALUES (?, ?)",
        [(consultation.consultation_id, c.code) for c in consultation.choices],
    )
    conn.execute(
        "INSERT INTO consultations (id, data, counting_ends, results_published) VALUES (?, ?, ?, 0) "
        "ON CONFLICT (id) DO UPDATE SET data = excluded.data, counting_ends = excluded.counting_ends, "
        "results_published = 0",
        (
            consultation.consultation_id,
            compact_json(consultation_document(consultation)),
            fmt(consultation.counting_ends),
        ),
    )
    bump(conn, "consultation", consultation.consultation_id, GLOBAL)


def load(conn: Connection, consultation_id: str) -> Consultation | None:
    row = conn.execute("SELECT data FROM consultations WHERE id = ?", (consultation_id,)).fetchone()
    return parse(json.loads(row[0])) if row else None


def _household(conn: Connection, household_id: str) -> Household | None:
    row = conn.execute("SELECT data FROM households WHERE id = ?", (household_id,)).fetchone()
    return (
        parse_household(
            DocumentReader(json.loads(row[0]), "household", ConsultationRefused, "error.document.refused.household")
        )
        if row
        else None
    )


def _refused(ballot_id: str, reason: Reason) -> dict[str, object]:
    return {"outcome": "applied", "ballot": {"ballot_id": ballot_id, "state": "refused", "reason": reason}}


def cast(conn: Connection, payload: VoteCastPayload, when: datetime, now: datetime) -> dict[str, object]:
    """Judge one ballot: counted, refused (the person is told), or rejected (malformed, unknown)."""
    consultation = load(conn, payload.consultation_id)
    if consultation is None:
        return {"outcome": "rejected", "reason": reasons.consultation_unknown()}
    household = _household(conn, payload.household_id)
    if household is None:
        return {"outcome": "rejected", "reason": reasons.household_unknown()}
    person = household.member(payload.person_id)
    if person is None:
        return {"outcome": "rejected", "reason": reasons.not_in_household(payload.person_id)}
    try:
        choice = check_ballot(consultation, payload.choice)
    except BallotError:
        return {"outcome": "rejected", "reason": reasons.invalid_ballot()}
    if not consultation.is_open(when):
        return _refused(payload.ballot_id, reasons.vote_not_open())
    if now > consultation.counting_ends:
        return _refused(payload.ballot_id, reasons.vote_too_late())
    if not is_eligible(consultation, household, person, when.date()):
        return _refused(payload.ballot_id, reasons.not_eligible())
    taken = conn.execute(
        "INSERT INTO vote_participations (consultation_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (consultation.consultation_id, person.person_id),
    )
    if taken.rowcount == 0:
        return _refused(payload.ballot_id, reasons.already_voted())
    conn.executemany(
        "UPDATE vote_tallies SET votes = votes + ?, points = points + ? WHERE consultation_id = ? AND code = ?",
        [
            (votes, points, consultation.consultation_id, code)
            for code, (votes, points) in tally(consultation, choice).items()
        ],
    )
    return {"outcome": "applied", "ballot": {"ballot_id": payload.ballot_id, "state": "counted", "reason": None}}


def electorate(conn: Connection, consultation: Consultation) -> int:
    """How many people the centre knows could take part, on the closing day."""
    day = consultation.closes_at.date()
    count = 0
    for (household_id,) in conn.execute("SELECT id FROM households").fetchall():
        household = _household(conn, household_id)
        if household is not None:
            count += sum(is_eligible(consultation, household, p, day) for p in household.members)
    return count


def results(conn: Connection, consultation: Consultation) -> dict[str, object]:
    rows = conn.execute(
        "SELECT code, votes, points FROM vote_tallies WHERE consultation_id = ?", (consultation.consultation_id,)
    ).fetchall()
    participants = conn.execute(
        "SELECT count(*) FROM vote_participations WHERE consultation_id = ?", (consultation.consultation_id,)
    ).fetchone()[0]
    return {
        "participants": participants,
        "electorate": electorate(conn, consultation),
        "votes": {r["code"]: r["votes"] for r in rows},
        "points": {r["code"]: r["points"] for r in rows},
    }


def publish_due_results(conn: Connection, now: datetime) -> int:
    """Once counting has ended, the results are published: every kiosk pulls them."""
    due = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM consultations WHERE results_published = 0 AND counting_ends <= ?", (fmt(now),)
        )
    ]
    for consultation_id in due:
        conn.execute("UPDATE consultations SET results_published = 1 WHERE id = ?", (consultation_id,))
        bump(conn, "consultation", consultation_id, GLOBAL)
    return len(due)


def consultation_data(conn: Connection, row: Row) -> dict[str, object]:
    """A consultation as kiosks pull it: with its results once published, never before."""
    data: dict[str, object] = json.loads(row["data"])
    data["results"] = results(conn, parse(data)) if row["results_published"] else None
    return data
