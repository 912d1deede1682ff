"""Typed, bounded reading of JSON documents that come from outside (files, the centre)."""

from __future__ import annotations

import re
from datetime import date, datetime

from kiosk.errors import KioskError
from kiosk.i18n import Text

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
_SLUG = re.compile(r"^[a-z_]{1,40}$")
# The canonical YYYY-MM-DDTHH:MM (ASCII digits): read with datetime.fromisoformat, many times faster than
# strptime. Anything else goes through strptime as before, so exactly the same texts are accepted.
_MOMENT_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


class DocumentReader:
    """Typed access to one JSON object, failing with the path of the offending field."""

    __slots__ = ("_path", "_place", "error", "refused", "value")

    def __init__(self, value: object, path: str, error: type[KioskError], refused: str):
        self.error = error
        self.refused = refused  # the key of the text saying what was refused: "Catalogue refusé"
        if not isinstance(value, dict):
            raise error(
                "error.document.field",
                refused=Text(refused),
                path=path,
                problem=Text("error.document.must_json_object"),
            )
        self.value = value
        self._path = path
        self._place: tuple[DocumentReader, str, int] | None = None

    @property
    def path(self) -> str:
        # An item of a list keeps where it stands and spells its path only when a message needs it:
        # a pulled page holds half a million items, and nearly all of them are valid.
        if self._place is None:
            return self._path
        parent, key, index = self._place
        return f"{parent.path}.{key}[{index}]"

    def fail(self, key: str, problem: str, **values: object) -> KioskError:
        """The error saying which field is wrong; `problem` is the key of what is wrong with it."""
        return self.error(
            "error.document.field",
            refused=Text(self.refused),
            path=f"{self.path}.{key}",
            problem=Text(problem, **values),
        )

    def _get(self, key: str) -> object:
        if key not in self.value:
            raise self.fail(key, "error.document.missing")
        return self.value[key]

    # text() and integer() run millions of times in a pull: the key is read inline, not through _get().
    def text(self, key: str, min_len: int = 0, max_len: int = 10_000) -> str:
        try:
            value = self.value[key]
        except KeyError:
            raise self.fail(key, "error.document.missing") from None
        if not isinstance(value, str):
            raise self.fail(key, "error.document.must_string")
        if not min_len <= len(value) <= max_len:
            raise self.fail(key, "error.document.must_characters_long", min_len=min_len, max_len=max_len)
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        if not _ID.match(value):
            raise self.fail(key, "error.document.valid_identifier")
        return value

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not _SLUG.match(value):
            raise self.fail(key, "error.document.valid_code")
        return value

    def choice(self, key: str, allowed: list[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.fail(key, "error.document.must_one", allowed=", ".join(allowed))
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        try:
            value = self.value[key]
        except KeyError:
            raise self.fail(key, "error.document.missing") from None
        if type(value) is not int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, "error.document.must_whole_number")
        if not low <= value <= high:
            raise self.fail(key, "error.document.must_between", low=low, high=high)
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        return None if self._get(key) is None else self.integer(key, low, high)

    def optional_object(self, key: str) -> DocumentReader | None:
        """A nested object that may be absent or null (a field added to a format after its first version)."""
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "error.document.must_json_object")
        return DocumentReader(value, f"{self.path}.{key}", self.error, self.refused)

    def optional_text(self, key: str, max_len: int) -> str:
        """A text that may be absent or null, read as empty (a field added to a format later)."""
        return "" if self.value.get(key) is None else self.text(key, 0, max_len)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "error.document.must_true_false")
        return value

    def day(self, key: str) -> date:
        try:
            return date.fromisoformat(self.text(key, 10, 10))
        except ValueError:
            raise self.fail(key, "error.document.must_yyyy_mm_dd") from None

    def moment(self, key: str) -> datetime:
        value = self.text(key, 16, 16)
        try:
            if _MOMENT_SHAPE.fullmatch(value):
                return datetime.fromisoformat(value)
            return datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            raise self.fail(key, "error.document.must_yyyy_mm_ddthh") from None

    def items(self, key: str, min_count: int, max_count: int) -> list[DocumentReader]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self.fail(key, "error.document.must_list")
        if not min_count <= len(value) <= max_count:
            raise self.fail(key, "error.document.must_hold_items", min_count=min_count, max_count=max_count)
        return [self._item(item, key, index) for index, item in enumerate(value)]

    def identifiers(self, key: str, min_count: int, max_count: int) -> tuple[str, ...]:
        """A list of identifiers (person ids, say), each checked as `identifier` checks one."""
        value = self._get(key)
        if not isinstance(value, list):
            raise self.fail(key, "error.document.must_list")
        if not min_count <= len(value) <= max_count:
            raise self.fail(key, "error.document.must_hold_items", min_count=min_count, max_count=max_count)
        if not all(isinstance(item, str) and _ID.match(item) for item in value):
            raise self.fail(key, "error.document.valid_identifier")
        return tuple(value)

    def _item(self, value: object, key: str, index: int) -> DocumentReader:
        if not isinstance(value, dict):
            raise self.fail(f"{key}[{index}]", "error.document.must_json_object")
        item = DocumentReader.__new__(DocumentReader)
        item.error, item.refused, item.value, item._place = self.error, self.refused, value, (self, key, index)
        return item
