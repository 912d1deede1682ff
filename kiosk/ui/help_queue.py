"""For a correspondent: the people who asked for help — a call (they wait at the kiosk) or a ticket
with a code (they come back to the desk) — with the screen they were on, and taking one over.

Taking one over is recorded by HelpService.take; the window then identifies the person beside
the correspondent by card and reopens what they had chosen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.help import HelpKind, HelpRequest
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.help import HelpService
from kiosk.ui.widgets import ScrollingPage, button, empty_layout, label

MAX_CODE_INPUT = 20


class HelpQueueScreen(QWidget):
    taken = Signal(object)  # the HelpRequest taken over

    def __init__(
        self, help_service: HelpService, texts: Texts, actor: Callable[[], Actor], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.help = help_service
        self.texts = texts
        self.actor = actor  # the signed-in correspondent
        self.title = label(object_name="title")
        self.code_label = label(object_name="heading")
        self.code = QLineEdit()
        self.code.setMaxLength(MAX_CODE_INPUT)
        self.take_code = button(object_name="primary")
        self.error = label(object_name="error")
        self.count = label(object_name="emphasis")
        self.cards = QVBoxLayout()
        self.cards.setSpacing(16)
        code_row = QHBoxLayout()
        code_row.setSpacing(16)
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.take_code)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.code_label)
        layout.addLayout(code_row)
        layout.addWidget(self.error)
        layout.addWidget(self.count)
        layout.addLayout(self.cards)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.code.returnPressed.connect(lambda: self.take(self.code.text()))
        self.take_code.clicked.connect(lambda: self.take(self.code.text()))

    def start(self) -> None:
        self.reset()
        self.refresh()

    def refresh(self) -> None:
        texts = self.texts
        empty_layout(self.cards)
        try:
            requests = self.help.open_requests(self.actor())
        except KioskError as problem:
            self.error.setText(problem.message(texts.language))
            self.count.clear()
            return
        self.count.setText(texts("help.queue.none") if not requests else texts("help.queue.count", count=len(requests)))
        for request in requests:
            self.cards.addWidget(self._card(request))

    def _card(self, request: HelpRequest) -> QFrame:
        texts = self.texts
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 16, 24, 16)
        inner.setSpacing(8)
        if request.kind == HelpKind.CALL:
            heading = texts("help.queue.call", time=texts.time(request.made_at))
        else:
            heading = texts("help.queue.ticket", code=request.code, day=texts.moment(request.made_at))
        inner.addWidget(label(heading, "heading"))
        where = texts("help.queue.where", screen=texts(f"help.screen.{request.place.screen}"))
        subject = self.help.subject_title(request.place, texts.language)
        inner.addWidget(label(f"{where}\n{subject}" if subject else where, "lead"))
        action = button(
            texts("help.queue.go") if request.kind == HelpKind.CALL else texts("help.queue.resume"),
            object_name="primary",
        )
        action.clicked.connect(lambda _=False, code=request.code: self.take(code))
        row = QHBoxLayout()
        row.addWidget(action)
        row.addStretch(1)
        inner.addLayout(row)
        return card

    def take(self, code: str) -> None:
        self.error.clear()
        try:
            request = self.help.take(self.actor(), code)
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        self.code.clear()
        self.taken.emit(request)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("help.queue.title"))
        self.code_label.setText(texts("help.queue.code"))
        self.code.setAccessibleName(texts("help.queue.code"))
        self.take_code.setText(texts("help.queue.take_code"))
        if self.isVisible():
            self.refresh()

    def reset(self) -> None:
        self.code.clear()
        self.error.clear()
        empty_layout(self.cards)
        self.count.clear()
