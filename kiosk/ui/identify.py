"""Identification: scan the card or type its number, then the PIN.

A card scanner types like a keyboard and presses Enter, so the card field has the
focus when the screen opens and Enter moves on to the PIN. A correspondent who scans
their badge here is sent to their own sign-in, the badge already read.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.household import MAX_SCAN_CHARS, looks_like_a_scan
from kiosk.domain.paper import scanned_offer
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import BENEFICIARY
from kiosk.services.identity import Identified, IdentityService
from kiosk.ui.widgets import ScrollingPage, button, label

SCAN_GAP_S = 0.3  # a scanner types each character within milliseconds of the last


class CardReader(QObject):
    """A card (or a badge) scanned on a screen with no text field: the scanner types its code
    and Enter, and the kiosk opens the identification with the card already read. The QR code of
    a printed offer sheet, scanned the same way, opens that offer."""

    scanned = Signal(str)
    offer_scanned = Signal(str)  # an offer id

    def __init__(self, monotonic: Callable[[], float], parent: QObject | None = None):
        super().__init__(parent)
        self.monotonic = monotonic
        self.typed = ""
        self.last_key = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        focused = QApplication.focusWidget()
        if (
            event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or (isinstance(focused, QLineEdit) and focused.isVisible())
        ):
            return False
        now = self.monotonic()
        if now - self.last_key > SCAN_GAP_S:
            self.typed = ""
        self.last_key = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            typed, self.typed = self.typed, ""
            if looks_like_a_scan(typed):
                self.scanned.emit(typed)
                return True
            offer_id = scanned_offer(typed)
            if offer_id is not None:
                self.offer_scanned.emit(offer_id)
                return True
            return False
        if len(self.typed) <= MAX_SCAN_CHARS:
            self.typed += event.text()
        return False


class IdentifyScreen(QWidget):
    identified = Signal(object)  # Identified
    badge_scanned = Signal(str)  # a correspondent's badge, as read

    def __init__(
        self, identity: IdentityService, texts: Texts, is_badge: Callable[[str], bool], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.is_badge = is_badge
        self.setObjectName("screen")
        self.identity = identity
        self.texts = texts
        self.title = label(object_name="title")
        self.intro = label()
        self.card = QLineEdit()
        self.card.setMaxLength(MAX_SCAN_CHARS + 1)  # one more than a card: too long is reported, not cut
        self.card.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.card_label = label(object_name="heading")
        self.pin_label = label(object_name="heading")
        self.error = label(object_name="full")
        self.submit = button(object_name="primary", big=True)
        form = QFormLayout()
        form.setVerticalSpacing(18)
        form.setHorizontalSpacing(24)
        form.addRow(self.card_label, self.card)
        form.addRow(self.pin_label, self.pin)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(120, 24, 120, 24)
        layout.setSpacing(20)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.submit)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.card.returnPressed.connect(self._card_read)
        self.pin.textEdited.connect(self._pin_edited)
        self.pin.returnPressed.connect(self.try_identify)
        self.submit.clicked.connect(self.try_identify)

    def start(self, scanned: str = "") -> None:
        """Open on the card field, or with a card scanned elsewhere already read."""
        self.reset()
        self.card.setFocus()
        if scanned:
            self.card.setText(scanned)
            self._card_read()

    def _card_read(self) -> None:
        scanned = self.card.text()
        if self.is_badge(scanned):
            self.reset()
            self.badge_scanned.emit(scanned)
            return
        self.pin.setFocus()

    def _pin_edited(self, text: str) -> None:
        """A PIN is digits: a letter arriving here is a card scanned again (after a wrong
        number, say), which starts over in the card field."""
        if text.isdigit() or not text:
            return
        start = next(i for i, c in enumerate(text) if not c.isdigit())
        self.pin.clear()
        self.error.clear()
        self.card.setText(text[start:])
        self.card.setFocus()

    def try_identify(self) -> None:
        try:
            found: Identified = self.identity.identify(BENEFICIARY, self.card.text(), self.pin.text())
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            self.pin.clear()
            return
        self.reset()
        self.identified.emit(found)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("identify.title"))
        self.intro.setText(texts("identify.intro"))
        self.card_label.setText(texts("identify.card"))
        self.pin_label.setText(texts("identify.pin"))
        self.card.setAccessibleName(texts("identify.card"))
        self.pin.setAccessibleName(texts("identify.pin"))
        self.submit.setText(texts("identify.submit"))
        self.error.clear()

    def reset(self) -> None:
        """Nothing of the last person stays: card number, PIN and message are wiped."""
        self.card.clear()
        self.pin.clear()
        self.error.clear()
