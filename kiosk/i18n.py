"""Every word the kiosk shows comes from a gettext catalog; Babel writes its dates, times and prices.

A screen, an error or a printed page asks `texts("key")`: the key is the message id of the
catalogs `kiosk/locale/<language>/LC_MESSAGES/kiosk.po` (French first, English; a third
language is one more `.po` file, see docs/translations.md). Each catalog's `Language` header
names the locale Babel formats with (fr_FR, en_GB), and its `format.*` entries hold the date
and time patterns, so a translator decides how a day reads without touching code.

Catalogs are compiled to `.mo` when the package is built (setup.py); in a source tree they are
compiled here at first use and kept beside the `.po` for the next start.
"""

from __future__ import annotations

import gettext
import io
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_currency, format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "kiosk"
# Every text is written in French first, then English: an entry a third language has not translated
# yet reads in English, and one English lacks reads in French.
SOURCE_LANGUAGE = "fr"
FALLBACK_LANGUAGE = "en"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> tuple[str, ...]:
    """French first, then every other language that has a catalog, in alphabetical order."""
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda language: language != SOURCE_LANGUAGE))


LANGUAGES = available_languages()


def compile_catalog(po: Path) -> bytes:
    """The `.mo` bytes of one `.po` catalog (Babel's compiler, the one pybabel uses)."""
    # Imported here: an installed kiosk reads compiled catalogs and never needs the compiler.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write every catalog's `.mo` beside its `.po`; used by the package build and `slvie-kiosk texts compile`."""
    written = []
    for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_catalog(po))
        written.append(mo)
    return written


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """One language's compiled catalog, with its fallbacks."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    po = catalog_path(language)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        compiled = mo.read_bytes()
    else:
        compiled = compile_catalog(po)
        _keep(mo, compiled)
    catalog = gettext.GNUTranslations(io.BytesIO(compiled))
    if language != SOURCE_LANGUAGE:
        catalog.add_fallback(translations(SOURCE_LANGUAGE if language == FALLBACK_LANGUAGE else FALLBACK_LANGUAGE))
    return catalog


def _keep(mo: Path, compiled: bytes) -> None:
    """Keep a compiled catalog for the next start when the folder is writable (a source tree)."""
    temporary = mo.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_bytes(compiled)
        temporary.replace(mo)
    except OSError:
        temporary.unlink(missing_ok=True)


@runtime_checkable
class Message(Protocol):
    """A text that reads in the language asked: an error, a reason the centre gave. Given as a value
    to another text, it is read in that text's language."""

    def message(self, language: str) -> str: ...


@dataclass(frozen=True)
class Said:
    """A text that arrived already written in French and English (a centre's reason, a service's
    form label from the catalog document); any other language reads the English."""

    fr: str
    en: str

    def message(self, language: str) -> str:
        return self.fr if language == SOURCE_LANGUAGE else self.en


@dataclass(frozen=True)
class Euros:
    """An amount given as a value to a text (or printed by itself), written as that text's language writes
    euros (`Texts.money`): 12,50 € in French, €12.50 in English."""

    cents: int

    def message(self, language: str) -> str:
        return Texts(language).money(self.cents)


def in_both_languages(message: Message) -> str:
    """French, then English when it reads otherwise, on one line: what a command prints for IT, who may read
    either ("Sauvegarde : … / Backup: …")."""
    french, english = message.message(SOURCE_LANGUAGE), message.message(FALLBACK_LANGUAGE)
    return french if french == english else f"{french} / {english}"


class Text:
    """A catalog text with its values, read later in the language of whoever shows it."""

    def __init__(self, key: str, /, **values: object):
        self.key = key
        self.values = values

    def message(self, language: str) -> str:
        return Texts(language)(self.key, **self.values)

    def __eq__(self, other: object) -> bool:
        """The same key with the same values reads the same: two forms built alike are equal."""
        return isinstance(other, Text) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, **{self.values!r})"


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


class Texts:
    """The interface's words in one language, and its way of writing numbers, prices and dates."""

    def __init__(self, language: str):
        self._catalog = translations(language)
        self.language = language
        self.locale = _locale(self._catalog.info()["language"])

    def __call__(self, key: str, /, **values: object) -> str:
        """The text `key` with its values; a `count` value picks its plural form (`key.one`, `key.other`…)."""
        count = values.get("count")
        if isinstance(count, int) and not self._has(key):
            key = f"{key}.{self.locale.plural_form(count)}"
        text = self._catalog.gettext(key)
        if text == key:
            raise KeyError(f"no text {key!r} in the {self.language} catalog")
        if not values:
            return text
        return text.format(**{name: self._value(value) for name, value in values.items()})

    def _has(self, key: str) -> bool:
        return self._catalog.gettext(key) != key

    def _value(self, value: object) -> object:
        """A value as this language writes it: a nested message in the same language, a day, a moment."""
        if isinstance(value, Message):
            return value.message(self.language)
        if isinstance(value, datetime):
            return self.moment(value)
        if isinstance(value, date):
            return self.day(value)
        return value

    def number(self, value: int) -> str:
        """Thousands grouped the way each language writes them: 1 000 / 1,000."""
        return format_decimal(value, locale=self.locale)

    def tenths(self, tenths: int) -> str:
        """A figure kept in tenths, with its one decimal as the language writes it: 4,2 / 4.2."""
        return format_decimal(Decimal(tenths) / 10, format="#,##0.0", locale=self.locale)

    def money(self, cents: int) -> str:
        """Euros as the language writes them; whole euros without ",00" (12 €, 12,50 €)."""
        euros = cents / 100
        if cents % 100:
            return format_currency(euros, "EUR", locale=self.locale)
        pattern = self.locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(euros, "EUR", format=pattern, locale=self.locale, currency_digits=False)

    def amount(self, cents: int) -> str:
        """Euros as a person types them in a field: no sign, no grouping, cents only when there are (12, 12,50)."""
        return format_decimal(Decimal(cents) / 100, format="0" if cents % 100 == 0 else "0.00", locale=self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(moment, self("format.time"), locale=self.locale)

    def day(self, moment: date, weekday: bool = True, year: bool = True) -> str:
        pattern = "format.date." + ("full" if weekday else "long") + ("" if year else ".no_year")
        return format_date(moment, self(pattern), locale=self.locale)

    def weekday(self, index: int) -> str:
        """The name of a day of the week, Monday being 0."""
        return str(get_day_names("wide", locale=self.locale)[index])

    def moment(self, moment: datetime) -> str:
        return self("format.moment", day=self.day(moment), time=self.time(moment))

    def span(self, start: datetime, end: datetime) -> str:
        """A session's dates: one day with its hours, or a first and last day."""
        if start.date() == end.date():
            return self("format.span.hours", day=self.day(start), start=self.time(start), end=self.time(end))
        return self("format.span.days", first=self.day(start), last=self.day(end))

    def freshness(self, moment: datetime, now: datetime) -> str:
        """ "à 10 h 42" today, with the day otherwise, so a person knows how old a figure is."""
        if moment.date() == now.date():
            return self("format.freshness.today", time=self.time(moment))
        return self("format.freshness.day", day=self.day(moment, weekday=False), time=self.time(moment))
