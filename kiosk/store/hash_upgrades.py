"""PIN and password hashes replaced here by stronger ones, so that a pull does not bring the old ones back.

The centre sends each person's hash as it has it; a hash of the older scheme (scrypt) is
replaced by an argon2id one when its owner signs in with the right secret
(kiosk/domain/household.py). The centre keeps sending the older hash until it has a new
one: while it sends the same older hash, the upgraded one is kept; a different hash from
the centre (a new PIN) wins.
"""

from __future__ import annotations

import sqlite_utils

from kiosk.store.database import transaction

# The hash to store for (owner, hash from the centre): the upgrade of that very hash, or the hash itself.
CURRENT_HASH_SQL = "coalesce((SELECT upgraded_hash FROM hash_upgrades WHERE owner = ? AND legacy_hash = ?), ?)"


def current_hash_params(owner: str, received: str | None) -> list[str | None]:
    """The parameters of CURRENT_HASH_SQL."""
    return [owner, received, received]


def record(db: sqlite_utils.Database, owner: str, legacy: str, upgraded: str, table: str, id_column: str,
           owner_id: str, hash_column: str) -> None:
    """Keep the upgrade, and put it in place of the legacy hash in `table`."""
    with transaction(db):
        db.execute("INSERT INTO hash_upgrades (owner, legacy_hash, upgraded_hash) VALUES (?, ?, ?) "
                   "ON CONFLICT (owner) DO UPDATE SET legacy_hash = excluded.legacy_hash, "
                   "upgraded_hash = excluded.upgraded_hash", [owner, legacy, upgraded])
        db.execute(f"UPDATE {table} SET {hash_column} = ? WHERE {id_column} = ? AND {hash_column} = ?",
                   [upgraded, owner_id, legacy])
