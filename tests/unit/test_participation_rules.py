"""The rules of "le par et le pour": who may vote, when a ballot counts, how a ranking is counted, what an
idea and an appreciation must hold."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.appreciation import (
    APPRECIATION_WINDOW,
    PHRASES,
    QUESTIONS,
    Appreciation,
    AppreciationError,
    Moderation,
    PublishedComment,
    author_name,
    check_ratings,
    clean_comment,
    parse_offer_appreciation,
    phrase_words,
    scale_words,
)
from kiosk.domain.consultations import (
    BallotError,
    BallotKind,
    BallotState,
    Choice,
    Consultation,
    Electorate,
    Results,
    ScopeLevel,
    check_ballot,
    consultation_document,
    counts,
    is_eligible,
    parse_consultation,
    refusal,
    tally,
)
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household, Person, Role
from kiosk.domain.ideas import THEME_CODES, Idea, IdeaError, clean_answer, clean_idea, theme_label
from kiosk.errors import CatalogError

OPENS = datetime(2026, 11, 20, 8, 0)
CLOSES = datetime(2026, 11, 30, 18, 0)


def consultation(
    kind: BallotKind = BallotKind.CHOICE,
    electorate: Electorate = Electorate.OUVRANTS_DROIT,
    scope: tuple[ScopeLevel, str] = (ScopeLevel.CMCAS, "CMCAS Lyon"),
) -> Consultation:
    return Consultation(
        "C1",
        "Quelle navette ?",
        "Which shuttle?",
        kind,
        (Choice("tram", "Tram", "Tram"), Choice("bus", "Bus", "Bus"), Choice("velo", "Vélo", "Bike")),
        electorate,
        scope[0],
        scope[1],
        OPENS,
        CLOSES,
        grace_hours=48,
    )


def person(role: Role, born: date) -> Person:
    return Person("P1", "Claire", "Martin", born, role, "1000000000017", None)


def household(*members: Person, cmcas: str = "CMCAS Lyon", slvie: str = "SLVie Lyon Part-Dieu") -> Household:
    return Household("H1", 3, cmcas, slvie, members)


def test_who_may_take_part():
    agent, spouse, teen = (
        person(Role.OUVRANT_DROIT, date(1978, 4, 2)),
        person(Role.CONJOINT, date(1980, 1, 1)),
        person(Role.ENFANT, date(2010, 11, 25)),
    )
    home = household(agent, spouse, teen)
    day = date(2026, 11, 24)
    assert [is_eligible(consultation(), home, p, day) for p in (agent, spouse, teen)] == [True, False, False]
    from_16 = consultation(electorate=Electorate.BENEFICIARIES_16)
    assert [is_eligible(from_16, home, p, day) for p in (agent, spouse, teen)] == [True, True, False]
    assert is_eligible(from_16, home, teen, day + timedelta(days=1))  # 16 on the 25th
    other_slvie = consultation(scope=(ScopeLevel.SLVIE, "SLVie Grenoble"))
    assert not is_eligible(other_slvie, home, agent, day)
    early = refusal(consultation(), home, agent, OPENS - timedelta(minutes=1))
    assert early is not None and early.en.startswith("This consultation is not open")
    assert "closed" in refusal(consultation(), home, agent, CLOSES).en
    assert refusal(consultation(), home, agent, OPENS) is None


def test_a_ballot_counts_if_cast_while_open_and_received_before_the_grace_period_ends():
    c = consultation()
    assert counts(c, CLOSES - timedelta(minutes=1), CLOSES + timedelta(hours=47))
    assert not counts(c, CLOSES - timedelta(minutes=1), CLOSES + timedelta(hours=49))
    assert not counts(c, CLOSES, CLOSES)
    assert not counts(c, OPENS - timedelta(seconds=1), OPENS)


def test_ballots_are_checked_and_a_ranking_counted_by_points():
    assert check_ballot(consultation(), ["bus"]) == ["bus"]
    for wrong in ([], ["bus", "tram"], ["metro"], "bus"):
        with pytest.raises(BallotError):
            check_ballot(consultation(), wrong)  # type: ignore[arg-type]
    ranking = consultation(BallotKind.RANKING)
    assert check_ballot(ranking, ["velo", "tram", "bus"]) == ["velo", "tram", "bus"]
    for wrong in (["velo", "tram"], ["velo", "velo", "bus"], ["velo", "tram", "bus", "metro"]):
        with pytest.raises(BallotError):
            check_ballot(ranking, wrong)
    assert tally(ranking, ["velo", "tram", "bus"]) == {"velo": (1, 3), "tram": (0, 2), "bus": (0, 1)}
    assert tally(consultation(), ["bus"]) == {"bus": (1, 1)}


def test_an_idea_needs_a_theme_and_a_few_plain_words():
    assert clean_idea("site_life", "  Des   bancs\\tà l'ombre  ".replace("\\t", "\t")) == (
        "site_life",
        "Des bancs à l'ombre",
    )
    assert clean_idea("activities", "Piscine") == ("activities", "Piscine")  # one real word is an idea
    assert clean_idea("other", "Zoo")[1] == "Zoo"
    for theme, text in (
        ("", "Des bancs à l'ombre"),
        ("weather", "Des bancs à l'ombre"),
        ("other", "Ok"),
        ("other", "1 2 3 ?!"),  # signs and digits alone say nothing
        ("other", "<script>alert(1)</script>"),
        ("other", "x" * 501),
        ("other", None),
    ):
        with pytest.raises(IdeaError):
            clean_idea(theme, text)


def test_an_appreciation_answers_every_question_and_its_comment_is_plain():
    full = {"overall": 5, "organisation": 4, "place": 3, "value": 1}
    assert check_ratings(full) == full
    for wrong in (
        {**full, "place": 0},
        {**full, "value": 6},
        {**full, "overall": True},
        {k: v for k, v in full.items() if k != "place"},
        {**full, "extra": 3},
    ):
        with pytest.raises(AppreciationError):
            check_ratings(wrong)
    assert clean_comment([0, 2], "Merci !", "fr") == "Très bonne ambiance. À refaire ! Merci !"
    assert clean_comment([], "", "en") == ""
    for phrases, typed in (([99], ""), ([], "<b>"), ([], "x" * 301)):
        with pytest.raises(AppreciationError):
            clean_comment(phrases, typed, "fr")
    assert author_name("Claire", "martin") == "Claire M." and author_name("Léa", "") == "Léa"


def test_every_idea_theme_is_offered_in_order_and_named():
    assert [theme_label(code, "fr") for code in THEME_CODES] == [
        "Activités et sorties",
        "Séjours et vacances",
        "Enfants et jeunes",
        "Conciergerie",
        "Solidarité",
        "Vie du site",
        "Autre",
    ]
    for code in THEME_CODES:
        assert clean_idea(code, "Des bancs") == (code, "Des bancs")
    assert theme_label("weather", "fr") == "weather"  # a theme a newer centre added reads as its code


def test_an_idea_refused_says_why():
    def refusal_of(theme: object, text: object) -> IdeaError:
        with pytest.raises(IdeaError) as refused:
            clean_idea(theme, text)
        return refused.value

    assert refusal_of("weather", "Des bancs").key == "error.idea.choose_theme"
    too_short = refusal_of("other", "Ok !")
    assert too_short.key == "error.idea.too_short" and too_short.values == {"min_letters": 3}
    assert "au moins 3 lettres" in too_short.fr
    assert refusal_of("other", "").key == "error.concierge.fill"
    too_long = refusal_of("other", "x" * 501)
    assert too_long.key == "error.concierge.too_long_characters_at_2" and too_long.values["max_chars"] == 500
    assert clean_idea("other", "x" * 500) == ("other", "x" * 500)


def test_an_answer_to_an_idea_and_its_author_are_bounded_and_required():
    assert clean_answer("  Merci,\n c'est prévu  ", " SLVie Lyon ") == ("Merci, c'est prévu", "SLVie Lyon")
    assert clean_answer("a" * 1000, "b" * 80) == ("a" * 1000, "b" * 80)
    for text, author, message in (
        ("a" * 1001, "SLVie", "'Answer' is too long: 1000 characters at most (you have 1001)."),
        ("Merci", "b" * 81, "'Who answers' is too long: 80 characters at most (you have 81)."),
        ("", "SLVie", "Fill in 'Answer'."),
        ("Merci", "", "Fill in 'Who answers'."),
    ):
        with pytest.raises(IdeaError) as refused:
            clean_answer(text, author)
        assert refused.value.en == message


def test_an_idea_code_is_the_voucher_code_of_its_id_and_it_is_answered_once_it_has_an_answer():
    idea = Idea("0b4c6f0e-8a57-4d43-9f6e-2c1d3b5a7e91", "S1", "other", "Des bancs", None, None, OPENS, None)
    assert idea.code == "AKME-5ZNQ"  # printed on receipts already in people's hands: never changes
    assert not idea.answered and (idea.answer, idea.answered_by, idea.answered_at) == ("", "", None)
    assert Idea(idea.idea_id, "S1", "other", "Des bancs", None, None, OPENS, None, answer="Prévu en mai").answered


def test_an_appreciation_asks_four_questions_on_a_scale_of_five_faces_and_offers_six_phrases():
    assert [question.label("en") for question in QUESTIONS] == [
        "Overall",
        "Welcome and organisation",
        "The place",
        "Value for money",
    ]
    assert [scale_words(value).message("en") for value in range(1, 6)] == [
        "Not at all satisfied",
        "Not very satisfied",
        "So-so",
        "Satisfied",
        "Very satisfied",
    ]
    assert [phrase_words(index).message("en") for index in range(len(PHRASES))] == [
        "A very good atmosphere.",
        "Well organised.",
        "Let's do it again!",
        "Too expensive.",
        "Inconvenient times.",
        "Hard to get to.",
    ]
    assert APPRECIATION_WINDOW == timedelta(days=60)  # how long after the activity a participant may answer
    # sent to and read from the centre
    assert [m.value for m in Moderation] == ["none", "pending", "published", "refused", "not_taken"]


def test_an_appreciation_refused_names_the_question_left_unanswered():
    full = {"overall": 5, "organisation": 4, "place": 3, "value": 1}
    with pytest.raises(AppreciationError) as refused:
        check_ratings({k: v for k, v in full.items() if k != "place"})
    assert refused.value.en == "Answer 'The place'."
    with pytest.raises(AppreciationError) as refused:
        check_ratings(["overall", 5])  # type: ignore[arg-type]
    assert refused.value.en == "Answer 'Overall'."
    with pytest.raises(AppreciationError) as refused:
        check_ratings({**full, "extra": 3})
    assert refused.value.key == "error.appreciation.answer_matches_no_question"
    assert check_ratings({k: 5 for k in full}) == {k: 5 for k in full}


def test_a_comment_is_its_phrases_then_what_was_typed_at_most_300_characters():
    assert clean_comment([0], "", "en") == "A very good atmosphere."
    assert clean_comment([5], "  ", "en") == "Hard to get to."
    assert clean_comment([], "x" * 300, "fr") == "x" * 300
    assert clean_comment([0], "x" * 276, "en") == "A very good atmosphere. " + "x" * 276  # 300 in all
    with pytest.raises(AppreciationError) as refused:
        clean_comment([0], "x" * 277, "en")
    assert refused.value.key == "error.appreciation.comment_too_long" and refused.value.values == {"max_chars": 300}
    for phrases in ([-1], [6], [True], ["0"]):
        with pytest.raises(AppreciationError) as refused:
            clean_comment(phrases, "", "fr")  # type: ignore[arg-type]
        assert refused.value.key == "error.appreciation.phrase_not_offered"
    with pytest.raises(AppreciationError) as refused:
        clean_comment([], "<b>", "fr")
    assert refused.value.key == "error.concierge.contain_signs"
    assert author_name("  Claire ", " martin") == "Claire M." and author_name(" Léa ", "  ") == "Léa"


def test_the_reason_the_centre_gave_for_refusing_a_comment_reads_in_each_language():
    refused = Appreciation(
        "A1", "B1", "O1", "S1", "H1", "P1", {}, "Nul", OPENS, Moderation.REFUSED, "Propos injurieux", "Abusive words"
    )
    assert refused.reason.message("fr") == "Propos injurieux" and refused.reason.message("en") == "Abusive words"
    given = Appreciation("A2", "B1", "O1", "S1", "H1", "P1", {}, "", OPENS, Moderation.NONE)
    assert (given.reason.message("fr"), given.reason.message("en")) == ("", "")  # just given: no reason yet


def offer_appreciation(**changes: object) -> dict[str, object]:
    comment = {"author": "Claire M.", "day": "2026-11-21", "comment": "Très bien"}
    return {
        "offer_id": "O1",
        "count": 12,
        "averages": {"overall": 43, "organisation": 50, "place": 0, "value": 38},
        "comments": [comment] * 5,
    } | changes


def read_offer_appreciation(doc: dict[str, object]):
    return parse_offer_appreciation(DocumentReader(doc, "appreciation", CatalogError, "error.document.refused.page"))


def test_an_offer_appreciation_from_the_centre_is_read_whole_or_refused():
    read = read_offer_appreciation(offer_appreciation())
    assert (read.offer_id, read.count, read.averages["overall"], read.averages["place"]) == ("O1", 12, 43, 0)
    assert len(read.comments) == 5 and read.comments[0].author == "Claire M."
    assert read.comments[0].day == date(2026, 11, 21) and read.comments[0].comment == "Très bien"
    longest = {"author": "A" * 60, "day": "2026-11-21", "comment": "c" * 300}
    assert read_offer_appreciation(offer_appreciation(comments=[longest], count=0)).comments[0].comment == "c" * 300
    shortest = {"author": "A", "day": "2026-11-21", "comment": "!"}
    assert read_offer_appreciation(offer_appreciation(comments=[shortest])).comments[0] == PublishedComment(
        "A", date(2026, 11, 21), "!"
    )
    assert read_offer_appreciation(offer_appreciation(comments=[])).comments == ()  # rated, nothing published yet
    averages = {"overall": 43, "organisation": 50, "place": 0, "value": 38}
    comment = {"author": "Claire M.", "day": "2026-11-21", "comment": "Très bien"}
    for wrong in (
        {"averages": {**averages, "value": 51}},
        {"averages": {**averages, "value": -1}},
        {"averages": {**averages, "value": True}},
        {"averages": {**averages, "value": 4.3}},
        {"averages": {k: v for k, v in averages.items() if k != "value"}},
        {"averages": {**averages, "extra": 3}},
        {"averages": [43, 50, 0, 38]},
        {"comments": [comment] * 6},
        {"comments": [{**comment, "author": "A" * 61}]},
        {"comments": [{**comment, "author": ""}]},
        {"comments": [{**comment, "comment": "c" * 301}]},
        {"comments": [{**comment, "comment": ""}]},
        {"count": -1},
        {"count": 10_000_001},
    ):
        with pytest.raises(CatalogError) as refused:
            read_offer_appreciation(offer_appreciation(**wrong))
        if "averages" in wrong:
            assert refused.value.values["path"] == "appreciation.averages"
    assert read_offer_appreciation(offer_appreciation(count=10_000_000)).count == 10_000_000


SHUTTLE = {
    "consultation_id": "C1",
    "question_fr": "Quelle navette ?",
    "question_en": "Which shuttle?",
    "kind": "choice",
    "choices": [
        {"code": "tram", "fr": "Tram", "en": "Tram"},
        {"code": "bus", "fr": "Bus", "en": "Bus"},
        {"code": "velo", "fr": "Vélo", "en": "Bike"},
    ],
    "electorate": "ouvrants_droit",
    "scope_level": "cmcas",
    "scope_name": "CMCAS Lyon",
    "opens_at": "2026-11-20T08:00",
    "closes_at": "2026-11-30T18:00",
    "grace_hours": 48,
}


def read_consultation(doc: dict[str, object]) -> Consultation:
    return parse_consultation(DocumentReader(doc, "consultation", CatalogError, "error.document.refused.page"))


def test_a_consultation_travels_as_the_centre_publishes_it():
    assert consultation_document(consultation()) == SHUTTLE
    assert read_consultation(SHUTTLE) == consultation()
    ranked = read_consultation(
        SHUTTLE
        | {
            "kind": "ranking",
            "electorate": "beneficiaries_16",
            "scope_level": "slvie",
            "scope_name": "SLVie Lyon Part-Dieu",
            "grace_hours": 336,
        }
    )
    assert (ranked.kind, ranked.electorate, ranked.scope_level, ranked.grace_hours) == (
        BallotKind.RANKING,
        Electorate.BENEFICIARIES_16,
        ScopeLevel.SLVIE,
        336,
    )
    assert ranked.question("fr") == "Quelle navette ?" and ranked.choices[2].label("en") == "Bike"
    assert ranked.choice("velo") == Choice("velo", "Vélo", "Bike") and ranked.choice("metro") is None
    assert ranked.counting_ends == datetime(2026, 12, 14, 18, 0)
    two = read_consultation(SHUTTLE | {"choices": SHUTTLE["choices"][:2]})  # type: ignore[index]
    assert [c.code for c in two.choices] == ["tram", "bus"]
    ten = [{"code": "c" + "_" * i, "fr": "Choix", "en": "Choice"} for i in range(10)]
    assert len(read_consultation(SHUTTLE | {"choices": ten}).choices) == 10


def test_a_consultation_with_results_reads_them_per_choice():
    results = {
        "participants": 120,
        "electorate": 400,
        "votes": {"tram": 70, "bus": 30, "velo": 20},
        "points": {"tram": 0, "bus": 0, "velo": 10_000_000},
    }
    read = read_consultation(SHUTTLE | {"results": results})
    assert read.results == Results(
        120, 400, {"tram": 70, "bus": 30, "velo": 20}, {"tram": 0, "bus": 0, "velo": 10_000_000}
    )
    assert read.results.participation_percent == 30
    assert Results(1, 3, {}, {}).participation_percent == 33 and Results(2, 3, {}, {}).participation_percent == 67
    assert Results(0, 0, {}, {}).participation_percent == 0  # no one could take part: no division by zero
    nobody = read_consultation(SHUTTLE | {"results": results | {"participants": 0, "electorate": 0}})
    assert nobody.results is not None and (nobody.results.participants, nobody.results.electorate) == (0, 0)
    for wrong in (
        {"votes": {"tram": 70, "bus": 30}},
        {"votes": {"tram": 70, "bus": 30, "velo": 20, "metro": 1}},
        {"votes": {"tram": 70, "bus": 30, "velo": -1}},
        {"votes": {"tram": 70, "bus": 30, "velo": True}},
        {"votes": {"tram": 70, "bus": 30, "velo": 10_000_001}},
        {"votes": [70, 30, 20]},
        {"points": None},
    ):
        with pytest.raises(CatalogError) as refused:
            read_consultation(SHUTTLE | {"results": results | wrong})
        name = next(iter(wrong))
        assert refused.value.values["path"] == f"consultation.results.{name}"
        assert refused.value.values["problem"].key == "error.document.number_per_choice"
    for wrong in ({"participants": -1}, {"participants": 10_000_001}, {"electorate": -1}, {"electorate": 10_000_001}):
        with pytest.raises(CatalogError):
            read_consultation(SHUTTLE | {"results": results | wrong})


def test_a_consultation_refused_says_which_field_is_wrong():
    choice = {"code": "tram", "fr": "Tram", "en": "Tram"}
    for changes, path in (
        ({"choices": [choice]}, "choices"),
        ({"choices": [{**choice, "code": "c" + "_" * i} for i in range(11)]}, "choices"),
        ({"choices": [choice, choice]}, "choices"),
        ({"choices": [choice, {**choice, "code": "bus", "fr": "B" * 121}]}, "choices[1].fr"),
        ({"choices": [choice, {**choice, "code": "bus", "en": ""}]}, "choices[1].en"),
        ({"closes_at": "2026-11-20T08:00"}, "closes_at"),
        ({"question_fr": "Quoi"}, "question_fr"),
        ({"question_en": "W" * 301}, "question_en"),
        ({"question_fr": "Q" * 301}, "question_fr"),
        ({"question_en": "What"}, "question_en"),
        ({"choices": [choice, {**choice, "code": "bus", "en": "B" * 121}]}, "choices[1].en"),
        ({"choices": [choice, {**choice, "code": "bus", "fr": ""}]}, "choices[1].fr"),
        ({"kind": "vote"}, "kind"),
        ({"electorate": "everyone"}, "electorate"),
        ({"scope_level": "region"}, "scope_level"),
        ({"scope_name": "S" * 81}, "scope_name"),
        ({"grace_hours": 337}, "grace_hours"),
        ({"grace_hours": -1}, "grace_hours"),
    ):
        with pytest.raises(CatalogError) as refused:
            read_consultation(SHUTTLE | changes)
        assert refused.value.values["path"] == f"consultation.{path}"
    assert read_consultation(SHUTTLE | {"question_fr": "Quoi ?", "scope_name": "S" * 80}).scope_name == "S" * 80
    shortest = read_consultation(
        SHUTTLE
        | {
            "question_fr": "Quoi?",
            "question_en": "What?",
            "scope_name": "L",
            "grace_hours": 0,
            "choices": [{"code": "a", "fr": "A", "en": "A"}, {"code": "b", "fr": "B" * 120, "en": "B" * 120}],
        }
    )
    assert (shortest.question("fr"), shortest.question("en"), shortest.scope_name) == ("Quoi?", "What?", "L")
    assert shortest.counting_ends == shortest.closes_at  # no grace period: counting ends at closing
    assert [c.label("en") for c in shortest.choices] == ["A", "B" * 120]
    assert read_consultation(SHUTTLE | {"question_fr": "Q" * 300}).question("fr") == "Q" * 300
    assert read_consultation(SHUTTLE | {"closes_at": "2026-11-20T08:01"}).closes_at == datetime(2026, 11, 20, 8, 1)


def test_a_ballot_refused_says_why_in_the_words_of_its_kind():
    agent = person(Role.OUVRANT_DROIT, date(1978, 4, 2))
    spouse = person(Role.CONJOINT, date(1980, 1, 1))
    home = household(agent, spouse)
    assert refusal(consultation(), home, spouse, OPENS).key == "error.ballot.not_for_you"
    assert refusal(consultation(), home, agent, OPENS - timedelta(minutes=1)).key == "error.ballot.not_open_yet"
    assert refusal(consultation(), home, agent, CLOSES).key == "error.ballot.closed"
    assert refusal(consultation(), home, agent, CLOSES - timedelta(seconds=1)) is None
    assert is_eligible(consultation(scope=(ScopeLevel.SLVIE, "SLVie Lyon Part-Dieu")), home, agent, OPENS.date())
    assert not is_eligible(consultation(scope=(ScopeLevel.CMCAS, "CMCAS Grenoble")), home, agent, OPENS.date())
    with pytest.raises(BallotError) as refused:
        check_ballot(consultation(), ["metro"])
    assert refused.value.key == "error.ballot.choose_answer"
    with pytest.raises(BallotError) as refused:
        check_ballot(consultation(BallotKind.RANKING), ["velo", "tram"])
    assert refused.value.key == "error.ballot.rank_every_choice"
    with pytest.raises(BallotError):
        check_ballot(consultation(BallotKind.RANKING), ["velo", "tram", "metro"])  # as many, one not offered
    assert check_ballot(consultation(), ("tram",)) == ["tram"]
    assert counts(consultation(), OPENS, CLOSES + timedelta(hours=48))  # the last moment still counts
    # sent to and read from the centre
    assert [s.value for s in BallotState] == ["sent", "counted", "refused"]
