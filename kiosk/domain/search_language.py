"""French as the search reads it: words folded and stemmed, everyday synonyms, words that name a filter,
and the words the offer uses (to forgive a typo, or to suggest one).

The same folding and stemming (Snowball's French) are applied to the offer when it is indexed
and to what a person types, so "randonnées", "randonnee" and "Randonnée" meet.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import Stemmer
from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

_WORD = re.compile(r"[^\W_]+")
# Ligatures NFKD leaves whole: "Restos du Cœur" is typed "coeur".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
# Words that carry no meaning of their own in a search ("chateaux de la loire" needs neither "de" nor "la").
STOPWORDS = frozenset(
    {
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
    }
)
# Typos are forgiven in words this long, up to this many wrong, missing, extra or swapped letters.
FUZZY_MIN_LETTERS = 5
FUZZY_MAX_EDITS = 2
FUZZY_WORDS = 4

# Bump when what the index holds changes (folding, stopwords, stemming): kiosks then index their offer anew.
SEARCH_RULES_VERSION = "1"

_stemmers = threading.local()  # a Snowball stemmer is not safe to share between threads


def fold(text: str) -> str:
    """Lower case without accents: "Été à Évian, Cœur" -> "ete a evian, coeur"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_LIGATURES)


def words(text: str) -> list[str]:
    """The folded words of a text; punctuation, emoji and apostrophes separate them."""
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=65536)
def _fold_word(token: str) -> str:
    return fold(token)


def word_pairs(text: str) -> list[tuple[str, str]]:
    """Each word of a text folded, beside how it is written (in lower case): ("theatre", "théâtre")."""
    return [(_fold_word(token), token.lower()) for token in _WORD.findall(text)]


def stems(folded_words: list[str]) -> list[str]:
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return [_plural(stem) for stem in stemmer.stemWords(folded_words)]


def _plural(stem: str) -> str:
    """Snowball's French keeps the plural of words ending in o or u: "colos", "vélos", "jeux", "ados"."""
    return stem[:-1] if len(stem) >= 4 and stem[-1] in "sx" and stem[-2] in "ou" else stem


def index_words(*texts: str) -> list[str]:
    """The folded words of texts that a search can ask for (no stopwords), in order."""
    return [w for text in texts for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class IndexedText:
    """What the search index holds of a text: its stems in order, and the words it uses."""

    stems: str  # separated by spaces
    stem_set: frozenset[str]
    words: tuple[tuple[str, str, str], ...]  # (folded word, its stem, how it is written)


@functools.lru_cache(maxsize=16384)
def index_text(text: str) -> IndexedText:
    """Remembered: an offer repeats its organiser, place and category, and many repeat titles."""
    pairs = [pair for pair in word_pairs(text) if pair[0] not in STOPWORDS]
    text_stems = stems([word for word, _shown in pairs])
    return IndexedText(
        " ".join(text_stems),
        frozenset(text_stems),
        tuple((word, stem, shown) for (word, shown), stem in zip(pairs, text_stems)),
    )


class FilterWord(StrEnum):
    """What a few everyday words ask for: a filter rather than a word in the offer's text."""

    FREE = "free"
    CHEAP = "cheap"
    BONS_PLANS = "bons_plans"
    THIS_WEEKEND = "this_weekend"
    TOMORROW = "tomorrow"
    CHILDREN = "children"
    FAMILY = "family"
    NEARBY = "nearby"


@dataclass(frozen=True)
class Synonyms:
    """Everyday vocabulary: each key (a phrase of stems) also finds its alternatives (phrases of stems)."""

    alternatives: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]
    filter_words: dict[tuple[str, ...], FilterWord]  # phrases of folded words, stopwords included

    def longest_key(self) -> int:
        return max((len(k) for k in self.alternatives), default=1)

    def longest_filter(self) -> int:
        return max((len(k) for k in self.filter_words), default=1)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stems(index_words(text)))


def parse_synonyms(synonyms_text: str, filter_words_text: str) -> Synonyms:
    """Read the reviewed lists (assets/search/): see the head of each file for its form.

    A line "a, b, c" makes a, b and c find each other; "a > b, c" makes a find b and c, not the reverse.
    A filter-word line is "phrase = filter".
    """
    alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for number, line in enumerate(_lines(synonyms_text), start=1):
        one_way = ">" in line
        left, _, right = line.partition(">") if one_way else (line, "", line)
        keys = [_phrase(part) for part in left.split(",") if _phrase(part)]
        found = [_phrase(part) for part in right.split(",") if _phrase(part)]
        if not keys or not found:
            raise ValueError(f"synonyms line {number}: {line!r} names no word")
        for key in keys:
            alternatives.setdefault(key, set()).update(f for f in found if f != key)
    filters: dict[tuple[str, ...], FilterWord] = {}
    for number, line in enumerate(_lines(filter_words_text), start=1):
        phrase, equals, kind = line.rpartition("=")
        if not equals or kind.strip() not in FilterWord.__members__.values() or not words(phrase):
            raise ValueError(f"filter words line {number}: {line!r} is not 'phrase = filter'")
        filters[tuple(words(phrase))] = FilterWord(kind.strip())
    return Synonyms({k: tuple(sorted(v)) for k, v in alternatives.items()}, filters)


def _lines(text: str) -> Iterable[str]:
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


class Vocabulary:
    """The words the offer uses (folded), with their stem and how they are written (for a suggestion)."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        self._entries = {word: (stem, shown) for word, stem, shown in entries}
        self._sorted = sorted(self._entries)

    def has_prefix(self, prefix: str) -> bool:
        at = bisect.bisect_left(self._sorted, prefix)
        return at < len(self._sorted) and self._sorted[at].startswith(prefix)

    def close_words(self, word: str, limit: int = FUZZY_WORDS, min_letters: int = FUZZY_MIN_LETTERS) -> list[str]:
        """The words closest to `word`, one or two letters away (wrong, missing, extra or swapped):
        "ballade" finds "balade" (one letter) and so not "malade" (two).

        Words shorter than FUZZY_MIN_LETTERS (when allowed) are given one letter only.
        """
        if len(word) < min_letters:
            return []
        edits = FUZZY_MAX_EDITS if len(word) >= FUZZY_MIN_LETTERS else 1
        found = extract(word, self._sorted, scorer=OSA.distance, score_cutoff=edits, limit=limit)
        closest = min((distance for _candidate, distance, _index in found), default=0)
        return [candidate for candidate, distance, _index in found if distance == closest]

    def stem(self, word: str) -> str:
        return self._entries[word][0]

    def shown(self, word: str) -> str:
        return self._entries[word][1]
