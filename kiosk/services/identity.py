"""Identifying a beneficiary at the kiosk: card number or card scan, then PIN."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import ceil

import sqlite_utils

from kiosk.domain.household import (
    Household,
    Person,
    hash_pin,
    is_pin_well_formed,
    parse_card_input,
    pin_hash_outdated,
    verify_pin,
)
from kiosk.domain.lockout import FailureRecord
from kiosk.errors import KioskError
from kiosk.store import households as household_store


class IdentificationError(KioskError):
    """The person could not be identified; the message says why and what to do."""


@dataclass(frozen=True)
class Identified:
    household: Household
    person: Person


class IdentityService:
    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], datetime] = datetime.now):
        self._db = db
        self._clock = clock

    def identify(self, card_input: str, pin: str) -> Identified:
        card = parse_card_input(card_input)
        found = household_store.find_card_holder(self._db, card)
        now = self._clock()
        failures = household_store.read_failures(self._db, card)
        if failures.locked_until is not None and failures.is_locked(now):
            minutes = max(ceil((failures.locked_until - now).total_seconds() / 60), 1)
            raise IdentificationError("error.identity.too_many_tries_with", minutes=minutes)
        if found is None:
            raise IdentificationError("error.identity.card_known_at_kiosk")
        household, person = found
        if not is_pin_well_formed(pin) or not verify_pin(pin, person.pin_hash or ""):
            failures = failures.after_failure(now)
            household_store.write_failures(self._db, card, failures)
            if failures.is_locked(now):
                raise IdentificationError("error.identity.wrong_code_for_fifth")
            left = failures.attempts_left()
            raise IdentificationError(
                "error.identity.wrong_code_tries_left",
                count=left,
            )
        household_store.write_failures(self._db, card, FailureRecord())
        if person.pin_hash and pin_hash_outdated(person.pin_hash):
            household_store.upgrade_pin_hash(self._db, person.person_id, person.pin_hash, hash_pin(pin))
        return Identified(household, person)
