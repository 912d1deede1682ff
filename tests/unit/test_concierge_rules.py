"""The concierge lifecycle and forms, as plain rules."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from kiosk.domain.catalog import ConciergeService
from kiosk.domain.concierge import (
    CANCEL_CODES,
    FORMS,
    REFUSAL_CODES,
    Actor,
    ConciergeFormError,
    FieldKind,
    RequestState,
    StateReason,
    TransitionRefused,
    allowed_moves,
    check_transition,
    clean_text,
    estimate,
    form_for,
    generic_form,
    next_days,
    prepare_form,
    ready_made_reason,
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
