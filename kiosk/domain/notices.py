"""E-mail notices, with the person's consent: an address checked before anything is kept, and what shows it.

A person who consents gets a word by e-mail when something is ready or about to happen (a pressing
ready, an activity in two days, the outcome of a holiday request). The address is checked by
`email-validator` (syntax only: no DNS lookup, the kiosk is often offline); an address that is not one
is refused with a message that says what to fix. Once the centre has it, the kiosk keeps only a masked
form (`m•••@orange.fr`) to show the person what they agreed to.

Plain Python: no Qt, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from kiosk.errors import KioskError

MAX_ADDRESS_CHARS = 120  # the kiosk's field; the standard's 254 is more than anyone types on a screen
# One tap each on the notices screen: the domains most French households use, most common first.
COMMON_DOMAINS = (
    "orange.fr",
    "gmail.com",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "hotmail.fr",
    "wanadoo.fr",
    "yahoo.fr",
    "outlook.fr",
)
MASK = "•••"


class NoticeKind(StrEnum):
    READY = "ready"  # a concierge request is ready to collect
    REMINDER = "reminder"  # an activity booked, in two days
    HOLIDAY_OUTCOME = "holiday_outcome"  # the centre's answer to a holiday-stay request


class AddressRefused(KioskError):
    """What was typed is not an e-mail address; nothing was written."""


@dataclass(frozen=True)
class NoticeConsent:
    """A person's consent to e-mail notices, as the kiosk keeps it."""

    person_id: str
    household_id: str
    masked_address: str  # m•••@orange.fr: the whole address travels to the centre only
    language: str  # "fr" or "en": the language of the messages
    given_at: datetime
    given_by: str | None  # the correspondent who typed it for the person, if any


def check_address(typed: str) -> str:
    """The address, cleaned (spaces around it dropped, the domain in lower case); raises AddressRefused
    with a message that says what is wrong. The check is the library's; the message only says it plainly."""
    text = typed.strip() if isinstance(typed, str) else ""
    if not text:
        raise AddressRefused("error.notices.address_empty")
    if len(text) > MAX_ADDRESS_CHARS:
        raise AddressRefused("error.notices.address_too_long", limit=MAX_ADDRESS_CHARS)
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise AddressRefused(_what_is_wrong(text)) from None
    return str(checked.normalized)


def _what_is_wrong(text: str) -> str:
    """The key of the plainest message for an address the library refused."""
    if text.count("@") == 0:
        return "error.notices.address_needs_at"
    if text.count("@") > 1:
        return "error.notices.address_one_at"
    local, domain = text.split("@")
    if not local:
        return "error.notices.address_name_before_at"
    if "." not in domain or domain.startswith(".") or domain.endswith("."):
        return "error.notices.address_domain_after_at"
    if any(ord(character) > 127 for character in text) or " " in text:
        return "error.notices.address_plain_letters"
    return "error.notices.address_not_valid"


def with_domain(typed: str, domain: str) -> str:
    """What a domain's button makes of what was typed: the name, "@", then that domain (whatever followed
    an "@" already typed goes)."""
    name = typed.strip().partition("@")[0]
    return f"{name}@{domain}"


def masked(address: str) -> str:
    """What the kiosk shows and keeps once the centre has the address: its first letter and its domain."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}{MASK}@{domain}"
