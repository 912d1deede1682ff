"""Assisted mode: what a signed-in correspondent does for a beneficiary beside them, and for the kiosk.

Every method takes the correspondent's `StaffSession` (checked, and counted as
activity, by StaffAuthService.require) and writes its audit entry in the same
transaction as the action itself. "For whom" is recorded as the person's or
household's id from the centre, never a name.

- `identify`: a beneficiary beside the correspondent, by card or number, without PIN —
  only once the correspondent confirms the person is present and agrees.
- `book`, `cancel_booking`, `submit_request`, `cancel_request`: what the person could do
  alone, done for them.
- `reprint_booking`, `reprint_pickup`: the voucher or ticket to print again (then
  `VoucherService.print` from a worker, as for any voucher).
- `sync_state`, `request_sync`: how sync stands, and asking for a cycle now (the UI then
  wakes its sync worker).
- `leave`: sign out.
Queue work (take in hand, ready, hand over…) is `ConciergeRequests.queue/move/
find_by_pickup/hand_over`, which audit their moves themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.booking import Booking, BookingRefused
from kiosk.domain.concierge import ConciergeRequest, RequestState, StateReason
from kiosk.domain.household import CARD_QR_PREFIX, parse_card_input
from kiosk.domain.staff import StaffSession
from kiosk.domain.voucher import Voucher
from kiosk.errors import KioskError
from kiosk.services.audit import AuditService
from kiosk.services.concierge import ConciergeRequests, RequestNotFound
from kiosk.services.identity import IdentificationError, Identified
from kiosk.services.staff import StaffAuthService
from kiosk.services.vouchers import VoucherService
from kiosk.store import bookings as booking_store
from kiosk.store import households as household_store
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, parked_operations
from kiosk.store.state import read_state


class ConfirmationMissing(KioskError):
    """The correspondent has not confirmed that the person is present and agrees; nothing was done."""


@dataclass(frozen=True)
class ParkedOperation:
    kind: str
    created_at: datetime
    reason_fr: str
    reason_en: str


@dataclass(frozen=True)
class SyncState:
    """How sync stands, for the correspondent's screen."""

    pending: int  # operations waiting to reach the centre
    parked: int  # operations the centre refused for good (with their reasons below)
    last_success: datetime | None
    last_error_at: datetime | None  # the last failed cycle (network down, centre error…)
    last_error_fr: str
    last_error_en: str
    audit_waiting: int  # audit entries the centre has not acknowledged yet
    parked_operations: tuple[ParkedOperation, ...]


class AssistedService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        staff: StaffAuthService,
        audit: AuditService,
        concierge: ConciergeRequests,
        vouchers: VoucherService,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._staff = staff
        self._audit = audit
        self._concierge = concierge
        self._vouchers = vouchers
        self._clock = clock

    # -- the person beside the correspondent -------------------------------------------------

    def identify(self, staff: StaffSession, card_input: str, person_present: bool, person_agrees: bool) -> Identified:
        """The card holder of a scanned card or typed number, without PIN.

        Raises ConfirmationMissing unless the correspondent confirmed both that the
        person is present and that they agree; CardError for a bad number;
        IdentificationError for a card unknown here; StaffSessionExpired.
        """
        self._staff.require(staff)
        if person_present is not True or person_agrees is not True:
            raise ConfirmationMissing("error.assisted.confirm_that_person_present")
        scanned = isinstance(card_input, str) and card_input.strip().upper().startswith(CARD_QR_PREFIX)
        card = parse_card_input(card_input)
        found = household_store.find_card_holder(self._db, card)
        if found is None:
            raise IdentificationError("error.assisted.card_known_at_kiosk")
        household, person = found
        with transaction(self._db):
            self._audit.record(
                staff.staff_id,
                Action.IDENTIFY,
                subject=person.person_id,
                target=household.household_id,
                details={
                    "method": "card_scan" if scanned else "card_number",
                    "person_present": True,
                    "person_agrees": True,
                },
            )
        return Identified(household, person)

    def book(
        self,
        staff: StaffSession,
        identified: Identified,
        offer_id: str,
        session_id: str,
        participant_ids: list[str],
        waitlist: bool = False,
    ) -> Booking:
        """Book for the person (same rules as alone); raises BookingRefused, StaffSessionExpired."""
        self._staff.require(staff)
        with transaction(self._db, durable=True):
            booking = booking_store.create_booking(
                self._db, offer_id, session_id, identified.household, participant_ids, self._clock(), waitlist
            )
            self._audit.record(
                staff.staff_id,
                Action.BOOKING_CREATE,
                subject=identified.person.person_id,
                target=booking.booking_id,
                details={
                    "offer_id": offer_id,
                    "session_id": session_id,
                    "participants": len(participant_ids),
                    "state": booking.state.value,
                },
            )
        return booking

    def cancel_booking(self, staff: StaffSession, identified: Identified, booking_id: str) -> Booking:
        """Cancel one of the person's bookings (same deadline as alone); raises BookingRefused."""
        self._staff.require(staff)
        with transaction(self._db):
            booking = booking_store.cancel_booking(
                self._db, booking_id, identified.household.household_id, self._clock()
            )
            self._audit.record(
                staff.staff_id,
                Action.BOOKING_CANCEL,
                subject=identified.person.person_id,
                target=booking_id,
                details={"offer_id": booking.offer_id},
            )
        return booking

    def submit_request(
        self, staff: StaffSession, identified: Identified, service_id: str, answers: Mapping[str, object]
    ) -> ConciergeRequest:
        """A concierge request for the person; raises UnknownService, ConciergeFormError, ConciergeLimit."""
        return self._concierge.submit(service_id, identified, answers, staff=staff)

    def cancel_request(
        self, staff: StaffSession, identified: Identified, request_id: str, reason: StateReason
    ) -> ConciergeRequest:
        """Cancel one of the person's requests (a correspondent may, at any stage before hand-over)."""
        request = self._concierge.request(request_id)
        if request is None or request.household_id != identified.household.household_id:
            raise RequestNotFound("error.assisted.request_found_for_person")
        return self._concierge.move(request_id, RequestState.CANCELLED, staff, reason)

    # -- reprints ----------------------------------------------------------------------------------

    def reprint_booking(self, staff: StaffSession, booking_id: str) -> Voucher:
        """Any booking's voucher, to print again; raises BookingRefused (unknown) or NoVoucher."""
        self._staff.require(staff)
        booking = booking_store.load_booking(self._db, booking_id)
        if booking is None:
            raise BookingRefused("error.assisted.booking_found")
        voucher = self._vouchers.voucher(booking)
        with transaction(self._db):
            self._audit.record(
                staff.staff_id,
                Action.REPRINT,
                subject=booking.household_id,
                target=booking_id,
                details={"kind": "booking"},
            )
        return voucher

    def reprint_pickup(self, staff: StaffSession, request_id: str, language: str = "fr") -> Voucher:
        """Any concierge ticket, to print again; raises RequestNotFound or NoVoucher."""
        self._staff.require(staff)
        request = self._concierge.request(request_id)
        if request is None:
            raise RequestNotFound("error.assisted.request_found")
        voucher = self._vouchers.pickup_voucher(request, language)
        with transaction(self._db):
            self._audit.record(
                staff.staff_id, Action.REPRINT, subject=request.person_id, target=request_id, details={"kind": "pickup"}
            )
        return voucher

    # -- sync --------------------------------------------------------------------------------------

    def sync_state(self, staff: StaffSession) -> SyncState:
        self._staff.require(staff)
        return read_sync_state(self._db, self._audit)

    def request_sync(self, staff: StaffSession) -> None:
        """Record that the correspondent forced a sync; the caller then wakes the sync worker."""
        self._staff.require(staff)
        with transaction(self._db):
            self._audit.record(staff.staff_id, Action.SYNC_FORCED)

    def leave(self, staff: StaffSession) -> None:
        """Sign out (recorded)."""
        current = self._staff.current()
        if current is not None and current.session_id == staff.session_id:
            self._staff.sign_out("user")


def read_sync_state(db: sqlite_utils.Database, audit: AuditService) -> SyncState:
    waiting = counts(db)
    last = read_state(db, "sync_last_success")
    error = json.loads(read_state(db, "sync_last_error") or "{}")
    parked = tuple(
        ParkedOperation(
            op["kind"],
            datetime.fromisoformat(op["created_at"]),
            str(op["reason"].get("fr", "")),
            str(op["reason"].get("en", "")),
        )
        for op in parked_operations(db)[-50:]
    )
    return SyncState(
        pending=waiting["pending"],
        parked=waiting["parked"],
        last_success=datetime.fromisoformat(last) if last else None,
        last_error_at=datetime.fromisoformat(error["at"]) if error.get("at") else None,
        last_error_fr=str(error.get("fr", "")),
        last_error_en=str(error.get("en", "")),
        audit_waiting=audit.waiting(),
        parked_operations=parked,
    )
