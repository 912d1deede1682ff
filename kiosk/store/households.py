"""Households and card holders of this site, and wrong-PIN counts per card."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from kiosk.domain.household import Household, Person, Role
from kiosk.store.database import transaction
from kiosk.store.hash_upgrades import current_hash_sql, record

# Personal fields are sealed in the table (kiosk/store/sealing.py): read them through unseal().
PERSON_COLUMNS = (
    "person_id, household_id, position, unseal(first_name, person_id) AS first_name, "
    "unseal(last_name, person_id) AS last_name, unseal(birth_date, person_id) AS birth_date, role, "
    "unseal(card_sealed, person_id) AS card_number, unseal(pin_hash, person_id) AS pin_hash"
)


def replace_households(db: sqlite_utils.Database, households: list[Household]) -> None:
    with transaction(db):
        db.execute("DELETE FROM persons")
        db.execute("DELETE FROM households")
        for household in households:
            _insert(db, household)


def _insert(db: sqlite_utils.Database, household: Household) -> None:
    db.execute(
        "INSERT INTO households VALUES (?, ?, ?, ?)",
        [household.household_id, household.tier, household.cmcas, household.slvie],
    )
    db.conn.executemany(
        "INSERT INTO persons (person_id, household_id, position, first_name, last_name, birth_date, role, "
        "card_number, card_sealed, pin_hash) VALUES (?1, ?2, ?3, seal(?4, ?1), seal(?5, ?1), seal(?6, ?1), ?7, "
        f"blind_index(?8), seal(?8, ?1), {current_hash_sql('?9', '?10', '?1')})",
        [
            (
                p.person_id,
                household.household_id,
                i,
                p.first_name,
                p.last_name,
                p.birth_date.isoformat(),
                p.role.value,
                p.card_number,
                f"person:{p.person_id}",
                p.pin_hash,
            )
            for i, p in enumerate(household.members)
        ],
    )


def upgrade_pin_hash(db: sqlite_utils.Database, person_id: str, legacy: str, upgraded: str) -> None:
    """The person's PIN hash replaced by a stronger one (kept through pulls of the same older hash)."""
    record(db, f"person:{person_id}", legacy, upgraded, "persons", "person_id", person_id, "pin_hash")


def load_household(db: sqlite_utils.Database, household_id: str) -> Household | None:
    rows = list(db.query("SELECT * FROM households WHERE household_id = ?", [household_id]))
    if not rows:
        return None
    members = tuple(
        Person(
            person_id=r["person_id"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            birth_date=date.fromisoformat(r["birth_date"]),
            role=Role(r["role"]),
            card_number=r["card_number"],
            pin_hash=r["pin_hash"],
        )
        for r in db.query(
            f"SELECT {PERSON_COLUMNS} FROM persons WHERE household_id = ? ORDER BY position", [household_id]
        )
    )
    h = rows[0]
    return Household(h["household_id"], h["tier"], h["cmcas"], h["slvie"], members)


def find_card_holder(db: sqlite_utils.Database, card_number: str) -> tuple[Household, Person] | None:
    row = db.execute(
        "SELECT household_id, person_id FROM persons WHERE card_number = blind_index(?)", [card_number]
    ).fetchone()
    if row is None:
        return None
    household = load_household(db, row[0])
    person = household.member(row[1]) if household else None
    return None if household is None or person is None else (household, person)


def upsert_household(db: sqlite_utils.Database, household: Household) -> None:
    """Inside the caller's transaction (a pulled page)."""
    remove_household(db, household.household_id)
    _insert(db, household)


def remove_household(db: sqlite_utils.Database, household_id: str) -> None:
    db.execute("DELETE FROM persons WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM households WHERE household_id = ?", [household_id])
