"""The site's correspondents in the local store, and wrong sign-ins per account at this kiosk."""

from __future__ import annotations

import sqlite_utils

from kiosk.domain.staff import Correspondent
from kiosk.store.database import Row, transaction
from kiosk.store.hash_upgrades import current_hash_sql, record

# Badge numbers and hashes are sealed in the table (kiosk/store/sealing.py): read them through unseal().
STAFF_COLUMNS = (
    "staff_id, display_name, unseal(badge_sealed, staff_id) AS badge_number, "
    "unseal(pin_hash, staff_id) AS pin_hash, login, unseal(password_hash, staff_id) AS password_hash, "
    "active"
)


def _row(r: Row) -> Correspondent:
    return Correspondent(
        r["staff_id"],
        r["display_name"],
        r["badge_number"],
        r["pin_hash"],
        r["login"],
        r["password_hash"],
        bool(r["active"]),
    )


def replace_staff(db: sqlite_utils.Database, staff: list[Correspondent]) -> None:
    """The whole list of the site's correspondents (seeding a demo kiosk)."""
    with transaction(db):
        db.execute("DELETE FROM correspondents")
        for person in staff:
            upsert_correspondent(db, person)


def upsert_correspondent(db: sqlite_utils.Database, person: Correspondent) -> None:
    """Inside the caller's transaction (a pulled page). A badge or login moved to someone else follows them."""
    db.execute(
        "DELETE FROM correspondents WHERE staff_id = ? OR badge_number = blind_index(?) OR login = ?",
        [person.staff_id, person.badge_number, person.login],
    )
    db.execute(
        "INSERT INTO correspondents (staff_id, display_name, badge_number, badge_sealed, pin_hash, login, "
        "password_hash, active) VALUES (?1, ?2, blind_index(?3), seal(?3, ?1), "
        f"{current_hash_sql('?4', '?5', '?1')}, ?6, {current_hash_sql('?7', '?8', '?1')}, ?9)",
        [
            person.staff_id,
            person.display_name,
            person.badge_number,
            f"staff-pin:{person.staff_id}",
            person.pin_hash,
            person.login,
            f"staff-password:{person.staff_id}",
            person.password_hash,
            person.active,
        ],
    )


def upgrade_hash(db: sqlite_utils.Database, staff_id: str, column: str, legacy: str, upgraded: str) -> None:
    """A correspondent's `pin_hash` or `password_hash` replaced by a stronger one (kept through pulls)."""
    owner = {"pin_hash": "staff-pin", "password_hash": "staff-password"}[column]
    record(db, f"{owner}:{staff_id}", legacy, upgraded, "correspondents", "staff_id", staff_id, column)


def remove_correspondent(db: sqlite_utils.Database, staff_id: str) -> None:
    db.execute("DELETE FROM correspondents WHERE staff_id = ?", [staff_id])


def load_correspondent(db: sqlite_utils.Database, staff_id: str) -> Correspondent | None:
    rows = list(db.query(f"SELECT {STAFF_COLUMNS} FROM correspondents WHERE staff_id = ?", [staff_id]))
    return _row(rows[0]) if rows else None


def find_by_badge(db: sqlite_utils.Database, badge_number: str) -> Correspondent | None:
    rows = list(
        db.query(f"SELECT {STAFF_COLUMNS} FROM correspondents WHERE badge_number = blind_index(?)", [badge_number])
    )
    return _row(rows[0]) if rows else None


def find_by_login(db: sqlite_utils.Database, login: str) -> Correspondent | None:
    rows = list(db.query(f"SELECT {STAFF_COLUMNS} FROM correspondents WHERE login = ?", [login]))
    return _row(rows[0]) if rows else None


def count_staff(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM correspondents").fetchone()[0])


def list_staff(db: sqlite_utils.Database) -> list[Correspondent]:
    return [_row(r) for r in db.query(f"SELECT {STAFF_COLUMNS} FROM correspondents ORDER BY display_name, staff_id")]
