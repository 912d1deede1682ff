from datetime import date

from kiosk.domain.search import MAX_TERMS, DateWindow, date_window_bounds, fold, search_terms


def test_fold_removes_accents_and_case():
    assert fold("Été à ÉVIAN, Théâtre, Noël") == "ete a evian, theatre, noel"


def test_terms_are_word_prefixes_without_punctuation_or_emoji():
    assert search_terms("  Théât  ") == ["theat"]
    assert search_terms("ski 🎿 -- Valloire!") == ["ski", "valloire"]
    assert search_terms("🎭🎭🎭") == []
    assert search_terms("'; DROP TABLE offers; --") == ["drop", "table", "offers"]
    assert search_terms('"quote" * OR NEAR(') == ["quote", "or", "near"]


def test_huge_query_is_cut_not_refused():
    terms = search_terms("théâtre " * 2000)
    assert terms == ["theatre"] * MAX_TERMS


def test_date_windows_start_today():
    today = date(2026, 11, 23)
    assert date_window_bounds(DateWindow.ANY, today) == (None, None)
    assert date_window_bounds(DateWindow.WEEK, today) == (today, date(2026, 11, 29))
    assert date_window_bounds(DateWindow.MONTH, today)[1] == date(2026, 12, 23)
