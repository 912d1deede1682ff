"""Home: four large tiles, the first thing a person sees."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import ScrollingPage, label, pictogram_pixmap

TILES = (
    # (destination, text key, pictogram, accent)
    ("offers", "home.offer", "sejours.svg", False),
    ("bons_plans", "home.bons_plans", "bons_plans.svg", True),
    ("concierge", "home.concierge", "pressing.svg", False),
    ("bookings", "home.bookings", "culture.svg", False),
)


class Tile(QPushButton):
    """A large button with a pictogram, a title and a line of explanation."""

    def __init__(self, icon: str, accent: bool):
        super().__init__()
        self.icon, self.accent = icon, accent
        self.setObjectName("tileAccent" if accent else "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.picture = picture = QLabel()
        self.title = label(object_name="tileTitle")
        self.hint = label(object_name="tileHint")
        words = QVBoxLayout()
        words.addStretch(1)
        words.addWidget(self.title)
        words.addWidget(self.hint)
        words.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.setSpacing(28)
        layout.addWidget(picture)
        layout.addLayout(words, 1)
        for child in (picture, self.title, self.hint):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def apply_theme(self, theme: Theme) -> None:
        color = theme.palette.on_accent if self.accent else theme.palette.text
        self.picture.setPixmap(pictogram_pixmap(self.icon, 112, color))

    def set_texts(self, title: str, hint: str) -> None:
        self.title.setText(title)
        self.hint.setText(hint)
        self.setAccessibleName(title)
        self.setAccessibleDescription(hint)


class HomeScreen(QWidget):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.greeting = label(object_name="greeting")
        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(28)
        for index, (destination, _, icon, accent) in enumerate(TILES):
            tile = Tile(icon, accent)
            tile.clicked.connect(lambda _=False, d=destination: self.chosen.emit(d))
            self.tiles[destination] = tile
            grid.addWidget(tile, index // 2, index % 2)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 40, 60, 60)
        layout.setSpacing(36)
        layout.addWidget(self.greeting)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)

    def retranslate(self, texts: Texts) -> None:
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.greeting.setText(texts("home.greeting"))
        for destination, key, _, _ in TILES:
            self.tiles[destination].set_texts(texts(key), texts(key + ".hint"))

    def apply_theme(self, theme: Theme) -> None:
        for tile in self.tiles.values():
            tile.apply_theme(theme)

    def reset(self) -> None:
        """Home holds nothing personal."""
