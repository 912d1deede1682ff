"""What a person leaves with: a headline, the code to give, what comes next, and the paper printed at once.

A booking's voucher and a concierge request's ticket are shown and printed the same
way; each screen only says what it shows (`describe`) and how its paper is printed
(`send_to_printer`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QFormLayout, QFrame, QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.services.context import KioskServices
from kiosk.ui.widgets import Screen, ScrollingPage, button, empty_layout, label

Subject = TypeVar("Subject")  # what a receipt is for: a booking, a concierge request


class ReceiptScreen(Screen, Generic[Subject]):
    again_key = "print.again"  # the button's words, before the paper came out
    reprint_key = "print.reprint"  # and once it has: a second copy is not the next step
    running_key = "print.running"  # said while the printer works

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.subject: Subject | None = None  # the booking or request shown
        self.headline = label(object_name="greeting")
        self.code = label(object_name="code")
        self.next_step = label(object_name="lead")
        self.code_hint = label()
        self.recap = QFormLayout()  # what, when, where, who, and what it costs
        self.recap.setHorizontalSpacing(24)
        self.recap.setVerticalSpacing(8)
        self.recap_card = recap_card = QFrame()
        recap_card.setObjectName("card")
        QVBoxLayout(recap_card).addLayout(self.recap)
        self.status = label(object_name="lead")
        self.printed = False
        self.print_button = button(object_name="primary", big=True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(120, 32, 120, 32)
        layout.setSpacing(20)
        for widget in (
            self.headline,
            self.code,
            self.next_step,
            self.code_hint,
            recap_card,
            self.status,
            self.print_button,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.print_button.clicked.connect(self.print_now)

    def show_subject(self, subject: Subject) -> None:
        self.subject = subject
        self.printed = False
        self.retranslate(self.texts)
        self.print_now()

    def print_now(self) -> None:
        if self.subject is None:
            return
        self.print_button.setEnabled(False)
        self.status.setText(self.texts(self.running_key))
        self.send_to_printer(self.subject, self._printed)

    def _printed(self, reference: str, message: str, printed: bool) -> None:
        if self.subject is None or reference != self.reference(self.subject):
            return  # the person has gone: nothing of theirs is shown again
        self.status.setText(message)
        self.printed = self.printed or printed
        self._style_print_button()
        self.print_button.setEnabled(True)

    def _style_print_button(self) -> None:
        self.print_button.setText(self.texts(self.reprint_key if self.printed else self.again_key))
        self.print_button.setObjectName("" if self.printed else "primary")
        self.print_button.setProperty("big", not self.printed)
        self.print_button.style().polish(self.print_button)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self._style_print_button()
        for widget in (self.headline, self.code, self.next_step, self.code_hint):
            widget.clear()
        empty_layout(self.recap)
        if self.subject is None:
            self.status.clear()
        else:
            self.describe(self.subject, texts)
        self.next_step.setVisible(bool(self.next_step.text()))
        self.recap_card.setVisible(self.recap.rowCount() > 0)

    def reset(self) -> None:
        self.subject = None
        self.printed = False
        self.retranslate(self.texts)

    def add_recap(self, name: str, value: str) -> None:
        self.recap.addRow(label(name, "muted"), label(value, "emphasis"))

    # -- what each screen says and prints ----------------------------------------------------

    def reference(self, subject: Subject) -> str:
        raise NotImplementedError

    def describe(self, subject: Subject, texts: Texts) -> None:
        raise NotImplementedError

    def send_to_printer(self, subject: Subject, done: Callable[[str, str, bool], None]) -> None:
        raise NotImplementedError
