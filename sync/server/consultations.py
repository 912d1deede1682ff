"""Consultations and votes at the centre: publishing, judging each ballot, counting, publishing results.

The rules are the kiosk's own (kiosk/domain/consultations.py). One person, one ballot,
whatever the kiosk: `vote_participations` holds (consultation, person) once, so a
second ballot — from another kiosk, or cast offline and synced later — is refused and
the person told, at any kiosk of the site (`vote_refusals`: whose ballot and why, never a
choice). A ballot counts if it was cast while the consultation was open and arrives before
closing + its grace period.

Secrecy: a counted ballot writes who took part to `vote_participations` and drops the choice into
`vote_urn` under a random key; neither holds a time, an order or a ballot id, and the operation
is stored without its choice (sync/server/operations.py). Nothing is counted while the vote runs:
the counts are computed from the urn once counting has ended, so no running count can be matched
with the operation log's times. After a push carrying a ballot the urn is rewritten in key order
(no trace of the order of arrival in the file's pages) and the WAL is emptied (sync/server/db.py,
forget_history) so no commit-by-commit history stays in the files.
"""

from __future__ import annotations

import json
import secrets
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
from sync.server import dialect, reasons
from sync.server.bookings import household_site
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


def _refused(conn: Connection, site_id: str, payload: VoteCastPayload, reason: Reason) -> dict[str, object]:
    """Not counted: kept with whose ballot it was and why (never the choice), for every kiosk of the site to tell
    the person wherever they come back."""
    conn.execute(
        "INSERT INTO vote_refusals (ballot_id, consultation_id, site_id, person_id, reason) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (ballot_id) DO NOTHING",
        (payload.ballot_id, payload.consultation_id, site_id, payload.person_id, compact_json(reason)),
    )
    bump(conn, "ballot_refusal", payload.ballot_id, site_id)
    return {"outcome": "applied", "ballot": {"ballot_id": payload.ballot_id, "state": "refused", "reason": reason}}


def refusal_data(row: Row) -> dict[str, object]:
    """A refused ballot as the kiosks of its site pull it: whose, on which consultation, and why."""
    return {
        "ballot_id": row["ballot_id"],
        "consultation_id": row["consultation_id"],
        "person_id": row["person_id"],
        "reason": json.loads(row["reason"]),
    }


def cast(conn: Connection, site_id: str, payload: VoteCastPayload, when: datetime, now: datetime) -> dict[str, object]:
    """Judge one ballot: counted, refused (the person is told), or rejected (malformed, unknown, another site's)."""
    consultation = load(conn, payload.consultation_id)
    if consultation is None:
        return {"outcome": "rejected", "reason": reasons.consultation_unknown()}
    household = _household(conn, payload.household_id)
    if household is None:
        return {"outcome": "rejected", "reason": reasons.household_unknown()}
    if household_site(conn, payload.household_id) != site_id:  # a kiosk takes its own site's households' ballots
        return {"outcome": "rejected", "reason": reasons.vote_other_site()}
    person = household.member(payload.person_id)
    if person is None:
        return {"outcome": "rejected", "reason": reasons.not_in_household(payload.person_id)}
    try:
        choice = check_ballot(consultation, payload.choice)
    except BallotError:
        return {"outcome": "rejected", "reason": reasons.invalid_ballot()}
    if not consultation.is_open(when):
        return _refused(conn, site_id, payload, reasons.vote_not_open())
    if now > consultation.counting_ends:
        return _refused(conn, site_id, payload, reasons.vote_too_late())
    if not is_eligible(consultation, household, person, when.date()):
        return _refused(conn, site_id, payload, reasons.not_eligible())
    taken = conn.execute(
        "INSERT INTO vote_participations (consultation_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (consultation.consultation_id, person.person_id),
    )
    if taken.rowcount == 0:
        return _refused(conn, site_id, payload, reasons.already_voted())
    conn.execute(
        "INSERT INTO vote_urn (consultation_id, ballot_key, choice) VALUES (?, ?, ?)",
        (consultation.consultation_id, secrets.token_hex(16), compact_json(list(choice))),
    )
    return {"outcome": "applied", "ballot": {"ballot_id": payload.ballot_id, "state": "counted", "reason": None}}


def settle_urn(conn: Connection, consultation_id: str) -> None:
    """Rewrite a consultation's urn in the order of its random keys.

    SQLite places each new row of a page below the previous ones (PostgreSQL appends them to its heap),
    so the stored bytes would tell the order ballots arrived in, to be matched with the operation log's
    times. Once the urn's rows are deleted (SQLite: overwritten, secure_delete) and written back in key
    order, their places say nothing. Pushes settle one urn at a time: each rewrites what the previous
    one committed (dialect.lock_key; pushes take the urns in sorted order, so none waits on another)."""
    dialect.lock_key(conn, "urn:" + consultation_id)
    rows = conn.execute(
        "SELECT ballot_key, choice FROM vote_urn WHERE consultation_id = ? ORDER BY ballot_key", (consultation_id,)
    ).fetchall()
    conn.execute("DELETE FROM vote_urn WHERE consultation_id = ?", (consultation_id,))
    conn.executemany(
        "INSERT INTO vote_urn (consultation_id, ballot_key, choice) VALUES (?, ?, ?)",
        [(consultation_id, key, choice) for key, choice in rows],
    )


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
    """The counts, computed from the urn: only once counting has ended (callers check), never kept."""
    votes = {c.code: 0 for c in consultation.choices}
    points = dict(votes)
    for (choice,) in conn.execute(
        "SELECT choice FROM vote_urn WHERE consultation_id = ?", (consultation.consultation_id,)
    ).fetchall():
        for code, (v, p) in tally(consultation, json.loads(choice)).items():
            votes[code] += v
            points[code] += p
    participants = conn.execute(
        "SELECT count(*) FROM vote_participations WHERE consultation_id = ?", (consultation.consultation_id,)
    ).fetchone()[0]
    return {
        "participants": participants,
        "electorate": electorate(conn, consultation),
        "votes": votes,
        "points": points,
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
