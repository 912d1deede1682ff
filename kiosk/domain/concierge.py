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
service opens (for "when to collect") are part of the form definition here. A form's
words are catalog texts (docs/translations.md): a field's label `concierge.form.<service>.<field>`
(`concierge.form.any.<field>` when forms share it), its options `<label key>.<code>`, and what
the person is told when it is ready `concierge.ready.<service>`; requests keep the codes only.

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
from typing import Any

from kiosk.domain.catalog import ConciergeService
from kiosk.domain.voucher import short_code
from kiosk.errors import KioskError
from kiosk.i18n import Message, Said, Text, Texts

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
    """Why a request was cancelled or refused: a stable code and the same words in French and English, kept so
    in the request and sent so to the centre and other kiosks (which may not know the code)."""

    code: str
    fr: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "fr": self.fr, "en": self.en}

    def message(self, language: str) -> str:
        """A ready-made reason in this catalog's words for `language`; one typed by a correspondent, or a code
        this kiosk does not know (a newer centre's), in the words that came with it."""
        if self.code in READY_MADE_CODES:
            return Texts(language)(f"concierge.reason.{self.code}")
        return Said(self.fr, self.en).message(language)


# Ready-made reasons a correspondent picks from (or types their own, code "other"); their words are the
# catalog texts `concierge.reason.<code>`.
REFUSAL_CODES = ("provider_unable", "not_accepted", "closed", "incomplete")
CANCEL_CODES = ("beneficiary", "never_dropped", "never_collected")
BENEFICIARY_CANCEL = CANCEL_CODES[0]
READY_MADE_CODES = frozenset(REFUSAL_CODES + CANCEL_CODES)


def ready_made_reason(code: str) -> StateReason:
    """One of the ready-made reasons, in the catalogs' French and English."""
    key = f"concierge.reason.{code}"
    return StateReason(code, Texts("fr")(key), Texts("en")(key))


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
    cleaned = clean_text(text, REASON_MAX_CHARS, Text("form.reason"), required=True)
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
    """One answer a field offers: the code kept in the request, and its words in any language."""

    code: str
    words: Message  # a catalog text (`concierge.form.pressing.garments.chemise`), or a day as Babel writes it

    def text(self, language: str) -> str:
        return self.words.message(language)


@dataclass(frozen=True)
class FormField:
    name: str
    kind: FieldKind
    key: str  # the catalog text of its label; a choice's options read `<key>.<code>`
    required: bool = True
    options: tuple[Option, ...] = ()
    minimum: int = 0  # NUMBER: smallest value; TEXT: fewest characters; DATE: fewest days ahead
    maximum: int = 0  # NUMBER: largest value; TEXT: most characters; DATE: most days ahead
    default: object = None

    @property
    def words(self) -> Text:
        """Its label, read in the language of whoever shows it (a screen, an error naming the field)."""
        return Text(self.key)

    def label(self, language: str) -> str:
        return self.words.message(language)


@dataclass(frozen=True)
class ServiceForm:
    """The short form of one service. `day` options are filled in by `prepare_form` for a given moment."""

    service_id: str
    fields: tuple[FormField, ...]
    open_days: frozenset[int] = frozenset(range(5))  # weekdays the service opens (0 = Monday)
    lead_days: int = 0  # the earliest "day" is this many days after today…
    cutoff_hour: int | None = None  # …one more once this hour has passed
    ready_hour: int = 9  # "ready from" printed on the ticket, on the chosen day
    ready_key: str = "concierge.ready.any"  # what the person is told when it is ready; may name the service

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


# The labels many forms share are `concierge.form.any.<name>`; a service's own, `concierge.form.<service>.<name>`.
ANY = "any"


def _key(scope: str, name: str) -> str:
    return f"concierge.form.{scope}.{name}"


def _form(service_id: str, fields: tuple[FormField, ...], **rules: Any) -> ServiceForm:
    """A service's own form, with its own words when the request is ready (`concierge.ready.<service>`)."""
    return ServiceForm(service_id, fields, ready_key=f"concierge.ready.{service_id}", **rules)


def _quantity(scope: str, maximum: int) -> FormField:
    return FormField("quantity", FieldKind.NUMBER, _key(scope, "quantity"), minimum=1, maximum=maximum, default=1)


def _day(scope: str = ANY, label: str = "day") -> FormField:
    return FormField("day", FieldKind.DAY, _key(scope, label))


def _choice(scope: str, name: str, *codes: str, many: bool = False) -> FormField:
    key = _key(scope, name)
    return FormField(
        name,
        FieldKind.CHOICES if many else FieldKind.CHOICE,
        key,
        options=tuple(Option(code, Text(f"{key}.{code}")) for code in codes),
        minimum=1 if many else 0,
    )


def _text(scope: str, name: str, minimum: int, maximum: int) -> FormField:
    return FormField(name, FieldKind.TEXT, _key(scope, name), required=minimum > 0, minimum=minimum, maximum=maximum)


def _number(scope: str, name: str, maximum: int) -> FormField:
    return FormField(name, FieldKind.NUMBER, _key(scope, name), minimum=1, maximum=maximum, default=1)


def _date(scope: str, name: str, first: int, last: int) -> FormField:
    return FormField(name, FieldKind.DATE, _key(scope, name), minimum=first, maximum=last)


NOTE_FIELD = _text(ANY, "note", 0, NOTE_MAX_CHARS)

_MON_FRI = frozenset(range(5))
_TUE_THU = frozenset({1, 3})

FORMS: dict[str, ServiceForm] = {
    "pressing": _form(
        "pressing",
        (
            _choice(
                "pressing",
                "garments",
                *("chemise", "pantalon", "veste", "costume", "robe", "jupe", "pull", "manteau", "autre"),
                many=True,
            ),
            _quantity("pressing", 30),
            _day(),
        ),
        lead_days=2,
        ready_hour=8,
    ),
    "repassage": _form("repassage", (_quantity("repassage", 10), _day()), lead_days=1, ready_hour=17),
    "retouches": _form(
        "retouches",
        (
            _choice("retouches", "work", "ourlet", "fermeture", "reprise", "ajustement", "autre"),
            _quantity("retouches", 10),
            _day(),
        ),
        lead_days=5,
        ready_hour=8,
    ),
    "cordonnerie": _form(
        "cordonnerie",
        (
            _choice("cordonnerie", "work", "talons", "ressemelage", "couture", "autre"),
            _quantity("cordonnerie", 5),
            _day(),
        ),
        lead_days=7,
        ready_hour=8,
    ),
    "colis": _form(
        "colis",
        (
            _choice("colis", "direction", "depot", "retrait"),
            _choice("colis", "carrier", "la_poste", "chronopost", "mondial_relay", "dpd", "ups", "gls", "autre"),
            _text("colis", "reference", 0, 40),
        ),
        ready_hour=8,
    ),
    "depot_pain": _form(
        "depot_pain",
        (
            _choice("depot_pain", "bread", "tradition", "baguette", "complet", "cereales"),
            _quantity(ANY, 10),
            _day(),
        ),
        lead_days=1,
        cutoff_hour=16,
        ready_hour=11,
    ),
    "courses": _form("courses", (_text("courses", "list", 3, 200), _day()), lead_days=0, cutoff_hour=10, ready_hour=16),
    "entretien_velo": _form(
        "entretien_velo",
        (
            _choice("entretien_velo", "work", "revision", "crevaison", "freins", "derailleur", "eclairage", "autre"),
            _day("entretien_velo"),
        ),
        open_days=frozenset({2}),
        lead_days=0,
        cutoff_hour=9,
        ready_hour=17,
    ),
    "aide_demarches": _form(
        "aide_demarches",
        (
            _choice("aide_demarches", "topic", "impots", "retraite", "caf", "sante", "logement", "autre"),
            _day(ANY, "appointment_day"),
        ),
        open_days=_TUE_THU,
        lead_days=1,
        ready_hour=12,
    ),
    "prise_rdv": _form(
        "prise_rdv",
        (
            _choice("prise_rdv", "what", "medecin", "dentiste", "administration", "garage", "autre"),
            _text("prise_rdv", "details", 0, 60),
            FormField("days", FieldKind.WEEKDAYS, _key("prise_rdv", "days")),
        ),
    ),
    "hebergement": _form(
        "hebergement",
        (
            _text("hebergement", "destination", 2, 60),
            _date("hebergement", "arrival", 1, 365),
            _number("hebergement", "nights", 21),
            _number("hebergement", "people", 10),
        ),
    ),
    "titres_transport": _form(
        "titres_transport",
        (
            _choice("titres_transport", "mode", "train", "car", "urbain"),
            _text("titres_transport", "origin", 2, 40),
            _text("titres_transport", "destination", 2, 40),
            _date("titres_transport", "travel_on", 0, 365),
            _number("titres_transport", "travellers", 9),
        ),
    ),
    "coiffure": _form(
        "coiffure",
        (
            _choice("coiffure", "kind", "femme", "homme", "enfant"),
            _day(ANY, "appointment_day"),
            _choice("coiffure", "slot", "11", "13", "15", "17"),
        ),
        open_days=_TUE_THU,
        lead_days=1,
        ready_hour=11,
    ),
    "seances_sport": _form(
        "seances_sport",
        (
            _choice("seances_sport", "activity", "yoga", "pilates", "renforcement", "cardio", "etirements"),
            _quantity("seances_sport", 10),
            _day("seances_sport"),
        ),
        open_days=frozenset({0, 2, 4}),
        lead_days=0,
        cutoff_hour=12,
        ready_hour=12,
    ),
}


def generic_form(service_id: str) -> ServiceForm:
    """The form of a service the centre added after this kiosk's version: what, how many, when."""
    return ServiceForm(service_id, (_text(ANY, "what", 2, 100), _quantity(ANY, 30), _day()), lead_days=1)


def form_for(service_id: str) -> ServiceForm:
    return FORMS.get(service_id) or generic_form(service_id)


# --- Days ---------------------------------------------------------------------------------------

_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DayWords:
    """A day a form offers, as Babel writes it in the language it is read in: "mardi 25 novembre"."""

    day: date

    def message(self, language: str) -> str:
        return Texts(language).day(self.day, year=False)


@dataclass(frozen=True)
class WeekdayWords:
    """A day of the week, Monday being 0: "lundi", "Monday"."""

    index: int

    def message(self, language: str) -> str:
        return Texts(language).weekday(self.index)


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
            f = replace(f, options=tuple(Option(d.isoformat(), DayWords(d)) for d in next_days(form, now)))
        elif f.kind is FieldKind.WEEKDAYS:
            f = replace(
                f,
                options=tuple(Option(_WEEKDAY_CODES[i], WeekdayWords(i)) for i in sorted(form.open_days)),
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
    label: Message,
    *,
    required: bool = False,
    min_chars: int = 0,
    field: str | None = None,
) -> str:
    """Typed text made safe to keep and show: one line, no control or invisible characters, no markup.

    Tabs and line breaks become spaces, runs of spaces one space; control, formatting
    (bidirectional overrides, zero-width…), private-use and unassigned characters are
    dropped. `<` and `>` are refused rather than silently removed, so what is kept is
    what the person sees. `label` names the field in the messages that say what is wrong.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ConciergeFormError("error.concierge.must_text", field, label=label)
    if len(value) > 4 * max_chars + 64:  # refused before any work on it
        raise ConciergeFormError("error.concierge.too_long_characters_at", field, label=label, max_chars=max_chars)
    kept = []
    for char in unicodedata.normalize("NFC", value):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if _MARKUP & set(text):
        raise ConciergeFormError("error.concierge.contain_signs", field, label=label)
    if len(text) > max_chars:
        raise ConciergeFormError(
            "error.concierge.too_long_characters_at_2",
            field,
            label=label,
            max_chars=max_chars,
            len_text=len(text),
        )
    if required and not text:
        raise ConciergeFormError("error.concierge.fill", field, label=label)
    if text and len(text) < min_chars:
        raise ConciergeFormError("error.concierge.too_short_characters_at", field, label=label, min_chars=min_chars)
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
    what = f.words
    if f.kind is FieldKind.TEXT:
        return clean_text(value, f.maximum, what, required=f.required, min_chars=f.minimum, field=f.name) or None
    if _missing(value):
        if f.required:
            key = "error.concierge.give" if f.kind is FieldKind.NUMBER else "error.concierge.choose"
            raise ConciergeFormError(key, f.name, what=what)
        return None
    codes = [o.code for o in f.options]
    if f.kind in (FieldKind.CHOICE, FieldKind.DAY):
        if not isinstance(value, str) or value not in codes:
            if f.kind is FieldKind.DAY:
                raise ConciergeFormError("error.concierge.day_longer_offered_choose", f.name)
            raise ConciergeFormError("error.concierge.choose_from_list", f.name, what=what)
        return value
    if f.kind in (FieldKind.CHOICES, FieldKind.WEEKDAYS):
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, (list, tuple))
            or len(value) > len(codes) * 2
            or not all(isinstance(v, str) and v in codes for v in value)
        ):
            raise ConciergeFormError("error.concierge.choose_from_list", f.name, what=what)
        chosen = [c for c in codes if c in value]  # the list's order, each once
        if len(chosen) < max(f.minimum, 1):
            raise ConciergeFormError("error.concierge.choose", f.name, what=what)
        return chosen
    if f.kind is FieldKind.NUMBER:
        number = _whole_number(value)
        if number is None:
            raise ConciergeFormError("error.concierge.must_whole_number", f.name, what=what)
        if not f.minimum <= number <= f.maximum:
            raise ConciergeFormError("error.concierge.from", f.name, what=what, minimum=f.minimum, maximum=f.maximum)
        return number
    if f.kind is FieldKind.DATE:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if isinstance(value, date) and not isinstance(value, datetime):
            day = value
        if day is None:
            raise ConciergeFormError("error.concierge.date", f.name, what=what)
        first, last = now.date() + timedelta(days=f.minimum), now.date() + timedelta(days=f.maximum)
        if not first <= day <= last:
            raise ConciergeFormError("error.concierge.between", f.name, what=what, first=first, last=last)
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
    rows = []
    for f in form.fields:
        value = answers.get(f.name)
        if value is None or value == "" or value == []:
            continue
        names = {o.code: o.text(language) for o in f.options}
        if f.kind in (FieldKind.DAY, FieldKind.DATE) and isinstance(value, str):
            try:
                shown = DayWords(date.fromisoformat(value)).message(language)
            except ValueError:
                shown = value
        elif f.kind is FieldKind.WEEKDAYS and isinstance(value, list):
            words = [WeekdayWords(_WEEKDAY_CODES.index(v)) for v in value if v in _WEEKDAY_CODES]
            shown = ", ".join(w.message(language) for w in words)
        elif isinstance(value, list):
            shown = ", ".join(names.get(str(v), str(v)) for v in value)
        else:
            shown = names.get(str(value), str(value))
        rows.append((f.label(language), shown))
    return rows


def service_words(service: ConciergeService | None, service_id: str) -> Said:
    """A request's service as the centre names it in French and English; its id when it is no longer offered."""
    return Said(service.name_fr, service.name_en) if service else Said(service_id, service_id)


def service_name(service: ConciergeService | None, service_id: str, language: str) -> str:
    """A request's service in `language`; its id when the centre no longer offers it."""
    return service_words(service, service_id).message(language)


def request_title(service: ConciergeService | None, request: ConciergeRequest, language: str) -> str:
    """What heads a request on a screen or a ticket: "Pressing × 3"."""
    name = service_name(service, request.service_id, language)
    return name if request.quantity <= 1 else f"{name} × {request.quantity}"


def ready_message(form: ServiceForm, service_name: Message) -> Text:
    """What the kiosk (and the centre's e-mail) says first to a person whose request is ready: "Votre pressing
    est prêt."; a service without its own words is named."""
    return Text(form.ready_key, name=service_name)


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
