"""Read aloud (EN 301 549 5.1.3): the screen's content, then what the person presses.

Uses Qt's text-to-speech with a real engine (speech-dispatcher) where one answers; the
kiosk works the same when none is there, and says so if read-aloud is asked for.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QLocale, QObject
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QWidget

from kiosk.ui.widgets import ScrollButtons, running_app

log = logging.getLogger(__name__)

LOCALES = {
    "fr": QLocale(QLocale.Language.French, QLocale.Country.France),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}
MAX_SPOKEN_ITEMS = 40


def open_speech(engine: str) -> QTextToSpeech | None:
    """The speech engine asked for ("auto" takes speech-dispatcher if it answers), or None."""
    if engine == "none":
        return None
    available = QTextToSpeech.availableEngines()
    wanted = ["speechd"] if engine == "auto" else [engine]
    for name in wanted:
        if name in available:
            speech = QTextToSpeech(name)
            if speech.state() != QTextToSpeech.State.Error:
                return speech
            log.warning("speech engine %s is not working: %s", name, speech.errorString())
    return None


def screen_reading(screen: QWidget) -> list[str]:
    """What a screen says, in reading order: its visible texts top to bottom, left to right."""
    pieces: list[tuple[int, int, str]] = []
    for widget in screen.findChildren(QWidget):
        # The ▲ ▼ buttons move the page; they are not part of what it says.
        if not widget.isVisibleTo(screen) or isinstance(widget.parentWidget(), ScrollButtons):
            continue
        position = widget.mapTo(screen, widget.rect().topLeft())
        if isinstance(widget, QLabel) and widget.text().strip():
            pieces.append((position.y(), position.x(), widget.text()))
        elif isinstance(widget, QAbstractButton) and (widget.accessibleName() or widget.text()).strip():
            pieces.append((position.y(), position.x(), widget.accessibleName() or widget.text()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            rows = min(widget.model().rowCount(), 5)
            for row in range(rows):
                text = widget.model().index(row, 0).data()
                if text:
                    pieces.append((position.y() + row, position.x(), str(text)))
    pieces.sort()
    return [text for _, _, text in pieces[:MAX_SPOKEN_ITEMS]]


class Narrator(QObject):
    """Reads a screen when asked, then follows each button the person presses."""

    def __init__(self, engine: str, parent: QObject | None = None):
        super().__init__(parent)
        self._engine = engine
        self._speech: QTextToSpeech | None = None
        self._opened = False
        self.active = False
        self.language = "fr"

    @property
    def speech(self) -> QTextToSpeech | None:
        """The engine, opened on first use: connecting to speech-dispatcher takes seconds, which
        the first painted screen must not wait for (the window calls `prepare` just after)."""
        if not self._opened:
            self._opened = True
            self._speech = open_speech(self._engine)
        return self._speech

    def prepare(self) -> None:
        self.speech  # noqa: B018 - opened now, while nobody is waiting for it

    @property
    def available(self) -> bool:
        return self.speech is not None

    def set_active(self, active: bool) -> None:
        app = running_app()
        if active and not self.active:
            app.installEventFilter(self)
        elif not active and self.active:
            app.removeEventFilter(self)
            if self.speech:
                self.speech.stop()
        self.active = active and self.available

    def say(self, text: str) -> None:
        if not self.speech or not text.strip():
            return
        self.speech.stop()
        self.speech.setLocale(LOCALES.get(self.language, LOCALES["fr"]))
        self.speech.say(text)

    def read_screen(self, screen: QWidget) -> None:
        if self.active:
            self.say(". ".join(screen_reading(screen)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(watched, QAbstractButton):
            self.say(watched.accessibleName() or watched.text())
        return False
