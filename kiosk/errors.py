"""Errors meant for people: each names its message in the catalogs, with the values it needs."""

from __future__ import annotations

from pathlib import Path

from kiosk.i18n import Text, Texts


class KioskError(Exception):
    """A failure a person must read: what happened and what to do next, in plain words.

    `key` is the message's id in the catalogs (kiosk/locale); `values` fill its placeholders,
    and a value that is itself a message (another error, a centre's reason) is read in the
    same language as the text around it.
    """

    def __init__(self, key: str, /, **values: object):
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        return Texts(language)(self.key, **self.values)

    @property
    def fr(self) -> str:
        return self.message("fr")

    @property
    def en(self) -> str:
        return self.message("en")

    def bilingual(self) -> str:
        return f"{self.fr}\n{self.en}"


class ConfigError(KioskError):
    """The site configuration file cannot be used."""


class DataDirError(KioskError):
    """The data directory cannot be created, read or written."""


class CatalogError(KioskError):
    """A catalog document is malformed; nothing from it was written."""


class SchemaTooNewError(KioskError):
    """The database was written by a newer version of the kiosk; it was left untouched."""


class PrinterError(KioskError):
    """A voucher could not be printed (no printer, printer off or out of paper, job stuck); the PDF is kept.

    Its message names what was printed by its `paper` value ("Le document" from the printer, which does not
    know; "Le bon", "Le reçu"… once the screen that printed it says more with `naming`)."""

    def __init__(self, key: str, kept: Path | None = None, **values: object):
        super().__init__(key, **values)
        self.kept = kept  # where the PDF waits to be printed again, for logs and IT

    def naming(self, paper: Text) -> PrinterError:
        """The same failure, its message naming what was printed (`Text("print.paper.receipt")`)."""
        return PrinterError(self.key, self.kept, **{**self.values, "paper": paper})
