"""Would the store accept this page? Checked before anything is written.

A page that passes the per-entity rules can still be one the store cannot write:
the same entity twice, two sessions with one id, a person or a card in two
households (in the page, or with what the store already holds). Writing such a
page would fail on a unique key in the middle of its transaction, and the same
page would come back for ever. Each check returns what is wrong in plain words
(French, English), or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from kiosk.domain.catalog import Offer
from kiosk.domain.household import Household
from kiosk.i18n import Text

Problem = Text | None


def first_problem(db: sqlite_utils.Database, changes: list[tuple[str, str, object]]) -> Problem:
    return _duplicate_entities(changes) or _session_ids(db, changes) or _household_members(db, changes)


def _duplicate_entities(changes: list[tuple[str, str, object]]) -> Problem:
    seen: set[tuple[str, str]] = set()
    for kind, identifier, _ in changes:
        if (kind, identifier) in seen:
            return Text("sync.page.twice", kind=kind, identifier=identifier)
        seen.add((kind, identifier))
    return None


def _session_ids(db: sqlite_utils.Database, changes: list[tuple[str, str, object]]) -> Problem:
    """The page's offers are rewritten together: their sessions' ids must be theirs alone."""
    offers = {identifier: value for kind, identifier, value in changes if kind == "offer" and isinstance(value, Offer)}
    owners: dict[str, str] = {}
    for offer_id, offer in offers.items():
        for session in offer.sessions:
            if session.id in owners:
                return Text("sync.page.session_in_two_offers", session=session.id)
            owners[session.id] = offer_id
    for session_id, owner in _in_chunks(
        db, "SELECT s.id, o.id FROM sessions s JOIN offers o ON o.num = s.offer_num WHERE s.id IN ({})", list(owners)
    ):
        if owner not in offers:
            return Text("sync.page.session_of_another_offer", session=session_id, offer=owner)
    return None


def _household_members(db: sqlite_utils.Database, changes: list[tuple[str, str, object]]) -> Problem:
    """Households are written one after the other, in page order: follow who holds each person and card."""
    households = [
        (identifier, value)
        for kind, identifier, value in changes
        if kind == "household" and (value is None or isinstance(value, Household))
    ]
    if not households:
        return None
    people = [p.person_id for _, h in households if h is not None for p in h.members]
    # Cards are stored by their blind index (kiosk/store/sealing.py): compare indexes.
    index: dict[str, str] = dict(
        _in_chunks(
            db,
            "SELECT value, blind_index(value) FROM json_each(json_array({}))",
            [p.card_number for _, h in households if h is not None for p in h.members if p.card_number],
        )
    )
    held: set[tuple[str, str | None, str]] = set()
    for column, values in (
        ("household_id", [i for i, _ in households]),
        ("person_id", people),
        ("card_number", list(index.values())),
    ):
        held.update(
            _in_chunks(db, f"SELECT person_id, card_number, household_id FROM persons WHERE {column} IN ({{}})", values)
        )
    person_owner = {person: owner for person, _, owner in held}
    card_owner = {card: owner for _, card, owner in held if card}
    for household_id, household in households:
        for table in (person_owner, card_owner):
            for key in [k for k, owner in table.items() if owner == household_id]:
                del table[key]
        if household is None:
            continue
        for person in household.members:
            if person.person_id in person_owner:
                return Text("sync.page.person_in_two_households", person=person.person_id)
            person_owner[person.person_id] = household_id
            if person.card_number:
                if index[person.card_number] in card_owner:
                    return Text("sync.page.card_of_two_people", person=person.person_id)
                card_owner[index[person.card_number]] = household_id
    return None


def _in_chunks(db: sqlite_utils.Database, sql: str, values: list[str], size: int = 500) -> Iterable[tuple[Any, ...]]:
    """Rows of `sql` (one `IN ({})` placeholder) for `values`, a bounded number of parameters at a time."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield from db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
