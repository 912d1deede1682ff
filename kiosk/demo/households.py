"""Demo households for the demo kiosk and the reference server (`assets/demo/households.json`).

Every demo card's PIN is 1234. Run `python -m kiosk.demo.households --out assets/demo/households.json`
to write the file again; the same arguments always give the same bytes.
"""

from __future__ import annotations

import hashlib

from kiosk.demo.files import write_document_command
from kiosk.domain.household import HOUSEHOLDS_FORMAT, hash_pin, luhn_check_digit

DEMO_PIN = "1234"
CMCAS, SLVIE = "CMCAS Lyon", "SLVie Lyon Part-Dieu"

# (tier, members as (first name, last name, birth date, role))
FAMILIES = [
    (
        3,
        [
            ("Claire", "Martin", "1978-04-02", "ouvrant_droit"),
            ("Julien", "Martin", "1976-11-15", "conjoint"),
            ("Léa", "Martin", "2012-06-21", "enfant"),
            ("Hugo", "Martin", "2016-02-09", "enfant"),
        ],
    ),
    (
        5,
        [
            ("Karim", "Benali", "1985-09-30", "ouvrant_droit"),
            ("Sofia", "Benali", "1987-01-12", "conjoint"),
            ("Inès", "Benali", "2010-03-05", "enfant"),
        ],
    ),
    (2, [("Monique", "Girard", "1951-07-18", "ouvrant_droit")]),
    (7, [("Thomas", "Lefèvre", "1990-12-01", "ouvrant_droit")]),
    (
        4,
        [
            ("Nathalie", "Roux", "1972-05-27", "ouvrant_droit"),
            ("Pierre", "Roux", "1970-08-08", "conjoint"),
            ("Chloé", "Roux", "2007-10-14", "enfant"),
            ("Maxime", "Roux", "2014-04-30", "enfant"),
            ("Jade", "Roux", "2019-09-03", "enfant"),
        ],
    ),
    (
        1,
        [
            ("Mamadou", "Diallo", "1982-02-14", "ouvrant_droit"),
            ("Awa", "Diallo", "1984-06-06", "conjoint"),
            ("Moussa", "Diallo", "2013-12-24", "enfant"),
        ],
    ),
    (6, [("Jean-Pierre", "Morel", "1956-03-11", "ouvrant_droit"), ("Françoise", "Morel", "1958-10-02", "conjoint")]),
    (3, [("Émilie", "Fournier", "1988-08-19", "ouvrant_droit"), ("Noah", "Fournier", "2015-01-27", "enfant")]),
]


def _card_number(index: int) -> str:
    body = f"100000{index:06d}"
    return body + luhn_check_digit(body)


def generate_households() -> dict:
    households, card_index = [], 0
    for number, (tier, people) in enumerate(FAMILIES, start=1):
        members = []
        for position, (first, last, born, role) in enumerate(people, start=1):
            person_id = f"P-{number:04d}-{position}"
            holder = role != "enfant" or born <= "2011-11-23"  # cards from age 15
            card = pin_hash = None
            if holder:
                card_index += 1
                card = _card_number(card_index)
                salt = hashlib.sha256(person_id.encode()).digest()[:16]  # fixed so the file is stable
                pin_hash = hash_pin(DEMO_PIN, salt)
            members.append(
                {
                    "person_id": person_id,
                    "first_name": first,
                    "last_name": last,
                    "birth_date": born,
                    "role": role,
                    "card_number": card,
                    "pin_hash": pin_hash,
                }
            )
        households.append(
            {"household_id": f"H-{number:04d}", "tier": tier, "cmcas": CMCAS, "slvie": SLVIE, "members": members}
        )
    return {"format": HOUSEHOLDS_FORMAT, "households": households}


def main(argv: list[str] | None = None) -> int:
    return write_document_command("python -m kiosk.demo.households", generate_households, argv)


if __name__ == "__main__":
    raise SystemExit(main())
