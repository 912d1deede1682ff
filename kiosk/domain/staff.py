"""Correspondents (SLVie staff and volunteers) and how they sign in to the kiosk's assisted mode.

Two ways in, following the CNIL's recommendation on passwords (délibération n° 2022-100
du 21 juillet 2022, "Cas n° 1" and "Cas n° 3"): a PIN only together with something the
person holds — their badge, scanned like a beneficiary card — or else a password strong
enough to stand alone.

- Badge + PIN: the badge is a 13-digit number with a Luhn check digit, like a card
  (`kiosk.domain.household.parse_card_input`); the PIN is 4 to 6 digits.
- Login + password: the password must meet `check_password_strength` (below).

Secrets are kept only as argon2id hashes (the same format as beneficiaries' PINs). Five
wrong tries in a row lock the account at this kiosk for fifteen minutes
(`kiosk.domain.lockout.FailureRecord`), and a signed-in correspondent is signed out
after a few minutes without a tap (`staff_deadline`, a pure deadline like
`kiosk.domain.idle`).

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher

from kiosk.domain.document import DocumentReader
from kiosk.domain.household import PIN_HASHER, CardError, hash_pin, is_pin_well_formed, parse_card_input, verify_pin
from kiosk.domain.idle import IdleDeadline
from kiosk.errors import KioskError
from kiosk.i18n import Text

STAFF_FORMAT = "slvie-staff/1"
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MAX_PASSWORD_CHARS = 128  # bounds the cost of hashing what someone types

# Assisted mode at a public kiosk: warn after 3 minutes without a tap, sign out 30 seconds later.
STAFF_WARNING_AFTER_SECONDS = 180
STAFF_WARNING_SECONDS = 30


class SignInMethod(StrEnum):
    BADGE_PIN = "badge_pin"
    PASSWORD = "password"


@dataclass(frozen=True)
class Correspondent:
    staff_id: str
    display_name: str
    badge_number: str | None
    pin_hash: str | None
    login: str | None
    password_hash: str | None
    active: bool


@dataclass(frozen=True)
class StaffSession:
    """A correspondent signed in at this kiosk. The services check it (and its inactivity) on every action."""

    session_id: str
    staff_id: str
    display_name: str
    method: SignInMethod
    started_at: datetime


def staff_deadline(now: float) -> IdleDeadline:
    """The inactivity deadline of a staff session started (or last touched) at monotonic time `now`."""
    return IdleDeadline(STAFF_WARNING_AFTER_SECONDS, STAFF_WARNING_SECONDS, now)


# --- Passwords ----------------------------------------------------------------------------------

# The rule applied to a password used alone. Source: CNIL, délibération n° 2022-100 du
# 21 juillet 2022 portant adoption d'une recommandation relative aux mots de passe, case 1
# (password alone: at least 80 bits of entropy), whose examples are 12 characters with
# upper case, lower case, digits and special characters, or 14 characters with upper
# case, lower case and digits. We accept:
#   - at least 12 characters using all four classes, or
#   - at least 14 characters using at least three of the four classes
# (14 characters from the smallest three-class alphabet, 62 symbols, give 83 bits).
# Letters with accents count as letters of their case; anything that is not a letter or
# a digit counts as special.
PASSWORD_RULE = Text("staff.password_rule")


class WeakPassword(KioskError):
    """A password that is not strong enough to be used alone."""


def password_classes(password: str) -> int:
    classes = set()
    for char in password:
        if char.isdigit():
            classes.add("digit")
        elif char.isalpha() and char.isupper():
            classes.add("upper")
        elif char.isalpha() and char.islower():
            classes.add("lower")
        elif not char.isalpha():
            classes.add("special")
    return len(classes)


def is_strong_password(password: str, login: str | None = None) -> bool:
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        return False
    if login and login.lower() in password.lower():
        return False
    classes = password_classes(password)
    return (len(password) >= 12 and classes == 4) or (len(password) >= 14 and classes >= 3)


def check_password_strength(password: str, login: str | None = None) -> None:
    """Raise WeakPassword unless `password` may be used alone (the rule above; never containing the login)."""
    if login and isinstance(password, str) and login.lower() in password.lower():
        raise WeakPassword("error.staff.password_must_contain_login")
    if not is_strong_password(password, login):
        raise WeakPassword("error.staff.password_too_weak", rule=PASSWORD_RULE)


def normalize_password(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def hash_password(
    password: str, login: str | None = None, salt: bytes | None = None, hasher: PasswordHasher = PIN_HASHER
) -> str:
    """The argon2id hash of a password strong enough to stand alone (raises WeakPassword otherwise)."""
    check_password_strength(password, login)
    return hash_pin(normalize_password(password), salt, hasher)


def verify_password(password: str, stored: str) -> bool:
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        return False
    return verify_pin(normalize_password(password), stored)


def hash_staff_pin(pin: str, salt: bytes | None = None) -> str:
    if not is_pin_well_formed(pin):
        raise WeakPassword("error.staff.badge_pin_has_digits")
    return hash_pin(pin, salt)


def normalize_login(text: str) -> str:
    return text.strip().lower() if isinstance(text, str) else ""


def parse_badge_input(text: str) -> str:
    """The badge number in a typed number or a scanned badge, or StaffDataError saying why not."""
    try:
        return parse_card_input(text)
    except CardError:
        raise StaffDataError("error.staff.badge_read_scan_again") from None


# --- Staff documents from the centre ------------------------------------------------------------


class StaffDataError(KioskError):
    """Staff data from outside is malformed; nothing from it was written."""


def parse_staff(document: object) -> list[Correspondent]:
    """A `slvie-staff/1` document: the correspondents of one site."""
    doc = DocumentReader(document, "correspondants", StaffDataError, "error.document.refused.staff")
    if doc.text("format") != STAFF_FORMAT:
        raise doc.fail("format", "error.document.must_be", expected=STAFF_FORMAT)
    staff = [parse_correspondent(r) for r in doc.items("staff", 0, 10_000)]
    for values, what in (
        ([s.staff_id for s in staff], "staff_id"),
        ([s.badge_number for s in staff if s.badge_number], "badge_number"),
        ([s.login for s in staff if s.login], "login"),
    ):
        if len(set(values)) != len(values):
            raise doc.fail("staff", "error.document.repeat", what=what)
    return staff


def parse_correspondent(r: DocumentReader) -> Correspondent:
    badge = r.value.get("badge_number")
    if badge is not None:
        try:
            badge = parse_card_input(r.text("badge_number", 1, 64))
        except CardError:
            raise r.fail("badge_number", "error.document.valid_badge_number") from None
    pin_hash = r.value.get("pin_hash")
    if pin_hash is not None:
        pin_hash = r.text("pin_hash", 20, 300)
    if (badge is None) != (pin_hash is None):
        raise r.fail("pin_hash", "error.document.goes_with_badge_number")
    login = r.value.get("login")
    if login is not None:
        login = r.text("login", 3, 40)
        if not LOGIN_PATTERN.match(login):
            raise r.fail("login", "error.document.must_characters_among_z")
    password_hash = r.value.get("password_hash")
    if password_hash is not None:
        password_hash = r.text("password_hash", 20, 300)
    if (login is None) != (password_hash is None):
        raise r.fail("password_hash", "error.document.goes_with_login")
    if badge is None and login is None:
        raise r.fail("badge_number", "error.document.login_one_at_least")
    active = r.value.get("active", True)
    if not isinstance(active, bool):
        raise r.fail("active", "error.document.must_true_false")
    return Correspondent(
        staff_id=r.identifier("staff_id"),
        display_name=r.text("display_name", 1, 80),
        badge_number=badge,
        pin_hash=pin_hash,
        login=login,
        password_hash=password_hash,
        active=active,
    )


def correspondent_data(person: Correspondent) -> dict[str, object]:
    """A correspondent as the centre sends it (and as `parse_correspondent` reads it)."""
    return {
        "staff_id": person.staff_id,
        "display_name": person.display_name,
        "badge_number": person.badge_number,
        "pin_hash": person.pin_hash,
        "login": person.login,
        "password_hash": person.password_hash,
        "active": person.active,
    }
