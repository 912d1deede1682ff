"""The « Boîte à idées »: leave an idea (a theme and a few words), get its code on a printed receipt, find its
answer with the code.

Nobody needs to identify. An identified person chooses to sign their idea (it carries their
name to the centre and its answer is told to them on their next identification) or to leave
it without a name, as anyone else does; either way the receipt's code finds the answer here.
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
from kiosk.ui.printing import print_page
from kiosk.ui.receipt import ReceiptScreen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import ChoiceRow, LongTextField, Screen, button, card, label, scrolling_column


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
        self.words = LongTextField(IDEA_MAX_CHARS)
        self.signing_heading = label(object_name="heading")
        self.signing = ChoiceRow([True, False])  # sign with my name (the default), or stay anonymous
        self.signature = label(object_name="muted")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        self.page = scrolling_column(
            self,
            self.title,
            self.intro,
            self.theme_heading,
            self.themes,
            self.text_heading,
            self.words,
            self.signing_heading,
            self.signing,
            self.signature,
            self.error,
            self.send,
        )
        self.send.clicked.connect(self.submit)
        self.page.keep_in_view(self.words.edit, self.words)
        self.signing.changed.connect(lambda _signed: self.retranslate(self.texts))

    def start(self, who: Identified | None) -> None:
        self.reset()
        self.who = who
        self.retranslate(self.texts)

    def signed_by(self) -> Identified | None:
        """Who the idea is signed by: the identified person, unless they chose to stay anonymous."""
        return self.who if self.signing.value() else None

    def submit(self) -> None:
        theme = self.themes.value()
        try:
            idea = self.services.ideas.leave(self.actor(), str(theme or ""), self.words.text(), self.signed_by())
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        self.left.emit(idea)

    def apply_theme(self, theme: Theme) -> None:
        self.words.apply_theme(theme)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("idea.title"))
        self.intro.setText(texts("idea.intro"))
        self.theme_heading.setText(texts("idea.theme"))
        self.themes.set_labels([theme_label(code, texts.language) for code in self.services.ideas.themes()])
        self.text_heading.setText(texts("idea.text"))
        self.words.retranslate(texts, texts("idea.text.name"))
        # Only someone identified has a name to sign with; the choice is theirs, said in plain words.
        self.signing_heading.setVisible(self.who is not None)
        self.signing.setVisible(self.who is not None)
        self.signing_heading.setText(texts("idea.signing"))
        name = self.who.person.display_name if self.who else ""
        self.signing.set_labels([texts("idea.signing.sign", name=name), texts("idea.signing.anonymous")])
        signed = self.signed_by()
        self.signature.setText(
            texts("idea.signed", name=signed.person.display_name) if signed else texts("idea.anonymous")
        )
        self.send.setText(texts("idea.send"))

    def reset(self) -> None:
        self.who = None
        self.words.clear()
        self.error.clear()
        self.signing.set_value(True)
        for choice in self.themes.buttons():
            choice.setChecked(False)
        self.retranslate(self.texts)


class IdeaDoneScreen(ReceiptScreen[Idea]):
    """The idea is kept: its code, and the receipt printed at once with what to do with the code."""

    again_key = "idea.receipt.again"
    running_key = "idea.receipt.running"

    def reference(self, idea: Idea) -> str:
        return idea.idea_id

    def describe(self, idea: Idea, texts: Texts) -> None:
        self.headline.setText(texts("idea.done"))
        self.code.setText(texts("idea.code", code=idea.code))
        self.next_step.setText(texts("idea.code.signed" if idea.person_id else "idea.code.hint"))
        self.code_hint.setText(texts("idea.code.paper"))
        self.add_recap(texts("idea.theme.name"), theme_label(idea.theme, texts.language))

    def send_to_printer(self, idea: Idea, done: Callable[[str, str, bool], None]) -> None:
        language = self.texts.language
        print_page(
            lambda: self.services.paper.print_idea_receipt(idea, language),
            self.texts,
            "idea.receipt.done",
            lambda message, printed: done(
                idea.idea_id, message if printed else f"{message}\n{self.texts('idea.receipt.kept')}", printed
            ),
            paper_key="print.paper.receipt",
        )


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
        self.idea_text = label(object_name="emphasis")
        self.idea_date = label(object_name="muted")
        self.answer = label(object_name="lead")
        card(QVBoxLayout(self.result), self.idea_text, self.idea_date, self.answer)
        self.page = scrolling_column(
            self, self.title, self.code_heading, self.code, self.search, self.error, self.result
        )
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
