"""The rules of "le par et le pour": who may vote, when a ballot counts, how a ranking is counted, what an
idea and an appreciation must hold."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.appreciation import AppreciationError, author_name, check_ratings, clean_comment
from kiosk.domain.consultations import (
    BallotError,
    BallotKind,
    Choice,
    Consultation,
    Electorate,
    ScopeLevel,
    check_ballot,
    counts,
    is_eligible,
    refusal,
    tally,
)
from kiosk.domain.household import Household, Person, Role
from kiosk.domain.ideas import IdeaError, clean_idea

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
            clean_comment(phrases, typed)
    assert author_name("Claire", "martin") == "Claire M." and author_name("Léa", "") == "Léa"
