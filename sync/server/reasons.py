"""Every message a person may read about an operation, from the catalogs (reason.* texts).

A reason is a plain dict `{"code", "fr", "en"}`: it is stored as JSON with an
operation's result and sent as is. Codes are stable; texts may improve.
"""

from __future__ import annotations

from kiosk.i18n import Euros, Message, Said, Text

Reason = dict[str, str]
Outcome = dict[str, object]  # one operation's result, as stored and sent (sync/wire.py's OperationResult)


def reason(text: Text) -> Reason:
    """The reason whose code is the text's key without "reason.", in French and English."""
    return {"code": text.key.removeprefix("reason."), "fr": text.message("fr"), "en": text.message("en")}


# --- booking decisions -------------------------------------------------------


def session_unknown() -> Reason:
    return reason(Text("reason.session_unknown"))


def offer_withdrawn() -> Reason:
    return reason(Text("reason.offer_withdrawn"))


def session_past() -> Reason:
    return reason(Text("reason.session_past"))


def household_unknown() -> Reason:
    return reason(Text("reason.household_unknown"))


def not_in_household(person_id: str) -> Reason:
    return reason(Text("reason.participant_not_in_household", person_id=person_id))


def already_booked(name: str) -> Reason:
    return reason(Text("reason.already_booked", name=name))


def age_limit(name: str, age_min: int | None, age_max: int | None) -> Reason:
    if age_min is not None and age_max is not None:
        limits = Text("reason.age.between", age_min=age_min, age_max=age_max)
    elif age_min is not None:
        limits = Text("reason.age.from", age_min=age_min)
    else:
        limits = Text("reason.age.up_to", age_max=age_max)
    return reason(Text("reason.age_limit", name=name, limits=limits))


def waitlisted_full() -> Reason:
    return reason(Text("reason.waitlisted_full"))


def allocation_exhausted() -> Reason:
    return reason(Text("reason.allocation_exhausted"))


def refused_by_centre() -> Reason:
    return reason(Text("reason.refused_by_centre"))


# --- operations that can never be applied --------------------------------------


def cancel_deadline(days: int) -> Reason:
    until = Text("reason.cancel.before_start") if days == 0 else Text("reason.cancel.days_before", count=days)
    return reason(Text("reason.cancel_deadline_passed", until=until))


def household_other_site() -> Reason:
    return reason(Text("reason.household_other_site"))


def booking_other_site() -> Reason:
    return reason(Text("reason.booking_other_site"))


def booking_unknown() -> Reason:
    return reason(Text("reason.booking_unknown"))


def booking_not_cancellable() -> Reason:
    return reason(Text("reason.booking_not_cancellable"))


def booking_exists() -> Reason:
    return reason(Text("reason.booking_exists"))


def invalid_price(field: str, tier: int, total_cents: int) -> Reason:
    return reason(Text("reason.invalid_price", field=field, tier=tier, total=Euros(total_cents)))


def lease_unknown() -> Reason:
    return reason(Text("reason.lease_unknown"))


def op_id_reused() -> Reason:
    return reason(Text("reason.op_id_reused"))


def unknown_kind(kind: str) -> Reason:
    return reason(Text("reason.unknown_kind", kind=kind))


def invalid_payload(where: str, problem_en: str) -> Reason:
    return reason(Text("reason.invalid_payload", where=where, problem=Said(problem_en, problem_en)))


# --- concierge requests and audit logs --------------------------------------------


def request_exists() -> Reason:
    return reason(Text("reason.request_exists"))


def service_unknown(service_id: str) -> Reason:
    return reason(Text("reason.service_unknown", service_id=service_id))


def request_unknown() -> Reason:
    return reason(Text("reason.request_unknown"))


def request_other_site() -> Reason:
    return reason(Text("reason.request_other_site"))


def transition_refused(refused: Message) -> Reason:
    return reason(Text("reason.transition_refused", refused=refused))


def audit_chain_broken(seq: int) -> Reason:
    return reason(Text("reason.audit_chain_broken", seq=seq))


def audit_fork(seq: int) -> Reason:
    return reason(Text("reason.audit_fork", seq=seq))


def audit_signature_invalid(seq: int) -> Reason:
    return reason(Text("reason.audit_signature_invalid", seq=seq))


def audit_key_unknown(key_id: str) -> Reason:
    return reason(Text("reason.audit_key_unknown", key_id=key_id))


def audit_other_site(seq: int) -> Reason:
    return reason(Text("reason.audit_other_site", seq=seq))


# --- payments ------------------------------------------------------------------


def payment_exists() -> Reason:
    return reason(Text("reason.payment_exists"))


def payment_subject_unknown() -> Reason:
    return reason(Text("reason.payment_subject_unknown"))


def payment_other_site() -> Reason:
    return reason(Text("reason.payment_other_site"))


def payment_other_household() -> Reason:
    return reason(Text("reason.payment_other_household"))


def payment_too_much() -> Reason:
    return reason(Text("reason.payment_too_much"))


# --- ideas, consultations and votes -----------------------------------------------


def idea_exists() -> Reason:
    return reason(Text("reason.idea_exists"))


def consultation_unknown() -> Reason:
    return reason(Text("reason.consultation_unknown"))


def invalid_ballot() -> Reason:
    return reason(Text("reason.invalid_ballot"))


def already_voted() -> Reason:
    return reason(Text("reason.already_voted"))


def vote_not_open() -> Reason:
    return reason(Text("reason.vote_not_open"))


def vote_other_site() -> Reason:
    return reason(Text("reason.vote_other_site"))


def vote_too_late() -> Reason:
    return reason(Text("reason.vote_too_late"))


def not_eligible() -> Reason:
    return reason(Text("reason.not_eligible"))


def appreciation_exists() -> Reason:
    return reason(Text("reason.appreciation_exists"))


def appreciation_not_allowed() -> Reason:
    return reason(Text("reason.appreciation_not_allowed"))


def appreciation_other_site() -> Reason:
    return reason(Text("reason.appreciation_other_site"))


# --- e-mail notices ------------------------------------------------------------


def notice_address(refused: Message) -> Reason:
    return reason(Text("reason.notice_address", problem=refused))
