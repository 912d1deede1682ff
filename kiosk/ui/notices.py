"""E-mail notices: the person (or a correspondent beside them) gives an address with their consent, or stops.

At the top, what this kiosk knows of the person's consent and the button to stop; then the address field,
with "@" and the common domains one tap away (the on-screen keyboard opens on the field, in its e-mail
layout), and the button that says yes; then, in plain words, what the person will get and what is kept.
Every change goes through NoticeService, which audits it when a correspondent makes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.notices import COMMON_DOMAINS, MAX_ADDRESS_CHARS, with_domain
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.widgets import FlowLayout, Screen, ScrollingPage, button, label, plain_button_text


class NoticesScreen(Screen):
    def __init__(
        self,
        services: KioskServices,
        texts: Texts,
        actor: Callable[[], Actor],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the person alone, or a correspondent acting for them
        self.identified: Identified | None = None
        self.title = label(object_name="title")
        self.state = label(object_name="heading")
        self.stop = button()
        self.address_label = label(object_name="heading")
        self.address = QLineEdit()
        self.address.setMaxLength(MAX_ADDRESS_CHARS + 1)  # one more: too long is said, not cut
        self.address.setInputMethodHints(
            Qt.InputMethodHint.ImhEmailCharactersOnly
            | Qt.InputMethodHint.ImhNoAutoUppercase
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.at = button("@")
        self.domains = [button(plain_button_text(f"@{domain}")) for domain in COMMON_DOMAINS]
        self.consent = button(object_name="primary", big=True)
        self.error = label(object_name="error")
        self.message = label(object_name="lead")
        self.what_title = label(object_name="heading")
        self.what = label()
        self.kept_title = label(object_name="heading")
        self.kept = label()
        stopping = QHBoxLayout()  # the button at its own width, under what it stops
        stopping.addWidget(self.stop)
        stopping.addStretch(1)
        shortcuts = FlowLayout(spacing=12)  # "@" and the domains: as many lines as the width needs
        shortcuts.addWidget(self.at)
        for domain in self.domains:
            shortcuts.addWidget(domain)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        # The field comes first, high on the screen: the on-screen keyboard takes the bottom.
        for widget in (self.title, self.message, self.error):
            layout.addWidget(widget)
        layout.addWidget(self.state)
        layout.addLayout(stopping)
        layout.addWidget(self.address_label)
        layout.addWidget(self.address)
        layout.addLayout(shortcuts)
        layout.addWidget(self.consent)
        for widget in (self.what_title, self.what, self.kept_title, self.kept):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.at.clicked.connect(self._add_at)
        for name, control in zip(COMMON_DOMAINS, self.domains):
            control.clicked.connect(lambda _=False, d=name: self._use_domain(d))
        self.consent.clicked.connect(self.give_consent)
        self.address.returnPressed.connect(self.give_consent)
        self.stop.clicked.connect(self.take_back)

    def start(self, identified: Identified) -> None:
        self.identified = identified
        self.address.clear()
        self._say()
        self.refresh()

    def _say(self, message: str = "", error: str = "") -> None:
        """What happened (or what is wrong) at the top; an empty line takes no room."""
        for widget, text in ((self.message, message), (self.error, error)):
            widget.setText(text)
            widget.setVisible(bool(text))

    def _add_at(self) -> None:
        if "@" not in self.address.text():
            self.address.insert("@")
        self.address.setFocus()

    def _use_domain(self, domain: str) -> None:
        self.address.setText(with_domain(self.address.text(), domain))
        self.address.setFocus()

    def give_consent(self) -> None:
        if self.identified is None:
            return
        texts = self.texts
        try:
            address = self.services.notices.consent(self.actor(), self.identified, self.address.text(), texts.language)
        except KioskError as problem:
            self._say(error=problem.message(texts.language))
            return
        self.address.clear()
        self._say(texts("notices.given", address=address))
        self.refresh()

    def take_back(self) -> None:
        if self.identified is None:
            return
        try:
            self.services.notices.withdraw(self.actor(), self.identified)
        except KioskError as problem:
            self._say(error=problem.message(self.texts.language))
            return
        self.address.clear()
        self._say(self.texts("notices.stopped"))
        self.refresh()

    def refresh(self) -> None:
        texts = self.texts
        consent = self.services.notices.consent_of(self.identified) if self.identified else None
        if consent is None:
            self.state.setText(texts("notices.state.none"))
            self.address_label.setText(texts("notices.address"))
        else:
            language = texts(f"notices.language.{consent.language}")
            self.state.setText(texts("notices.state.given", address=consent.masked_address, language=language))
            self.address_label.setText(texts("notices.address.other"))

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("notices.title"))
        self.stop.setText(texts("notices.stop"))
        self.address.setAccessibleName(texts("notices.address"))
        self.address.setPlaceholderText(texts("notices.address.example"))
        self.at.setAccessibleName(texts("notices.at.name"))
        for name, control in zip(COMMON_DOMAINS, self.domains):
            control.setAccessibleName(texts("notices.domain.name", domain=name))
        self.consent.setText(texts("notices.consent"))
        self.what_title.setText(texts("notices.what.title"))
        self.what.setText(texts("notices.what"))
        self.kept_title.setText(texts("notices.kept.title"))
        self.kept.setText(texts("notices.kept"))
        self._say()
        self.refresh()

    def reset(self) -> None:
        """Nothing of the person stays: the address typed, the state and the messages are wiped."""
        self.identified = None
        self.address.clear()
        self._say()
        self.state.clear()
