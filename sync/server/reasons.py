"""Every message a person may read, in plain French and English.

A reason is a plain dict `{"code", "fr", "en"}`: it is stored as JSON with an
operation's result and sent as is. Codes are stable; texts may improve.
"""

from __future__ import annotations

Reason = dict[str, str]


def reason(code: str, fr: str, en: str) -> Reason:
    return {"code": code, "fr": fr, "en": en}


# --- booking decisions -------------------------------------------------------

def session_unknown() -> Reason:
    return reason("session_unknown", "Cette séance n'existe pas ou plus au catalogue.",
                  "This session does not exist, or no longer exists, in the catalog.")


def offer_withdrawn() -> Reason:
    return reason("offer_withdrawn", "Cette offre a été retirée du catalogue : aucune place n'y est plus attribuée.",
                  "This offer has been withdrawn from the catalog: no more places are given on it.")


def session_past() -> Reason:
    return reason("session_past", "Cette séance a déjà commencé ou est passée : il n'est plus possible de s'inscrire.",
                  "This session has already started or is over: it can no longer be booked.")


def household_unknown() -> Reason:
    return reason("household_unknown", "Ce foyer n'est pas connu du centre. Adressez-vous à votre correspondant SLVie.",
                  "This household is not known to the centre. Please ask your SLVie correspondent.")


def not_in_household(person_id: str) -> Reason:
    return reason("participant_not_in_household",
                  f"La personne n° {person_id} ne fait pas partie du foyer : seuls les membres du foyer "
                  "peuvent être inscrits.",
                  f"Person no. {person_id} is not a member of the household: only household members can be booked.")


def already_booked(name: str) -> Reason:
    return reason("already_booked", f"{name} a déjà une place ou une demande pour cette séance.",
                  f"{name} already has a place or a request on this session.")


def age_limit(name: str, age_min: int | None, age_max: int | None) -> Reason:
    if age_min is not None and age_max is not None:
        fr, en = f"de {age_min} à {age_max} ans", f"from {age_min} to {age_max} years old"
    elif age_min is not None:
        fr, en = f"à partir de {age_min} ans", f"from {age_min} years old"
    else:
        fr, en = f"jusqu'à {age_max} ans", f"up to {age_max} years old"
    return reason("age_limit", f"{name} n'a pas l'âge demandé pour cette activité ({fr} au début de la séance).",
                  f"{name} is outside the age limits of this activity ({en} on the first day).")


def waitlisted_full() -> Reason:
    return reason("waitlisted_full", "Il n'y a plus de place libre : vous êtes sur la liste d'attente. "
                  "Vous serez inscrit dès qu'une place se libère.",
                  "There is no place left: you are on the waiting list, "
                  "and will be booked as soon as a place becomes free.")


def allocation_exhausted() -> Reason:
    return reason("allocation_exhausted", "Les places réservées à ce site étaient déjà toutes prises quand la "
                  "réservation est arrivée au centre : vous êtes sur la liste d'attente.",
                  "The places set aside for this site were all taken when the booking reached the centre: "
                  "you are on the waiting list.")


def refused_by_centre() -> Reason:
    return reason("refused_by_centre", "Votre demande n'a pas pu être retenue lors de l'attribution des places.",
                  "Your request could not be granted when the places were allocated.")


# --- operations that can never be applied --------------------------------------

def cancel_deadline(days: int) -> Reason:
    if days == 0:
        fr, en = "avant le début de la séance", "before the session starts"
    else:
        fr, en = (f"jusqu'à {days} jour{'s' if days > 1 else ''} avant le début",
                  f"up to {days} day{'s' if days > 1 else ''} before the start")
    return reason("cancel_deadline_passed", f"Il est trop tard pour annuler : l'annulation était possible {fr}.",
                  f"It is too late to cancel: cancelling was possible {en}.")


def household_other_site() -> Reason:
    return reason("household_other_site",
                  "Ce foyer dépend d'un autre point SLVie : cette borne ne peut pas réserver pour lui. "
                  "Adressez-vous à votre correspondant SLVie.",
                  "This household belongs to another SLVie point: this kiosk cannot book for it. "
                  "Please ask your SLVie correspondent.")


def booking_other_site() -> Reason:
    return reason("booking_other_site",
                  "Cette réservation a été faite à un autre point SLVie : elle ne peut être annulée que là-bas "
                  "ou par un correspondant de ce point.",
                  "This booking was made at another SLVie point: it can only be cancelled there or by a "
                  "correspondent of that point.")


def booking_unknown() -> Reason:
    return reason("booking_unknown", "Cette réservation n'est pas connue du centre.",
                  "This booking is not known to the centre.")


def booking_not_cancellable() -> Reason:
    return reason("booking_not_cancellable", "Cette réservation a été refusée : il n'y a rien à annuler.",
                  "This booking was refused: there is nothing to cancel.")


def booking_exists() -> Reason:
    return reason("booking_exists", "Une autre réservation porte déjà ce numéro ; celle-ci n'a pas été enregistrée.",
                  "Another booking already has this number; this one was not recorded.")


def op_id_reused() -> Reason:
    return reason("op_id_reused",
                  "Cette opération porte le numéro d'une autre opération déjà reçue ; elle a été ignorée.",
                  "This operation carries the id of another operation already received; it was ignored.")


def unknown_kind(kind: str) -> Reason:
    return reason("unknown_kind", f"Le centre ne sait pas traiter ce type d'opération ({kind}).",
                  f"The centre does not know how to handle this kind of operation ({kind}).")


def invalid_payload(where: str, problem_en: str) -> Reason:
    return reason("invalid_payload", f"Opération mal formée (champ « {where} ») : elle ne peut pas être traitée.",
                  f"Malformed operation (field '{where}': {problem_en}): it cannot be handled.")


# --- concierge requests and audit logs --------------------------------------------

def request_exists() -> Reason:
    return reason("request_exists", "Une autre demande porte déjà ce numéro ; celle-ci n'a pas été enregistrée.",
                  "Another request already has this number; this one was not recorded.")


def service_unknown(service_id: str) -> Reason:
    return reason("service_unknown", f"Le service de conciergerie « {service_id} » n'est pas proposé par le centre.",
                  f"The concierge service '{service_id}' is not offered by the centre.")


def request_unknown() -> Reason:
    return reason("request_unknown", "Cette demande de conciergerie n'est pas connue du centre.",
                  "This concierge request is not known to the centre.")


def request_other_site() -> Reason:
    return reason("request_other_site", "Cette demande appartient à un autre point conciergerie.",
                  "This request belongs to another concierge point.")


def transition_refused(fr: str, en: str) -> Reason:
    return reason("transition_refused", f"Le centre n'a pas pu enregistrer ce changement : {fr}",
                  f"The centre could not record this change: {en}")


def audit_chain_broken(seq: int) -> Reason:
    return reason("audit_chain_broken",
                  f"Le journal d'audit de cette borne ne se suit pas à l'entrée n° {seq} (modifiée, retirée ou "
                  "déjà reçue autrement). Prévenez l'informatique.",
                  f"This kiosk's audit log does not follow on at entry no. {seq} (changed, removed, or received "
                  "differently before). Tell IT.")


def audit_fork(seq: int) -> Reason:
    return reason("audit_fork",
                  f"Le centre a déjà une autre entrée n° {seq} du journal d'audit de cette borne : le journal a été "
                  "réécrit. Prévenez l'informatique.",
                  f"The centre already holds another entry no. {seq} of this kiosk's audit log: the log was "
                  "rewritten. Tell IT.")


def audit_signature_invalid(seq: int) -> Reason:
    return reason("audit_signature_invalid",
                  f"L'entrée n° {seq} du journal d'audit n'est pas signée par la clé de cette borne : elle a été "
                  "modifiée. Prévenez l'informatique.",
                  f"Entry no. {seq} of the audit log is not signed by this kiosk's key: it was altered. Tell IT.")


def audit_key_unknown(key_id: str) -> Reason:
    return reason("audit_key_unknown",
                  f"La clé {key_id} qui signe ce journal d'audit n'a pas été publiée par cette borne.",
                  f"The key {key_id} signing this audit log was not published by this kiosk.")


def audit_other_site(seq: int) -> Reason:
    return reason("audit_other_site",
                  f"L'entrée n° {seq} du journal d'audit est d'un autre site que celui de cette borne.",
                  f"Entry no. {seq} of the audit log is for another site than this kiosk's.")
