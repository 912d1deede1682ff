"""The concierge services of this site: what, how much, when, and a button to ask for each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.catalog import ConciergeService
from kiosk.i18n import Texts
from kiosk.services.catalog import CatalogService
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Screen, ScrollingPage, button, empty_layout, label, pictogram_pixmap


class ConciergeScreen(Screen):
    requested = Signal(str)  # service id

    def __init__(self, catalog: CatalogService, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = catalog.concierge_services()
        self.texts = texts
        self.theme = Theme()
        self.title = label(object_name="title")
        self.intro = label()
        self.content = QWidget()
        self.body = QVBoxLayout(self.content)
        self.body.setSpacing(12)
        self.page = ScrollingPage(self.content)
        self.scroll_buttons = self.page.scroll_buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.page, 1)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.title.setText(texts("concierge.title"))
        self.intro.setText(texts("concierge.intro"))
        self.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        empty_layout(self.body)
        for service in self.services:
            self.body.addWidget(self._card(service))
        self.body.addStretch(1)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.retranslate(self.texts)

    def reset(self) -> None:
        """The list is the same for everyone."""

    def _card(self, service: ConciergeService) -> QFrame:
        texts = self.texts
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 12, 20, 12)
        row.setSpacing(20)
        picture = QLabel()
        picture.setPixmap(pictogram_pixmap(service.pictogram, 72, self.theme.palette.text))
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        name = label(service.name(texts.language), "heading")
        words.addWidget(name)
        words.addWidget(label(service.description(texts.language)))
        words.addWidget(label(service.hours(texts.language), "muted"))
        row.addLayout(words, 1)
        if service.price_cents is None:
            price = texts("concierge.quote")
        elif service.price_cents == 0:
            price = texts("concierge.free")
        else:
            price = texts(
                "concierge.price",
                price=texts.money(service.price_cents),
                unit=service.price_unit(texts.language),
            ).strip()
        price_label = label(price, "emphasis")
        price_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        asking = button(
            texts("concierge.ask"), "primary", accessible_name=texts("concierge.ask.name", name=name.text())
        )
        asking.clicked.connect(lambda: self.requested.emit(service.id))
        side = QVBoxLayout()
        side.addWidget(price_label)
        side.addWidget(asking)
        side.addStretch(1)
        row.addLayout(side)
        return card
