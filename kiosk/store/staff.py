"""The site's correspondents in the local store, and wrong sign-ins per account at this kiosk."""

from __future__ import annotations

import sqlite_utils

from kiosk.domain.staff import Correspondent
from kiosk.store.database import Row, transaction


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
        "DELETE FROM correspondents WHERE staff_id = ? OR badge_number = ? OR login = ?",
        [person.staff_id, person.badge_number, person.login],
    )
    db.execute(
        "INSERT INTO correspondents VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            person.staff_id,
            person.display_name,
            person.badge_number,
            person.pin_hash,
            person.login,
            person.password_hash,
            person.active,
        ],
    )


def remove_correspondent(db: sqlite_utils.Database, staff_id: str) -> None:
    db.execute("DELETE FROM correspondents WHERE staff_id = ?", [staff_id])


def load_correspondent(db: sqlite_utils.Database, staff_id: str) -> Correspondent | None:
    rows = list(db.query("SELECT * FROM correspondents WHERE staff_id = ?", [staff_id]))
    return _row(rows[0]) if rows else None


def find_by_badge(db: sqlite_utils.Database, badge_number: str) -> Correspondent | None:
    rows = list(db.query("SELECT * FROM correspondents WHERE badge_number = ?", [badge_number]))
    return _row(rows[0]) if rows else None


def find_by_login(db: sqlite_utils.Database, login: str) -> Correspondent | None:
    rows = list(db.query("SELECT * FROM correspondents WHERE login = ?", [login]))
    return _row(rows[0]) if rows else None


def count_staff(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM correspondents").fetchone()[0])


def list_staff(db: sqlite_utils.Database) -> list[Correspondent]:
    return [_row(r) for r in db.query("SELECT * FROM correspondents ORDER BY display_name, staff_id")]
