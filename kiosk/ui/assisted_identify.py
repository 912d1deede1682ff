"""A correspondent identifies the person beside them by card or number, without the person's PIN.

The correspondent must confirm two things first — the person is present, and agrees
that the correspondent acts for them — each with its own button, never ticked in
advance; the service refuses otherwise (ConfirmationMissing) and records both in the
audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.domain.household import MAX_SCAN_CHARS
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.identity import IdentityService
from kiosk.ui.widgets import ScrollingPage, button, label

UNTICKED, TICKED = "☐", "☑"


def confirmation_button() -> QPushButton:
    """A big tick box: a touch target as tall as a big button, its state in its text as well as its colour;
    its words in the body's size, so that a long one fits a portrait screen with larger text."""
    tick = button()
    tick.setProperty("tall", True)
    tick.setCheckable(True)
    return tick


class AssistedIdentifyScreen(QWidget):
    identified = Signal(object)  # Identified

    def __init__(
        self, identity: IdentityService, texts: Texts, actor: Callable[[], Actor], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.identity = identity
        self.texts = texts
        self.actor = actor  # the signed-in correspondent
        self.title = label(object_name="title")
        self.intro = label()
        self.card = QLineEdit()
        self.card.setMaxLength(MAX_SCAN_CHARS + 1)  # one more than a card: too long is reported, not cut
        self.card.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText)
        self.card_label = label(object_name="heading")
        self.present = confirmation_button()
        self.agrees = confirmation_button()
        self.recorded = label(object_name="muted")
        self.error = label(object_name="error")
        self.submit = button(object_name="primary")
        self.submit.setProperty("tall", True)  # as tall as a big button; words that fit a portrait screen
        form = QFormLayout()
        form.setHorizontalSpacing(24)
        form.addRow(self.card_label, self.card)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.setSpacing(20)
        for widget in (self.title, self.intro):
            layout.addWidget(widget)
        layout.addLayout(form)
        for widget in (self.present, self.agrees, self.recorded, self.error, self.submit):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.present.toggled.connect(lambda _on: self._show_ticks())
        self.agrees.toggled.connect(lambda _on: self._show_ticks())
        self.card.returnPressed.connect(self.try_identify)
        self.submit.clicked.connect(self.try_identify)

    def start(self) -> None:
        self.reset()
        self.card.setFocus()

    def try_identify(self) -> None:
        try:
            found = self.identity.identify(
                self.actor(),
                self.card.text(),
                person_present=self.present.isChecked(),
                person_agrees=self.agrees.isChecked(),
            )
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        self.reset()
        self.identified.emit(found)

    def _show_ticks(self) -> None:
        texts = self.texts
        for tick, key in ((self.present, "assisted.present"), (self.agrees, "assisted.agrees")):
            tick.setText(f"{TICKED if tick.isChecked() else UNTICKED}  {texts(key)}")
            tick.setAccessibleName(texts(key))

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("assisted.title"))
        self.intro.setText(texts("assisted.intro"))
        self.card_label.setText(texts("identify.card"))
        self.card.setAccessibleName(texts("identify.card"))
        self.recorded.setText(texts("assisted.recorded"))
        self.submit.setText(texts("assisted.submit"))
        self._show_ticks()
        self.error.clear()

    def reset(self) -> None:
        """Each person is confirmed afresh: the number, both confirmations and the message are wiped."""
        self.card.clear()
        self.present.setChecked(False)
        self.agrees.setChecked(False)
        self.error.clear()
