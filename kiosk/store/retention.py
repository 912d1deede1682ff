"""Only what offline work needs stays on the kiosk: the rest is pruned (DESIGN.md section 5).

Kept, because the kiosk works without the centre: the site's households (names to choose
participants, full birth dates because age limits are judged on the session's day, the
coefficient-social tier, card numbers and PIN hashes of card holders), the site's
correspondents (badges, logins and their hashes), bookings and concierge requests still
current, the outbox, and audit entries until the centre acknowledges them (purged then by
the sync engine). All personal fields are sealed (kiosk/store/sealing.py).

Pruned, at each start (`prune`): bookings whose session ended more than KEEP_AFTER ago (or,
their session no longer known, made that long ago) with the invitations to appreciate them and
the appreciations given of them — a confirmed booking whose participants may still give their
appreciation of it stays until that window closes (APPRECIATION_WINDOW after its session's end) —
concierge requests closed that long ago, and wrong-PIN counters whose lock has passed; and
(`prune_files`) the PDFs the kiosk generates written that long ago: vouchers, which carry
participants' names (a reprint writes its PDF again), help tickets, and paper (offer sheets,
stay-wish recaps, takings), one file a request or a day. Nothing still
waiting in the outbox is pruned: the centre's answer settles it first. The centre keeps the
record; a kiosk is not an archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from kiosk.domain.appreciation import APPRECIATION_WINDOW
from kiosk.domain.booking import BookingState
from kiosk.domain.concierge import FINAL_STATES
from kiosk.store.database import transaction

KEEP_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Pruned:
    bookings: int
    requests: int
    counters: int


def prune(db: sqlite_utils.Database, now: datetime) -> Pruned:
    limit = (now - KEEP_AFTER).isoformat(timespec="seconds")
    appreciable = (now - APPRECIATION_WINDOW).isoformat(timespec="seconds")
    with transaction(db):
        bookings = db.execute(
            "DELETE FROM bookings WHERE booking_id NOT IN "
            "(SELECT json_extract(payload, '$.booking_id') FROM outbox WHERE json_extract(payload, '$.booking_id') "
            'IS NOT NULL) AND coalesce((SELECT s."end" FROM sessions s WHERE s.id = bookings.session_id), '
            "bookings.created_at) < ? "
            "AND NOT (state = ? AND coalesce((SELECT s.\"end\" FROM sessions s WHERE s.id = bookings.session_id), '')"
            " >= ?)",
            [limit, BookingState.CONFIRMED.value, appreciable],
        ).rowcount
        # Who was invited to appreciate a booking, and who gave an appreciation of it, go with the booking
        # (one still to send stays until the centre has answered).
        db.execute("DELETE FROM appreciation_invitations WHERE booking_id NOT IN (SELECT booking_id FROM bookings)")
        db.execute(
            "DELETE FROM appreciations WHERE booking_id NOT IN (SELECT booking_id FROM bookings) AND appreciation_id "
            "NOT IN (SELECT json_extract(payload, '$.appreciation_id') FROM outbox "
            "WHERE json_extract(payload, '$.appreciation_id') IS NOT NULL)"
        )
        finals = sorted(state.value for state in FINAL_STATES)
        requests = db.execute(
            f"DELETE FROM concierge_requests WHERE state IN ({','.join('?' * len(finals))}) AND updated_at < ? "
            "AND request_id NOT IN (SELECT json_extract(payload, '$.request_id') FROM outbox "
            "WHERE json_extract(payload, '$.request_id') IS NOT NULL)",
            [*finals, limit],
        ).rowcount
        stamp = now.isoformat(timespec="seconds")
        counters = db.execute(
            "DELETE FROM pin_failures WHERE locked_until IS NOT NULL AND locked_until < ?", [stamp]
        ).rowcount
        counters += db.execute(
            "DELETE FROM staff_failures WHERE locked_until IS NOT NULL AND locked_until < ?", [stamp]
        ).rowcount
    return Pruned(bookings, requests, counters)


def prune_files(folder: Path, now: datetime, pattern: str = "*.pdf") -> int:
    """Remove the files of `folder` matching `pattern` last written more than KEEP_AFTER before `now`; how many."""
    limit = (now - KEEP_AFTER).timestamp()
    removed = 0
    for path in folder.glob(pattern):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
