"""Concierge use cases: a service's form, submitting a request, following it, and the correspondents' queue.

For beneficiaries (identified by card and PIN, or by a correspondent beside them):
`form`, `estimate`, `submit`, `requests_for`, `ready_for` (what the kiosk says first:
"Votre pressing est prêt."), `cancel` (only while the request is still "déposée").

For correspondents only (an actor who is not a signed-in correspondent is refused):
`queue` (filter by state and service), `move` along the lifecycle, `find_by_pickup`
(a scanned ticket, whose Ed25519 signature is checked, or a typed short code) and
`hand_over`.

Each change takes its actor and is written with its outbox operation — `concierge.create` or
`concierge.transition` (docs/sync-protocol.md) — and, when a correspondent makes it, its
audit entry, all in one transaction (kiosk/services/actor.py). The receipt is printed by
`VoucherService.pickup_voucher` + `VoucherService.print`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import Action
from kiosk.domain.catalog import ConciergeService
from kiosk.domain.concierge import (
    BENEFICIARY_CANCEL,
    OPEN_STATES,
    ConciergeRequest,
    Estimate,
    RequestState,
    ServiceForm,
    StateReason,
    TransitionRefused,
    allowed_moves,
    check_transition,
    create_payload,
    describe_answers,
    estimate,
    form_for,
    new_request_id,
    prepare_form,
    ready_made_reason,
    ready_message,
    request_title,
    service_name,
    service_words,
    validate_answers,
)
from kiosk.domain.concierge import Actor as Role
from kiosk.domain.household import Household
from kiosk.domain.voucher import (
    PayloadError,
    Reason,
    VoucherKind,
    decode_payload,
    normalize_short_code,
    verify_payload,
)
from kiosk.errors import KioskError
from kiosk.i18n import Message, Said
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.signing_key import load_or_create_signing_key
from kiosk.store import concierge as concierge_store
from kiosk.store.catalog import list_concierge_services, load_concierge_service
from kiosk.store.households import load_household
from kiosk.store.outbox import enqueue

# One household cannot flood the desk: beyond this many requests in progress, it waits.
MAX_OPEN_REQUESTS = 20
MAX_PICKUP_INPUT = 400


class UnknownService(KioskError):
    """The service is not (or no longer) offered at this site."""


class RequestNotFound(KioskError):
    """No such concierge request at this site."""


class ConciergeLimit(KioskError):
    """Too many requests in progress for one household; nothing was written."""


class PickupCodeError(KioskError):
    """A scanned ticket or typed code that does not lead to a request of this site; the message says why."""


@dataclass(frozen=True)
class ServiceOffer:
    """What a service's form screen shows: the service (name, price, hours) and its form as of now."""

    service: ConciergeService
    form: ServiceForm  # day fields offer the next opening days; the last field is the optional note


@dataclass(frozen=True)
class ReadyNotice:
    request: ConciergeRequest
    message: Message  # "Votre pressing est prêt.", read in the language of whoever is told


@dataclass(frozen=True)
class QueueItem:
    """One line of the correspondents' queue."""

    request: ConciergeRequest
    service_name: Said  # the centre's name of the service (its id when no longer offered)
    person_name: str  # shown to the correspondent, to hand the item to the right person
    moves: tuple[RequestState, ...]  # what the correspondent may do next, in lifecycle order
    form: ServiceForm

    def details(self, language: str) -> list[tuple[str, str]]:
        """The answers as (label, value) lines in `language` (the note is `request.note`)."""
        return describe_answers(self.form, self.request.answers, language)


def _not_found() -> RequestNotFound:
    return RequestNotFound("error.concierge.request_found_at_concierge")


class ConciergeRequests:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        data_dir: Path,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._data_dir = data_dir
        self._acts = acts
        self._clock = clock

    # -- the services and their forms ---------------------------------------------------------

    def services(self) -> list[ConciergeService]:
        return list_concierge_services(self._db)

    def service(self, service_id: str) -> ConciergeService:
        found = load_concierge_service(self._db, service_id)
        if found is None:
            raise UnknownService("error.concierge.service_longer_offered_here")
        return found

    def form(self, service_id: str) -> ServiceOffer:
        """The service and its form as of now; raises UnknownService."""
        service = self.service(service_id)
        return ServiceOffer(service, prepare_form(form_for(service_id), self._clock()))

    def estimate(self, service_id: str, answers: Mapping[str, object]) -> Estimate:
        """The price for these answers (unit price × quantity, or on quotation); raises ConciergeFormError."""
        service = self.service(service_id)
        form = form_for(service_id)
        return estimate(service, form, validate_answers(form, answers, self._clock()))

    # -- beneficiaries ------------------------------------------------------------------------

    def submit(
        self, actor: Actor, identified: Identified, service_id: str, answers: Mapping[str, object]
    ) -> ConciergeRequest:
        """Record a request, with its `concierge.create` operation (and its audit entry when a correspondent
        makes it for the person). Raises UnknownService, ConciergeFormError, StaffSessionExpired or
        ConciergeLimit; nothing is written then."""
        self._acts.check(actor)
        service = self.service(service_id)
        form = form_for(service_id)
        now = self._clock()
        clean = validate_answers(form, answers, now)
        price = estimate(service, form, clean)
        request = ConciergeRequest(
            request_id=new_request_id(),
            site_id=self._config.site.id,
            service_id=service_id,
            household_id=identified.household.household_id,
            person_id=identified.person.person_id,
            answers=clean.answers,
            quantity=clean.quantity,
            estimate_cents=price.total_cents,
            collect_on=clean.collect_on,
            note=clean.note,
            state=RequestState.SUBMITTED,
            created_at=now,
            updated_at=now,
            created_by=actor.staff.staff_id if actor.staff else None,
        )
        # Durable: its pickup ticket is printed next.
        with self._acts.write(actor, Action.CONCIERGE_CREATE, durable=True) as audit:
            open_count = concierge_store.count_open_requests(self._db, request.household_id)
            if open_count >= MAX_OPEN_REQUESTS:
                raise ConciergeLimit("error.concierge.household_already_has_requests", open_count=open_count)
            concierge_store.insert_request(self._db, request)
            enqueue(self._db, "concierge.create", create_payload(request), now)
            audit.say(request.person_id, request.request_id, {"service_id": service_id})
        return request

    def requests_for(self, household: Household) -> list[ConciergeRequest]:
        """A household's requests, newest first."""
        return concierge_store.household_requests(self._db, household.household_id)

    def ready_for(self, household: Household) -> list[ReadyNotice]:
        """What is ready to collect for this household: say it first, once the person is identified."""
        names = {s.id: s for s in self.services()}
        notices = []
        for request in concierge_store.ready_requests(self._db, household.household_id):
            service = names.get(request.service_id)
            ready = ready_message(form_for(request.service_id), service_words(service, request.service_id))
            notices.append(ReadyNotice(request, ready))
        return notices

    def cancel(
        self, actor: Actor, identified: Identified, request_id: str, reason: StateReason | None = None
    ) -> ConciergeRequest:
        """One of the person's requests is cancelled: by the person alone only while it is still "déposée",
        by a correspondent at any stage before hand-over. Raises RequestNotFound, TransitionRefused."""
        self._acts.check(actor)
        request = self._load(request_id)
        if request.household_id != identified.household.household_id:
            raise _not_found()
        return self._transition(request, RequestState.CANCELLED, actor, reason or ready_made_reason(BENEFICIARY_CANCEL))

    def request(self, request_id: str) -> ConciergeRequest | None:
        return concierge_store.load_request(self._db, request_id)

    def service_name(self, service_id: str, language: str) -> str:
        """The service's name in `language`, or its id when it is no longer offered."""
        return service_name(load_concierge_service(self._db, service_id), service_id, language)

    def title(self, request: ConciergeRequest, language: str) -> str:
        """ "Pressing × 3", as the request's card or ticket is headed."""
        return request_title(load_concierge_service(self._db, request.service_id), request, language)

    def describe(self, request: ConciergeRequest, language: str) -> list[tuple[str, str]]:
        """The answers of a request as (label, value) lines in `language` (the note is `request.note`)."""
        return describe_answers(form_for(request.service_id), request.answers, language)

    # -- correspondents -----------------------------------------------------------------------

    def queue(
        self, actor: Actor, states: list[RequestState] | None = None, service_id: str | None = None, limit: int = 200
    ) -> list[QueueItem]:
        """The site's requests, oldest first; by default those still in progress. Raises StaffSessionExpired."""
        self._acts.correspondent(actor)
        services = {s.id: s for s in self.services()}
        people: dict[str, Household | None] = {}
        items = []
        for request in concierge_store.queue(
            self._db, self._config.site.id, states or sorted(OPEN_STATES), service_id, limit
        ):
            if request.household_id not in people:
                people[request.household_id] = load_household(self._db, request.household_id)
            household = people[request.household_id]
            person = household.member(request.person_id) if household else None
            service = services.get(request.service_id)
            items.append(
                QueueItem(
                    request=request,
                    service_name=service_words(service, request.service_id),
                    person_name=person.display_name if person else request.person_id,
                    moves=tuple(allowed_moves(request.state, Role.CORRESPONDENT)),
                    form=form_for(request.service_id),
                )
            )
        return items

    def move(
        self, actor: Actor, request_id: str, target: RequestState, reason: StateReason | None = None
    ) -> ConciergeRequest:
        """Move a request along its lifecycle (a reason is needed to cancel or refuse). Raises
        StaffSessionExpired, RequestNotFound or TransitionRefused; nothing is written then."""
        self._acts.correspondent(actor)
        return self._transition(self._load(request_id), RequestState(target), actor, reason)

    def find_by_pickup(self, actor: Actor, text: str) -> ConciergeRequest:
        """The request a scanned ticket (its signed QR payload) or a typed short code leads to.

        Raises PickupCodeError when the code is unreadable, tampered with, a booking
        voucher, from another site, or unknown here; StaffSessionExpired.
        """
        self._acts.correspondent(actor)
        if not isinstance(text, str) or not text.strip():
            raise PickupCodeError("error.concierge.scan_ticket_type_character")
        if len(text) > MAX_PICKUP_INPUT:
            raise PickupCodeError("error.concierge.code_too_long_ticket")
        text = text.strip()
        if text.upper().startswith("SLV"):
            return self._from_payload(text)
        code = normalize_short_code(text)
        if code is None:
            raise PickupCodeError("error.concierge.code_valid_check_characters")
        matches = concierge_store.find_by_short_code(self._db, self._config.site.id, code)
        open_ones = [r for r in matches if r.is_open]
        if len(open_ones) > 1:
            raise PickupCodeError("error.concierge.several_requests_have_code")
        if not matches:
            raise PickupCodeError("error.concierge.request_concierge_point_has")
        return (open_ones or matches)[0]

    def _from_payload(self, text: str) -> ConciergeRequest:
        try:
            claims, _, _ = decode_payload(text)
        except PayloadError as error:
            raise PickupCodeError("error.concierge.unreadable_ticket_scan_again", problem=error.text) from None
        if claims.kind is not VoucherKind.PICKUP:
            raise PickupCodeError("error.concierge.booking_voucher_concierge_ticket")
        if claims.site_id != self._config.site.id:
            raise PickupCodeError("error.concierge.ticket_comes_from_another", site_id=claims.site_id)
        result = verify_payload(text, [load_or_create_signing_key(self._data_dir).public_key()])
        if not result.valid:
            if result.reason is Reason.UNKNOWN_KEY:
                raise PickupCodeError("error.concierge.ticket_was_printed_by")
            raise PickupCodeError("error.concierge.ticket_was_altered_misread")
        request = concierge_store.load_request(self._db, claims.reference)
        if request is None or request.site_id != self._config.site.id:
            raise PickupCodeError("error.concierge.ticket_known_at_kiosk")
        return request

    def hand_over(self, actor: Actor, request_id: str) -> ConciergeRequest:
        """The item goes back to the person: "prête" → "remise". Raises TransitionRefused if it is not ready."""
        return self.move(actor, request_id, RequestState.HANDED_OVER)

    # -- shared -------------------------------------------------------------------------------

    def _load(self, request_id: str) -> ConciergeRequest:
        request = concierge_store.load_request(self._db, request_id) if isinstance(request_id, str) else None
        if request is None or request.site_id != self._config.site.id:
            raise _not_found()
        return request

    def _transition(
        self, request: ConciergeRequest, target: RequestState, actor: Actor, reason: StateReason | None
    ) -> ConciergeRequest:
        now = self._clock()
        with self._acts.write(actor, Action.CONCIERGE_MOVE) as audit:
            current = self._load(request.request_id)  # as it stands under the lock
            check_transition(current.state, target, actor.role, reason)
            kept_reason = reason if target in (RequestState.CANCELLED, RequestState.REFUSED) else None
            concierge_store.set_state(self._db, current.request_id, target, kept_reason, now)
            enqueue(
                self._db,
                "concierge.transition",
                {
                    "request_id": current.request_id,
                    "from_state": current.state.value,
                    "to_state": target.value,
                    "actor": actor.role.value,
                    "staff_id": actor.staff.staff_id if actor.staff else None,
                    "reason": kept_reason.as_dict() if kept_reason else None,
                },
                now,
            )
            details: dict[str, object] = {"from": current.state.value, "to": target.value}
            if kept_reason is not None:
                details["reason_code"] = kept_reason.code
            audit.say(current.person_id, current.request_id, details)
        return self._load(request.request_id)


__all__ = [
    "ConciergeLimit",
    "ConciergeRequests",
    "PickupCodeError",
    "QueueItem",
    "ReadyNotice",
    "RequestNotFound",
    "ServiceOffer",
    "TransitionRefused",
    "UnknownService",
    "create_payload",
]
