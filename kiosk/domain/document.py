"""Typed, bounded reading of JSON documents that come from outside (files, the centre)."""

from __future__ import annotations

import re
from datetime import date, datetime

from kiosk.errors import KioskError

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
_SLUG = re.compile(r"^[a-z_]{1,40}$")
# The canonical YYYY-MM-DDTHH:MM (ASCII digits): read with datetime.fromisoformat, many times faster than
# strptime. Anything else goes through strptime as before, so exactly the same texts are accepted.
_MOMENT_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


class DocumentReader:
    """Typed access to one JSON object, failing with the path of the offending field."""

    __slots__ = ("value", "error", "refused", "_path", "_place")

    def __init__(self, value: object, path: str, error: type[KioskError], refused_fr: str, refused_en: str):
        self.error = error
        self.refused = (refused_fr, refused_en)
        if not isinstance(value, dict):
            raise error(f"{refused_fr} : {path} doit être un objet JSON.", f"{refused_en}: {path} must be a JSON object.")
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

    def fail(self, key: str, fr: str, en: str) -> KioskError:
        return self.error(f"{self.refused[0]} : {self.path}.{key} {fr}.", f"{self.refused[1]}: {self.path}.{key} {en}.")

    def _get(self, key: str) -> object:
        if key not in self.value:
            raise self.fail(key, "manque", "is missing")
        return self.value[key]

    # text() and integer() run millions of times in a pull: the key is read inline, not through _get().
    def text(self, key: str, min_len: int = 0, max_len: int = 10_000) -> str:
        try:
            value = self.value[key]
        except KeyError:
            raise self.fail(key, "manque", "is missing") from None
        if not isinstance(value, str):
            raise self.fail(key, "doit être un texte", "must be a string")
        if not min_len <= len(value) <= max_len:
            raise self.fail(key, f"doit faire de {min_len} à {max_len} caractères",
                            f"must be {min_len} to {max_len} characters long")
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        if not _ID.match(value):
            raise self.fail(key, "n'est pas un identifiant valable", "is not a valid identifier")
        return value

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not _SLUG.match(value):
            raise self.fail(key, "n'est pas un code valable", "is not a valid code")
        return value

    def choice(self, key: str, allowed: list[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.fail(key, f"doit être parmi {', '.join(allowed)}", f"must be one of {', '.join(allowed)}")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        try:
            value = self.value[key]
        except KeyError:
            raise self.fail(key, "manque", "is missing") from None
        if type(value) is not int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, "doit être un nombre entier", "must be a whole number")
        if not low <= value <= high:
            raise self.fail(key, f"doit être entre {low} et {high}", f"must be between {low} and {high}")
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        return None if self._get(key) is None else self.integer(key, low, high)

    def optional_object(self, key: str) -> DocumentReader | None:
        """A nested object that may be absent or null (a field added to a format after its first version)."""
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "doit être un objet JSON", "must be a JSON object")
        return DocumentReader(value, f"{self.path}.{key}", self.error, *self.refused)

    def optional_text(self, key: str, max_len: int) -> str:
        """A text that may be absent or null, read as empty (a field added to a format later)."""
        return "" if self.value.get(key) is None else self.text(key, 0, max_len)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "doit valoir true ou false", "must be true or false")
        return value

    def day(self, key: str) -> date:
        try:
            return date.fromisoformat(self.text(key, 10, 10))
        except ValueError:
            raise self.fail(key, "doit être une date AAAA-MM-JJ", "must be a YYYY-MM-DD date") from None

    def moment(self, key: str) -> datetime:
        value = self.text(key, 16, 16)
        try:
            if _MOMENT_SHAPE.fullmatch(value):
                return datetime.fromisoformat(value)
            return datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            raise self.fail(key, "doit être une date AAAA-MM-JJTHH:MM",
                            "must be a YYYY-MM-DDTHH:MM date and time") from None

    def items(self, key: str, min_count: int, max_count: int) -> list[DocumentReader]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self.fail(key, "doit être une liste", "must be a list")
        if not min_count <= len(value) <= max_count:
            raise self.fail(key, f"doit compter de {min_count} à {max_count} éléments",
                            f"must hold {min_count} to {max_count} items")
        return [self._item(item, key, index) for index, item in enumerate(value)]

    def _item(self, value: object, key: str, index: int) -> DocumentReader:
        if not isinstance(value, dict):
            raise self.fail(f"{key}[{index}]", "doit être un objet JSON", "must be a JSON object")
        item = DocumentReader.__new__(DocumentReader)
        item.error, item.refused, item.value, item._place = self.error, self.refused, value, (self, key, index)
        return item
