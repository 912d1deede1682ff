import re
import string
from datetime import datetime

import pytest

from kiosk.i18n import TEXTS, Texts


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key):
    french, english = TEXTS[key]
    assert french.strip() and english.strip()
    assert _fields(french) == _fields(english)


def test_money_reads_naturally_in_each_language():
    assert Texts("fr").money(1250) == "12,50 €"
    assert Texts("fr").money(150000) == "1\u202f500 €"
    assert Texts("en").money(1250) == "€12.50"
    assert Texts("en").money(2000) == "€20"


def test_dates_in_french_and_english():
    moment = datetime(2026, 12, 1, 14, 30)
    assert Texts("fr").moment(moment) == "mardi 1er décembre 2026 à 14 h 30"
    assert Texts("en").moment(moment) == "Tuesday 1 December 2026 at 14:30"
    assert Texts("fr").span(moment, datetime(2026, 12, 8, 10, 0)) == "Du mardi 1er décembre 2026 au mardi 8 décembre 2026"


def test_freshness_says_the_day_when_it_is_not_today():
    texts = Texts("fr")
    now = datetime(2026, 11, 23, 16, 0)
    assert texts.freshness(datetime(2026, 11, 23, 10, 42), now) == "à 10 h 42"
    assert texts.freshness(datetime(2026, 11, 21, 10, 42), now) == "le 21 novembre 2026 à 10 h 42"


# Names people here know (the bodies of their own social activities); any other all-capitals
# word would be jargon a person may not know.
KNOWN_ACRONYMS = {"CCAS", "CMCAS", "SLVie", "A"}
MAX_WORDS_PER_SENTENCE = 22


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_french_texts_follow_easy_to_read_rules(key):
    french = TEXTS[key][0]
    for sentence in re.split(r"(?<=[.!?:])\s+", french):
        assert len(sentence.split()) <= MAX_WORDS_PER_SENTENCE, f"{key}: sentence too long: {sentence}"
    for word in re.findall(r"\b[A-Z][A-Za-z]*[A-Z]+[A-Za-z]*\b", french):
        assert word in KNOWN_ACRONYMS, f"{key}: unexplained acronym {word}"
