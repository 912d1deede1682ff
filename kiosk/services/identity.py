"""Identifying a beneficiary at the kiosk: alone, by card (number or scan) and PIN; or by a
correspondent beside them, by card alone once the correspondent confirms the person is present
and agrees (recorded in the audit log)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.household import (
    CARD_QR_PREFIX,
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
from kiosk.services.actor import Actor, Acts
from kiosk.store import households as household_store
from kiosk.store import lockout
from kiosk.store.lockout import CARDS


class IdentificationError(KioskError):
    """The person could not be identified; the message says why and what to do."""


class ConfirmationMissing(KioskError):
    """The correspondent has not confirmed that the person is present and agrees; nothing was done."""


@dataclass(frozen=True)
class Identified:
    household: Household
    person: Person


class IdentityService:
    def __init__(self, db: sqlite_utils.Database, acts: Acts, clock: Callable[[], datetime] = datetime.now):
        self._db = db
        self._acts = acts
        self._clock = clock

    def identify(
        self, actor: Actor, card_input: str, pin: str = "", *, person_present: bool = False, person_agrees: bool = False
    ) -> Identified:
        """The card holder. Alone: the card and its PIN (five wrong codes lock the card here for 15
        minutes). A correspondent: the card alone, once they confirm the person is present and agrees.

        Raises CardError for a bad number, IdentificationError (unknown card, wrong PIN, locked),
        ConfirmationMissing, StaffSessionExpired.
        """
        if actor.staff is None:
            return self._with_pin(card_input, pin)
        self._acts.check(actor)
        if person_present is not True or person_agrees is not True:
            raise ConfirmationMissing("error.assisted.confirm_that_person_present")
        scanned = isinstance(card_input, str) and card_input.strip().upper().startswith(CARD_QR_PREFIX)
        found = household_store.find_card_holder(self._db, parse_card_input(card_input))
        if found is None:
            raise IdentificationError("error.assisted.card_known_at_kiosk")
        household, person = found
        with self._acts.write(actor, Action.IDENTIFY) as audit:
            audit.say(
                person.person_id,
                household.household_id,
                {"method": "card_scan" if scanned else "card_number", "person_present": True, "person_agrees": True},
            )
        return Identified(household, person)

    def _with_pin(self, card_input: str, pin: str) -> Identified:
        card = parse_card_input(card_input)
        found = household_store.find_card_holder(self._db, card)
        now = self._clock()
        failures = lockout.read_failures(self._db, CARDS, card)
        if failures.is_locked(now):
            minutes = failures.minutes_left(now)
            raise IdentificationError("error.identity.too_many_tries_with", minutes=minutes)
        if found is None:
            raise IdentificationError("error.identity.card_known_at_kiosk")
        household, person = found
        if not is_pin_well_formed(pin) or not verify_pin(pin, person.pin_hash or ""):
            failures = failures.after_failure(now)
            lockout.write_failures(self._db, CARDS, card, failures)
            if failures.is_locked(now):
                raise IdentificationError("error.identity.wrong_code_for_fifth")
            left = failures.attempts_left()
            raise IdentificationError("error.identity.wrong_code_tries_left", count=left)
        lockout.write_failures(self._db, CARDS, card, FailureRecord())
        if person.pin_hash and pin_hash_outdated(person.pin_hash):
            household_store.upgrade_pin_hash(self._db, person.person_id, person.pin_hash, hash_pin(pin))
        return Identified(household, person)
