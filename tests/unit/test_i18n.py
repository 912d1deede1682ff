import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk import i18n, translations
from kiosk.domain.household import CardError
from kiosk.i18n import LANGUAGES, SOURCE_LANGUAGE, Euros, Said, Text, Texts, in_both_languages
from kiosk.translations import read_catalog


def _catalog(language: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in read_catalog(language) if m.id}


FRENCH = _catalog(SOURCE_LANGUAGE)


def test_the_catalogs_match_the_code():
    """Every text the code asks for is in every catalog, translated, with the same placeholders, and no
    catalog keeps a text no code uses (`slvie-kiosk texts check`, `texts update` to fix)."""
    assert translations.problems() == []


def test_the_check_finds_a_text_the_code_asks_for_but_no_catalog_has(tmp_path, monkeypatch):
    (tmp_path / "screen.py").write_text('def show(texts):\n    return texts("home.no_such_text")\n')
    monkeypatch.setattr(translations, "SOURCE_ROOTS", (*translations.SOURCE_ROOTS, tmp_path))
    assert "missing: home.no_such_text is used by the code but is in no catalog" in translations.problems()


def test_the_check_reads_the_keys_a_page_template_asks_for(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text('<h1>{{ fr("fleet.page.no_such_title") }}</h1>\n')
    monkeypatch.setattr(translations, "SOURCE_ROOTS", (*translations.SOURCE_ROOTS, tmp_path))
    assert "missing: fleet.page.no_such_title is used by the code but is in no catalog" in translations.problems()


def test_the_check_finds_a_call_that_leaves_a_placeholder_empty(tmp_path, monkeypatch):
    (tmp_path / "screen.py").write_text('from kiosk.i18n import Text\nREADY = Text("doctor.printer_ready")\n')
    monkeypatch.setattr(translations, "SOURCE_ROOTS", (*translations.SOURCE_ROOTS, tmp_path))
    assert "values: screen.py:2 gives doctor.printer_ready no queue" in translations.problems()


def test_the_check_finds_a_text_no_code_uses(tmp_path, monkeypatch):
    for language in LANGUAGES:
        po = tmp_path / language / "LC_MESSAGES" / "kiosk.po"
        po.parent.mkdir(parents=True)
        shutil.copy(i18n.catalog_path(language), po)
        with po.open("a", encoding="utf-8") as catalog:
            catalog.write('\nmsgid "home.forgotten"\nmsgstr "Oublié"\n')
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert "unused: home.forgotten is in the catalogs but no code uses it" in translations.problems()


def test_a_key_built_from_a_written_prefix_is_used_even_when_its_last_word_names_a_plural_form():
    keys = translations.CodeKeys(frozenset(), frozenset(), (), frozenset({"idea.themes."}), frozenset())
    assert keys.uses("idea.themes.other") and keys.uses("idea.themes.concierge")
    assert not keys.uses("idea.other")


def test_update_adds_the_new_keys_to_translate_and_import_pairs_fills_them(tmp_path, monkeypatch):
    for language in LANGUAGES:
        po = tmp_path / language / "LC_MESSAGES" / "kiosk.po"
        po.parent.mkdir(parents=True)
        shutil.copy(i18n.catalog_path(language), po)
    (tmp_path / "screen.py").write_text('def show(texts):\n    return texts("home.new_text")\n')
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(translations, "SOURCE_ROOTS", (*translations.SOURCE_ROOTS, tmp_path))
    assert translations.update() == (["home.new_text"], [])
    assert "fr: home.new_text is not translated" in translations.problems()
    (tmp_path / "old_i18n.py").write_text('TEXTS = {"home.new_text": ("Nouveau", "New")}\n')
    assert translations.import_pairs(tmp_path / "old_i18n.py") == []  # already there, left as it is
    assert _catalog_at(tmp_path, "fr")["home.new_text"] == ""


def _catalog_at(root: Path, language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (root / language / "LC_MESSAGES" / "kiosk.po").open("rb") as source:
        return {str(m.id): str(m.string) for m in read_po(source) if m.id}


def test_a_third_language_is_one_more_catalog_file(tmp_path, monkeypatch):
    for language in LANGUAGES:
        po = tmp_path / language / "LC_MESSAGES" / "kiosk.po"
        po.parent.mkdir(parents=True)
        shutil.copy(i18n.catalog_path(language), po)
    german = tmp_path / "de" / "LC_MESSAGES" / "kiosk.po"
    german.parent.mkdir(parents=True)
    german.write_text(
        'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "home.offer"\nmsgstr "Angebote"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "LANGUAGES", i18n.available_languages())
    i18n.translations.cache_clear()
    try:
        assert i18n.LANGUAGES == ("fr", "de", "en")
        texts = Texts("de")
        assert texts("home.offer") == "Angebote"
        assert texts("home.concierge") == "Concierge"  # not translated yet: the English
        assert texts.money(1250) == "12,50\xa0€"
        assert texts.day(datetime(2026, 12, 1)) == "Dienstag 1 Dezember 2026"  # the English pattern, German words
    finally:
        i18n.translations.cache_clear()


def test_a_missing_text_is_an_error_not_a_key_on_screen():
    with pytest.raises(KeyError):
        Texts("fr")("home.no_such_text")


def test_money_reads_naturally_in_each_language():
    assert Texts("fr").money(1250) == "12,50\xa0€"
    assert Texts("fr").money(150000) == "1\u202f500\xa0€"
    assert Texts("en").money(1250) == "€12.50"
    assert Texts("en").money(2000) == "€20"


def test_an_amount_to_type_in_a_field_reads_as_the_person_would_type_it():
    assert [Texts("fr").amount(c) for c in (1250, 1200, 123456, 5)] == ["12,50", "12", "1234,56", "0,05"]
    assert [Texts("en").amount(c) for c in (1250, 1200, 123456, 5)] == ["12.50", "12", "1234.56", "0.05"]


def test_an_amount_given_to_a_text_reads_as_that_text_s_language_writes_euros():
    refused = Text("reason.invalid_price", field="total_cents", tier=2, total=Euros(123456))
    assert "total 1\u202f234,56\xa0€," in refused.message("fr")
    assert "total €1,234.56," in refused.message("en")
    assert in_both_languages(Euros(4200)) == "42\xa0€ / €42"


def test_an_average_in_tenths_reads_with_the_language_s_decimal_sign():
    assert [Texts("fr").tenths(t) for t in (42, 50, 7)] == ["4,2", "5,0", "0,7"]
    assert [Texts("en").tenths(t) for t in (42, 50, 7)] == ["4.2", "5.0", "0.7"]


def test_dates_in_french_and_english():
    moment = datetime(2026, 12, 1, 14, 30)
    assert Texts("fr").moment(moment) == "mardi 1 décembre 2026 à 14 h 30"
    assert Texts("en").moment(moment) == "Tuesday 1 December 2026 at 14:30"
    assert Texts("fr").span(moment, datetime(2026, 12, 8, 10, 0)) == "Du mardi 1 décembre 2026 au mardi 8 décembre 2026"
    assert Texts("en").span(moment, datetime(2026, 12, 1, 16, 0)) == "Tuesday 1 December 2026, 14:30 – 16:00"


def test_freshness_says_the_day_when_it_is_not_today():
    texts = Texts("fr")
    now = datetime(2026, 11, 23, 16, 0)
    assert texts.freshness(datetime(2026, 11, 23, 10, 42), now) == "à 10 h 42"
    assert texts.freshness(datetime(2026, 11, 21, 10, 42), now) == "le 21 novembre 2026 à 10 h 42"


def test_a_count_picks_the_plural_form_of_each_language():
    texts = Texts("fr")
    assert texts("error.identity.wrong_code_tries_left", count=1) == "Code faux. Il vous reste 1 essai."
    assert texts("error.identity.wrong_code_tries_left", count=2) == "Code faux. Il vous reste 2 essais."
    assert Texts("en")("error.identity.wrong_code_tries_left", count=1) == "Wrong code. You have 1 try left."


def test_values_are_written_in_the_language_of_the_text_around_them():
    error = CardError("error.household.card_number_has_digits")
    assert (
        Texts("en")("sync.last_error", when="today", message=error)
        == "Last failure, today: A card number has digits only. Check it, or scan the card."
    )
    assert Texts("fr")(
        "sync.last_error", when=Said("hier", "yesterday"), message=Text("staff.password_rule")
    ).startswith("Dernier échec, hier : 12 caractères au moins")
    assert (
        Texts("en")("sync.last_error", when=date(2026, 12, 1), message="") == "Last failure, Tuesday 1 December 2026: "
    )


def test_an_error_reads_in_each_language_from_its_key():
    error = CardError("error.household.card_number_has_digits_2", card_digits=13, typed=12)
    assert error.message("fr") == "Le numéro de carte compte 13 chiffres ; vous en avez tapé 12."
    assert error.message("en") == str(error) == "A card number has 13 digits; you typed 12."
    assert error.bilingual() == f"{error.fr}\n{error.en}"


# Names people here know (the bodies of their own social activities); any other all-capitals
# word would be jargon a person may not know.
KNOWN_ACRONYMS = {"CCAS", "CMCAS", "SLVie", "A"}
# Parcel carriers' names, as printed on their parcels and vans (the concierge's parcel form).
CARRIER_NAMES = {"DPD", "GLS", "UPS"}
MAX_WORDS_PER_SENTENCE = 22
# The rules are the screens' own (they were checked on the screens' texts before the catalogs). Not checked
# here yet: errors and the centre's reasons, date patterns, what IT reads (the doctor, voucher verify, the fleet
# page, sync pages, seats, the API's errors, the audit log), the password rule, and the printed voucher (capitals).
TECHNICAL = (
    "error.",
    "format.",
    "doctor.",
    "claims.",
    "sync.page.",
    "staff.password_rule",
    "voucher.",
    "file.",
    "api.",
    "audit.",
    "reason.",
    "fleet.",
    "verify.",
    "seats.",
)


@pytest.mark.parametrize("key", sorted(k for k in FRENCH if not k.startswith(TECHNICAL)))
def test_french_texts_follow_easy_to_read_rules(key):
    french = FRENCH[key]
    for sentence in re.split(r"(?<=[.!?:])\s+", french):
        assert len(sentence.split()) <= MAX_WORDS_PER_SENTENCE, f"{key}: sentence too long: {sentence}"
    explained = set(re.findall(r"\(([A-Z]+)\)", french))  # "Allocations familiales (CAF)"
    for word in re.findall(r"\b[A-Z][A-Za-z]*[A-Z]+[A-Za-z]*\b", french):
        assert word in KNOWN_ACRONYMS | CARRIER_NAMES | explained, f"{key}: unexplained acronym {word}"
