"""What a person leaves with: a headline, the code to give, what comes next, and the paper printed at once.

A booking's voucher and a concierge request's ticket are shown and printed the same
way; each screen only says what it shows (`describe`) and how its paper is printed
(`send_to_printer`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.services.context import KioskServices
from kiosk.ui.widgets import ScrollingPage, button, label


class ReceiptScreen(QWidget):
    again_key = "print.again"  # the button's words
    running_key = "print.running"  # said while the printer works

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.subject: object | None = None  # the booking or request shown
        self.headline = label(object_name="greeting")
        self.code = label(object_name="code")
        self.next_step = label(object_name="lead")
        self.code_hint = label()
        self.status = label(object_name="lead")
        self.print_button = button(object_name="primary", big=True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(120, 40, 120, 40)
        layout.setSpacing(24)
        for widget in (self.headline, self.code, self.next_step, self.code_hint, self.status, self.print_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.print_button.clicked.connect(self.print_now)

    def show_subject(self, subject: object) -> None:
        self.subject = subject
        self.retranslate(self.texts)
        self.print_now()

    def print_now(self) -> None:
        if self.subject is None:
            return
        self.print_button.setEnabled(False)
        self.status.setText(self.texts(self.running_key))
        self.send_to_printer(self.subject, self._printed)

    def _printed(self, reference: str, message: str) -> None:
        if self.subject is None or reference != self.reference(self.subject):
            return  # the person has gone: nothing of theirs is shown again
        self.status.setText(message)
        self.print_button.setEnabled(True)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.print_button.setText(texts(self.again_key))
        for widget in (self.headline, self.code, self.next_step, self.code_hint):
            widget.clear()
        if self.subject is None:
            self.status.clear()
        else:
            self.describe(self.subject, texts)
        self.next_step.setVisible(bool(self.next_step.text()))

    def reset(self) -> None:
        self.subject = None
        self.retranslate(self.texts)

    # -- what each screen says and prints ----------------------------------------------------

    def reference(self, subject: object) -> str:
        raise NotImplementedError

    def describe(self, subject: object, texts: Texts) -> None:
        raise NotImplementedError

    def send_to_printer(self, subject: object, done: Callable[[str, str], None]) -> None:
        raise NotImplementedError
