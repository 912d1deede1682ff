"""E-mail notices at the centre: consents from kiosks, the notices they lead to, and their sending state.

A consent (`notice.consent`, pushed by a kiosk) is the one place the centre keeps a person's address;
`notice.withdraw` deletes it with every notice not yet sent. A notice is made once per thing and person
(a request ready, an activity two days away, a holiday request's outcome), only for someone who
consented, and holds the facts its message needs, never the address.

Sending (sync/server/mailer.py) is an outbox: `claim_due` records an attempt (state `sending`, the next
try already planned after a backoff) in its own transaction before the message leaves, so a crash between
the SMTP server's acceptance and `mark_sent` leaves the notice to be sent again with the same
Message-ID, which mail systems show once. A temporary failure (server down, 4xx) leaves it `waiting`
for its next try; a permanent refusal (5xx) is recorded as `refused`, with the server's words.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.domain.notices import AddressRefused, NoticeKind, check_address
from sync.server import dialect, reasons
from sync.server.clock import fmt, parse_moment
from sync.server.db import Connection, Database, Row, compact_json
from sync.wire import NoticeConsentPayload, NoticeWithdrawPayload

REMINDER_BEFORE = timedelta(days=2)
FIRST_RETRY = timedelta(minutes=1)  # longer than an SMTP exchange's timeout: one claim is never taken twice
LAST_RETRY = timedelta(hours=1)
KEEP_DONE = timedelta(days=30)  # a sent or refused notice's record (no address), then it goes


@dataclass(frozen=True)
class Claimed:
    """A notice on its way: whom to write to, in which language, and what to say."""

    notice_id: str
    kind: NoticeKind
    address: str
    language: str
    facts: dict[str, Any]


def retry_after(attempts: int) -> timedelta:
    """A minute after the first failed try, doubling, at most an hour: never lost, never in a tight loop."""
    delay: timedelta = FIRST_RETRY * (2 ** min(attempts - 1, 16))
    return min(delay, LAST_RETRY)


# -- consents, from kiosks (inside the push's transaction) ---------------------------------------------


def record_consent(conn: Connection, site_id: str, payload: NoticeConsentPayload, now: datetime) -> dict[str, Any]:
    refused = _check_person(conn, site_id, payload.person_id, payload.household_id)
    if refused is not None:
        return refused
    try:
        address = check_address(payload.address)
    except AddressRefused as problem:
        return {"outcome": "rejected", "reason": reasons.notice_address(problem)}
    conn.execute(
        "INSERT INTO notice_consents (person_id, household_id, site_id, address, language, given_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET household_id = excluded.household_id, "
        "site_id = excluded.site_id, address = excluded.address, language = excluded.language, "
        "given_at = excluded.given_at",
        (payload.person_id, payload.household_id, site_id, address, payload.language, fmt(now)),
    )
    return {"outcome": "applied", "notice_consent": {"person_id": payload.person_id, "given": True}}


def withdraw_consent(conn: Connection, site_id: str, payload: NoticeWithdrawPayload) -> dict[str, Any]:
    refused = _check_person(conn, site_id, payload.person_id, payload.household_id)
    if refused is not None:
        return refused
    forget(conn, payload.person_id)
    return {"outcome": "applied", "notice_consent": {"person_id": payload.person_id, "given": False}}


def forget(conn: Connection, person_id: str) -> None:
    """The address and every notice not yet sent go; what was sent stays recorded (without an address). The
    operations kept for good lose the address too (a replay of one is then refused as `op_id_reused`)."""
    conn.execute("DELETE FROM notice_consents WHERE person_id = ?", (person_id,))
    conn.execute(
        f"UPDATE operations SET payload = {dialect.json_with_text(conn.dialect, 'payload', 'address')} "
        f"WHERE kind = 'notice.consent' AND {dialect.json_text(conn.dialect, 'payload', 'person_id')} = ?",
        ("", person_id),
    )
    conn.execute("DELETE FROM notices WHERE person_id = ? AND state IN ('waiting', 'sending')", (person_id,))


def _check_person(conn: Connection, site_id: str, person_id: str, household_id: str) -> dict[str, Any] | None:
    household = conn.execute("SELECT site_id FROM households WHERE id = ?", (household_id,)).fetchone()
    if household is None:
        return {"outcome": "rejected", "reason": reasons.household_unknown()}
    if household["site_id"] != site_id:
        return {"outcome": "rejected", "reason": reasons.household_other_site()}
    member = conn.execute(
        "SELECT 1 FROM persons WHERE person_id = ? AND household_id = ?", (person_id, household_id)
    ).fetchone()
    if member is None:
        return {"outcome": "rejected", "reason": reasons.not_in_household(person_id)}
    return None


# -- making notices ------------------------------------------------------------------------------------


def _make(
    conn: Connection, person_id: str, kind: NoticeKind, subject_id: str, facts: dict[str, Any], now: datetime
) -> bool:
    """A notice for a person who consented, once per thing; True when one was made."""
    if conn.execute("SELECT 1 FROM notice_consents WHERE person_id = ?", (person_id,)).fetchone() is None:
        return False
    made = conn.execute(
        "INSERT INTO notices (notice_id, person_id, kind, subject_id, facts, state, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?) ON CONFLICT (kind, subject_id, person_id) DO NOTHING",
        (str(uuid.uuid4()), person_id, kind.value, subject_id, compact_json(facts), fmt(now), fmt(now)),
    )
    return made.rowcount == 1


def request_ready(conn: Connection, request_id: str, now: datetime) -> None:
    """A concierge request became ready: "Votre pressing est prêt." to the person who asked, if they consented."""
    row = conn.execute("SELECT data FROM concierge_requests WHERE id = ?", (request_id,)).fetchone()
    data = json.loads(row["data"])
    service_row = conn.execute("SELECT data FROM concierge_services WHERE id = ?", (data["service_id"],)).fetchone()
    service = json.loads(service_row["data"]) if service_row else {}
    facts = {
        "service_id": data["service_id"],
        "name_fr": service.get("name_fr", data["service_id"]),
        "name_en": service.get("name_en", data["service_id"]),
        "hours_fr": service.get("hours_fr", ""),
        "hours_en": service.get("hours_en", ""),
    }
    _make(conn, data["person_id"], NoticeKind.READY, request_id, facts, now)


def plan_reminders(db: Database, now: datetime) -> int:
    """A reminder for each confirmed booking whose activity starts within two days, to each person of its
    household who consented; made once (a booking within the window is seen again at every pass)."""
    made = 0
    with db.write() as conn:
        rows = conn.execute(
            # The consents (few) stay the outer loop: never a scan of every booking.
            "SELECT c.person_id, b.id, s.start, s.place, o.data FROM notice_consents c "
            f"{dialect.join_in_order(conn.dialect)} bookings b ON b.household_id = c.household_id "
            "JOIN sessions s ON s.id = b.session_id "
            "JOIN offers o ON o.id = s.offer_id WHERE b.state = 'confirmed' AND s.start > ? AND s.start <= ?",
            (fmt(now)[:16], fmt(now + REMINDER_BEFORE)[:16]),
        ).fetchall()
        for row in rows:
            facts = {"title": json.loads(row["data"])["title"], "start": row["start"], "place": row["place"]}
            made += _make(conn, row["person_id"], NoticeKind.REMINDER, row["id"], facts, now)
    return made


def holiday_outcome(
    conn: Connection,
    household_id: str,
    request_id: str,
    title: str,
    outcome: str,
    answer_before: str | None,
    reason_fr: str,
    reason_en: str,
    now: datetime,
) -> int:
    """The centre's answer to a household's holiday-stay request (`outcome`: "proposed" with `answer_before`,
    "refused" with its reason, or "waitlisted"), to each person of the household who consented; each outcome
    of a request once (a place from the waiting list after "waitlisted" is told too). Call it in the
    allocation's transaction; returns how many notices were made."""
    facts = {
        "title": title,
        "outcome": outcome,
        "answer_before": answer_before,
        "reason_fr": reason_fr,
        "reason_en": reason_en,
    }
    people = conn.execute("SELECT person_id FROM notice_consents WHERE household_id = ?", (household_id,)).fetchall()
    subject = f"{request_id}:{outcome}"
    return sum(_make(conn, row["person_id"], NoticeKind.HOLIDAY_OUTCOME, subject, facts, now) for row in people)


# -- sending (one attempt recorded before the message leaves) ------------------------------------------


def claim_due(db: Database, now: datetime, limit: int = 50) -> list[Claimed]:
    """The notices due now (waiting, or `sending` past their retry time: a sender stopped mid-way), each
    with its attempt recorded and its next try planned, in one transaction of its own."""
    claimed = []
    with db.write() as conn:
        rows = conn.execute(
            "SELECT n.notice_id, n.kind, n.subject_id, n.facts, n.attempts, c.address, c.language FROM notices n "
            "JOIN notice_consents c ON c.person_id = n.person_id "
            "WHERE n.state IN ('waiting', 'sending') AND n.next_attempt_at <= ? ORDER BY n.next_attempt_at LIMIT ?",
            (fmt(now), limit),
        ).fetchall()
        for row in rows:
            attempt = row["attempts"] + 1
            if _outdated(conn, NoticeKind(row["kind"]), row["subject_id"], json.loads(row["facts"]), now):
                conn.execute(
                    "UPDATE notices SET state = 'expired', done_at = ? WHERE notice_id = ?",
                    (fmt(now), row["notice_id"]),
                )
                continue
            taken = conn.execute(
                "UPDATE notices SET state = 'sending', attempts = ?, next_attempt_at = ? "
                "WHERE notice_id = ? AND attempts = ? AND state IN ('waiting', 'sending')",
                (attempt, fmt(now + retry_after(attempt)), row["notice_id"], row["attempts"]),
            )
            if taken.rowcount != 1:  # another sender (PostgreSQL: another worker) claimed it first
                continue
            claimed.append(
                Claimed(
                    row["notice_id"],
                    NoticeKind(row["kind"]),
                    row["address"],
                    row["language"],
                    json.loads(row["facts"]),
                )
            )
    return claimed


def _outdated(conn: Connection, kind: NoticeKind, subject_id: str, facts: dict[str, Any], now: datetime) -> bool:
    """What a notice says is no longer true or of use: a reminder of a booking cancelled since, or that could not
    leave before its activity began; "ready" for a request handed over (or cancelled) since."""
    if kind is NoticeKind.REMINDER:
        booking = conn.execute("SELECT state FROM bookings WHERE id = ?", (subject_id,)).fetchone()
        return booking is None or booking["state"] != "confirmed" or parse_moment(facts["start"]) <= now
    if kind is NoticeKind.READY:
        request = conn.execute("SELECT state FROM concierge_requests WHERE id = ?", (subject_id,)).fetchone()
        return request is None or request["state"] != "ready"
    return False


def mark_sent(db: Database, notice_id: str, now: datetime) -> None:
    with db.write() as conn:
        conn.execute(
            "UPDATE notices SET state = 'sent', done_at = ?, last_error = NULL WHERE notice_id = ? "
            "AND state = 'sending'",
            (fmt(now), notice_id),
        )


def mark_failed(db: Database, notice_id: str, error: str, permanent: bool, now: datetime) -> None:
    """A permanent refusal is kept as `refused`; anything else waits for the try already planned."""
    with db.write() as conn:
        if permanent:
            conn.execute(
                "UPDATE notices SET state = 'refused', done_at = ?, last_error = ? WHERE notice_id = ? "
                "AND state = 'sending'",
                (fmt(now), error[:300], notice_id),
            )
        else:
            conn.execute(
                "UPDATE notices SET state = 'waiting', last_error = ? WHERE notice_id = ? AND state = 'sending'",
                (error[:300], notice_id),
            )


def record_bounce(db: Database, notice_id: str, said: str, now: datetime) -> bool:
    """A notice the recipient's mail system returned after accepting it: recorded as `bounced`, with its words;
    False when no such notice is kept (purged, or its consent taken back)."""
    with db.write() as conn:
        return (
            conn.execute(
                "UPDATE notices SET state = 'bounced', done_at = ?, last_error = ? WHERE notice_id = ?",
                (fmt(now), said, notice_id),
            ).rowcount
            == 1
        )


def purge_done(db: Database, now: datetime) -> int:
    """Records of notices sent, refused, bounced or expired over 30 days ago go."""
    with db.write() as conn:
        return conn.execute(
            "DELETE FROM notices WHERE state IN ('sent', 'refused', 'bounced', 'expired') AND done_at < ?",
            (fmt(now - KEEP_DONE),),
        ).rowcount


def summary(db: Database) -> list[Row]:
    """Every notice's state, for the administrator: no address, no name."""
    with db.read() as conn:
        return conn.execute(
            "SELECT notice_id, kind, subject_id, state, attempts, next_attempt_at, last_error, created_at, done_at "
            "FROM notices ORDER BY created_at, notice_id"
        ).fetchall()
