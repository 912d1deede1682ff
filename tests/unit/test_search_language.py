"""How the search reads what a person types (kiosk.domain.search, kiosk.domain.search_language)."""

from datetime import date, datetime

import pytest

from kiosk.domain.catalog import Level
from kiosk.domain.search import (
    CHEAP_CENTS,
    FOR_CHILDREN,
    FOR_FAMILY,
    MAX_TERMS,
    DateWindow,
    Nearness,
    OfferQuery,
    Site,
    date_window_bounds,
    nearness,
    plan_search,
    search_entry,
    spelling_suggestions,
    typed_exactly,
)
from kiosk.domain.search_language import Vocabulary, fold, index_text, index_words, parse_synonyms, stems, words
from kiosk.services.catalog import everyday_vocabulary

MONDAY = datetime(2026, 11, 23, 9, 0)
SYNONYMS = everyday_vocabulary()


def vocabulary(*texts: str) -> Vocabulary:
    return Vocabulary(entry for text in texts for entry in index_text(text).words)


OFFER_WORDS = vocabulary(
    "Théâtre : Tartuffe",
    "Randonnée familiale",
    "Cinéma",
    "Colo aventure et escalade",
    "Balade à vélo",
    "Atelier cuisine : soupes et veloutés",
)


def plan(text: str, **query: object) -> object:
    return plan_search(OfferQuery(text=text, **query), MONDAY, SYNONYMS, OFFER_WORDS)


def test_fold_removes_accents_case_and_ligatures():
    assert fold("Été à ÉVIAN, Théâtre, Noël, Restos du Cœur") == "ete a evian, theatre, noel, restos du coeur"
    assert fold("Lætitia") == "laetitia"


def test_words_that_mean_nothing_in_a_search_are_never_asked_for():
    assert index_words("À au aux avec ce ces d' de des du en et l' la le les ou par pour sur un une") == []
    assert index_words("Sortie au théâtre avec les enfants") == ["sortie", "theatre", "enfants"]


def test_an_offer_is_indexed_by_the_stems_of_its_words_and_how_it_writes_them():
    indexed = index_text("Balade à vélo")  # "à" is left out though it is written with its accent
    assert indexed.stems == "balad velo"
    assert indexed.words == (("balade", "balad", "balade"), ("velo", "velo", "vélo"))


def test_words_leave_out_punctuation_and_emoji():
    assert words("  Théât  ") == ["theat"]
    assert words("ski 🎿 -- Valloire!") == ["ski", "valloire"]
    assert words("🎭🎭🎭") == []
    assert words("'; DROP TABLE offers; --") == ["drop", "table", "offers"]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("randonnées", "Randonnée"),
        ("randonnees", "randonnée"),
        ("chevaux", "cheval"),
        ("cinemas", "Cinéma"),
        ("theatres", "théâtre"),
        ("colonies", "colonie"),
        ("musees", "Musée"),
        ("soirees", "Soirée"),
        ("jeux", "jeu"),  # a four-letter stem: Snowball keeps the x, the search drops it
        ("ados", "ado"),
        ("vélos", "vélo"),
    ],
)
def test_plurals_and_inflections_meet_in_one_stem(typed, written):
    assert stems(words(typed)) == stems(words(written))


def test_a_query_asks_for_its_words_stems_and_synonyms():
    terms = plan("Colos à la mer").terms
    assert [t.typed for t in terms] == [("colos",), ("mer",)]  # "à" and "la" mean nothing here
    assert ("colon",) in terms[0].strong and ("sejour", "enfant") in terms[0].strong
    assert ("plag",) in terms[1].strong


def test_a_phrase_of_the_synonym_list_is_one_thing_asked_for():
    terms = plan("ping pong").terms
    assert len(terms) == 1 and ("ten", "tabl") in terms[0].strong  # "tennis de table"


def test_one_way_synonyms_widen_only_the_general_word():
    assert ("theatr",) in plan("spectacle").terms[0].strong
    assert ("spectacl",) not in plan("théâtre").terms[0].strong


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cinmea", "cinem"),
        ("randone", "randonne"),
        ("escalde", "escalad"),
        ("tehatre", "theatr"),
        ("tartufe", "tartuff"),
    ],
)
def test_one_or_two_wrong_letters_in_a_long_word_are_forgiven(typed, meant):
    assert (meant,) in plan(typed).terms[0].fuzzy


def test_a_five_letter_word_forgives_two_wrong_letters_never_three():
    assert OFFER_WORDS.close_words("cinma") == ["cinema"]  # one letter missing
    assert OFFER_WORDS.close_words("cinmx") == ["cinema"]  # one missing, one wrong
    assert OFFER_WORDS.close_words("bxxxde") == []  # three wrong letters from "balade"


def test_a_typo_brings_the_four_closest_words_at_most():
    assert vocabulary("Balade Malade Salade Calade Valade").close_words("alade") == [
        "balade",
        "calade",
        "malade",
        "salade",
    ]


def test_a_short_word_is_suggested_one_letter_away_not_two():
    assert spelling_suggestions("vleo", OFFER_WORDS) == ["vélo"]
    assert spelling_suggestions("vxlx", OFFER_WORDS) == []


def test_short_words_and_word_beginnings_are_not_taken_for_typos():
    assert plan("velo").terms[0].fuzzy == ()  # four letters: never a typo
    assert plan("theat").terms[0].fuzzy == ()  # the beginning of "théâtre"
    assert plan("xqzwvk").terms[0].fuzzy == ()  # nothing close


def test_filter_words_become_filters_and_leave_the_words():
    read = plan("vélo gratuit près d'ici pour les enfants")
    assert [t.typed for t in read.terms] == [("velo",)]
    assert read.query.max_price_cents == 0
    assert read.nearby
    assert read.audience == (FOR_CHILDREN,)
    assert plan("théâtre pas cher").query.max_price_cents == CHEAP_CENTS
    assert plan("gratuit", max_price_cents=5000).query.max_price_cents == 0
    assert plan("bons plans ciné").query.bons_plans
    assert plan("en famille").audience == (FOR_FAMILY,)
    assert plan("en famille").terms == ()


def test_day_words_bound_the_dates():
    assert (plan("demain").first_day, plan("demain").last_day) == (date(2026, 11, 24), date(2026, 11, 24))
    weekend = plan("ski ce week-end")
    assert (weekend.first_day, weekend.last_day) == (date(2026, 11, 28), date(2026, 11, 29))
    saturday = plan_search(OfferQuery(text="ce weekend"), datetime(2026, 11, 28, 10, 0), SYNONYMS, OFFER_WORDS)
    assert (saturday.first_day, saturday.last_day) == (date(2026, 11, 28), date(2026, 11, 29))
    within_week = plan("demain", window=DateWindow.WEEK)
    assert (within_week.first_day, within_week.last_day) == (date(2026, 11, 24), date(2026, 11, 24))


def test_a_huge_query_is_cut_not_refused():
    assert len(plan("théâtre cinéma " * 2000).terms) == MAX_TERMS


def test_a_title_has_the_words_as_typed_or_only_their_stems():
    assert typed_exactly("Randonnées au lac", plan("randonnees lac").terms)
    assert not typed_exactly("Randonnée en montagne", plan("randonnées").terms)


def test_suggestions_are_words_the_offer_uses_written_as_it_writes_them():
    assert spelling_suggestions("tehatre", OFFER_WORDS) == ["théâtre"]
    assert spelling_suggestions("atelier cuisien", OFFER_WORDS) == ["atelier cuisine"]
    assert spelling_suggestions("théâtre", OFFER_WORDS) == []


def test_nearness_follows_the_kiosks_site():
    site = Site("SLVie Lyon Part-Dieu", "CMCAS Lyon")
    assert nearness(Level.SLVIE, "SLVie Lyon Part-Dieu", site) == Nearness.THIS_SLVIE
    assert nearness(Level.CMCAS, "CMCAS Lyon", site) == Nearness.THIS_CMCAS
    assert nearness(Level.CCAS, "CCAS", site) == Nearness.NATIONAL
    assert nearness(Level.SLVIE, "SLVie Marseille Saint-Charles", site) == Nearness.ELSEWHERE


def test_audience_of_an_offer():
    assert FOR_CHILDREN in search_entry("Colo voile (9–11 ans)", ("Pour les 9–11 ans.",), 9, 11).audience
    assert search_entry("Spectacle de Noël pour les enfants", ("Goûter",), None, None).audience == (
        FOR_CHILDREN,
        FOR_FAMILY,
    )
    assert search_entry("Randonnée familiale", ("10 km",), None, None).audience == (FOR_FAMILY,)
    assert search_entry("Atelier œnologie", ("Déguster",), 18, None).audience == ()


def test_the_reviewed_lists_are_read_whole_or_refused():
    assert SYNONYMS.alternatives and SYNONYMS.filter_words
    with pytest.raises(ValueError, match="line 2"):
        parse_synonyms("ciné, cinéma\n , \n", "")
    with pytest.raises(ValueError, match=r"^synonyms line 2: 'cinéma >' names no word$"):
        parse_synonyms("ciné, cinéma\ncinéma >\n", "")  # a word that finds nothing
    with pytest.raises(ValueError, match=r"^filter words line 1: 'gratuit = cheaper' is not 'phrase = filter'$"):
        parse_synonyms("", "gratuit = cheaper\n")


def test_date_windows_start_today():
    today = date(2026, 11, 23)
    assert date_window_bounds(DateWindow.ANY, today) == (None, None)
    assert date_window_bounds(DateWindow.WEEK, today) == (today, date(2026, 11, 29))
    assert date_window_bounds(DateWindow.MONTH, today)[1] == date(2026, 12, 23)


def test_an_offer_is_for_children_under_eighteen_and_for_families_from_six_at_the_latest():
    assert search_entry("Stage", ("Découverte",), 7, 17).audience == (FOR_CHILDREN,)
    assert search_entry("Stage", ("Découverte",), 6, 18).audience == ()
    assert search_entry("Spectacle pour enfants", ("Goûter",), 6, None).audience == (FOR_CHILDREN, FOR_FAMILY)
    assert search_entry("Spectacle pour enfants", ("Goûter",), 7, None).audience == (FOR_CHILDREN,)
    assert search_entry("Sortie en famille", ("Pique-nique",), None, None).audience == (FOR_FAMILY,)
    assert search_entry("Concert", ("Jazz",), None, None).audience == ()


def test_a_window_of_three_months_and_a_day_word_within_a_window():
    today = date(2026, 11, 23)
    assert date_window_bounds(DateWindow.THREE_MONTHS, today) == (today, date(2027, 2, 22))
    weekend = plan("ce week-end", window=DateWindow.MONTH)
    assert (weekend.first_day, weekend.last_day) == (date(2026, 11, 28), date(2026, 11, 29))


def test_an_offer_of_another_cmcas_is_elsewhere():
    site = Site("SLVie Lyon Part-Dieu", "CMCAS Lyon")
    assert nearness(Level.CMCAS, "CMCAS Marseille", site) == Nearness.ELSEWHERE
    assert nearness(Level.SLVIE, "CMCAS Lyon", site) == Nearness.ELSEWHERE
