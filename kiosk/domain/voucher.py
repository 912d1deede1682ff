"""Vouchers: what a printed voucher proves, its short code, and its signed QR payload.

A voucher is the paper a beneficiary keeps: a booking (an offer's session) or a
concierge pickup ticket. Its QR code carries a compact payload signed with the
kiosk's Ed25519 key, so whoever holds the published public key can check it
offline. The payload holds ids and counts only, never a person's name.
The format is described in docs/voucher-format.md; keep the two in step.

Plain Python and `cryptography` only: no Qt, no SQL, no file I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.domain.booking import BookingState
from kiosk.i18n import Message, Text

PAYLOAD_VERSION = "SLV1"
SEPARATOR = ":"
FIELD_COUNT = 12  # version … issued_at, then the signature
SIGNATURE_CHARS = 103  # 64 bytes in base32 without padding
KEY_ID_CHARS = 8
REFERENCE_CHARS = 26  # 16 bytes in base32 without padding
MAX_SITE_ID_CHARS = 40

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SHORT_CODE_DOMAIN = b"slvie-short-code/1:"


class VoucherKind(StrEnum):
    BOOKING = "booking"  # a place in an offer's session
    PICKUP = "pickup"  # a concierge ticket: what was left, to collect later
    PARTICIPATION = "participation"  # a vote's receipt: the person took part (never what they chose)


class VoucherState(StrEnum):
    """Where the booking or the concierge request stands when the voucher is printed."""

    CONFIRMED = "confirmed"  # the place is held (confirmed offline within the site's seats, or by the centre)
    PROVISIONAL = "provisional"  # recorded at the kiosk, awaiting confirmation by the CCAS/CMCAS
    WAITLISTED = "waitlisted"  # no place yet: on the waiting list
    REQUEST = "request"  # a request decided later (national stays), or a concierge request received
    READY = "ready"  # concierge: ready to be collected


_KIND_CODES = {VoucherKind.BOOKING: "B", VoucherKind.PICKUP: "P", VoucherKind.PARTICIPATION: "V"}
_STATE_CODES = {
    VoucherState.CONFIRMED: "C",
    VoucherState.PROVISIONAL: "P",
    VoucherState.WAITLISTED: "W",
    VoucherState.REQUEST: "R",
    VoucherState.READY: "D",  # "disponible"
}
_KINDS_BY_CODE = {code: kind for kind, code in _KIND_CODES.items()}
_STATES_BY_CODE = {code: state for state, code in _STATE_CODES.items()}


@dataclass(frozen=True)
class Voucher:
    """Everything printed on a voucher.

    `start`/`end` are the site's wall-clock times (naive datetimes, as in the
    catalog). For a booking they are the session's; for a pickup `start` is when
    the item can be collected from and `end`, optional, the last day to collect it.
    `participants` are display names, printed on paper but never put in the payload (only
    their number is); it may be empty (a pickup, or names no longer kept locally).
    `total_cents` is None when the price is "sur devis" (on quotation).
    """

    kind: VoucherKind
    reference: str  # UUID of the booking or concierge request
    site_id: str
    title: str  # the offer's title, or the concierge service's name
    start: datetime
    end: datetime | None
    place: str
    participants: tuple[str, ...]
    total_cents: int | None
    state: VoucherState
    issued_at: datetime
    # Printed on paper only, never in the payload: until when a booking can be cancelled, and what
    # was paid of `total_cents` when it was printed (the rest is "à régler").
    cancel_until: datetime | None = None
    paid_cents: int = 0
    bring: str = ""  # printed on paper only: what to bring (the offer's own words, in the catalog's language)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", VoucherKind(self.kind))
        object.__setattr__(self, "state", VoucherState(self.state))
        object.__setattr__(self, "reference", str(uuid.UUID(self.reference)))
        object.__setattr__(self, "participants", tuple(self.participants))
        if not self.site_id.strip() or len(self.site_id) > MAX_SITE_ID_CHARS:
            raise ValueError(f"site_id must be 1 to {MAX_SITE_ID_CHARS} characters")
        if not self.title.strip():
            raise ValueError("a voucher needs a title")
        if self.kind is VoucherKind.BOOKING and self.end is None:
            raise ValueError("a booking voucher needs the session's end")
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        if len(self.participants) > 99:
            raise ValueError("at most 99 participants")
        if self.total_cents is not None and (
            isinstance(self.total_cents, bool) or not isinstance(self.total_cents, int) or self.total_cents < 0
        ):
            raise ValueError("total_cents must be a whole number of cents ≥ 0, or None")
        for moment in (self.start, self.end, self.issued_at):
            if moment is not None and not 2000 <= moment.year <= 9999:
                raise ValueError("dates must lie between the years 2000 and 9999")

    @property
    def short_code(self) -> str:
        return short_code(self.reference)

    @property
    def participant_count(self) -> int:
        return len(self.participants)


@dataclass(frozen=True)
class VoucherClaims:
    """What a verified payload states (the payload's fields, decoded)."""

    key_id: str
    kind: VoucherKind
    state: VoucherState
    reference: str
    site_id: str
    start: datetime
    end: datetime | None
    participant_count: int
    total_cents: int | None
    issued_at: datetime

    @property
    def short_code(self) -> str:
        return short_code(self.reference)

    def matches(self, voucher: Voucher) -> bool:
        """True when the payload states the same facts as the voucher (times to the minute)."""
        return (
            self.kind is voucher.kind
            and self.state is voucher.state
            and self.reference == voucher.reference
            and self.site_id == voucher.site_id
            and self.start == _minute(voucher.start)
            and self.end == (None if voucher.end is None else _minute(voucher.end))
            and self.participant_count == voucher.participant_count
            and self.total_cents == voucher.total_cents
            and self.issued_at == _minute(voucher.issued_at)
        )


class Reason(StrEnum):
    """Why a payload was refused."""

    BAD_FORMAT = "bad_format"
    TRUNCATED = "truncated"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


_REASON_TEXTS = {
    Reason.BAD_FORMAT: "voucher.reason.bad_format",
    Reason.TRUNCATED: "voucher.reason.truncated",
    Reason.UNKNOWN_KEY: "voucher.reason.unknown_key",
    Reason.BAD_SIGNATURE: "voucher.reason.bad_signature",
}


class PayloadError(ValueError):
    """A payload that cannot be decoded; `reason` and the two messages say why."""

    def __init__(self, reason: Reason, detail: Message | None = None, key_id: str = ""):
        said = Text(_REASON_TEXTS[reason], key_id=key_id)
        self.text: Message = Text("voucher.reason.with_detail", reason=said, detail=detail) if detail else said
        super().__init__(self.message_en)
        self.reason = reason

    @property
    def message_fr(self) -> str:
        return self.text.message("fr")

    @property
    def message_en(self) -> str:
        return self.text.message("en")


@dataclass(frozen=True)
class VerificationResult:
    """The answer to "is this voucher genuine?", with the reason in French and English when not."""

    valid: bool
    claims: VoucherClaims | None  # decoded fields (present even when only the signature failed)
    reason: Reason | None = None
    text: Message = field(default=Text("voucher.valid"))

    @property
    def message_fr(self) -> str:
        return self.text.message("fr")

    @property
    def message_en(self) -> str:
        return self.text.message("en")


# --- Keys ---------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for a public key (8 base32 characters), so a verifier can pick the right one."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _b32(hashlib.sha256(raw).digest()[:5])


# --- Payload ------------------------------------------------------------------------------------


def encode_payload(voucher: Voucher, private_key: Ed25519PrivateKey) -> str:
    """The signed text for the voucher's QR code (about 200 characters)."""
    end = "-"
    if voucher.end is not None:
        end = _hhmm(voucher.end) if voucher.end.date() == voucher.start.date() else _stamp(voucher.end)
    fields = [
        PAYLOAD_VERSION,
        key_id(private_key.public_key()),
        _KIND_CODES[voucher.kind],
        _STATE_CODES[voucher.state],
        _b32(uuid.UUID(voucher.reference).bytes),
        quote(voucher.site_id, safe="-_."),
        _stamp(voucher.start),
        end,
        str(voucher.participant_count),
        "-" if voucher.total_cents is None else str(voucher.total_cents),
        _stamp(voucher.issued_at),
    ]
    signed = SEPARATOR.join(fields) + SEPARATOR
    return signed + _b32(private_key.sign(signed.encode("ascii")))


# Each field is named in messages by the catalog text `voucher.field.<name>`.
_FIELD_PATTERNS = [
    ("version", re.compile(r"SLV[0-9]+")),
    ("key_id", re.compile(rf"[A-Z2-7]{{{KEY_ID_CHARS}}}")),
    ("kind", re.compile("[" + "".join(_KINDS_BY_CODE) + "]")),
    ("state", re.compile("[" + "".join(_STATES_BY_CODE) + "]")),
    ("reference", re.compile(rf"[A-Z2-7]{{{REFERENCE_CHARS}}}")),
    ("site", re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2}){1,120}")),
    ("start", re.compile(r"[0-9]{12}")),
    ("end", re.compile(r"-|[0-9]{4}|[0-9]{12}")),
    ("participants", re.compile(r"0|[1-9][0-9]?")),
    ("total", re.compile(r"-|0|[1-9][0-9]{0,9}")),
    ("issued", re.compile(r"[0-9]{12}")),
    ("signature", re.compile(rf"[A-Z2-7]{{{SIGNATURE_CHARS}}}")),
]
_BASE32 = re.compile(r"[A-Z2-7]*")


def decode_payload(text: str) -> tuple[VoucherClaims, bytes, bytes]:
    """Parse a payload without checking its signature: (claims, signed bytes, signature).

    Raises PayloadError (BAD_FORMAT or TRUNCATED) when the text is not a whole,
    well-formed payload. Surrounding whitespace (a newline in a file) is ignored.
    """
    text = text.strip()
    prefix = PAYLOAD_VERSION + SEPARATOR
    if not text.startswith(prefix):
        if text and prefix.startswith(text):
            raise PayloadError(Reason.TRUNCATED)
        if re.fullmatch(r"SLV[0-9]+:.*", text, re.ASCII | re.DOTALL):
            raise PayloadError(Reason.BAD_FORMAT, Text("voucher.detail.unsupported_version"))
        raise PayloadError(Reason.BAD_FORMAT)
    parts = text.split(SEPARATOR)
    if len(parts) > FIELD_COUNT:
        raise PayloadError(Reason.BAD_FORMAT, Text("voucher.detail.too_many_fields"))
    complete = parts if len(parts) == FIELD_COUNT else parts[:-1]
    for (name, pattern), value in zip(_FIELD_PATTERNS, complete):
        if pattern.fullmatch(value) is None:
            if name == "signature" and len(value) < SIGNATURE_CHARS and _BASE32.fullmatch(value):
                raise PayloadError(Reason.TRUNCATED)
            raise PayloadError(Reason.BAD_FORMAT, Text("voucher.detail.field", field=Text(f"voucher.field.{name}")))
    if len(parts) < FIELD_COUNT:
        # Every whole field is well formed and the text simply stops: it was cut short.
        raise PayloadError(Reason.TRUNCATED)
    (_, kid, kind, state, reference, site, start, end, count, total, issued, signature) = parts
    try:
        reference_bytes = _unb32(reference, 16)
        signature_bytes = _unb32(signature, 64)
        site_id = unquote(site, errors="strict")
        start_at = _parse_stamp(start)
        if end == "-":
            end_at = None
        elif len(end) == 4:
            end_at = start_at.replace(hour=int(end[:2]), minute=int(end[2:]))
        else:
            end_at = _parse_stamp(end)
        issued_at = _parse_stamp(issued)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise PayloadError(Reason.BAD_FORMAT, Text("voucher.detail.impossible_value")) from None
    if end_at is not None and end_at < start_at:
        raise PayloadError(Reason.BAD_FORMAT, Text("voucher.detail.end_before_start"))
    claims = VoucherClaims(
        key_id=kid,
        kind=_KINDS_BY_CODE[kind],
        state=_STATES_BY_CODE[state],
        reference=str(uuid.UUID(bytes=reference_bytes)),
        site_id=site_id,
        start=start_at,
        end=end_at,
        participant_count=int(count),
        total_cents=None if total == "-" else int(total),
        issued_at=issued_at,
    )
    signed = text[: len(text) - len(signature)].encode("ascii")
    return claims, signed, signature_bytes


def verify_payload(text: str, public_keys: Iterable[Ed25519PublicKey]) -> VerificationResult:
    """Check a payload offline against the public keys one trusts; never raises for bad input."""
    try:
        claims, signed, signature = decode_payload(text)
    except PayloadError as error:
        return VerificationResult(False, None, error.reason, error.text)
    keys = {key_id(key): key for key in public_keys}
    key = keys.get(claims.key_id)
    if key is None:
        unknown = PayloadError(Reason.UNKNOWN_KEY, key_id=claims.key_id)
        return VerificationResult(False, claims, unknown.reason, unknown.text)
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        forged = PayloadError(Reason.BAD_SIGNATURE)
        return VerificationResult(False, claims, forged.reason, forged.text)
    return VerificationResult(True, claims)


# --- Short code ---------------------------------------------------------------------------------


def short_code(reference: str) -> str:
    """The code a person reads aloud: 8 Crockford base32 characters as XXXX-XXXX, the last a check.

    Derived from the reference id alone (7 symbols from a hash of it, then one
    check symbol), so the centre and any kiosk compute the same code.
    """
    digest = hashlib.sha256(_SHORT_CODE_DOMAIN + uuid.UUID(reference).bytes).digest()
    number = int.from_bytes(digest[:5], "big") >> 5  # 35 bits
    symbols = [(number >> (5 * (6 - i))) & 31 for i in range(7)]
    symbols.append(_gf32_times_x(_check_interim(symbols)))
    text = "".join(CROCKFORD_ALPHABET[s] for s in symbols)
    return f"{text[:4]}-{text[4:]}"


def normalize_short_code(text: str) -> str | None:
    """The canonical XXXX-XXXX form of a typed or spoken code, or None if it is not a valid code.

    Case, spaces and hyphens do not matter; O reads as 0 and I or L as 1 (Crockford).
    A single wrong character, or two neighbours swapped, is always detected.
    """
    cleaned = text.upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != 8 or any(c not in CROCKFORD_ALPHABET for c in cleaned):
        return None
    if _check_interim([CROCKFORD_ALPHABET.index(c) for c in cleaned]) != 0:
        return None
    return f"{cleaned[:4]}-{cleaned[4:]}"


def is_valid_short_code(text: str) -> bool:
    return normalize_short_code(text) is not None


def _gf32_times_x(value: int) -> int:
    """Multiply by x in GF(32) built on x^5 + x^2 + 1."""
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def _check_interim(symbols: list[int]) -> int:
    # Damm-style check over the quasigroup a*b = x·a + b of GF(32): the running value is the
    # polynomial sum(d_i x^(n-i)), so a changed symbol or two swapped neighbours always change it.
    interim = 0
    for symbol in symbols:
        interim = _gf32_times_x(interim) ^ symbol
    return interim


# --- Helpers ------------------------------------------------------------------------------------


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str, size: int) -> bytes:
    """Strict base32: the exact length, and unused trailing bits must be zero (one text per value)."""
    data = base64.b32decode(text + "=" * (-len(text) % 8))
    if len(data) != size or _b32(data) != text:
        raise ValueError("not canonical base32")
    return data


def _stamp(moment: datetime) -> str:
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}"


def _hhmm(moment: datetime) -> str:
    return f"{moment.hour:02d}{moment.minute:02d}"


def _parse_stamp(text: str) -> datetime:
    return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]))


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class Standing:
    """What a voucher with a valid signature is worth now, from what is known of its booking."""

    holds: bool  # the paper still gives what it says (or better)
    text: Text


def booking_standing(printed: VoucherState, now: BookingState) -> Standing:
    """A cancelled or refused booking revokes its voucher; a provisional one confirmed since is
    superseded by the confirmed voucher; a confirmed one gone back to waiting no longer holds."""
    if now is BookingState.CANCELLED:
        return Standing(False, Text("voucher.standing.cancelled"))
    if now is BookingState.REFUSED:
        return Standing(False, Text("voucher.standing.refused"))
    if now is BookingState.CONFIRMED:
        if printed is VoucherState.CONFIRMED:
            return Standing(True, Text("voucher.standing.confirmed"))
        return Standing(True, Text("voucher.standing.superseded"))
    if printed is VoucherState.CONFIRMED:
        return Standing(False, Text("voucher.standing.no_longer_confirmed"))
    return Standing(True, Text("voucher.standing.awaiting"))
