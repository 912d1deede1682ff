"""A JSON object read one member at a time, and the arrays among its members one item at a time.

`json.loads` holds the GIL for the whole document: reading a pulled page of 1,000 changes (megabytes,
tens of milliseconds on a kiosk, hundreds under load) stalls every other thread of the process for as
long, such as the screen's thread committing a booking. Read in pieces, Python may switch threads
between two pieces. The result is `json.loads`' for any document, and what it refuses raises
json.JSONDecodeError (a ValueError; or RecursionError, nested too deep) here too.
"""

from __future__ import annotations

import json
import re

_DECODER = json.JSONDecoder()
_BLANK = re.compile(r"[ \t\n\r]*")


def loads_in_pieces(body: bytes) -> object:
    """`json.loads(body)`, its top-level object read member by member and its arrays item by item."""
    text = body.decode(json.detect_encoding(body), "surrogatepass")
    index = _skip(text, 0)
    if not text.startswith("{", index):
        return json.loads(text)  # not an object: no pieces to read apart
    document: dict[str, object] = {}
    index = _skip(text, index + 1)
    if text.startswith("}", index):
        return _whole(text, index + 1, document)
    while True:
        name, index = _DECODER.raw_decode(text, index)
        if not isinstance(name, str):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
        index = _expect(text, index, ":")
        if text.startswith("[", index):
            document[name], index = _items(text, index)
        else:
            document[name], index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text.startswith("}", index):
            return _whole(text, index + 1, document)
        index = _expect(text, index, ",")


def _items(text: str, index: int) -> tuple[list[object], int]:
    """The array opening at `index`, one item at a time, and where it ends."""
    items: list[object] = []
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        return items, index + 1
    while True:
        item, index = _DECODER.raw_decode(text, index)
        items.append(item)
        index = _skip(text, index)
        if text.startswith("]", index):
            return items, index + 1
        index = _expect(text, index, ",")


def _skip(text: str, index: int) -> int:
    """Past the blanks JSON allows between tokens."""
    blanks = _BLANK.match(text, index)
    assert blanks is not None  # the pattern matches the empty string
    return blanks.end()


def _expect(text: str, index: int, mark: str) -> int:
    """Past `mark` (and the blanks around it), which must come next."""
    index = _skip(text, index)
    if not text.startswith(mark, index):
        raise json.JSONDecodeError(f"Expecting {mark!r} delimiter", text, index)
    return _skip(text, index + 1)


def _whole(text: str, end: int, document: dict[str, object]) -> dict[str, object]:
    """The document, when nothing but blanks follows it."""
    if _skip(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return document
