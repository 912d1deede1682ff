"""The « Boîte à idées »: leave an idea (a theme and a few words), get its code, find its answer with the code.

Nobody needs to identify: an identified person's idea carries their name to the
centre and its answer is told to them on their next identification; anyone else
keeps the code and types it here later.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.ideas import IDEA_MAX_CHARS, Idea, theme_label
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.concierge_request import OptionGrid
from kiosk.ui.participate import card
from kiosk.ui.widgets import Screen, ScrollingPage, button, label


def _page(screen: QWidget, *widgets: QWidget) -> ScrollingPage:
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(60, 16, 60, 24)
    layout.setSpacing(16)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    page = ScrollingPage(body)
    QVBoxLayout(screen).addWidget(page)
    return page


class IdeaScreen(Screen):
    left = Signal(object)  # Idea

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
        self.actor = actor  # the person alone, or a correspondent typing it for them
        self.who: Identified | None = None
        self.title = label(object_name="title")
        self.intro = label(object_name="lead")
        self.theme_heading = label(object_name="heading")
        self.themes = OptionGrid(list(services.ideas.themes()), many=False)
        self.text_heading = label(object_name="heading")
        self.words = QLineEdit()
        self.words.setMaxLength(IDEA_MAX_CHARS + 1)  # one more than allowed: too long is said, never cut
        self.signature = label(object_name="muted")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        self.page = _page(
            self,
            self.title,
            self.intro,
            self.theme_heading,
            self.themes,
            self.text_heading,
            self.words,
            self.signature,
            self.error,
            self.send,
        )
        self.send.clicked.connect(self.submit)

    def start(self, who: Identified | None) -> None:
        self.reset()
        self.who = who
        self.retranslate(self.texts)

    def submit(self) -> None:
        theme = self.themes.value()
        try:
            idea = self.services.ideas.leave(self.actor(), str(theme or ""), self.words.text(), self.who)
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        self.left.emit(idea)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("idea.title"))
        self.intro.setText(texts("idea.intro"))
        self.theme_heading.setText(texts("idea.theme"))
        self.themes.set_labels([theme_label(code, texts.language) for code in self.services.ideas.themes()])
        self.text_heading.setText(texts("idea.text", count=IDEA_MAX_CHARS))
        self.words.setAccessibleName(texts("idea.text.name"))
        self.signature.setText(
            texts("idea.signed", name=self.who.person.display_name) if self.who else texts("idea.anonymous")
        )
        self.send.setText(texts("idea.send"))

    def reset(self) -> None:
        self.who = None
        self.words.clear()
        self.error.clear()
        for choice in self.themes.buttons():
            choice.setChecked(False)
        self.retranslate(self.texts)


class IdeaDoneScreen(Screen):
    """The idea is kept: its code, to find the answer later."""

    def __init__(self, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.texts = texts
        self.idea: Idea | None = None
        self.headline = label(object_name="greeting")
        self.code = label(object_name="code")
        self.hint = label(object_name="lead")
        self.recap = label()
        self.page = _page(self, self.headline, self.code, self.hint, self.recap)

    def show_subject(self, idea: Idea) -> None:
        self.idea = idea
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        idea = self.idea
        self.headline.setText(texts("idea.done") if idea else "")
        self.code.setText(texts("idea.code", code=idea.code) if idea else "")
        self.hint.setText(texts("idea.code.signed" if idea and idea.person_id else "idea.code.hint") if idea else "")
        self.recap.setText(f"{theme_label(idea.theme, texts.language)} — {idea.text}" if idea else "")

    def reset(self) -> None:
        self.idea = None
        self.retranslate(self.texts)


class IdeaLookupScreen(Screen):
    """The answer to an idea, found with the code of its receipt."""

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.found: Idea | None = None
        self.title = label(object_name="title")
        self.code_heading = label(object_name="heading")
        self.code = QLineEdit()
        self.code.setMaxLength(20)
        self.search = button(object_name="primary", big=True)
        self.error = label(object_name="error")
        self.result = QWidget()
        inner = card(QVBoxLayout(self.result))
        self.idea_text = label(object_name="emphasis")
        self.idea_date = label(object_name="muted")
        self.answer = label(object_name="lead")
        for widget in (self.idea_text, self.idea_date, self.answer):
            inner.addWidget(widget)
        self.page = _page(self, self.title, self.code_heading, self.code, self.search, self.error, self.result)
        self.search.clicked.connect(self.look_up)
        self.code.returnPressed.connect(self.look_up)

    def look_up(self) -> None:
        self.error.clear()
        try:
            self.found = self.services.ideas.find(self.code.text())
        except KioskError as problem:
            self.found = None
            self.error.setText(problem.message(self.texts.language))
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("lookup.title"))
        self.code_heading.setText(texts("lookup.code"))
        self.code.setAccessibleName(texts("lookup.code"))
        self.search.setText(texts("lookup.search"))
        idea = self.found
        self.result.setVisible(idea is not None)
        if idea is None:
            return
        self.idea_text.setText(f"{theme_label(idea.theme, texts.language)} — {idea.text}")
        self.idea_date.setText(texts("lookup.left", when=texts.day(idea.created_at)))
        self.answer.setText(
            texts("lookup.answer", who=idea.answered_by, answer=idea.answer)
            if idea.answered
            else texts("lookup.waiting")
        )

    def reset(self) -> None:
        self.found = None
        self.code.clear()
        self.error.clear()
        self.retranslate(self.texts)
