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


def current_hash_sql(owner: str, received: str, owner_id: str) -> str:
    """SQL giving the sealed hash to store for a hash received from the centre: the upgrade of that very
    hash, or the hash itself. Arguments are SQL expressions (numbered parameters). The older hash is kept
    only as its digest; the upgrade is sealed like the column it goes in."""
    return (
        f"coalesce((SELECT upgraded_hash FROM hash_upgrades WHERE owner = {owner} "
        f"AND legacy_hash = digest({received})), seal({received}, {owner_id}))"
    )


def record(
    db: sqlite_utils.Database,
    owner: str,
    legacy: str,
    upgraded: str,
    table: str,
    id_column: str,
    owner_id: str,
    hash_column: str,
) -> None:
    """Keep the upgrade, and put it in place of the legacy hash in `table`."""
    with transaction(db):
        db.execute(
            "INSERT INTO hash_upgrades (owner, legacy_hash, upgraded_hash) VALUES (?, digest(?), seal(?, ?)) "
            "ON CONFLICT (owner) DO UPDATE SET legacy_hash = excluded.legacy_hash, "
            "upgraded_hash = excluded.upgraded_hash",
            [owner, legacy, upgraded, owner_id],
        )
        db.execute(
            f"UPDATE {table} SET {hash_column} = seal(?, {id_column}) WHERE {id_column} = ? "
            f"AND unseal({hash_column}, {id_column}) = ?",
            [upgraded, owner_id, legacy],
        )
