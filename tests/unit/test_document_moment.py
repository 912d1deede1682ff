"""DocumentReader.moment: a fast path for the canonical YYYY-MM-DDTHH:MM, the same answers as strptime for any text."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain.document import DocumentReader
from kiosk.errors import KioskError
from kiosk.store.catalog import _moment


class Refused(KioskError):
    pass


def read(text: object) -> datetime:
    return DocumentReader({"start": text}, "offer", Refused, "error.document.refused.catalog").moment("start")


def by_strptime(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M") if len(text) == 16 else None
    except ValueError:
        return None


moments = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31, 23, 59))
near_misses = st.text(alphabet="0123456789-T:t ٢", min_size=14, max_size=18)


@given(moments)
def test_a_canonical_moment_is_read_exactly(value):
    value = value.replace(second=0, microsecond=0)
    assert read(value.strftime("%Y-%m-%dT%H:%M")) == value


@given(near_misses)
@example("2026-02-30T10:00")
@example("2026-13-01T10:00")
@example("2026-01-05T24:00")
@example("2026-01-05T10:60")
@example("2026-01-05t10:00")  # strptime ignores the case of the T
@example("2026-01- 5T10:00")  # and takes a space-padded day
@example("0000-01-05T10:00")
def test_any_text_is_accepted_exactly_when_strptime_accepts_it(text):
    expected = by_strptime(text)
    if expected is None:
        with pytest.raises(Refused):
            read(text)
    else:
        assert read(text) == expected


def test_what_is_not_a_text_is_refused():
    for value in (None, 202601051000, ["2026-01-05T10:00"]):
        with pytest.raises(Refused):
            read(value)


@given(moments)
def test_the_store_writes_moments_as_strftime_did(value):
    assert _moment(value) == value.strftime("%Y-%m-%dT%H:%M")
