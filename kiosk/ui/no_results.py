"""What the offer list shows when nothing matches: never a dead end.

It says so plainly, offers the nearest words the offer uses ("Vouliez-vous dire … ?"), the
categories to browse, the filters to remove when some are chosen, and the way to a correspondent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.domain.catalog import Category
from kiosk.i18n import Texts
from kiosk.ui.widgets import FlowLayout, button, empty_layout, label, plain_button_text


class NoResults(QFrame):
    suggestion_chosen = Signal(str)  # a query to search instead
    category_chosen = Signal(str)
    filters_cleared = Signal()
    help_requested = Signal()

    def __init__(self, categories: list[Category], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.categories = categories
        self.message = label(object_name="heading")
        self.suggest_title = label()
        self.suggestions = QWidget()
        self.suggestion_buttons = FlowLayout(self.suggestions)
        self.filters_hint = label()
        self.clear_filters = button()
        self.categories_title = label()
        self.category_buttons = QWidget()
        flow = FlowLayout(self.category_buttons)
        self.category_choices = []
        for category in categories:
            choice = button()
            choice.clicked.connect(lambda _checked=False, c=category.id: self.category_chosen.emit(c))
            flow.addWidget(choice)
            self.category_choices.append(choice)
        self.help_hint = label()
        self.help = button(object_name="primary")
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(12)
        for part in (
            self.message,
            self.suggest_title,
            self.suggestions,
            self.filters_hint,
            self.clear_filters,
            self.categories_title,
            self.category_buttons,
            self.help_hint,
            self.help,
        ):
            column.addWidget(part)
        for lone_button in (self.clear_filters, self.help):  # as wide as its words, like the panel's other choices
            column.setAlignment(lone_button, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.clear_filters.clicked.connect(self.filters_cleared)
        self.help.clicked.connect(self.help_requested)

    def show_for(self, texts: Texts, typed: str, suggestions: tuple[str, ...], filtered: bool) -> None:
        """Fill the panel for what was typed, the queries that would find something, and whether filters are on."""
        typed = typed.strip()
        self.message.setText(texts("list.empty.title", text=typed) if typed else texts("list.empty.title.filters"))
        empty_layout(self.suggestion_buttons)
        for suggestion in suggestions:
            choice = button(plain_button_text(suggestion), accessible_name=suggestion)
            choice.clicked.connect(lambda _checked=False, s=suggestion: self.suggestion_chosen.emit(s))
            self.suggestion_buttons.addWidget(choice)
        self.suggest_title.setText(texts("list.empty.suggest"))
        for part in (self.suggest_title, self.suggestions):
            part.setVisible(bool(suggestions))
        self.filters_hint.setText(texts("list.empty.filters"))
        self.clear_filters.setText(texts("list.empty.filters.clear"))
        for part in (self.filters_hint, self.clear_filters):
            part.setVisible(filtered)
        self.categories_title.setText(texts("list.empty.categories"))
        for choice, category in zip(self.category_choices, self.categories):
            choice.setText(plain_button_text(category.name(texts.language)))
            choice.setAccessibleName(category.name(texts.language))
        self.help_hint.setText(texts("list.empty.help"))
        self.help.setText(texts("help.button"))
        self.help.setAccessibleName(texts("help.button.name"))
