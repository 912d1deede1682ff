"""A pulled page read in pieces (sync/json_pieces.py) is read exactly as json.loads reads it, and refused as it is."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.json_pieces import loads_in_pieces

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
layouts = st.sampled_from(
    [{}, {"indent": 2}, {"separators": (",", ":")}, {"indent": "\t", "separators": (" , ", " : ")}]
)


@given(st.dictionaries(st.text(), values | st.lists(values, max_size=6), max_size=6), layouts, st.booleans())
def test_any_object_reads_as_json_loads_reads_it(document, layout, ascii_only):
    body = (" \n" + json.dumps(document, ensure_ascii=ascii_only, **layout) + "\r\n").encode()
    assert loads_in_pieces(body) == json.loads(body)


@given(values)
def test_what_is_not_an_object_reads_as_json_loads_reads_it(value):
    body = json.dumps(value).encode()
    assert loads_in_pieces(body) == json.loads(body)


def test_a_name_given_twice_keeps_its_last_value_and_utf16_is_read():
    assert loads_in_pieces(b'{"a": [1], "a": [2, 3]}') == {"a": [2, 3]}
    assert loads_in_pieces('{"é": ["ü"]}'.encode("utf-16")) == {"é": ["ü"]}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"changes": [1, 2',
        b'{"changes": [1,]}',
        b'{"changes": [1 2]}',
        b'{"a": 1,}',
        b'{"a" 1}',
        b"{1: 2}",
        b'{"a": 1} {"b": 2}',
        b'{"a": 1} x',
        b'{"a": \xff}',
    ],
)
def test_what_json_loads_refuses_is_refused(body):
    with pytest.raises(ValueError):
        json.loads(body)
    with pytest.raises(ValueError):
        loads_in_pieces(body)
