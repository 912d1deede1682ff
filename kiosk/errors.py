"""Errors meant for people: each carries the same message in French and English."""

from pathlib import Path


class KioskError(Exception):
    """A failure a person must read: what happened and what to do next, in plain words."""

    def __init__(self, fr: str, en: str):
        super().__init__(en)
        self.fr = fr
        self.en = en

    def message(self, language: str) -> str:
        return self.fr if language == "fr" else self.en

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
    """A voucher could not be printed (no printer, printer off or out of paper, job stuck); the PDF is kept."""

    def __init__(self, fr: str, en: str, kept: Path | None = None):
        super().__init__(fr, en)
        self.kept = kept  # where the PDF waits to be printed again, for logs and IT
