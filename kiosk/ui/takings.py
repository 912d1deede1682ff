"""Assisted mode: the day's takings by means of payment, checked against the audit log, to print."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.domain.payment import Takings
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.ui.payment import payment_line
from kiosk.ui.printing import print_page
from kiosk.ui.widgets import Screen, button, empty_layout, label, scrolling_column


def takings_lines(takings: Takings, texts: Texts) -> list[tuple[str, str]]:
    """(text, style) lines: by means, the total, and what the audit log says."""
    lines = [
        (
            texts(
                "takings.line",
                means=texts(f"pay.means.{line.means.value}"),
                count=line.count,
                amount=texts.money(line.cents),
            ),
            "lead",
        )
        for line in takings.by_means
    ]
    if not takings.payments:
        lines.append((texts("takings.none"), "lead"))
    lines.append((texts("takings.total", amount=texts.money(takings.total_cents)), "heading"))
    audit = takings.audit
    if audit.holds:
        lines.append(
            (
                texts("takings.audit.ok", matched=audit.matched, centre=audit.with_centre, elsewhere=audit.elsewhere),
                "places",
            )
        )
    else:
        lines.append((texts("takings.audit.problem", count=len(audit.problems)), "error"))
    return lines


class TakingsScreen(Screen):
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
        self.actor = actor  # the signed-in correspondent
        self.takings: Takings | None = None
        self.title = label(object_name="title")
        self.day = label(object_name="heading")
        self.lines = QVBoxLayout()
        self.detail_title = label(object_name="heading")
        self.detail = QVBoxLayout()
        self.status = label(object_name="lead")
        self.print_button = button(object_name="primary", big=True)
        self.page = scrolling_column(
            self,
            self.title,
            self.day,
            self.lines,
            self.print_button,
            self.status,
            self.detail_title,
            self.detail,
            spacing=14,
        )
        self.print_button.clicked.connect(self.print_takings)

    def start(self) -> None:
        self.status.clear()
        try:
            self.takings = self.services.payments.takings(self.actor())
        except KioskError as problem:
            self.takings = None
            self.status.setText(problem.message(self.texts.language))
        self._show()

    def _show(self) -> None:
        texts = self.texts
        empty_layout(self.lines)
        empty_layout(self.detail)
        takings = self.takings
        self.print_button.setEnabled(takings is not None)
        if takings is None:
            self.day.clear()
            return
        self.day.setText(texts("takings.day", day=texts.day(_midnight(takings))))
        for text, style in takings_lines(takings, texts):
            self.lines.addWidget(label(text, style))
        self.detail_title.setVisible(bool(takings.payments))
        for payment in takings.payments:
            self.detail.addWidget(label(payment_line(payment, texts)))

    def print_takings(self) -> None:
        takings, texts = self.takings, self.texts
        if takings is None:
            return
        language = texts.language
        self.status.setText(texts("takings.running"))
        print_page(
            lambda: self.services.paper.print_takings(takings, language),
            texts,
            "takings.done",
            lambda message, _printed: self.status.setText(message),
        )

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("takings.title"))
        self.detail_title.setText(texts("takings.payments"))
        self.print_button.setText(texts("takings.print"))
        self._show()

    def reset(self) -> None:
        """The takings are the correspondent's: they stay until the correspondent leaves."""


def _midnight(takings: Takings) -> datetime:
    return datetime.combine(takings.day, datetime.min.time())
