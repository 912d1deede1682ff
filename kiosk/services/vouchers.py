"""Vouchers for bookings and concierge pickup tickets: made once, kept as a PDF in the data directory,
printed on demand; printed again by the person, or by a correspondent (audited).

A voucher is written to disk before it is printed, so a printer that is missing,
off or out of paper never loses it: "Mes réservations" can print it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import Action
from kiosk.domain.booking import Booking, BookingRefused, BookingState, cancellation_deadline
from kiosk.domain.catalog import BookingMode
from kiosk.domain.concierge import ConciergeRequest, RequestState, form_for, ready_from, request_title
from kiosk.domain.payment import SubjectKind, balance
from kiosk.domain.voucher import Voucher, VoucherKind, VoucherState, encode_payload
from kiosk.errors import KioskError
from kiosk.files import write_whole
from kiosk.printing.printer import PrintJob, print_pdf
from kiosk.services.actor import Actor, Acts
from kiosk.services.concierge import RequestNotFound
from kiosk.services.consultations import BallotReceipt
from kiosk.signing_key import load_or_create_signing_key
from kiosk.store import bookings as booking_store
from kiosk.store import concierge as concierge_store
from kiosk.store.catalog import load_concierge_service, load_offer
from kiosk.store.households import load_household
from kiosk.store.payments import payments_for

VOUCHER_DIR = "vouchers"


class NoVoucher(KioskError):
    """This booking or request has no voucher to print (refused, cancelled, or already handed over)."""


def voucher_state(booking: Booking, booking_mode: BookingMode) -> VoucherState | None:
    if booking.state == BookingState.CONFIRMED:
        return VoucherState.CONFIRMED
    if booking.state == BookingState.WAITLISTED:
        return VoucherState.WAITLISTED
    if booking.state == BookingState.REQUESTED:
        return VoucherState.REQUEST if booking_mode == BookingMode.REQUEST else VoucherState.PROVISIONAL
    return None


def pickup_state(request: ConciergeRequest) -> VoucherState | None:
    """What a pickup ticket says of a request: received, with the provider, ready — or no ticket at all."""
    if request.state in (RequestState.SUBMITTED, RequestState.TAKEN):
        return VoucherState.REQUEST
    if request.state == RequestState.AT_PROVIDER:
        return VoucherState.CONFIRMED
    if request.state == RequestState.READY:
        return VoucherState.READY
    return None


class VoucherService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        data_dir: Path,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._acts = acts
        self._config = config
        self._dir = data_dir / VOUCHER_DIR
        self._data_dir = data_dir
        self._clock = clock

    def voucher(self, booking: Booking) -> Voucher:
        """What the voucher says, read from the store (on the thread that owns it)."""
        offer = load_offer(self._db, booking.offer_id)
        household = load_household(self._db, booking.household_id)
        session = offer.session(booking.session_id) if offer else None
        if offer is None or session is None or household is None:
            raise NoVoucher("error.vouchers.offer_or_household_gone")
        state = voucher_state(booking, offer.booking_mode)
        if state is None:
            raise NoVoucher("error.vouchers.booking_was_refused_cancelled")
        names = tuple(p.display_name for p in map(household.member, booking.participants) if p is not None)
        return Voucher(
            kind=VoucherKind.BOOKING,
            reference=booking.booking_id,
            site_id=self._config.site.id,
            title=offer.title,
            start=session.start,
            end=session.end,
            place=session.place or offer.location,
            participants=names,
            total_cents=booking.total_cents,
            state=state,
            issued_at=self._clock().replace(microsecond=0),
            cancel_until=cancellation_deadline(offer, session),
            paid_cents=self._paid(SubjectKind.BOOKING, booking.booking_id),
            bring=offer.bring,
        )

    def pickup_voucher(self, request: ConciergeRequest, language: str = "fr") -> Voucher:
        """The pickup ticket of a concierge request (kind PICKUP, same signed QR as booking vouchers).

        Print it like a booking voucher: `print(voucher, language)` from a worker. Raises
        NoVoucher for a request cancelled, refused or already handed over.
        """
        state = pickup_state(request)
        if state is None:
            raise NoVoucher("error.vouchers.request_was_cancelled_refused")
        title = request_title(load_concierge_service(self._db, request.service_id), request, language)
        start = ready_from(form_for(request.service_id), request)
        return Voucher(
            kind=VoucherKind.PICKUP,
            reference=request.request_id,
            site_id=self._config.site.id,
            title=title,
            start=start,
            end=None,
            place=self._config.site.name,
            participants=(),
            total_cents=request.estimate_cents,
            state=state,
            issued_at=self._clock().replace(microsecond=0),
            paid_cents=self._paid(SubjectKind.REQUEST, request.request_id),
        )

    def reprint_booking(self, actor: Actor, booking_id: str) -> Voucher:
        """A booking's voucher, to print again; raises BookingRefused (unknown), NoVoucher, StaffSessionExpired."""
        self._acts.check(actor)
        booking = booking_store.load_booking(self._db, booking_id)
        if booking is None:
            raise BookingRefused("error.assisted.booking_found")
        voucher = self.voucher(booking)
        self._acts.record(actor, Action.REPRINT, booking.household_id, booking_id, {"kind": "booking"})
        return voucher

    def reprint_pickup(self, actor: Actor, request_id: str, language: str = "fr") -> Voucher:
        """A concierge ticket, to print again; raises RequestNotFound, NoVoucher, StaffSessionExpired."""
        self._acts.check(actor)
        request = concierge_store.load_request(self._db, request_id)
        if request is None:
            raise RequestNotFound("error.assisted.request_found")
        voucher = self.pickup_voucher(request, language)
        self._acts.record(actor, Action.REPRINT, request.person_id, request_id, {"kind": "pickup"})
        return voucher

    def _paid(self, kind: SubjectKind, subject_id: str) -> int:
        return balance(None, payments_for(self._db, kind, subject_id)).paid_cents

    def participation_receipt(self, receipt: BallotReceipt, language: str = "fr") -> Voucher:
        """A vote's receipt: the consultation, when and where the person took part — never the choice."""
        return Voucher(
            kind=VoucherKind.PARTICIPATION,
            reference=receipt.ballot_id,
            site_id=self._config.site.id,
            title=receipt.consultation.question(language),
            start=receipt.cast_at.replace(second=0, microsecond=0),
            end=None,
            place=self._config.site.name,
            participants=(),
            total_cents=None,
            state=VoucherState.CONFIRMED,
            issued_at=self._clock().replace(microsecond=0),
        )

    def write_pdf(self, voucher: Voucher, language: str) -> Path:
        """Sign, render and keep the voucher. No store access: safe to run in a worker."""
        payload = encode_payload(voucher, load_or_create_signing_key(self._data_dir))
        from kiosk.printing.voucher_pdf import render_voucher_pdf  # reportlab: only once a voucher is made

        pdf = render_voucher_pdf(
            voucher, payload, self._config.printer.layout, language, site_name=self._config.site.name
        )
        return write_whole(self._dir / f"{voucher.reference}.pdf", pdf)

    def print(self, voucher: Voucher, language: str) -> PrintJob:
        """Slow and may block on the printer: call it from a worker thread, never the GUI thread."""
        path = self.write_pdf(voucher, language)
        return print_pdf(path, self._config.printer.queue, title=f"SLVie-{voucher.short_code}")
