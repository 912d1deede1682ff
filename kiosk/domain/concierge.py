"""Concierge requests: their lifecycle, the short form of each service, and its price estimate.

A beneficiary leaves something at the concierge point (a shirt to clean, a parcel to
collect, an appointment to book…) and comes back for it. A request goes

    déposée → prise en charge → chez le prestataire → prête → remise
    (submitted → taken → at_provider → ready → handed_over)

or ends as annulée (cancelled) or refusée (refused), always with a reason. Who may
make each move is a rule of this module (`TRANSITIONS`): a beneficiary may cancel only
while the request is still "déposée"; correspondents move it along; the centre may refuse.

Each service of the catalog (`concierge_services`, ids in assets/demo/catalog.json) has
its own short form, keyed here by service id (`FORMS`); a service the centre adds later
gets `generic_form`. The catalog gives opening hours as text only, so the days a
service opens (for "when to collect") are part of the form definition here.

Every value a person types is cleaned and bounded (`clean_text`): control and
invisible formatting characters are removed, markup (`<`, `>`) is refused, and
lengths are capped, so that nothing typed at the kiosk can change how a screen or a
receipt shows it.

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from kiosk.domain.catalog import ConciergeService
from kiosk.domain.voucher import short_code
from kiosk.errors import KioskError
from kiosk.i18n import Said, Text, Texts

NOTE_MAX_CHARS = 200
REASON_MAX_CHARS = 200
MAX_ANSWERS = 20
DAY_CHOICES = 6  # how many opening days a "day" field offers


# --- Lifecycle ----------------------------------------------------------------------------------


class RequestState(StrEnum):
    SUBMITTED = "submitted"  # déposée
    TAKEN = "taken"  # prise en charge
    AT_PROVIDER = "at_provider"  # chez le prestataire
    READY = "ready"  # prête
    HANDED_OVER = "handed_over"  # remise
    CANCELLED = "cancelled"  # annulée
    REFUSED = "refused"  # refusée


class Actor(StrEnum):
    BENEFICIARY = "beneficiary"
    CORRESPONDENT = "correspondent"
    CENTRE = "centre"


def state_key(state: RequestState) -> str:
    """The catalog text naming a request's state ("Prise en charge")."""
    return f"concierge.state.{state.value}"


def move_key(target: RequestState) -> str:
    """The catalog text of the button that moves a request to `target` ("Prendre en charge")."""
    return f"concierge.move.{target.value}"


FINAL_STATES = frozenset({RequestState.HANDED_OVER, RequestState.CANCELLED, RequestState.REFUSED})
OPEN_STATES = frozenset(RequestState) - FINAL_STATES

_B, _C, _X = Actor.BENEFICIARY, Actor.CORRESPONDENT, Actor.CENTRE
S = RequestState
# (from, to) → who may make that move. Anything absent is refused.
TRANSITIONS: dict[tuple[RequestState, RequestState], frozenset[Actor]] = {
    (S.SUBMITTED, S.TAKEN): frozenset({_C}),
    (S.SUBMITTED, S.CANCELLED): frozenset({_B, _C}),
    (S.SUBMITTED, S.REFUSED): frozenset({_C, _X}),
    (S.TAKEN, S.AT_PROVIDER): frozenset({_C}),
    (S.TAKEN, S.READY): frozenset({_C}),  # done at the desk (a parcel arrived, bread delivered)
    (S.TAKEN, S.CANCELLED): frozenset({_C}),
    (S.TAKEN, S.REFUSED): frozenset({_C, _X}),
    (S.AT_PROVIDER, S.READY): frozenset({_C}),
    (S.AT_PROVIDER, S.CANCELLED): frozenset({_C}),
    (S.AT_PROVIDER, S.REFUSED): frozenset({_C, _X}),
    (S.READY, S.HANDED_OVER): frozenset({_C}),
    (S.READY, S.CANCELLED): frozenset({_C}),  # never collected
}
del S

# Moves that end a request need a reason a person can read.
NEEDS_REASON = frozenset({RequestState.CANCELLED, RequestState.REFUSED})


@dataclass(frozen=True)
class StateReason:
    """Why a request was cancelled or refused: a stable code and the same words in French and English."""

    code: str
    fr: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "fr": self.fr, "en": self.en}


# Ready-made reasons a correspondent picks from (or types their own, code "other").
REFUSAL_REASONS = (
    StateReason("provider_unable", "Le prestataire ne peut pas s'en charger.", "The provider cannot take it on."),
    StateReason(
        "not_accepted",
        "Article non accepté (matière, état ou taille).",
        "Item not accepted (material, condition or size).",
    ),
    StateReason("closed", "Service fermé à la date demandée.", "The service is closed on the day asked for."),
    StateReason(
        "incomplete",
        "Demande incomplète : passez au point conciergerie.",
        "Incomplete request: come to the concierge desk.",
    ),
)
CANCEL_REASONS = (
    StateReason("beneficiary", "Annulée à la demande de la personne.", "Cancelled at the person's request."),
    StateReason("never_dropped", "L'article n'a jamais été déposé.", "The item was never dropped off."),
    StateReason("never_collected", "L'article n'a pas été retiré à temps.", "The item was not collected in time."),
)
BENEFICIARY_CANCEL = CANCEL_REASONS[0]


class TransitionRefused(KioskError):
    """A move the lifecycle does not allow (or that lacks its reason); nothing was written."""


def allowed_moves(current: RequestState, actor: Actor) -> list[RequestState]:
    """The states `actor` may move a request to from `current`, in lifecycle order."""
    return [to for (frm, to), actors in TRANSITIONS.items() if frm == current and actor in actors]


def check_transition(
    current: RequestState, target: RequestState, actor: Actor, reason: StateReason | None = None
) -> None:
    """Raise TransitionRefused, saying why in plain words, unless `actor` may move `current` to `target`."""
    current, target, actor = RequestState(current), RequestState(target), Actor(actor)
    now, to = Text(state_key(current)), Text(state_key(target))
    if current == target:
        raise TransitionRefused("error.concierge.request_already", now=now)
    if current in FINAL_STATES:
        raise TransitionRefused("error.concierge.request_can_longer_change", now=now)
    actors = TRANSITIONS.get((current, target))
    if actors is None:
        raise TransitionRefused("error.concierge.request_that_become", now=now, to=to)
    if actor not in actors:
        if actor is Actor.BENEFICIARY and target is RequestState.CANCELLED:
            raise TransitionRefused("error.concierge.request_already_being_handled")
        raise TransitionRefused("error.concierge.you_move_request", to=to)
    if target in NEEDS_REASON and (reason is None or not reason.fr.strip()):
        raise TransitionRefused("error.concierge.give_reason")


def typed_reason(text: str) -> StateReason:
    """A reason a correspondent typed (code "other"), cleaned like any typed text."""
    cleaned = clean_text(text, REASON_MAX_CHARS, "Raison", "Reason", required=True)
    return StateReason("other", cleaned, cleaned)


# --- Requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConciergeRequest:
    request_id: str  # a UUID made by the kiosk
    site_id: str
    service_id: str
    household_id: str
    person_id: str  # who asked (a card holder of the household)
    answers: Mapping[str, object]  # the cleaned form, as JSON values
    quantity: int
    estimate_cents: int | None  # None: on quotation ("sur devis")
    collect_on: date | None  # the day chosen to collect (or of the appointment)
    note: str
    state: RequestState
    created_at: datetime
    updated_at: datetime
    created_by: str | None = None  # the correspondent's id when made in assisted mode
    reason: StateReason | None = None

    @property
    def short_code(self) -> str:
        return short_code(self.request_id)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def new_request_id() -> str:
    return str(uuid.uuid4())


# --- Forms --------------------------------------------------------------------------------------


class FieldKind(StrEnum):
    CHOICE = "choice"  # exactly one option
    CHOICES = "choices"  # one or more options (a list)
    NUMBER = "number"  # a whole number between minimum and maximum
    TEXT = "text"  # one line of text, minimum to maximum characters
    DAY = "day"  # one of the service's next opening days ("YYYY-MM-DD")
    DATE = "date"  # any date from `minimum` to `maximum` days ahead ("YYYY-MM-DD")
    WEEKDAYS = "weekdays"  # one or more days of the week the service opens (codes "mon"…"sun")


@dataclass(frozen=True)
class Option:
    code: str
    fr: str
    en: str


@dataclass(frozen=True)
class FormField:
    name: str
    kind: FieldKind
    label_fr: str
    label_en: str
    required: bool = True
    options: tuple[Option, ...] = ()
    minimum: int = 0  # NUMBER: smallest value; TEXT: fewest characters; DATE: fewest days ahead
    maximum: int = 0  # NUMBER: largest value; TEXT: most characters; DATE: most days ahead
    default: object = None

    def label(self, language: str) -> str:
        return self.label_fr if language == "fr" else self.label_en


@dataclass(frozen=True)
class ServiceForm:
    """The short form of one service. `day` options are filled in by `prepare_form` for a given moment."""

    service_id: str
    fields: tuple[FormField, ...]
    open_days: frozenset[int] = frozenset(range(5))  # weekdays the service opens (0 = Monday)
    lead_days: int = 0  # the earliest "day" is this many days after today…
    cutoff_hour: int | None = None  # …one more once this hour has passed
    ready_hour: int = 9  # "ready from" printed on the ticket, on the chosen day
    ready_fr: str = "Votre demande « {name} » est prête."
    ready_en: str = "Your '{name}' request is ready."

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


def _options(*items: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(Option(*item) for item in items)


def _quantity(label_fr: str, label_en: str, maximum: int, minimum: int = 1) -> FormField:
    return FormField("quantity", FieldKind.NUMBER, label_fr, label_en, minimum=minimum, maximum=maximum, default=1)


def _day(label_fr: str = "Jour de retrait", label_en: str = "Day to collect") -> FormField:
    return FormField("day", FieldKind.DAY, label_fr, label_en)


def _choice(name: str, label_fr: str, label_en: str, *items: tuple[str, str, str], many: bool = False) -> FormField:
    return FormField(
        name,
        FieldKind.CHOICES if many else FieldKind.CHOICE,
        label_fr,
        label_en,
        options=_options(*items),
        minimum=1 if many else 0,
    )


def _text(name: str, label_fr: str, label_en: str, minimum: int, maximum: int) -> FormField:
    return FormField(name, FieldKind.TEXT, label_fr, label_en, required=minimum > 0, minimum=minimum, maximum=maximum)


NOTE_FIELD = FormField(
    "note",
    FieldKind.TEXT,
    "Précisions (facultatif)",
    "Details (optional)",
    required=False,
    minimum=0,
    maximum=NOTE_MAX_CHARS,
)

_GARMENTS = (
    ("chemise", "Chemise", "Shirt"),
    ("pantalon", "Pantalon", "Trousers"),
    ("veste", "Veste", "Jacket"),
    ("costume", "Costume", "Suit"),
    ("robe", "Robe", "Dress"),
    ("jupe", "Jupe", "Skirt"),
    ("pull", "Pull", "Jumper"),
    ("manteau", "Manteau", "Coat"),
    ("autre", "Autre", "Other"),
)
_MON_FRI = frozenset(range(5))
_TUE_THU = frozenset({1, 3})

FORMS: dict[str, ServiceForm] = {
    "pressing": ServiceForm(
        "pressing",
        (
            _choice("garments", "Vêtements", "Garments", *_GARMENTS, many=True),
            _quantity("Nombre de pièces", "Number of items", 30),
            _day(),
        ),
        lead_days=2,
        ready_hour=8,
        ready_fr="Votre pressing est prêt.",
        ready_en="Your dry cleaning is ready.",
    ),
    "repassage": ServiceForm(
        "repassage",
        (_quantity("Nombre de paniers (15 pièces chacun)", "Number of baskets (15 items each)", 10), _day()),
        lead_days=1,
        ready_hour=17,
        ready_fr="Votre repassage est prêt.",
        ready_en="Your ironing is ready.",
    ),
    "retouches": ServiceForm(
        "retouches",
        (
            _choice(
                "work",
                "Retouche",
                "Alteration",
                ("ourlet", "Ourlet", "Hem"),
                ("fermeture", "Fermeture éclair", "Zip"),
                ("reprise", "Reprise, couture", "Mending"),
                ("ajustement", "Ajustement", "Taking in or out"),
                ("autre", "Autre", "Other"),
            ),
            _quantity("Nombre de retouches", "Number of alterations", 10),
            _day(),
        ),
        lead_days=5,
        ready_hour=8,
        ready_fr="Vos retouches sont prêtes.",
        ready_en="Your alterations are ready.",
    ),
    "cordonnerie": ServiceForm(
        "cordonnerie",
        (
            _choice(
                "work",
                "Réparation",
                "Repair",
                ("talons", "Talons", "Heels"),
                ("ressemelage", "Ressemelage", "Resoling"),
                ("couture", "Couture", "Stitching"),
                ("autre", "Autre", "Other"),
            ),
            _quantity("Nombre de paires", "Number of pairs", 5),
            _day(),
        ),
        lead_days=7,
        ready_hour=8,
        ready_fr="Vos chaussures sont prêtes.",
        ready_en="Your shoes are ready.",
    ),
    "colis": ServiceForm(
        "colis",
        (
            _choice(
                "direction",
                "Dépôt ou retrait",
                "Drop-off or collection",
                ("depot", "Déposer un colis à envoyer", "Drop off a parcel to send"),
                ("retrait", "Retirer un colis reçu", "Collect a parcel received"),
            ),
            _choice(
                "carrier",
                "Transporteur",
                "Carrier",
                ("la_poste", "La Poste – Colissimo", "La Poste – Colissimo"),
                ("chronopost", "Chronopost", "Chronopost"),
                ("mondial_relay", "Mondial Relay", "Mondial Relay"),
                ("dpd", "DPD", "DPD"),
                ("ups", "UPS", "UPS"),
                ("gls", "GLS", "GLS"),
                ("autre", "Autre", "Other"),
            ),
            _text("reference", "Numéro de suivi (facultatif)", "Tracking number (optional)", 0, 40),
        ),
        ready_hour=8,
        ready_fr="Votre colis vous attend au point conciergerie.",
        ready_en="Your parcel is waiting for you at the concierge desk.",
    ),
    "depot_pain": ServiceForm(
        "depot_pain",
        (
            _choice(
                "bread",
                "Pain",
                "Bread",
                ("tradition", "Baguette tradition", "Traditional baguette"),
                ("baguette", "Baguette", "Baguette"),
                ("complet", "Pain complet", "Wholemeal loaf"),
                ("cereales", "Pain aux céréales", "Seeded loaf"),
            ),
            _quantity("Quantité", "Quantity", 10),
            _day(),
        ),
        lead_days=1,
        cutoff_hour=16,
        ready_hour=11,
        ready_fr="Votre pain est prêt.",
        ready_en="Your bread is ready.",
    ),
    "courses": ServiceForm(
        "courses",
        (_text("list", "Votre liste de courses", "Your shopping list", 3, 200), _day()),
        lead_days=0,
        cutoff_hour=10,
        ready_hour=16,
        ready_fr="Vos courses sont prêtes.",
        ready_en="Your shopping is ready.",
    ),
    "entretien_velo": ServiceForm(
        "entretien_velo",
        (
            _choice(
                "work",
                "Intervention",
                "Work",
                ("revision", "Révision complète", "Full service"),
                ("crevaison", "Crevaison", "Puncture"),
                ("freins", "Freins", "Brakes"),
                ("derailleur", "Dérailleur, vitesses", "Gears"),
                ("eclairage", "Éclairage", "Lights"),
                ("autre", "Autre", "Other"),
            ),
            _day("Jour du dépôt (le mercredi)", "Drop-off day (Wednesday)"),
        ),
        open_days=frozenset({2}),
        lead_days=0,
        cutoff_hour=9,
        ready_hour=17,
        ready_fr="Votre vélo est prêt.",
        ready_en="Your bike is ready.",
    ),
    "aide_demarches": ServiceForm(
        "aide_demarches",
        (
            _choice(
                "topic",
                "Pour quelle démarche ?",
                "What is it about?",
                ("impots", "Impôts", "Taxes"),
                ("retraite", "Retraite", "Pension"),
                ("caf", "Allocations familiales (CAF)", "Family benefits (CAF)"),
                ("sante", "Santé, mutuelle", "Health insurance"),
                ("logement", "Logement", "Housing"),
                ("autre", "Autre", "Other"),
            ),
            _day("Jour du rendez-vous", "Day of the appointment"),
        ),
        open_days=_TUE_THU,
        lead_days=1,
        ready_hour=12,
        ready_fr="Votre rendez-vous d'aide aux démarches est confirmé.",
        ready_en="Your appointment for help with paperwork is confirmed.",
    ),
    "prise_rdv": ServiceForm(
        "prise_rdv",
        (
            _choice(
                "what",
                "Rendez-vous chez",
                "Appointment with",
                ("medecin", "Médecin", "Doctor"),
                ("dentiste", "Dentiste", "Dentist"),
                ("administration", "Administration", "Public office"),
                ("garage", "Garage", "Garage"),
                ("autre", "Autre", "Other"),
            ),
            _text("details", "Précisez (facultatif)", "Say more (optional)", 0, 60),
            FormField("days", FieldKind.WEEKDAYS, "Jours qui vous conviennent", "Days that suit you"),
        ),
        ready_fr="Votre rendez-vous est pris : passez au point conciergerie.",
        ready_en="Your appointment is booked: come to the concierge desk.",
    ),
    "hebergement": ServiceForm(
        "hebergement",
        (
            _text("destination", "Où ?", "Where?", 2, 60),
            FormField("arrival", FieldKind.DATE, "Date d'arrivée", "Arrival date", minimum=1, maximum=365),
            FormField(
                "nights", FieldKind.NUMBER, "Nombre de nuits", "Number of nights", minimum=1, maximum=21, default=1
            ),
            FormField(
                "people", FieldKind.NUMBER, "Nombre de personnes", "Number of people", minimum=1, maximum=10, default=1
            ),
        ),
        ready_fr="Votre proposition d'hébergement est prête.",
        ready_en="Your accommodation offer is ready.",
    ),
    "titres_transport": ServiceForm(
        "titres_transport",
        (
            _choice(
                "mode",
                "Transport",
                "Transport",
                ("train", "Train", "Train"),
                ("car", "Car", "Coach"),
                ("urbain", "Transports en commun", "Local transport"),
            ),
            _text("origin", "Départ", "From", 2, 40),
            _text("destination", "Arrivée", "To", 2, 40),
            FormField("travel_on", FieldKind.DATE, "Date du voyage", "Travel date", minimum=0, maximum=365),
            FormField("travellers", FieldKind.NUMBER, "Voyageurs", "Travellers", minimum=1, maximum=9, default=1),
        ),
        ready_fr="Vos titres de transport sont prêts.",
        ready_en="Your tickets are ready.",
    ),
    "coiffure": ServiceForm(
        "coiffure",
        (
            _choice(
                "kind",
                "Prestation",
                "Service",
                ("femme", "Coupe femme", "Women's cut"),
                ("homme", "Coupe homme", "Men's cut"),
                ("enfant", "Coupe enfant", "Child's cut"),
            ),
            _day("Jour du rendez-vous", "Day of the appointment"),
            _choice(
                "slot",
                "Créneau",
                "Time",
                ("11", "11 h – 13 h", "11 am – 1 pm"),
                ("13", "13 h – 15 h", "1 – 3 pm"),
                ("15", "15 h – 17 h", "3 – 5 pm"),
                ("17", "17 h – 19 h", "5 – 7 pm"),
            ),
        ),
        open_days=_TUE_THU,
        lead_days=1,
        ready_hour=11,
        ready_fr="Votre rendez-vous chez le coiffeur est confirmé.",
        ready_en="Your hairdresser appointment is confirmed.",
    ),
    "seances_sport": ServiceForm(
        "seances_sport",
        (
            _choice(
                "activity",
                "Activité",
                "Activity",
                ("yoga", "Yoga", "Yoga"),
                ("pilates", "Pilates", "Pilates"),
                ("renforcement", "Renforcement musculaire", "Strength training"),
                ("cardio", "Cardio", "Cardio"),
                ("etirements", "Étirements", "Stretching"),
            ),
            _quantity("Nombre de séances", "Number of sessions", 10),
            _day("Première séance", "First session"),
        ),
        open_days=frozenset({0, 2, 4}),
        lead_days=0,
        cutoff_hour=12,
        ready_hour=12,
        ready_fr="Votre inscription aux séances de sport est confirmée.",
        ready_en="Your sport sessions are booked.",
    ),
}


def generic_form(service_id: str) -> ServiceForm:
    """The form of a service the centre added after this kiosk's version: what, how many, when."""
    return ServiceForm(
        service_id,
        (_text("what", "Votre demande", "Your request", 2, 100), _quantity("Quantité", "Quantity", 30), _day()),
        lead_days=1,
    )


def form_for(service_id: str) -> ServiceForm:
    return FORMS.get(service_id) or generic_form(service_id)


# --- Days ---------------------------------------------------------------------------------------

_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_words(day: date) -> tuple[str, str]:
    """ "mardi 25 novembre" and "Tuesday 25 November" (Babel's words)."""
    return Texts("fr").day(day, year=False), Texts("en").day(day, year=False)


def _weekday_words(index: int) -> tuple[str, str]:
    """ "lundi" and "Monday" for 0."""
    return Texts("fr").weekday(index), Texts("en").weekday(index)


def next_days(form: ServiceForm, now: datetime, count: int = DAY_CHOICES) -> list[date]:
    """The next `count` days the service opens, from its earliest possible day."""
    lead = form.lead_days + (1 if form.cutoff_hour is not None and now.hour >= form.cutoff_hour else 0)
    day, found = now.date() + timedelta(days=lead), []
    for _ in range(7 * (count + 1)):
        if day.weekday() in form.open_days:
            found.append(day)
            if len(found) == count:
                break
        day += timedelta(days=1)
    return found


def prepare_form(form: ServiceForm, now: datetime) -> ServiceForm:
    """The form as shown at `now`: day fields offer the next opening days, weekday fields the opening days."""
    fields = []
    for f in form.fields:
        if f.kind is FieldKind.DAY:
            f = replace(f, options=tuple(Option(d.isoformat(), *day_words(d)) for d in next_days(form, now)))
        elif f.kind is FieldKind.WEEKDAYS:
            f = replace(
                f,
                options=tuple(Option(_WEEKDAY_CODES[i], *_weekday_words(i)) for i in sorted(form.open_days)),
                minimum=1,
            )
        fields.append(f)
    return replace(form, fields=(*fields, NOTE_FIELD))


# --- Validation ---------------------------------------------------------------------------------


class ConciergeFormError(KioskError):
    """A form value is missing or wrong; `field` names it (None for the form as a whole)."""

    def __init__(self, key: str, field: str | None = None, **values: object):
        super().__init__(key, **values)
        self.field = field


_MARKUP = frozenset("<>")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(
    value: object,
    max_chars: int,
    label_fr: str,
    label_en: str,
    *,
    required: bool = False,
    min_chars: int = 0,
    field: str | None = None,
) -> str:
    """Typed text made safe to keep and show: one line, no control or invisible characters, no markup.

    Tabs and line breaks become spaces, runs of spaces one space; control, formatting
    (bidirectional overrides, zero-width…), private-use and unassigned characters are
    dropped. `<` and `>` are refused rather than silently removed, so what is kept is
    what the person sees.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ConciergeFormError("error.concierge.must_text", field, label=Said(label_fr, label_en))
    if len(value) > 4 * max_chars + 64:  # refused before any work on it
        raise ConciergeFormError(
            "error.concierge.too_long_characters_at", field, label=Said(label_fr, label_en), max_chars=max_chars
        )
    kept = []
    for char in unicodedata.normalize("NFC", value):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if _MARKUP & set(text):
        raise ConciergeFormError("error.concierge.contain_signs", field, label=Said(label_fr, label_en))
    if len(text) > max_chars:
        raise ConciergeFormError(
            "error.concierge.too_long_characters_at_2",
            field,
            label=Said(label_fr, label_en),
            max_chars=max_chars,
            len_text=len(text),
        )
    if required and not text:
        raise ConciergeFormError("error.concierge.fill", field, label=Said(label_fr, label_en))
    if text and len(text) < min_chars:
        raise ConciergeFormError(
            "error.concierge.too_short_characters_at", field, label=Said(label_fr, label_en), min_chars=min_chars
        )
    return text


@dataclass(frozen=True)
class CleanRequest:
    """A form that passed validation: what to record."""

    service_id: str
    answers: dict[str, object] = field(default_factory=dict)  # every field but the note, as JSON values
    quantity: int = 1
    collect_on: date | None = None
    note: str = ""


def validate_answers(form: ServiceForm, answers: Mapping[str, object], now: datetime) -> CleanRequest:
    """Check and clean a submitted form against `form` as shown at `now`; raises ConciergeFormError."""
    if not isinstance(answers, Mapping) or len(answers) > MAX_ANSWERS:
        raise ConciergeFormError("error.concierge.form_read_start_again")
    prepared = prepare_form(form, now)
    names = {f.name for f in prepared.fields}
    for key in answers:
        if not isinstance(key, str) or key not in names:
            raise ConciergeFormError("error.concierge.form_holds_unexpected_answer")
    clean: dict[str, object] = {}
    note = ""
    for f in prepared.fields:
        value = _clean_value(f, answers.get(f.name), now)
        if f.name == "note":
            note = str(value or "")
        elif value is not None:
            clean[f.name] = value
    quantity = clean.get("quantity", 1)
    day = clean.get("day")
    return CleanRequest(
        form.service_id,
        clean,
        quantity if isinstance(quantity, int) else 1,
        date.fromisoformat(day) if isinstance(day, str) else None,
        note,
    )


def _missing(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (list, tuple)) and not value)
    )


def _clean_value(f: FormField, value: object, now: datetime) -> object:
    fr, en = f.label_fr, f.label_en
    if f.kind is FieldKind.TEXT:
        return clean_text(value, f.maximum, fr, en, required=f.required, min_chars=f.minimum, field=f.name) or None
    if _missing(value):
        if f.required:
            verb_fr, verb_en = ("Choisissez", "Choose") if f.kind is not FieldKind.NUMBER else ("Indiquez", "Give")
            raise ConciergeFormError("error.concierge.message", f.name, verb=Said(verb_fr, verb_en), what=Said(fr, en))
        return None
    codes = [o.code for o in f.options]
    if f.kind in (FieldKind.CHOICE, FieldKind.DAY):
        if not isinstance(value, str) or value not in codes:
            if f.kind is FieldKind.DAY:
                raise ConciergeFormError("error.concierge.day_longer_offered_choose", f.name)
            raise ConciergeFormError("error.concierge.choose_from_list", f.name, what=Said(fr, en))
        return value
    if f.kind in (FieldKind.CHOICES, FieldKind.WEEKDAYS):
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, (list, tuple))
            or len(value) > len(codes) * 2
            or not all(isinstance(v, str) and v in codes for v in value)
        ):
            raise ConciergeFormError("error.concierge.choose_from_list", f.name, what=Said(fr, en))
        chosen = [c for c in codes if c in value]  # the list's order, each once
        if len(chosen) < max(f.minimum, 1):
            raise ConciergeFormError("error.concierge.choose", f.name, what=Said(fr, en))
        return chosen
    if f.kind is FieldKind.NUMBER:
        number = _whole_number(value)
        if number is None:
            raise ConciergeFormError("error.concierge.must_whole_number", f.name, what=Said(fr, en))
        if not f.minimum <= number <= f.maximum:
            raise ConciergeFormError(
                "error.concierge.from", f.name, what=Said(fr, en), minimum=f.minimum, maximum=f.maximum
            )
        return number
    if f.kind is FieldKind.DATE:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if isinstance(value, date) and not isinstance(value, datetime):
            day = value
        if day is None:
            raise ConciergeFormError("error.concierge.date", f.name, what=Said(fr, en))
        first, last = now.date() + timedelta(days=f.minimum), now.date() + timedelta(days=f.maximum)
        if not first <= day <= last:
            raise ConciergeFormError("error.concierge.between", f.name, what=Said(fr, en), first=first, last=last)
        return day.isoformat()
    raise AssertionError(f"unknown field kind {f.kind}")


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= 6 and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


# --- Price --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    unit_cents: int | None  # None: on quotation ("sur devis")
    quantity: int
    total_cents: int | None

    @property
    def on_quotation(self) -> bool:
        return self.total_cents is None


def estimate(service: ConciergeService, form: ServiceForm, clean: CleanRequest) -> Estimate:
    """Unit price × quantity when the form has a quantity, the unit price alone otherwise, or "sur devis"."""
    quantity = clean.quantity if form.field("quantity") is not None else 1
    if service.price_cents is None:
        return Estimate(None, quantity, None)
    return Estimate(service.price_cents, quantity, service.price_cents * quantity)


# --- Showing a request --------------------------------------------------------------------------


def describe_answers(form: ServiceForm, answers: Mapping[str, object], language: str) -> list[tuple[str, str]]:
    """(label, value) pairs in the form's order, in `language`, for a screen or a queue line."""
    i = 0 if language == "fr" else 1
    rows = []
    for f in form.fields:
        value = answers.get(f.name)
        if value is None or value == "" or value == []:
            continue
        names = {o.code: (o.fr, o.en)[i] for o in f.options}
        if f.kind in (FieldKind.DAY, FieldKind.DATE) and isinstance(value, str):
            try:
                shown = day_words(date.fromisoformat(value))[i]
            except ValueError:
                shown = value
        elif f.kind is FieldKind.WEEKDAYS and isinstance(value, list):
            shown = ", ".join(_weekday_words(_WEEKDAY_CODES.index(v))[i] for v in value if v in _WEEKDAY_CODES)
        elif isinstance(value, list):
            shown = ", ".join(names.get(str(v), str(v)) for v in value)
        else:
            shown = names.get(str(value), str(value))
        rows.append(((f.label_fr, f.label_en)[i], shown))
    return rows


def service_name(service: ConciergeService | None, service_id: str, language: str) -> str:
    """A request's service in `language`; its id when the centre no longer offers it."""
    return service.name(language) if service else service_id


def request_title(service: ConciergeService | None, request: ConciergeRequest, language: str) -> str:
    """What heads a request on a screen or a ticket: "Pressing × 3"."""
    name = service_name(service, request.service_id, language)
    return name if request.quantity <= 1 else f"{name} × {request.quantity}"


def ready_message(form: ServiceForm, service_name_fr: str, service_name_en: str) -> tuple[str, str]:
    """What the kiosk says first to a person whose request is ready: "Votre pressing est prêt."."""
    return form.ready_fr.format(name=service_name_fr), form.ready_en.format(name=service_name_en)


def ready_from(form: ServiceForm, request: ConciergeRequest) -> datetime:
    """When the item can be collected: the chosen day at the service's hour, else when it was asked for."""
    if request.collect_on is not None:
        return datetime.combine(request.collect_on, datetime.min.time()).replace(hour=form.ready_hour)
    return request.created_at.replace(second=0, microsecond=0)


def create_payload(request: ConciergeRequest) -> dict[str, object]:
    """The `concierge.create` operation's payload (docs/sync-protocol.md)."""
    return {
        "request_id": request.request_id,
        "service_id": request.service_id,
        "household_id": request.household_id,
        "person_id": request.person_id,
        "answers": dict(request.answers),
        "quantity": request.quantity,
        "estimate_cents": request.estimate_cents,
        "collect_on": request.collect_on.isoformat() if request.collect_on else None,
        "note": request.note,
        "created_by": request.created_by,
    }
