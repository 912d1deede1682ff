"""Which history of the feed a kiosk has seen, and whether this centre still holds it.

A centre restored by copying back an older database file (without `slvie-central backup` or
`reset-epoch`) keeps its feed epoch and numbers its changes again from the copy's last seq: a kiosk's
cursor may soon name changes it never saw, and what the kiosk pushed after the copy is gone. The epoch
cannot tell; marks can. Every write transaction that numbers changes, and every push, leaves a random
mark with the feed's last seq then (`Connection.history_mark`, in the feed lock's step). A page carries
the mark of the transaction that wrote its cursor's change, a push answer its own: holding a mark, a
centre holds every change numbered up to it and every push answered before it. The restored centre
holds none of the marks made after its copy, nor those any kiosk got since.

A kiosk names what it has seen with each push and pull (its epoch, cursor and marks); the centre refuses
before applying anything (409 `history_unknown`) when it does not hold it all, and the kiosk then
resynchronises as for a new epoch (docs/sync-protocol.md, "A centre restored from a backup").
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.server.db import FEED_EPOCH, Connection, get_meta


class HistoryUnknown(Exception):
    """The kiosk has seen a history of the feed this centre does not hold (restored from an older copy)."""


def page_mark(conn: Connection, cursor: int) -> str:
    """The mark of the transaction that numbered change `cursor` (the first one at or after it)."""
    row = conn.execute(
        "SELECT mark FROM feed_marks WHERE last_seq >= ? ORDER BY last_seq LIMIT 1", (cursor,)
    ).fetchone()
    return "" if row is None else str(row[0])


def check(conn: Connection, marks: Sequence[str], epoch: str | None = None, cursor: int = 0) -> None:
    """Raise HistoryUnknown unless this centre holds what the kiosk has seen: every mark it names, the same
    epoch (when it names one), a feed reaching its cursor."""
    if epoch is not None and epoch != get_meta(conn, FEED_EPOCH, ""):
        raise HistoryUnknown()
    if cursor > conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]:
        raise HistoryUnknown()
    wanted = sorted({mark for mark in marks if mark})
    if wanted:
        held = conn.execute(
            f"SELECT COUNT(*) FROM feed_marks WHERE mark IN ({', '.join('?' * len(wanted))})", wanted
        ).fetchone()[0]
        if held != len(wanted):
            raise HistoryUnknown()
