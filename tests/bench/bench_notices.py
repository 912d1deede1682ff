"""E-mail notices at the centre's scale, against a real SMTP server on loopback (not collected by pytest).

    .venv/bin/python -m tests.bench.bench_notices [--bookings 100000] [--consents 2000] [--json]

A centre with many confirmed bookings (a tenth of them two days away) and a few thousand consents:
times the sender's pass that plans the reminders when there is nothing new (what every pass costs),
the pass that makes them, and one pass sending them all through aiosmtpd (claiming, writing each
message, handing it over, marking it sent).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sync.server import notices
from sync.server.clock import fmt, fmt_catalog, local_now
from sync.server.db import Database, compact_json
from sync.server.mailer import MailSettings, send_due
from tests.server.smtp import SmtpServer


def fill(db: Database, bookings: int, consents: int) -> None:
    now = local_now()
    with db.write() as conn:
        conn.execute(
            "INSERT INTO offers (id, data, booking_mode, cancel_days_before) VALUES ('O', ?, 'direct', 2)",
            (compact_json({"title": "Sortie au théâtre des Célestins"}),),
        )
        for index in range(100):  # a tenth of the sessions start within two days
            start = now + (timedelta(days=1) if index < 10 else timedelta(days=20 + index))
            conn.execute(
                'INSERT INTO sessions (id, offer_id, position, start, "end", place, capacity) '
                "VALUES (?, 'O', ?, ?, ?, 'Salle des fêtes', 10000)",
                (f"S{index}", index, fmt_catalog(start), fmt_catalog(start + timedelta(hours=2))),
            )
        conn.executemany(
            "INSERT INTO bookings (id, session_id, household_id, site_id, kiosk_id, participants, tier, total_cents, "
            "kiosk_state, state, created_at, decided_at) VALUES (?, ?, ?, 'SITE', 'K', '[]', 1, 0, 'confirmed', "
            "'confirmed', ?, ?)",
            [(f"B{n}", f"S{n % 100}", f"H{n % 50_000}", fmt(now), fmt(now)) for n in range(bookings)],
        )
        conn.executemany(
            "INSERT INTO notice_consents (person_id, household_id, site_id, address, language, given_at) "
            "VALUES (?, ?, 'SITE', ?, ?, ?)",
            [
                (f"P{n}", f"H{n * 25}", f"person{n}@orange.fr", "fr" if n % 3 else "en", fmt(now))
                for n in range(consents)
            ],
        )


def run(bookings: int, consents: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "central.sqlite3")
        fill(db, bookings, consents)
        began = time.perf_counter()
        made = notices.plan_reminders(db, local_now())
        figures["reminders_made"] = made
        figures["plan_reminders_first_pass_ms"] = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        notices.plan_reminders(db, local_now())
        figures["plan_reminders_nothing_new_ms"] = (time.perf_counter() - began) * 1000
        smtp = SmtpServer()
        smtp.start()
        try:
            settings = MailSettings(host="127.0.0.1", port=smtp.port, security="none", sender="avis@slvie.example")
            began = time.perf_counter()
            sent = send_due(db, settings, local_now).sent  # one pass sends all that is due
            elapsed = time.perf_counter() - began
        finally:
            smtp.stop()
        figures["sent"] = sent
        figures["received_by_smtp_server"] = len(smtp.mailbox.received)
        figures["send_per_notice_ms"] = elapsed / max(sent, 1) * 1000
        db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--consents", type=int, default=2_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.bookings, args.consents)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:<32} {value:.1f}" if isinstance(value, float) else f"{name:<32} {value}")


if __name__ == "__main__":
    main()
