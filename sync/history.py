"""The marks of the centre's feed history this kiosk holds (sync/server/history.py): the one saved with its
cursor and the one of the last push the centre answered. It names them with each push and pull (the centre
refuses what comes from a history it lost: a restore) and with each heartbeat (the centre keeps them while
the kiosk may name them, however long it stays away)."""

from __future__ import annotations

import sqlite_utils

from kiosk.store.state import read_state

PAGE_MARK = "sync_mark"  # the mark of the history up to the saved cursor, saved with it
PUSH_MARK = "sync_push_mark"  # the mark of the last push the centre answered


def held_marks(db: sqlite_utils.Database, page_mark: str | None) -> tuple[str, ...]:
    """The marks a push, a pull or a heartbeat names: `page_mark` (its page's) and the last push's."""
    return tuple(mark for mark in (page_mark, read_state(db, PUSH_MARK)) if mark)
