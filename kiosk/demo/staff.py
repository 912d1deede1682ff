"""Demo correspondents for the demo kiosk and the reference server (`assets/demo/staff.json`).

Demo credentials (assisted mode, site DEMO-LYON-PARTDIEU):

| correspondent  | badge (scan or type) | PIN  | login          | password                 |
|----------------|----------------------|------|----------------|--------------------------|
| Sophie Durand  | 9000000000019        | 2468 | sophie.durand  | Conciergerie-Lyon-2026   |
| Marc Petit     | 9000000000027        | 1357 | —              | —                        |
| Nadia Haddad   | —                    | —    | nadia.haddad   | Velo&Pressing2026        |

Badges are 13 digits with a Luhn check digit, like beneficiary cards, starting with 9
so they never collide with a card; a badge's QR code holds "ACTIV:" and the number.
Only argon2id hashes are written to the file (salts fixed from the staff id, so the same
arguments always give the same bytes). Run
`python -m kiosk.demo.staff --out assets/demo/staff.json` to write it again.
"""

from __future__ import annotations

import hashlib

from kiosk.demo.files import write_document_command
from kiosk.domain.household import luhn_check_digit
from kiosk.domain.staff import STAFF_FORMAT, hash_password, hash_staff_pin

# (staff id, display name, badge index or None, PIN or None, login or None, password or None)
STAFF = [
    ("S-0001", "Sophie Durand", 1, "2468", "sophie.durand", "Conciergerie-Lyon-2026"),
    ("S-0002", "Marc Petit", 2, "1357", None, None),
    ("S-0003", "Nadia Haddad", None, None, "nadia.haddad", "Velo&Pressing2026"),
]


def badge_number(index: int) -> str:
    body = f"9{index:011d}"
    return body + luhn_check_digit(body)


def _salt(staff_id: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{staff_id}:{purpose}".encode()).digest()[:16]


def generate_staff() -> dict:
    staff = []
    for staff_id, name, badge, pin, login, password in STAFF:
        staff.append(
            {
                "staff_id": staff_id,
                "display_name": name,
                "badge_number": badge_number(badge) if badge else None,
                "pin_hash": hash_staff_pin(pin, _salt(staff_id, "pin")) if pin else None,
                "login": login,
                "password_hash": hash_password(password, login, _salt(staff_id, "password")) if password else None,
                "active": True,
            }
        )
    return {"format": STAFF_FORMAT, "staff": staff}


def main(argv: list[str] | None = None) -> int:
    return write_document_command("python -m kiosk.demo.staff", generate_staff, argv)


if __name__ == "__main__":
    raise SystemExit(main())
