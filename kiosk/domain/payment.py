"""What is owed and paid: a priced booking or concierge request is "à régler" until settled.

A correspondent records a payment at the desk in assisted mode (cash, cheque, chèques-vacances
ANCV, or a card on the site's own terminal, whose ticket reference is typed: no card data ever
reaches the kiosk); the centre may report one made elsewhere. Payments are never edited: a
mistake is put right by a correction, a new entry of the opposite sign naming the one it corrects.

Plain Python: no Qt, no SQL.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from kiosk.domain.booking import ACTIVE_STATES, Booking
from kiosk.domain.concierge import ConciergeRequest, RequestState
from kiosk.domain.document import DocumentReader
from kiosk.errors import KioskError

MAX_AMOUNT_CENTS = 100_000_000
MAX_REFERENCE_CHARS = 40
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]*$")
_AMOUNT = re.compile(r"^[0-9]{1,7}([.,][0-9]{1,2})?$")
_CARD_NUMBER = re.compile(r"[0-9]{13,19}")


class Means(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    ANCV = "ancv"  # chèques-vacances
    CARD = "card"  # on the site's own payment terminal: only its ticket reference is typed
    ELSEWHERE = "elsewhere"  # reported by the centre (paid at the CMCAS, by transfer…)


DESK_MEANS = (Means.CASH, Means.CHEQUE, Means.ANCV, Means.CARD)


class SubjectKind(StrEnum):
    BOOKING = "booking"
    REQUEST = "request"  # a concierge request


class PaymentRefused(KioskError):
    """The amount, means or reference cannot be recorded; nothing was written."""


@dataclass(frozen=True)
class Payment:
    payment_id: str  # a UUID
    subject_kind: SubjectKind
    subject_id: str
    household_id: str
    amount_cents: int  # positive; a correction is negative
    means: Means
    reference: str  # the terminal's ticket, a cheque number…; may be empty
    recorded_at: datetime
    site_id: str
    staff_id: str | None  # None when the centre reported it
    corrects: str | None  # the payment this entry corrects


@dataclass(frozen=True)
class Balance:
    total_cents: int  # 0 when nothing is to pay (free, on quotation, cancelled)
    paid_cents: int

    @property
    def owed_cents(self) -> int:
        return max(self.total_cents - self.paid_cents, 0)

    @property
    def settled(self) -> bool:
        return self.total_cents > 0 and self.owed_cents == 0


def amount_due(subject: Booking | ConciergeRequest) -> int:
    """What a booking or request costs while it stands: a cancelled or refused one owes nothing."""
    if isinstance(subject, Booking):
        return subject.total_cents if subject.state in ACTIVE_STATES else 0
    if subject.state in (RequestState.CANCELLED, RequestState.REFUSED):
        return 0
    return subject.estimate_cents or 0


def balance(total_cents: int | None, payments: Iterable[Payment]) -> Balance:
    return Balance(total_cents or 0, sum(p.amount_cents for p in payments))


def parse_amount(text: str) -> int:
    """Euros as typed ("12", "12,50", "12.5 €") in cents; anything else is refused with a reason."""
    cleaned = text.replace("€", "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "").strip()
    if cleaned.startswith("-"):
        raise PaymentRefused("error.payment.negative_amount")
    if not _AMOUNT.match(cleaned):
        raise PaymentRefused("error.payment.not_euros")
    try:
        cents = int(Decimal(cleaned.replace(",", ".")) * 100)
    except InvalidOperation:
        raise PaymentRefused("error.payment.not_euros") from None
    if cents <= 0:
        raise PaymentRefused("error.payment.not_positive")
    return cents


def check_payment(amount_cents: int, owed: Balance) -> None:
    if owed.owed_cents == 0:
        raise PaymentRefused("error.payment.nothing_owed")
    if not 0 < amount_cents <= owed.owed_cents:
        raise PaymentRefused("error.payment.more_than_owed")


def check_reference(means: Means, reference: str) -> str:
    """The reference as kept: required for a card (the terminal's ticket), never a card number."""
    reference = " ".join(reference.split())
    if means is Means.CARD and not reference:
        raise PaymentRefused("error.payment.card_reference_missing")
    if reference and (len(reference) > MAX_REFERENCE_CHARS or not _REFERENCE.match(reference)):
        raise PaymentRefused("error.payment.reference_malformed", max_chars=MAX_REFERENCE_CHARS)
    if _CARD_NUMBER.search(reference.replace(" ", "")):
        raise PaymentRefused("error.payment.card_number_typed")
    return reference


def check_correction(original: Payment, entries: Iterable[Payment], amount_cents: int) -> None:
    """A correction takes back at most what is left of the original payment."""
    if original.amount_cents <= 0:
        raise PaymentRefused("error.payment.correction_of_correction")
    left = original.amount_cents + sum(p.amount_cents for p in entries if p.corrects == original.payment_id)
    if not 0 < amount_cents <= left:
        raise PaymentRefused("error.payment.correction_too_much")


@dataclass(frozen=True)
class MeansTotal:
    means: Means
    count: int
    cents: int  # corrections included


@dataclass(frozen=True)
class AuditMatch:
    """The day's payments against the audit log: each one recorded at this kiosk has its entry."""

    matched: int  # payments whose audit entry is kept here and says the same
    with_centre: int  # payments whose entry the centre already holds (purged here after its acknowledgement)
    elsewhere: int  # taken at another kiosk of the site, or reported by the centre: audited there
    problems: tuple[str, ...]  # payment ids with no entry or an entry that says otherwise; entries with no payment

    @property
    def holds(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Takings:
    day: date
    site_id: str
    by_means: tuple[MeansTotal, ...]
    payments: tuple[Payment, ...]
    audit: AuditMatch

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.by_means)


def totals_by_means(payments: Iterable[Payment]) -> tuple[MeansTotal, ...]:
    found: dict[Means, list[int]] = {}
    for payment in payments:
        found.setdefault(payment.means, []).append(payment.amount_cents)
    return tuple(MeansTotal(means, len(found[means]), sum(found[means])) for means in Means if means in found)


def parse_payment(r: DocumentReader) -> Payment:
    """A payment as the centre sends it (docs/sync-protocol.md): every field checked, or the page refused."""
    ids = {}
    for key in ("payment_id", "subject_id"):
        ids[key] = r.text(key, 36, 36)
        try:
            uuid.UUID(ids[key])
        except ValueError:
            raise r.fail(key, "error.document.valid_identifier") from None
    corrects = r.value.get("corrects")
    if corrects is not None:
        corrects = r.text("corrects", 36, 36)
    amount = r.integer("amount_cents", -MAX_AMOUNT_CENTS, MAX_AMOUNT_CENTS)
    if amount == 0 or (amount < 0) != (corrects is not None):
        raise r.fail("amount_cents", "error.document.payment_or_correction")
    reference = r.text("reference", 0, MAX_REFERENCE_CHARS)
    if reference and not _REFERENCE.match(reference):
        raise r.fail("reference", "error.document.malformed")
    staff_id = r.value.get("staff_id")
    try:
        recorded_at = datetime.strptime(r.text("recorded_at", 19, 19), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise r.fail("recorded_at", "error.document.must_yyyy_mm_ddthh_mm_ss") from None
    return Payment(
        payment_id=ids["payment_id"],
        subject_kind=SubjectKind(r.choice("subject_kind", [k.value for k in SubjectKind])),
        subject_id=ids["subject_id"],
        household_id=r.identifier("household_id"),
        amount_cents=amount,
        means=Means(r.choice("means", [m.value for m in Means])),
        reference=reference,
        recorded_at=recorded_at,
        site_id=r.identifier("site_id"),
        staff_id=None if staff_id is None else r.identifier("staff_id"),
        corrects=corrects,
    )
