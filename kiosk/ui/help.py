""" "Besoin d'aide ?": the screen explained in plain words, read aloud on request, and two ways to a
person — call a correspondent to the kiosk, or print a code to finish later at the desk.

It is a layer over the screen, never a new screen: closing it leaves the person where they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.domain.help import HelpKind, HelpRequest, Place
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.help import HelpService
from kiosk.ui.widgets import (
    FlowLayout,
    ScrollButtons,
    button,
    enable_kinetic_scrolling,
    label,
    overlay_dialog,
    scroll_to_top,
)
from kiosk.ui.workers import run_in_worker

log = logging.getLogger(__name__)

MAX_WIDTH = 1000
SIDE_MARGIN = 48  # overlay_dialog's margin on each side of the dialog


class HelpPanel(QWidget):
    """Over the whole window: what this screen is for, then "call someone", "a code for later",
    "read aloud" and "close". After a call or a ticket it says what happens next, in the same place."""

    def __init__(self, parent: QWidget, help_service: HelpService, read_aloud: Callable[[str], None]):
        super().__init__(parent)
        self._window = parent
        self._help = help_service
        self._read_aloud = read_aloud
        self._texts = Texts("fr")
        self._place = Place("home")
        # What this person was given (a call, a ticket per choice), until they go: asked again, the same.
        self._given: dict[tuple[HelpKind, Place], HelpRequest] = {}
        self._printed_ok: set[str] = set()
        inner = overlay_dialog(self, MAX_WIDTH)
        dialog = inner.parentWidget()
        assert dialog is not None  # the layout overlay_dialog gives is its dialog's
        self.dialog: QWidget = dialog
        inner.setSpacing(22)
        self.title = label(object_name="title")
        self.message = label(object_name="lead")
        self.call = button(object_name="primary", big=True)
        self.ticket = button(big=True)
        self.read = button(big=True)
        self.close_button = button(big=True)
        # The explanation and the lesser choices scroll when the window is short or the text larger;
        # calling someone and closing stay in view.
        text = QWidget()
        text_layout = QVBoxLayout(text)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(18)
        text_layout.addWidget(self.message)
        choices = FlowLayout(spacing=18)
        choices.addWidget(self.ticket)
        choices.addWidget(self.read)
        text_layout.addLayout(choices)
        self.area = _FittingArea(text)
        self.scroll_buttons = ScrollButtons(self.area)
        page = QHBoxLayout()
        page.addWidget(self.area, 1)
        page.addWidget(self.scroll_buttons)
        bottom = QWidget()
        actions = FlowLayout(bottom, spacing=18)
        actions.addWidget(self.call)
        actions.addWidget(self.close_button)
        inner.addWidget(self.title)
        inner.addLayout(page, 1)
        inner.addWidget(bottom)
        self.call.clicked.connect(self._call)
        self.ticket.clicked.connect(self._print_ticket)
        self.read.clicked.connect(lambda: self._read_aloud(self.message.text()))
        self.close_button.clicked.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def open(self, texts: Texts, place: Place, explanation: str) -> None:
        """Help for the screen at `place`: its explanation, and the ways to a correspondent."""
        self._texts, self._place = texts, place
        self.title.setText(texts("help.title"))
        self.message.setText(f"{explanation}\n\n{texts('help.person')}")
        self.call.setText(texts("help.call"))
        self.call.setAccessibleName(texts("help.call.name"))
        self.ticket.setText(texts("help.ticket"))
        self.ticket.setAccessibleName(texts("help.ticket.name"))
        self.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        scroll_to_top(self)
        self.read.setText(texts("help.read"))
        self.close_button.setText(texts("help.close"))
        for control in (self.call, self.read):
            control.show()
        self.ticket.setVisible(place.resumable)
        self._fit()
        self.show()
        self.raise_()

    def _call(self) -> None:
        texts = self._texts
        request = self._given.get((HelpKind.CALL, self._place))
        if request is None:
            try:
                request = self._help.call(self._place)
            except KioskError as problem:
                self._answered(texts("help.title"), problem.message(texts.language))
                return
            self._given[(HelpKind.CALL, self._place)] = request
        self._answered(texts("help.called.title"), texts("help.called", code=request.code))

    def _print_ticket(self) -> None:
        """A ticket for this person's choice; asked again, the same code (and no second ticket)."""
        texts = self._texts
        request = self._given.get((HelpKind.TICKET, self._place))
        if request is not None:
            key = "help.ticket.printed" if request.help_id in self._printed_ok else "help.ticket.not_printed"
            self._answered(texts("help.ticket.title"), texts(key, code=request.code))
            return
        try:
            request = self._help.ticket(self._place)
        except KioskError as problem:
            self._answered(texts("help.title"), problem.message(texts.language))
            return
        self._given[(HelpKind.TICKET, self._place)] = request
        title = self._help.subject_title(request.place, texts.language)
        self._answered(texts("help.ticket.title"), texts("help.ticket.printing", code=request.code))
        run_in_worker(
            lambda: self._write_and_print(request, title, texts.language),
            lambda _job, error: self._printed(request, error),
        )

    def forget(self) -> None:
        """The person has gone: the next one's call or ticket is their own."""
        self._given.clear()
        self._printed_ok.clear()
        self.hide()

    def _write_and_print(self, request: HelpRequest, title: str | None, language: str) -> object:
        return self._help.print_ticket(self._help.write_ticket(request, title, language), request)

    def _printed(self, request: HelpRequest, error: BaseException | None) -> None:
        if error is None:
            self._printed_ok.add(request.help_id)
        else:
            log.warning("help ticket not printed (%s)", type(error).__name__)
        if not self.isVisible():
            return
        key = "help.ticket.printed" if error is None else "help.ticket.not_printed"
        self.message.setText(self._texts(key, code=request.code))

    def _answered(self, title: str, message: str) -> None:
        """What happens next, in place of the choices (only reading aloud and closing remain)."""
        self.title.setText(title)
        self.message.setText(message)
        self.call.hide()
        self.ticket.hide()

    def _fit(self) -> None:
        """As wide as the window allows (the text reads in long lines), as tall as the text needs."""
        window = self._window.rect()
        self.dialog.setMinimumWidth(min(MAX_WIDTH, window.width() - 2 * SIDE_MARGIN))
        self.setGeometry(window)
        self.area.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._fit()
        return False


class _FittingArea(QScrollArea):
    """A scroll area that asks for the whole height of its text: the dialog gives it that when the
    window has room, less (and it scrolls) when it has not."""

    def __init__(self, content: QWidget):
        super().__init__()
        self._content = content
        self.setWidgetResizable(True)
        self.setWidget(content)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_kinetic_scrolling(self)
        self.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        layout = self._content.layout()
        if layout is None:
            return hint
        return QSize(hint.width(), layout.totalHeightForWidth(self.viewport().width()) + 2 * self.frameWidth())
