"""Giving one's appreciation of a past activity: the activities to appreciate, then a few questions answered
with big faces, and an optional comment chosen from ready-made phrases or typed.

Each face says its words under it (and as its accessible name, so "Lire à voix haute" reads
them). Nothing is required but the four answers; the comment is read by the centre before
it is published, with the author's first name and initial only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.domain.appreciation import COMMENT_MAX_CHARS, PHRASES, QUESTIONS, SCALE, phrase_words, scale_words
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.appreciation import ToAppreciate
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.concierge_request import OptionGrid
from kiosk.ui.participate import card
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import FlowLayout, Screen, ScrollingPage, button, empty_layout, label, pictogram_pixmap

FACE_SIZE = 64


class FaceScale(QWidget):
    """Five big faces from "pas du tout satisfait" to "très satisfait"; one is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._group = QButtonGroup(self)
        flow = FlowLayout(self)
        for value in SCALE:
            face = button()
            face.setCheckable(True)
            face.setIconSize(QSize(FACE_SIZE, FACE_SIZE))
            self._group.addButton(face, value)
            flow.addWidget(face)
        self._group.idClicked.connect(lambda _value: self.changed.emit())

    def value(self) -> int | None:
        chosen = self._group.checkedId()
        return chosen if chosen in SCALE else None

    def faces(self) -> list[QPushButton]:
        return [face for face in self._group.buttons() if isinstance(face, QPushButton)]

    def clear(self) -> None:
        """No face chosen (an exclusive group keeps one checked unless told otherwise for a moment)."""
        self._group.setExclusive(False)
        for face in self.faces():
            face.setChecked(False)
        self._group.setExclusive(True)

    def retranslate(self, texts: Texts, theme: Theme) -> None:
        for value in SCALE:
            face = self._group.button(value)
            words = scale_words(value).message(texts.language)
            face.setText(words)
            face.setAccessibleName(words)
            face.setIcon(pictogram_pixmap(f"face_{value}.svg", FACE_SIZE, theme.palette.text))


class AppreciateScreen(Screen):
    """The person's activities that have taken place, to appreciate."""

    chosen = Signal(str)  # booking id

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.who: Identified | None = None
        self.title = label(object_name="title")
        self.intro = label(object_name="lead")
        self.list = QVBoxLayout()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(self.list)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)

    def show_person(self, who: Identified | None) -> None:
        self.who = who
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("appreciate.title"))
        self.intro.setText(texts("appreciate.intro"))
        empty_layout(self.list)
        if self.who is None:
            return
        waiting = self.services.appreciations.to_appreciate(self.who)
        if not waiting:
            self.list.addWidget(label(texts("appreciate.none"), "lead"))
        for item in waiting:
            inner = card(self.list)
            inner.addWidget(label(item.title, "heading"))
            inner.addWidget(label(texts("appreciate.ended", when=texts.day(item.ended)), "muted"))
            giving = button(
                texts("appreciate.give"), "primary", accessible_name=texts("appreciate.give.name", title=item.title)
            )
            giving.clicked.connect(lambda _=False, b=item.booking.booking_id: self.chosen.emit(b))
            inner.addWidget(giving, 0, Qt.AlignmentFlag.AlignLeft)

    def reset(self) -> None:
        self.who = None
        self.retranslate(self.texts)


class AppreciationScreen(Screen):
    given = Signal()

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
        self.theme = Theme()
        self.actor = actor  # the person alone, or a correspondent guiding them
        self.who: Identified | None = None
        self.item: ToAppreciate | None = None
        self.title = label(object_name="title")
        self.intro = label(object_name="lead")
        self.question_labels = [label(object_name="heading") for _ in QUESTIONS]
        self.scales = [FaceScale() for _ in QUESTIONS]
        self.comment_heading = label(object_name="heading")
        self.phrases = OptionGrid([str(i) for i in range(len(PHRASES))], many=True)
        self.words = QLineEdit()
        self.words.setMaxLength(COMMENT_MAX_CHARS + 1)  # one more than allowed: too long is said, never cut
        self.moderation = label(object_name="muted")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        for heading, scale in zip(self.question_labels, self.scales):
            layout.addWidget(heading)
            layout.addWidget(scale)
        for widget in (self.comment_heading, self.phrases, self.words, self.moderation, self.error, self.send):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.send.clicked.connect(self.submit)

    def start(self, booking_id: str, who: Identified) -> None:
        self.reset()
        self.who = who
        self.item = next(
            (i for i in self.services.appreciations.to_appreciate(who) if i.booking.booking_id == booking_id), None
        )
        self.retranslate(self.texts)

    def submit(self) -> None:
        if self.item is None or self.who is None:
            return
        ratings = {q.code: s.value() for q, s in zip(QUESTIONS, self.scales) if s.value() is not None}
        chosen = self.phrases.value()
        phrases = [int(code) for code in chosen] if isinstance(chosen, list) else []
        try:
            self.services.appreciations.give(
                self.actor(),
                self.item.booking.booking_id,
                self.who,
                ratings,
                phrases,
                self.words.text(),
                self.texts.language,
            )
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        self.given.emit()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        language = texts.language
        self.title.setText(self.item.title if self.item else texts("appreciate.title"))
        self.intro.setText(texts("appreciation.intro"))
        for question, heading, scale in zip(QUESTIONS, self.question_labels, self.scales):
            heading.setText(question.label(language))
            scale.retranslate(texts, self.theme)
        self.comment_heading.setText(texts("appreciation.comment"))
        self.phrases.set_labels([phrase_words(index).message(language) for index in range(len(PHRASES))])
        self.words.setAccessibleName(texts("appreciation.words"))
        self.moderation.setText(texts("appreciation.moderation"))
        self.send.setText(texts("appreciation.send"))
        self.send.setEnabled(self.item is not None)

    def reset(self) -> None:
        """Nothing of the last person's answers stays on screen."""
        self.who = None
        self.item = None
        for scale in self.scales:
            scale.clear()
        for phrase in self.phrases.buttons():
            phrase.setChecked(False)
        self.words.clear()
        self.error.clear()
        self.retranslate(self.texts)
