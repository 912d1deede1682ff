"""Giving one's appreciation of a past activity: the activities to appreciate, then a few questions answered
with big faces, and an optional comment chosen from ready-made phrases or typed.

Each face says its words under it (and as its accessible name, so "Lire à voix haute" reads
them). Nothing is required but the four answers; the comment is read by the centre before
it is published, with the author's first name and initial only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain.appreciation import COMMENT_MAX_CHARS, PHRASES, QUESTIONS, SCALE, phrase_words, scale_words
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.appreciation import ToAppreciate
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.concierge_request import OptionGrid
from kiosk.ui.theme import MIN_TOUCH, Theme
from kiosk.ui.widgets import (
    LongTextField,
    Screen,
    button,
    card,
    empty_layout,
    label,
    pictogram_pixmap,
    scrolling_column,
)

FACE_SIZE = 56


class Face(QPushButton):
    """One step of the scale: the face above, its words under it (wrapped, never cut), as one button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(MIN_TOUCH, MIN_TOUCH)
        # As wide as its share of the row, taller when its words need two lines.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words = label()
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(6, 8, 6, 8)
        self.column.setSpacing(4)
        self.column.addWidget(self.picture)
        self.column.addWidget(self.words)
        self.column.addStretch(1)  # the faces in line at the top, whatever lines their words take
        for child in (self.picture, self.words):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.picture_name = ""
        self.theme = Theme()
        self.toggled.connect(lambda _chosen: self._paint())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), self.column.totalHeightForWidth(width))

    def set_face(self, words: str, picture: str, theme: Theme) -> None:
        self.words.setText(words)
        self.setAccessibleName(words)
        self.picture_name, self.theme = picture, theme
        self._paint()

    def _paint(self) -> None:
        """The face and its words in the button's text colour: light on the chosen one's dark background (a
        style sheet cannot reach a label through its parent's checked state)."""
        chosen = self.isChecked()
        palette = self.theme.palette
        self.picture.setPixmap(
            pictogram_pixmap(self.picture_name, FACE_SIZE, palette.on_primary if chosen else palette.text)
        )
        if self.words.property("onPrimary") != chosen:
            self.words.setProperty("onPrimary", chosen)
            self.words.style().polish(self.words)


class FaceScale(QWidget):
    """Five big faces from "pas du tout satisfait" to "très satisfait", side by side on one line at every
    screen size (each face's words wrap under it rather than push a face onto a second line); one is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        for value in SCALE:
            face = Face()
            self._group.addButton(face, value)
            row.addWidget(face, 1)
        self._group.idClicked.connect(lambda _value: self.changed.emit())

    def value(self) -> int | None:
        chosen = self._group.checkedId()
        return chosen if chosen in SCALE else None

    def faces(self) -> list[Face]:
        return [face for face in self._group.buttons() if isinstance(face, Face)]

    def clear(self) -> None:
        """No face chosen (an exclusive group keeps one checked unless told otherwise for a moment)."""
        self._group.setExclusive(False)
        for face in self.faces():
            face.setChecked(False)
        self._group.setExclusive(True)

    def retranslate(self, texts: Texts, theme: Theme) -> None:
        for value, face in zip(SCALE, self.faces()):
            face.set_face(scale_words(value).message(texts.language), f"face_{value}.svg", theme)


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
        self.page = scrolling_column(self, self.title, self.intro, self.list)

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
            inner = card(
                self.list,
                label(item.title, "heading"),
                label(texts("appreciate.ended", when=texts.day(item.ended)), "muted"),
            )
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
        self.words = LongTextField(COMMENT_MAX_CHARS, lines=3)
        self.moderation = label(object_name="muted")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        questions = [part for pair in zip(self.question_labels, self.scales) for part in pair]
        self.page = scrolling_column(
            self,
            self.title,
            self.intro,
            *questions,
            self.comment_heading,
            self.phrases,
            self.words,
            self.moderation,
            self.error,
            self.send,
            spacing=14,
        )
        self.page.keep_in_view(self.words.edit, self.words)
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
        self.words.apply_theme(theme)
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
        self.words.retranslate(texts, texts("appreciation.words"))
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
