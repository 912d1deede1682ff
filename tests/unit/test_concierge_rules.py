"""The concierge lifecycle and forms, as plain rules."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime

import pytest

from kiosk.domain.catalog import ConciergeService
from kiosk.domain.concierge import (
    CANCEL_CODES,
    FORMS,
    REFUSAL_CODES,
    Actor,
    ConciergeFormError,
    ConciergeRequest,
    Estimate,
    FieldKind,
    RequestState,
    ServiceForm,
    StateReason,
    TransitionRefused,
    allowed_moves,
    check_transition,
    clean_text,
    create_payload,
    describe_answers,
    estimate,
    form_for,
    generic_form,
    move_key,
    next_days,
    prepare_form,
    ready_from,
    ready_made_reason,
    request_title,
    typed_reason,
    validate_answers,
)
from kiosk.i18n import LANGUAGES, Said, Text, Texts
from kiosk.translations import read_catalog

S = RequestState
WHAT = Said("x", "x")
MONDAY = datetime(2026, 11, 23, 10, 42)
DEMO_SERVICES = [
    "pressing",
    "repassage",
    "retouches",
    "cordonnerie",
    "colis",
    "depot_pain",
    "courses",
    "entretien_velo",
    "aide_demarches",
    "prise_rdv",
    "hebergement",
    "titres_transport",
    "coiffure",
    "seances_sport",
]


def test_the_happy_path_is_for_correspondents():
    path = [S.SUBMITTED, S.TAKEN, S.AT_PROVIDER, S.READY, S.HANDED_OVER]
    for current, target in itertools.pairwise(path):
        check_transition(current, target, Actor.CORRESPONDENT)
        for other in (Actor.BENEFICIARY, Actor.CENTRE):
            with pytest.raises(TransitionRefused):
                check_transition(current, target, other)


@pytest.mark.parametrize(
    "current, target, actor, allowed",
    [
        (S.SUBMITTED, S.CANCELLED, Actor.BENEFICIARY, True),
        (S.TAKEN, S.CANCELLED, Actor.BENEFICIARY, False),
        (S.READY, S.CANCELLED, Actor.BENEFICIARY, False),
        (S.SUBMITTED, S.REFUSED, Actor.CENTRE, True),
        (S.AT_PROVIDER, S.REFUSED, Actor.CENTRE, True),
        (S.READY, S.REFUSED, Actor.CENTRE, False),
        (S.READY, S.CANCELLED, Actor.CORRESPONDENT, True),
        (S.TAKEN, S.READY, Actor.CORRESPONDENT, True),
        (S.SUBMITTED, S.READY, Actor.CORRESPONDENT, False),
        (S.READY, S.TAKEN, Actor.CORRESPONDENT, False),  # never backwards
        (S.HANDED_OVER, S.READY, Actor.CORRESPONDENT, False),
        (S.REFUSED, S.SUBMITTED, Actor.CENTRE, False),
        (S.CANCELLED, S.CANCELLED, Actor.CORRESPONDENT, False),
    ],
)
def test_who_may_make_each_move(current, target, actor, allowed):
    reason = ready_made_reason("provider_unable")
    if allowed:
        check_transition(current, target, actor, reason)
        assert target in allowed_moves(current, actor)
    else:
        with pytest.raises(TransitionRefused) as caught:
            check_transition(current, target, actor, reason)
        assert caught.value.fr and caught.value.en
        assert target not in allowed_moves(current, actor)


def test_a_ready_made_reason_reads_in_the_kiosk_s_words_and_any_other_in_the_words_it_came_with():
    # Written by an older catalog (or another kiosk's): the code says which reason it is.
    older = StateReason("closed", "Fermé.", "Closed.")
    assert older.message("fr") == Texts("fr")("concierge.reason.closed")
    assert older.message("en") == Texts("en")("concierge.reason.closed")
    typed = StateReason("other", "Le magasin a brûlé.", "The shop burnt down.")
    newer = StateReason("strike", "Grève du prestataire.", "The provider is on strike.")
    assert [typed.message("fr"), newer.message("en")] == ["Le magasin a brûlé.", "The provider is on strike."]


def test_ending_a_request_needs_a_reason():
    with pytest.raises(TransitionRefused):
        check_transition(S.TAKEN, S.REFUSED, Actor.CORRESPONDENT)
    with pytest.raises(TransitionRefused):
        check_transition(S.TAKEN, S.CANCELLED, Actor.CORRESPONDENT, StateReason("other", " ", " "))
    check_transition(S.TAKEN, S.REFUSED, Actor.CORRESPONDENT, typed_reason("  Machine en panne\n "))
    assert typed_reason("  Machine en panne\n ").fr == "Machine en panne"
    with pytest.raises(ConciergeFormError):
        typed_reason("   ")


def test_no_final_state_has_a_way_out():
    for final in (S.HANDED_OVER, S.CANCELLED, S.REFUSED):
        for actor in Actor:
            assert allowed_moves(final, actor) == []


def test_every_demo_service_has_its_own_form_and_an_unknown_one_gets_a_generic_form():
    assert sorted(FORMS) == sorted(DEMO_SERVICES)
    assert form_for("teleportation") == generic_form("teleportation")
    for service_id in DEMO_SERVICES:
        form = prepare_form(form_for(service_id), MONDAY)
        names = [f.name for f in form.fields]
        assert names[-1] == "note" and len(set(names)) == len(names)
        assert form.ready_key == f"concierge.ready.{service_id}"
        assert Text(form.ready_key).message("fr").startswith(("Votre", "Vos"))


def test_every_form_label_option_and_ready_message_has_its_text_in_every_catalog_and_no_other_is_kept():
    forms = [prepare_form(form, MONDAY) for form in (*FORMS.values(), generic_form("teleportation"))]
    fields = [f for form in forms for f in form.fields]
    choices = [f for f in fields if f.kind in (FieldKind.CHOICE, FieldKind.CHOICES)]
    assert choices and all(f.options and all(isinstance(o.words, Text) for o in f.options) for f in choices)
    keys = {f.key for f in fields} | {o.words.key for f in choices for o in f.options}
    keys |= {form.ready_key for form in forms} | {
        f"concierge.reason.{code}" for code in (*REFUSAL_CODES, *CANCEL_CODES)
    }
    for language in LANGUAGES:
        catalog = read_catalog(language)
        ours = {
            str(m.id)
            for m in catalog
            if str(m.id).startswith(("concierge.form.", "concierge.ready.", "concierge.reason."))
        }
        assert ours == keys, (language, sorted(ours ^ keys))
        assert all(str(catalog[key].string).strip() for key in keys), language
        for f in fields:  # days and weekdays read as Babel writes them in each language
            assert f.label(language) and all(o.text(language) for o in f.options), (language, f.key)


def test_next_opening_days():
    velo = form_for("entretien_velo")  # Wednesdays, drop-off before 9 am
    assert next_days(velo, datetime(2026, 11, 25, 8, 59), 2) == [
        datetime(2026, 11, 25).date(),
        datetime(2026, 12, 2).date(),
    ]
    assert next_days(velo, datetime(2026, 11, 25, 9, 0), 1) == [datetime(2026, 12, 2).date()]
    coiffure = form_for("coiffure")  # Tuesday and Thursday, from the next day
    assert [d.weekday() for d in next_days(coiffure, MONDAY, 4)] == [1, 3, 1, 3]


def test_clean_text():
    assert clean_text(" a\u00a0 b\u2028c\td ", 20, WHAT) == "a b c d"
    assert clean_text("e\u0301te\u0301", 20, WHAT) == "été"  # composed (NFC)
    assert clean_text("\u202e\u200b\u2066ok\ufeff\U000f0000", 20, WHAT) == "ok"
    for hostile in ("<b>", "a > b", "javascript:<x"):
        with pytest.raises(ConciergeFormError):
            clean_text(hostile, 200, WHAT)
    with pytest.raises(ConciergeFormError):
        clean_text("", 20, WHAT, required=True)
    with pytest.raises(ConciergeFormError):
        clean_text("ab", 20, WHAT, min_chars=3)
    assert clean_text(None, 20, WHAT) == ""


def test_dates_and_numbers_from_a_keyboard():
    form = form_for("hebergement")
    clean = validate_answers(
        form, {"destination": "Annecy", "arrival": "2026-12-20", "nights": "3", "people": 2}, MONDAY
    )
    assert clean.answers == {"destination": "Annecy", "arrival": "2026-12-20", "nights": 3, "people": 2}
    for arrival in ("2026-11-23", "2028-01-01", "20/12/2026", "2026-02-30", 20261220):
        with pytest.raises(ConciergeFormError) as caught:
            validate_answers(form, {"destination": "Annecy", "arrival": arrival, "nights": 3, "people": 2}, MONDAY)
        assert caught.value.field == "arrival"


def test_price_estimate():
    def service(price):
        return ConciergeService(
            "pressing", "Pressing", "Dry cleaning", "", "", price, "la pièce", "per item", "", "", "pressing.svg"
        )

    form = form_for("pressing")
    day = next_days(form, MONDAY, 1)[0].isoformat()
    clean = validate_answers(form, {"garments": ["chemise"], "quantity": 4, "day": day}, MONDAY)
    assert estimate(service(450), form, clean).total_cents == 1800
    assert estimate(service(None), form, clean).on_quotation
    courses = form_for("courses")  # priced per delivery: no quantity
    clean = validate_answers(
        courses, {"list": "Pain, lait", "day": next_days(courses, MONDAY, 1)[0].isoformat()}, MONDAY
    )
    assert estimate(service(500), courses, clean).total_cents == 500


def test_the_form_must_be_a_mapping_of_known_fields():
    form = form_for("colis")
    for answers in (
        [("direction", "depot")],
        "direction=depot",
        {f"k{i}": 1 for i in range(50)},
        {("direction",): "depot"},
    ):
        with pytest.raises(ConciergeFormError):
            validate_answers(form, answers, MONDAY)


def test_who_may_not_make_a_move_is_told_why():
    with pytest.raises(TransitionRefused) as caught:
        check_transition(S.TAKEN, S.CANCELLED, Actor.BENEFICIARY)
    assert caught.value.key == "error.concierge.request_already_being_handled"  # too late to cancel it oneself
    with pytest.raises(TransitionRefused) as caught:
        check_transition(S.SUBMITTED, S.CANCELLED, Actor.CENTRE, ready_made_reason("closed"))
    assert caught.value.key == "error.concierge.you_move_request"
    with pytest.raises(TransitionRefused) as caught:
        check_transition(S.SUBMITTED, S.TAKEN, Actor.BENEFICIARY)
    assert caught.value.key == "error.concierge.you_move_request"


def test_a_typed_reason_is_sent_as_other_and_holds_two_hundred_characters():
    reason = typed_reason("R" * 200)
    assert (reason.code, reason.fr, reason.en) == ("other", "R" * 200, "R" * 200)
    with pytest.raises(ConciergeFormError):
        typed_reason("R" * 201)


def test_the_moves_buttons_are_named_in_each_language():
    fr, en = Texts("fr"), Texts("en")
    assert fr(move_key(S.TAKEN)) == "Prendre en charge"
    assert en(move_key(S.HANDED_OVER)).startswith("Hand")


def test_a_day_field_offers_the_next_six_opening_days():
    days = prepare_form(form_for("entretien_velo"), datetime(2026, 11, 25, 8, 59)).field("day").options
    assert [o.code for o in days] == [
        "2026-11-25",
        "2026-12-02",
        "2026-12-09",
        "2026-12-16",
        "2026-12-23",
        "2026-12-30",
    ]


def test_a_form_of_more_than_twenty_answers_is_not_read():
    form = form_for("colis")
    with pytest.raises(ConciergeFormError) as caught:
        validate_answers(form, {f"k{i}": 1 for i in range(21)}, MONDAY)
    assert caught.value.key == "error.concierge.form_read_start_again"
    with pytest.raises(ConciergeFormError) as caught:
        validate_answers(form, {f"k{i}": 1 for i in range(20)}, MONDAY)
    assert caught.value.key == "error.concierge.form_holds_unexpected_answer"


# Every form as the desk knows it, written out: what is asked (its label's catalog key after
# "concierge.form."), its bounds and options, then the opening days (0 = Monday), the lead time in days,
# the cut-off hour and when the request is ready. A change here changes what people fill in at the kiosk
# and what the desk receives: it must be made here as well, on purpose.
FORMS_AS_KNOWN = {
    "pressing": [
        "garments choices 1-0 [chemise,pantalon,veste,costume,robe,jupe,pull,manteau,autre] pressing.garments",
        "quantity number 1-30 =1 pressing.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 2 cutoff None ready 8 concierge.ready.pressing",
    ],
    "repassage": [
        "quantity number 1-10 =1 repassage.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 1 cutoff None ready 17 concierge.ready.repassage",
    ],
    "retouches": [
        "work choice 0-0 [ourlet,fermeture,reprise,ajustement,autre] retouches.work",
        "quantity number 1-10 =1 retouches.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 5 cutoff None ready 8 concierge.ready.retouches",
    ],
    "cordonnerie": [
        "work choice 0-0 [talons,ressemelage,couture,autre] cordonnerie.work",
        "quantity number 1-5 =1 cordonnerie.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 7 cutoff None ready 8 concierge.ready.cordonnerie",
    ],
    "colis": [
        "direction choice 0-0 [depot,retrait] colis.direction",
        "carrier choice 0-0 [la_poste,chronopost,mondial_relay,dpd,ups,gls,autre] colis.carrier",
        "reference text? 0-40 colis.reference",
        "days 01234 lead 0 cutoff None ready 8 concierge.ready.colis",
    ],
    "depot_pain": [
        "bread choice 0-0 [tradition,baguette,complet,cereales] depot_pain.bread",
        "quantity number 1-10 =1 any.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 1 cutoff 16 ready 11 concierge.ready.depot_pain",
    ],
    "courses": [
        "list text 3-200 courses.list",
        "day day 0-0 any.day",
        "days 01234 lead 0 cutoff 10 ready 16 concierge.ready.courses",
    ],
    "entretien_velo": [
        "work choice 0-0 [revision,crevaison,freins,derailleur,eclairage,autre] entretien_velo.work",
        "day day 0-0 entretien_velo.day",
        "days 2 lead 0 cutoff 9 ready 17 concierge.ready.entretien_velo",
    ],
    "aide_demarches": [
        "topic choice 0-0 [impots,retraite,caf,sante,logement,autre] aide_demarches.topic",
        "day day 0-0 any.appointment_day",
        "days 13 lead 1 cutoff None ready 12 concierge.ready.aide_demarches",
    ],
    "prise_rdv": [
        "what choice 0-0 [medecin,dentiste,administration,garage,autre] prise_rdv.what",
        "details text? 0-60 prise_rdv.details",
        "days weekdays 0-0 prise_rdv.days",
        "days 01234 lead 0 cutoff None ready 9 concierge.ready.prise_rdv",
    ],
    "hebergement": [
        "destination text 2-60 hebergement.destination",
        "arrival date 1-365 hebergement.arrival",
        "nights number 1-21 =1 hebergement.nights",
        "people number 1-10 =1 hebergement.people",
        "days 01234 lead 0 cutoff None ready 9 concierge.ready.hebergement",
    ],
    "titres_transport": [
        "mode choice 0-0 [train,car,urbain] titres_transport.mode",
        "origin text 2-40 titres_transport.origin",
        "destination text 2-40 titres_transport.destination",
        "travel_on date 0-365 titres_transport.travel_on",
        "travellers number 1-9 =1 titres_transport.travellers",
        "days 01234 lead 0 cutoff None ready 9 concierge.ready.titres_transport",
    ],
    "coiffure": [
        "kind choice 0-0 [femme,homme,enfant] coiffure.kind",
        "day day 0-0 any.appointment_day",
        "slot choice 0-0 [11,13,15,17] coiffure.slot",
        "days 13 lead 1 cutoff None ready 11 concierge.ready.coiffure",
    ],
    "seances_sport": [
        "activity choice 0-0 [yoga,pilates,renforcement,cardio,etirements] seances_sport.activity",
        "quantity number 1-10 =1 seances_sport.quantity",
        "day day 0-0 seances_sport.day",
        "days 024 lead 0 cutoff 12 ready 12 concierge.ready.seances_sport",
    ],
    "nouveau": [
        "what text 2-100 any.what",
        "quantity number 1-30 =1 any.quantity",
        "day day 0-0 any.day",
        "days 01234 lead 1 cutoff None ready 9 concierge.ready.any",
    ],
}


def _described(form: ServiceForm) -> list[str]:
    lines = []
    for f in form.fields:
        options = ",".join(o.code for o in f.options)
        lines.append(
            f"{f.name} {f.kind.value}{'' if f.required else '?'} {f.minimum}-{f.maximum}"
            + (f" ={f.default}" if f.default is not None else "")
            + (f" [{options}]" if options else "")
            + f" {f.key.removeprefix('concierge.form.')}"
        )
    days = "".join(str(d) for d in sorted(form.open_days))
    lines.append(
        f"days {days} lead {form.lead_days} cutoff {form.cutoff_hour} ready {form.ready_hour} {form.ready_key}"
    )
    return lines


def test_every_form_is_the_one_the_desk_knows():
    forms = {**FORMS, "nouveau": generic_form("nouveau")}
    assert {service: _described(form) for service, form in forms.items()} == FORMS_AS_KNOWN


def _answers(service: str, **answers: object) -> dict[str, object]:
    """A form filled in well on MONDAY, with `answers` instead (`...` leaves a field out)."""
    day = next_days(form_for(service), MONDAY, 1)[0].isoformat()
    filled: dict[str, dict[str, object]] = {
        "pressing": {"garments": ["chemise"], "quantity": 2, "day": day},
        "colis": {"direction": "depot", "carrier": "ups"},
        "hebergement": {"destination": "Annecy", "arrival": "2026-11-24", "nights": 2, "people": 2},
    }
    return {k: v for k, v in {**filled[service], **answers}.items() if v is not ...}


@pytest.mark.parametrize(
    ("service", "answers", "key", "field"),
    [
        ("pressing", {"garments": []}, "error.concierge.choose", "garments"),
        ("pressing", {"garments": ...}, "error.concierge.choose", "garments"),
        ("pressing", {"garments": ["chaussette"]}, "error.concierge.choose_from_list", "garments"),
        ("pressing", {"garments": [1]}, "error.concierge.choose_from_list", "garments"),
        ("pressing", {"garments": ["pull"] * 19}, "error.concierge.choose_from_list", "garments"),  # 2 × 9 options
        ("pressing", {"quantity": ...}, "error.concierge.give", "quantity"),
        ("pressing", {"quantity": " "}, "error.concierge.give", "quantity"),
        ("pressing", {"quantity": "deux"}, "error.concierge.must_whole_number", "quantity"),
        ("pressing", {"quantity": True}, "error.concierge.must_whole_number", "quantity"),
        ("pressing", {"quantity": "1234567"}, "error.concierge.must_whole_number", "quantity"),
        ("pressing", {"quantity": "١٢"}, "error.concierge.must_whole_number", "quantity"),
        ("pressing", {"quantity": "123456"}, "error.concierge.from", "quantity"),  # six digits: a number, too big
        ("pressing", {"quantity": 0}, "error.concierge.from", "quantity"),
        ("pressing", {"quantity": 31}, "error.concierge.from", "quantity"),
        ("pressing", {"day": "2026-11-24"}, "error.concierge.day_longer_offered_choose", "day"),  # two days' notice
        ("pressing", {"day": 20261125}, "error.concierge.day_longer_offered_choose", "day"),
        ("pressing", {"note": "n" * 201}, "error.concierge.too_long_characters_at_2", "note"),
        ("pressing", {"note": " " * 865}, "error.concierge.too_long_characters_at", "note"),
        ("pressing", {"note": 12}, "error.concierge.must_text", "note"),
        ("pressing", {"note": "a <b>"}, "error.concierge.contain_signs", "note"),
        ("colis", {"direction": "envoi"}, "error.concierge.choose_from_list", "direction"),
        ("colis", {"direction": ...}, "error.concierge.choose", "direction"),
        ("hebergement", {"destination": "A"}, "error.concierge.too_short_characters_at", "destination"),
        ("hebergement", {"destination": " "}, "error.concierge.fill", "destination"),
        ("hebergement", {"arrival": "2026-11-23"}, "error.concierge.between", "arrival"),  # from tomorrow
        ("hebergement", {"arrival": "2027-11-24"}, "error.concierge.between", "arrival"),  # a year ahead at most
        ("hebergement", {"arrival": "2026-11-2"}, "error.concierge.date", "arrival"),
        ("hebergement", {"arrival": "2026-13-01"}, "error.concierge.date", "arrival"),
        ("hebergement", {"nights": 22}, "error.concierge.from", "nights"),
    ],
)
def test_each_wrong_answer_is_named_with_what_is_wrong(service, answers, key, field):
    with pytest.raises(ConciergeFormError) as caught:
        validate_answers(form_for(service), _answers(service, **answers), MONDAY)
    assert (caught.value.key, caught.value.field) == (key, field)


def test_answers_are_kept_as_the_desk_reads_them():
    pressing = validate_answers(
        form_for("pressing"),
        _answers("pressing", garments=["pull", "chemise", "pull"], quantity=" 30 ", note="n" * 200),
        MONDAY,
    )
    assert pressing.answers == {"garments": ["chemise", "pull"], "quantity": 30, "day": "2026-11-25"}
    assert (pressing.quantity, pressing.collect_on, pressing.note) == (30, date(2026, 11, 25), "n" * 200)
    assert validate_answers(form_for("pressing"), _answers("pressing", garments="veste"), MONDAY).answers[
        "garments"
    ] == ["veste"]
    assert (
        validate_answers(
            form_for("pressing"), _answers("pressing", garments=["pull"] * 18, note=" " * 864), MONDAY
        ).note
        == ""
    )
    colis = validate_answers(form_for("colis"), _answers("colis"), MONDAY)  # no quantity, no day
    assert (colis.service_id, colis.answers, colis.quantity, colis.collect_on, colis.note) == (
        "colis",
        {"direction": "depot", "carrier": "ups"},
        1,
        None,
        "",
    )
    stay = validate_answers(form_for("hebergement"), _answers("hebergement", arrival="2027-11-23", nights="21"), MONDAY)
    assert (stay.answers["arrival"], stay.answers["nights"], stay.quantity) == ("2027-11-23", 21, 1)


def test_answers_are_told_in_the_forms_order_and_words():
    pressing = {"garments": ["chemise", "pull"], "quantity": 2, "day": "2026-11-25", "unknown": None}
    assert describe_answers(form_for("pressing"), pressing, "fr") == [
        ("Vêtements", "Chemise, Pull"),
        ("Nombre de pièces", "2"),
        ("Jour de retrait", "mercredi 25 novembre"),
    ]
    damaged = {"garments": ["chemise", "zz"], "quantity": 2, "day": "2026-13-25"}  # shown as received
    assert describe_answers(form_for("pressing"), damaged, "en") == [
        ("Garments", "Shirt, zz"),
        ("Number of items", "2"),
        ("Day to collect", "2026-13-25"),
    ]
    appointment = {"what": "garage", "details": "", "days": ["tue", "thu", "xx"]}
    assert describe_answers(form_for("prise_rdv"), appointment, "fr") == [
        ("Rendez-vous chez", "Garage"),
        ("Jours qui vous conviennent", "mardi, jeudi"),
    ]
    stay = {"destination": "Annecy", "arrival": "2026-12-20", "nights": 3, "people": []}
    assert describe_answers(form_for("hebergement"), stay, "fr") == [
        ("Où ?", "Annecy"),
        ("Date d'arrivée", "dimanche 20 décembre"),
        ("Nombre de nuits", "3"),
    ]


def _request(quantity: int, collect_on: date | None) -> ConciergeRequest:
    return ConciergeRequest(
        "9d0b7e52-1c44-4a8e-b7f3-2a61c0d95e08",
        "DEMO-LYON-PARTDIEU",
        "pressing",
        "H-1",
        "P-1-1",
        {"garments": ["chemise"], "quantity": quantity},
        quantity,
        450 * quantity,
        collect_on,
        "Col fragile",
        S.SUBMITTED,
        datetime(2026, 11, 23, 10, 42, 37, 5),
        datetime(2026, 11, 23, 10, 42, 37, 5),
        "staff-7",
    )


def test_a_request_is_headed_timed_and_sent_as_the_desk_and_the_centre_read_it():
    pressing = ConciergeService(
        "pressing", "Pressing", "Dry cleaning", "", "", 450, "la pièce", "per item", "", "", "pressing.svg"
    )
    assert request_title(pressing, _request(3, None), "fr") == "Pressing × 3"
    assert request_title(pressing, _request(1, None), "en") == "Dry cleaning"
    assert request_title(None, _request(2, None), "fr") == "pressing × 2"  # a service no longer offered
    form = form_for("pressing")
    assert ready_from(form, _request(1, date(2026, 11, 25))) == datetime(2026, 11, 25, 8, 0)
    assert ready_from(form, _request(1, None)) == datetime(2026, 11, 23, 10, 42)
    assert create_payload(_request(3, date(2026, 11, 25))) == {
        "request_id": "9d0b7e52-1c44-4a8e-b7f3-2a61c0d95e08",
        "service_id": "pressing",
        "household_id": "H-1",
        "person_id": "P-1-1",
        "answers": {"garments": ["chemise"], "quantity": 3},
        "quantity": 3,
        "estimate_cents": 1350,
        "collect_on": "2026-11-25",
        "note": "Col fragile",
        "created_by": "staff-7",
    }
    assert create_payload(_request(1, None))["collect_on"] is None
    clean = validate_answers(form, _answers("pressing", quantity=3), MONDAY)
    assert estimate(pressing, form, clean) == Estimate(450, 3, 1350)
    assert not estimate(pressing, form, clean).on_quotation
    courses = form_for("courses")
    clean = validate_answers(courses, {"list": "Pain", "day": next_days(courses, MONDAY, 1)[0].isoformat()}, MONDAY)
    assert estimate(pressing, courses, clean) == Estimate(450, 1, 450)
    assert estimate(replace(pressing, price_cents=None), form, clean) == Estimate(None, 1, None)


def test_what_typed_text_keeps_and_drops():
    assert clean_text("Taille XL, 2 pièces", 40, WHAT) == "Taille XL, 2 pièces"  # only < and > are refused
    assert clean_text("a\u0378b\ud800c", 20, WHAT) == "abc"  # unassigned, lone surrogate
    assert clean_text("a\u2028b\u2029c", 20, WHAT) == "a b c"
    assert clean_text("An", 60, WHAT, min_chars=2) == "An"


def test_a_few_answers_at_their_bounds_are_taken():
    appointment = validate_answers(form_for("prise_rdv"), {"what": "garage", "days": ["thu"]}, MONDAY)
    assert appointment.answers == {"what": "garage", "days": ["thu"]}  # one day that suits is enough
    stay = validate_answers(
        form_for("hebergement"), _answers("hebergement", destination="An", arrival=date(2026, 11, 24)), MONDAY
    )
    assert (stay.answers["destination"], stay.answers["arrival"]) == ("An", "2026-11-24")
    with pytest.raises(ConciergeFormError) as caught:
        validate_answers(form_for("hebergement"), _answers("hebergement", arrival=datetime(2026, 11, 24)), MONDAY)
    assert (caught.value.key, caught.value.field) == ("error.concierge.date", "arrival")


def test_the_days_that_suit_are_offered_monday_to_friday_and_every_weekday_is_read_back():
    [days] = [f for f in prepare_form(form_for("prise_rdv"), MONDAY).fields if f.name == "days"]
    assert [o.code for o in days.options] == ["mon", "tue", "wed", "thu", "fri"]
    # a request made at a kiosk whose forms open at the weekend too reads back whole
    weekend = {"what": "garage", "details": "", "days": ["fri", "sat", "sun"]}
    assert describe_answers(form_for("prise_rdv"), weekend, "fr")[1] == (
        "Jours qui vous conviennent",
        "vendredi, samedi, dimanche",
    )
