"""The feed epoch: which numbering of the change sequence a cursor belongs to.

A cursor is only meaningful against the database that issued it. A centre
restored from a backup numbers its changes again from the backup's last seq, so
a kiosk's saved cursor may later name changes it never saw. Every page carries
the epoch, a random id kept in the database's meta table; a kiosk that sees
another epoch than the one it saved pulls again from cursor 0.

It is made with a new database, made again by `slvie-central reset-epoch` (to run
after restoring a file by any other means), and a copy made by `slvie-central
backup` carries a new one of its own, so that restoring that copy is enough.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.server.db import FEED_EPOCH, CentralDatabaseError, Database, new_epoch, set_meta


def reset(db: Database) -> str:
    epoch = new_epoch()
    with db.write() as conn:
        set_meta(conn, FEED_EPOCH, epoch)
    return epoch


def backup(db: Database, target: Path) -> str:
    """A consistent copy of the database at `target`, with an epoch never served: restoring it needs nothing more."""
    if db.path is None:
        raise CentralDatabaseError("error.central.epoch.backup_of_postgresql")
    if target.exists():
        target.unlink()
    copy = sqlite3.connect(target, isolation_level=None)
    try:
        with db.engine.connect() as connection:
            connection.connection.dbapi_connection.backup(copy)  # type: ignore[union-attr]
        epoch = new_epoch()
        copy.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (FEED_EPOCH, epoch),
        )
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
    return epoch
