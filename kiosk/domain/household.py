"""Beneficiaries as the centre describes them: households, their members, cards and PINs.

Only what booking needs is kept: names to choose participants, birth dates for age
limits, the household's coefficient-social tier, and the card number with a PIN hash
for the card holders.

A PIN has 10,000 values at most, so its hash only slows down whoever holds it: PINs are
hashed with argon2id (memory-hard: 128 MiB and three passes per try, so a graphics card
gains little over the kiosk's own processor). Aimed at 0.25 s or more a try on a kiosk: on one
machine it costs 8 to 14 times the former scrypt, which took 27 ms on the kiosk the audit
measured, so 0.22 to 0.38 s there (tests/bench/bench_pin_hash.py prints both on any machine).
Hashes made before (scrypt, N=2^14, 16 MiB) are still accepted, and replaced by an argon2id one at
the person's next successful sign-in (`pin_hash_outdated`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.domain.document import DocumentReader
from kiosk.errors import KioskError

CARD_DIGITS = 13
# A card's QR code holds "ACTIV:" and the number; a scanner types it and presses Enter.
CARD_QR_PREFIX = "ACTIV:"
MAX_SCAN_CHARS = 64
PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
# RFC 9106's second recommended option (three passes) with twice its memory and one lane: the kiosk checks
# one PIN at a time, and 64 MiB cost about 0.15 s a try on the kiosk the audit measured (scrypt: 27 ms).
PIN_HASHER = PasswordHasher(time_cost=3, memory_cost=128 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
ARGON2ID_PREFIX = "$argon2id$"
MAX_PIN_MEMORY_KIB = 512 * 1024


class Role(StrEnum):
    OUVRANT_DROIT = "ouvrant_droit"
    CONJOINT = "conjoint"
    ENFANT = "enfant"


@dataclass(frozen=True)
class Person:
    person_id: str
    first_name: str
    last_name: str
    birth_date: date
    role: Role
    card_number: str | None
    pin_hash: str | None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class Household:
    household_id: str
    tier: int
    cmcas: str
    slvie: str
    members: tuple[Person, ...]

    def member(self, person_id: str) -> Person | None:
        return next((p for p in self.members if p.person_id == person_id), None)


class CardError(KioskError):
    """What was typed or scanned is not a beneficiary card number."""


def luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def looks_like_a_scan(text: str) -> bool:
    """What a card (or badge) scanner typed, rather than words: its QR prefix, or a whole number."""
    cleaned = text.strip()
    return cleaned.upper().startswith(CARD_QR_PREFIX) or (cleaned.isdigit() and len(cleaned) >= CARD_DIGITS)


def parse_card_input(text: str) -> str:
    """The card number in a typed number or a scanned card QR code, or CardError saying why not."""
    if len(text) > MAX_SCAN_CHARS:
        raise CardError("error.household.code_too_long_card")
    cleaned = text.strip()
    if cleaned.upper().startswith(CARD_QR_PREFIX):
        cleaned = cleaned[len(CARD_QR_PREFIX) :]
    cleaned = cleaned.replace(" ", "")
    if not cleaned:
        raise CardError("error.household.type_digits_card_number", card_digits=CARD_DIGITS)
    if not cleaned.isdigit() or not cleaned.isascii():
        raise CardError("error.household.card_number_has_digits")
    if len(cleaned) != CARD_DIGITS:
        raise CardError("error.household.card_number_has_digits_2", card_digits=CARD_DIGITS, typed=len(cleaned))
    if luhn_check_digit(cleaned[:-1]) != cleaned[-1]:
        raise CardError("error.household.card_number_valid_digit")
    return cleaned


def is_pin_well_formed(pin: str) -> bool:
    return bool(PIN_PATTERN.match(pin))


def hash_pin(pin: str, salt: bytes | None = None, hasher: PasswordHasher = PIN_HASHER) -> str:
    """The argon2id hash of a PIN (or a password); `salt` only to make a stable demo file."""
    return hasher.hash(pin, salt=salt)


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against its argon2id (or older scrypt) hash; a malformed hash never matches."""
    if not isinstance(stored, str):
        return False
    if stored.startswith(ARGON2ID_PREFIX):
        try:
            cost = extract_parameters(stored)
            # A hash asking for more than a kiosk can give (from a broken centre) is refused, not tried.
            if cost.memory_cost > MAX_PIN_MEMORY_KIB or cost.time_cost > 10 or cost.parallelism > 4:
                return False
            return PIN_HASHER.verify(stored, pin)
        except (VerificationError, InvalidHashError):
            return False
    return _verify_scrypt(pin, stored)


def pin_hash_outdated(stored: str) -> bool:
    """A hash of the older scheme, to replace by an argon2id one once the PIN is known right."""
    return not stored.startswith(ARGON2ID_PREFIX)


def _verify_scrypt(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or int(n) > 2**20 or int(r) > 32 or int(p) > 16:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**30,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


HOUSEHOLDS_FORMAT = "slvie-households/1"


class HouseholdDataError(KioskError):
    """A households document from outside is malformed; nothing from it was written."""


def parse_households(document: object) -> list[Household]:
    doc = DocumentReader(document, "foyers", HouseholdDataError, "error.document.refused.households")
    if doc.text("format") != HOUSEHOLDS_FORMAT:
        raise doc.fail("format", "error.document.must_be", expected=HOUSEHOLDS_FORMAT)
    households = [parse_household(r) for r in doc.items("households", 0, 500_000)]
    cards = [p.card_number for h in households for p in h.members if p.card_number]
    people = [p.person_id for h in households for p in h.members]
    ids = [h.household_id for h in households]
    for values, what in ((cards, "card_number"), (people, "person_id"), (ids, "household_id")):
        if len(set(values)) != len(values):
            raise doc.fail("households", "error.document.repeat", what=what)
    return households


def parse_household(r: DocumentReader) -> Household:
    members = []
    for m in r.items("members", 1, 20):
        card = m.value.get("card_number")
        if card is not None:
            try:
                card = parse_card_input(m.text("card_number", 1, MAX_SCAN_CHARS))
            except CardError:
                raise m.fail("card_number", "error.document.valid_card_number") from None
        pin_hash = m.value.get("pin_hash")
        if pin_hash is not None:
            pin_hash = m.text("pin_hash", 20, 200)
        if (card is None) != (pin_hash is None):
            raise m.fail("pin_hash", "error.document.goes_with_card_number")
        members.append(
            Person(
                person_id=m.identifier("person_id"),
                first_name=m.text("first_name", 1, 60),
                last_name=m.text("last_name", 1, 60),
                birth_date=m.day("birth_date"),
                role=Role(m.choice("role", [x.value for x in Role])),
                card_number=card,
                pin_hash=pin_hash,
            )
        )
    return Household(
        household_id=r.identifier("household_id"),
        tier=r.integer("tier", 1, 20),
        cmcas=r.text("cmcas", 0, 80),
        slvie=r.text("slvie", 0, 80),
        members=tuple(members),
    )
