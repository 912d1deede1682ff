"""Which history of the feed a kiosk has seen, and whether this centre still holds it.

A centre restored by copying back an older database file (without `slvie-central backup` or
`reset-epoch`) keeps its feed epoch and numbers its changes again from the copy's last seq: a kiosk's
cursor may soon name changes it never saw, and what the kiosk pushed after the copy is gone. The epoch
cannot tell; marks can. Every write transaction that numbers changes, and every push, leaves a random
mark with the feed's last seq then (`Connection.history_mark`, in the feed lock's step, so marks are
made in commit order). A page carries the newest mark of the feed as it was read (made when the feed
had reached the page's cursor or beyond), a push answer its own: holding a mark, a centre holds every
change numbered up to it and every push answered before it. The restored centre holds none of the
marks made after its copy, nor those any kiosk got since.

A kiosk names what it has seen with each push and pull (its epoch, cursor and marks); the centre refuses
before applying anything (409 `history_unknown`) when it does not hold it all, and the kiosk then
resynchronises as for a new epoch (docs/sync-protocol.md, "A centre restored from a backup").

Marks are not kept for ever (`forget_unneeded`, at each pass of the centre's housekeeping): only the
newest MARKS_KEPT, and every mark a kiosk may still name. A kiosk holds two marks, its saved page's and
its last push's; it names them with its heartbeat at the end of each cycle, and a push names those it
holds and is answered a new one: `kiosk_marks` keeps, per kiosk, the latest of these (`held_by`). So a
kiosk that stays away for weeks is still recognised when it comes back. Pruning only deletes: a restored
centre never holds a mark it did not make, so it is told as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.server.db import FEED_EPOCH, Connection, get_meta

# The newest marks, kept whoever holds them: answers on their way, kiosks between an answer and their
# heartbeat. About five minutes of a thousand kiosks' pushes; days at a site's pace.
MARKS_KEPT = 10_000
FORGET_BATCH = 5_000  # marks deleted at most per housekeeping pass: a short write, whatever the backlog


class HistoryUnknown(Exception):
    """The kiosk has seen a history of the feed this centre does not hold (restored from an older copy)."""


def newest_mark(conn: Connection) -> str:
    """The mark of the latest write this snapshot sees: made once the feed reached every cursor it can give.
    The newest, not the one that numbered a page's cursor: that may be an old mark housekeeping deletes
    before the kiosk names it."""
    row = conn.execute("SELECT mark FROM feed_marks ORDER BY made DESC LIMIT 1").fetchone()
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


def held_by(conn: Connection, kiosk_id: str, marks: Sequence[str]) -> None:
    """The marks `kiosk_id` may name next (those it named, and the one it is answered): kept while it may."""
    held = sorted({mark for mark in marks if mark})
    conn.execute(
        "DELETE FROM kiosk_marks WHERE kiosk_id = ?"
        + (f" AND mark NOT IN ({', '.join('?' * len(held))})" if held else ""),
        (kiosk_id, *held),
    )
    conn.executemany(
        "INSERT INTO kiosk_marks (kiosk_id, mark) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(kiosk_id, mark) for mark in held],
    )


def forget_unneeded(conn: Connection, kept: int = MARKS_KEPT, batch: int = FORGET_BATCH) -> int:
    """Delete the oldest marks no kiosk may name any more (at most `batch`), keeping the newest `kept`; the
    marks of revoked kiosks are no longer held. Returns how many marks went."""
    conn.execute("DELETE FROM kiosk_marks WHERE kiosk_id IN (SELECT id FROM kiosks WHERE revoked_at IS NOT NULL)")
    newest_forgettable = conn.execute(
        "SELECT made FROM feed_marks ORDER BY made DESC LIMIT 1 OFFSET ?", (kept,)
    ).fetchone()
    if newest_forgettable is None:
        return 0
    forgotten: int = conn.execute(
        "DELETE FROM feed_marks WHERE made IN (SELECT f.made FROM feed_marks f WHERE f.made <= ? AND NOT EXISTS "
        "(SELECT 1 FROM kiosk_marks k WHERE k.mark = f.mark) ORDER BY f.made LIMIT ?)",
        (newest_forgettable[0], batch),
    ).rowcount
    return forgotten
