"""What is owed and paid, and the day's takings.

Anyone may ask what a booking or a concierge request still owes (`balance_of_*`). Only a
signed-in correspondent (the actor, kiosk/services/actor.py) records a payment or a correction
(`record`, `correct`): the payment, its audit entry and its operation for the centre are written in
one transaction. The day's takings (`takings`) add up the payments by means and check each against
the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import Action
from kiosk.domain.booking import Booking
from kiosk.domain.concierge import ConciergeRequest
from kiosk.domain.payment import (
    DESK_MEANS,
    AuditMatch,
    Balance,
    Means,
    Payment,
    PaymentRefused,
    SubjectKind,
    Takings,
    amount_due,
    balance,
    check_correction,
    check_payment,
    check_reference,
    parse_amount,
    totals_by_means,
)
from kiosk.domain.staff import StaffSession
from kiosk.services.actor import Actor, Acts
from kiosk.services.audit import AuditService
from kiosk.store import audit as audit_store
from kiosk.store import bookings as booking_store
from kiosk.store import concierge as concierge_store
from kiosk.store import payments as payment_store
from kiosk.store.database import transaction


class PaymentService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        acts: Acts,
        audit: AuditService,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._acts = acts
        self._audit = audit
        self._clock = clock

    # -- what is owed ------------------------------------------------------------------------------

    def balance_of_booking(self, booking: Booking) -> Balance:
        return balance(
            amount_due(booking), payment_store.payments_for(self._db, SubjectKind.BOOKING, booking.booking_id)
        )

    def balance_of_request(self, request: ConciergeRequest) -> Balance:
        return balance(
            amount_due(request), payment_store.payments_for(self._db, SubjectKind.REQUEST, request.request_id)
        )

    def payments(self, kind: SubjectKind, subject_id: str) -> list[Payment]:
        return payment_store.payments_for(self._db, kind, subject_id)

    # -- at the desk -------------------------------------------------------------------------------

    def record(
        self,
        actor: Actor,
        kind: SubjectKind,
        subject_id: str,
        amount_text: str,
        means: Means,
        reference: str = "",
    ) -> Payment:
        """A payment taken at the desk, partial or whole; raises PaymentRefused (nothing written),
        StaffSessionExpired unless a correspondent acts."""
        staff = self._acts.correspondent(actor)
        if means not in DESK_MEANS:
            raise PaymentRefused("error.payment.choose_means")
        amount = parse_amount(amount_text)
        reference = check_reference(means, reference)
        subject = self._subject(kind, subject_id)
        household_id = subject.household_id
        with transaction(self._db):
            owed = balance(amount_due(subject), payment_store.payments_for(self._db, kind, subject_id))
            check_payment(amount, owed)
            payment = self._append(staff, kind, subject_id, household_id, amount, means, reference, None)
        return payment

    def correct(self, actor: Actor, payment_id: str, amount_text: str) -> Payment:
        """Take back all or part of a payment by a new entry of the opposite sign; the original stays."""
        staff = self._acts.correspondent(actor)
        amount = parse_amount(amount_text)
        with transaction(self._db):
            original = payment_store.load_payment(self._db, payment_id)
            if original is None:
                raise PaymentRefused("error.payment.unknown_payment")
            entries = payment_store.payments_for(self._db, original.subject_kind, original.subject_id)
            check_correction(original, entries, amount)
            return self._append(
                staff,
                original.subject_kind,
                original.subject_id,
                original.household_id,
                -amount,
                original.means,
                original.reference,
                original.payment_id,
            )

    def _append(
        self,
        staff: StaffSession,
        kind: SubjectKind,
        subject_id: str,
        household_id: str,
        amount: int,
        means: Means,
        reference: str,
        corrects: str | None,
    ) -> Payment:
        now = self._clock().replace(microsecond=0)
        payment = Payment(
            str(uuid.uuid4()),
            kind,
            subject_id,
            household_id,
            amount,
            means,
            reference,
            now,
            self._config.site.id,
            staff.staff_id,
            corrects,
        )
        entry = self._audit.record(
            staff.staff_id, Action.PAYMENT, subject=household_id, target=payment.payment_id, details=_audited(payment)
        )
        payment_store.record_payment(self._db, payment, entry.seq, now)
        return payment

    def _subject(self, kind: SubjectKind, subject_id: str) -> Booking | ConciergeRequest:
        subject: Booking | ConciergeRequest | None
        if kind is SubjectKind.BOOKING:
            subject = booking_store.load_booking(self._db, subject_id)
        else:
            subject = concierge_store.load_request(self._db, subject_id)
        if subject is None:
            raise PaymentRefused("error.payment.unknown_subject")
        return subject

    # -- the day's takings -------------------------------------------------------------------------

    def takings(self, actor: Actor, day: date | None = None) -> Takings:
        """The day's payments by means, each checked against the audit log (a correspondent's view)."""
        self._acts.correspondent(actor)
        day = day or self._clock().date()
        payments = tuple(payment_store.payments_on(self._db, day))
        return Takings(day, self._config.site.id, totals_by_means(payments), payments, self._match_audit(payments, day))

    def _match_audit(self, payments: tuple[Payment, ...], day: date) -> AuditMatch:
        seqs = payment_store.audit_seqs(self._db, [p.payment_id for p in payments])
        _, acknowledged, _ = audit_store.chain_state(self._db)
        kept = {entry.seq: entry for entry in audit_store.entries(self._db)}
        matched = with_centre = elsewhere = 0
        problems: list[str] = []
        for payment in payments:
            seq = seqs.get(payment.payment_id)
            if seq is None:
                elsewhere += 1
            elif seq <= acknowledged:
                with_centre += 1
            elif (
                (entry := kept.get(seq)) is not None
                and entry.action == Action.PAYMENT
                and entry.target == payment.payment_id
                and dict(entry.details) == _audited(payment)
            ):
                matched += 1
            else:
                problems.append(payment.payment_id)
        taken = {p.payment_id for p in payments}
        problems += [
            entry.target or entry.entry_id
            for entry in kept.values()
            if entry.action == Action.PAYMENT and entry.at.startswith(day.isoformat()) and entry.target not in taken
        ]
        return AuditMatch(matched, with_centre, elsewhere, tuple(problems))


def _audited(payment: Payment) -> dict[str, object]:
    """What the audit entry says of a payment (no name, no card data)."""
    return {
        "kind": payment.subject_kind.value,
        "of": payment.subject_id,
        "amount_cents": payment.amount_cents,
        "means": payment.means.value,
        "reference": payment.reference,
        "corrects": payment.corrects or "",
    }
