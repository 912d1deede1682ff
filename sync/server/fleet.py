"""Fleet health: each kiosk's latest heartbeat, 30 days of history, and a state per kiosk with why.

A kiosk sends a heartbeat with each sync cycle (docs/sync-protocol.md, "Heartbeat"). The centre
keeps the latest one per kiosk, and a history row whenever the kiosk's state or its reasons change,
and at least every HISTORY_EVERY; rows older than HISTORY_KEPT are pruned as new ones are written.

A state is judged when it is read, so a kiosk that falls silent turns red without sending anything:
red — something a beneficiary notices now (no kiosk, no voucher, soon no room to write);
amber — worth a look before it gets worse; green — nothing to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.i18n import Text
from sync.server import dialect
from sync.server.clock import fmt, parse_moment
from sync.server.db import Database, Row
from sync.wire import Heartbeat

GREEN, AMBER, RED = "green", "amber", "red"
STATES = (RED, AMBER, GREEN)  # worst first
SILENT_AFTER = timedelta(minutes=15)
WAITING_TOO_LONG = timedelta(minutes=15)
SKEW_LIMIT = timedelta(minutes=2)
DISK_NEARLY_FULL_BYTES = 200 * 1024 * 1024  # where `slvie-kiosk doctor` sees a problem too
HISTORY_EVERY = timedelta(minutes=15)
HISTORY_KEPT = timedelta(days=30)

PRINTER_WORDS = {  # printer condition → what follows "Imprimante : " / "Printer: "
    "paper_out": "fleet.printer.paper_out",
    "jammed": "fleet.printer.jammed",
    "open": "fleet.printer.open",
    "offline": "fleet.printer.offline",
    "fault": "fleet.printer.fault",
    "stopped": "fleet.printer.stopped",
    "missing": "fleet.printer.missing",
    "not_configured": "fleet.printer.not_configured",
    "unknown": "fleet.printer.unknown",
}


@dataclass(frozen=True)
class Reason:
    level: str  # RED or AMBER
    code: str
    text: Text

    @property
    def fr(self) -> str:
        return self.text.message("fr")

    @property
    def en(self) -> str:
        return self.text.message("en")


@dataclass(frozen=True)
class KioskHealth:
    kiosk_id: str
    site_id: str
    name: str
    state: str
    reasons: tuple[Reason, ...]
    received_at: datetime | None  # the latest heartbeat, by the centre's clock
    skew_seconds: int | None
    heartbeat: Heartbeat | None


def record_heartbeat(db: Database, kiosk_id: str, heartbeat: Heartbeat, now: datetime) -> None:
    """Keep a kiosk's latest heartbeat, and its history when due."""
    skew = round((parse_moment(heartbeat.sent_at) - now).total_seconds())
    reasons = judge(heartbeat, now, skew, now, now)
    state = state_of(reasons)
    summary = " ".join([state, *sorted(reason.code for reason in reasons)])
    text = heartbeat.model_dump_json()
    with db.write() as conn:
        dialect.commit_without_waiting(conn)  # a heartbeat lost in a crash is followed by the next one
        row = conn.execute(
            "SELECT history_at, history_state FROM kiosk_health WHERE kiosk_id = ?", (kiosk_id,)
        ).fetchone()
        due = row is None or row[1] != summary or parse_moment(row[0]) <= now - HISTORY_EVERY
        conn.execute(
            "INSERT INTO kiosk_health (kiosk_id, received_at, skew_seconds, heartbeat, history_at, history_state) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, "
            "skew_seconds = excluded.skew_seconds, heartbeat = excluded.heartbeat, "
            "history_at = excluded.history_at, history_state = excluded.history_state",
            (kiosk_id, fmt(now), skew, text, fmt(now) if due else row[0], summary),
        )
        if due:
            conn.execute(
                "INSERT INTO kiosk_health_history (kiosk_id, received_at, skew_seconds, heartbeat, state) "
                "VALUES (?, ?, ?, ?, ?)",
                (kiosk_id, fmt(now), skew, text, state),
            )
            conn.execute("DELETE FROM kiosk_health_history WHERE received_at < ?", (fmt(now - HISTORY_KEPT),))


def fleet(db: Database, now: datetime) -> list[KioskHealth]:
    """Every kiosk not revoked, worst first: by state, then the most reasons, the longest silent, the id."""
    with db.read() as conn:
        rows = conn.execute(
            "SELECT k.id, k.site_id, k.name, k.enrolled_at, h.received_at, h.skew_seconds, h.heartbeat "
            "FROM kiosks k LEFT JOIN kiosk_health h ON h.kiosk_id = k.id WHERE k.revoked_at IS NULL"
        ).fetchall()
    kiosks = [_health(row, now) for row in rows]
    return sorted(
        kiosks, key=lambda k: (STATES.index(k.state), -len(k.reasons), k.received_at or datetime.min, k.kiosk_id)
    )


def history(db: Database, kiosk_id: str) -> list[Row]:
    """A kiosk's kept heartbeats, oldest first: received_at, skew_seconds, heartbeat (JSON), state."""
    return db.query(
        "SELECT received_at, skew_seconds, heartbeat, state FROM kiosk_health_history WHERE kiosk_id = ? "
        "ORDER BY received_at",
        (kiosk_id,),
    )


def count_by_state(kiosks: list[KioskHealth]) -> dict[str, int]:
    return {state: sum(kiosk.state == state for kiosk in kiosks) for state in STATES}


def state_of(reasons: tuple[Reason, ...]) -> str:
    levels = {reason.level for reason in reasons}
    return RED if RED in levels else AMBER if AMBER in levels else GREEN


def _health(row: Row, now: datetime) -> KioskHealth:
    heartbeat = Heartbeat.model_validate_json(row["heartbeat"]) if row["heartbeat"] else None
    received = parse_moment(row["received_at"]) if row["received_at"] else None
    reasons = judge(heartbeat, received, row["skew_seconds"], parse_moment(row["enrolled_at"]), now)
    return KioskHealth(
        row["id"], row["site_id"], row["name"], state_of(reasons), reasons, received, row["skew_seconds"], heartbeat
    )


def judge(
    heartbeat: Heartbeat | None, received: datetime | None, skew_seconds: int | None, enrolled: datetime, now: datetime
) -> tuple[Reason, ...]:
    """Why a kiosk is not green, worst first (none: green)."""
    if heartbeat is None or received is None:
        since = now - enrolled
        if since < SILENT_AFTER:
            return (Reason(AMBER, "no_heartbeat_yet", Text("fleet.no_heartbeat_yet")),)
        return (Reason(RED, "silent", Text("fleet.silent_since_enrolment", since=Duration(since))),)
    reasons: list[Reason] = []
    elapsed = max(now - received, timedelta(0))
    if elapsed >= SILENT_AFTER:
        reasons.append(Reason(RED, "silent", Text("fleet.silent", since=Duration(elapsed))))
    if heartbeat.printer != "ready":
        printer = Text(PRINTER_WORDS[heartbeat.printer])
        reasons.append(Reason(RED, f"printer_{heartbeat.printer}", Text("fleet.printer", state=printer)))
    if heartbeat.disk_free_bytes < DISK_NEARLY_FULL_BYTES:
        megabytes = heartbeat.disk_free_bytes // (1024 * 1024)
        reasons.append(Reason(RED, "disk_nearly_full", Text("fleet.disk_nearly_full", megabytes=megabytes)))
    oldest = heartbeat.oldest_waiting_seconds
    if oldest is not None and timedelta(seconds=oldest) + elapsed > WAITING_TOO_LONG:
        age = timedelta(seconds=oldest) + elapsed
        reasons.append(
            Reason(
                AMBER, "waiting_too_long", Text("fleet.waiting_too_long", waiting=heartbeat.waiting, age=Duration(age))
            )
        )
    parked = heartbeat.parked
    if parked:
        reasons.append(Reason(AMBER, "parked", Text("fleet.parked", parked=parked)))
    if skew_seconds is not None and abs(skew_seconds) > SKEW_LIMIT.total_seconds():
        off = "fleet.clock_ahead" if skew_seconds > 0 else "fleet.clock_behind"
        reasons.append(Reason(AMBER, "clock_off", Text(off, seconds=abs(skew_seconds))))
    error, last_sync = heartbeat.last_error, heartbeat.last_sync_seconds
    if error is not None and (last_sync is None or error.seconds < last_sync):
        reasons.append(Reason(AMBER, "sync_failing", Text("fleet.sync_failing", code=error.code)))
    return tuple(sorted(reasons, key=lambda reason: STATES.index(reason.level)))


@dataclass(frozen=True)
class Duration:
    """How long, as IT reads it on the fleet page: minutes, then hours, then days."""

    span: timedelta

    def message(self, language: str) -> str:
        minutes = int(self.span.total_seconds() // 60)
        if minutes < 120:
            return Text("fleet.minutes", minutes=minutes).message(language)
        hours = minutes // 60
        if hours < 48:
            return Text("fleet.hours", hours=hours).message(language)
        return Text("fleet.days", days=hours // 24).message(language)
