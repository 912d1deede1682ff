"""Home: five large tiles, the first thing a person sees."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import ScrollingPage, label, pictogram_pixmap

TILES = (
    # (destination, text key, pictogram, accent)
    ("offers", "home.offer", "sejours.svg", False),
    ("bons_plans", "home.bons_plans", "bons_plans.svg", True),
    ("concierge", "home.concierge", "pressing.svg", False),
    ("bookings", "home.bookings", "culture.svg", False),
    ("participate", "home.participate", "solidarite.svg", False),
)


class Tile(QPushButton):
    """A large button with a pictogram, a title and a line of explanation."""

    def __init__(self, icon: str, accent: bool):
        super().__init__()
        self.icon, self.accent = icon, accent
        self.setObjectName("tileAccent" if accent else "tile")
        # Taller when its words need more lines (a button's default policy is a fixed height).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
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

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # A button does not grow with the layout inside it: its layout is asked, so a long
        # word wraps onto another line (narrow screens, larger text) instead of being cut.
        return max(self.minimumHeight(), self.layout().totalHeightForWidth(width))

    def apply_theme(self, theme: Theme) -> None:
        color = theme.palette.on_accent if self.accent else theme.palette.text
        self.picture.setPixmap(pictogram_pixmap(self.icon, 112, color))

    def set_texts(self, title: str, hint: str) -> None:
        self.title.setText(title)
        self.hint.setText(hint)
        self.setAccessibleName(title)
        self.setAccessibleDescription(hint)


TWO_COLUMNS_WIDTH = 1000  # the grid's own, at scale 1: below it a tile's longest word would not fit in half


class TileGrid(QWidget):
    """Tiles two by two, or one under the other on a narrow screen (portrait) or with larger text."""

    def __init__(self, tiles: list[Tile], parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles = tiles
        self.scale = 1.0
        self.columns = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(28)
        self._place(2)

    def apply_theme(self, theme: Theme) -> None:
        self.scale = theme.scale
        for tile in self.tiles:
            tile.apply_theme(theme)
        if self.isVisible():  # else its first resize will tell
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self._place(2 if self.width() >= TWO_COLUMNS_WIDTH * self.scale else 1)

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for index, tile in enumerate(self.tiles):
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, index // columns, index % columns)


class HomeScreen(QWidget):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.greeting = label(object_name="greeting")
        self.tiles: dict[str, Tile] = {}
        for destination, _, icon, accent in TILES:
            tile = Tile(icon, accent)
            tile.clicked.connect(lambda _=False, d=destination: self.chosen.emit(d))
            self.tiles[destination] = tile
        self.grid = TileGrid(list(self.tiles.values()))
        body = QWidget()
        layout = QVBoxLayout(body)
        # Five tiles in three rows fit a 1080-pixel-high screen without scrolling.
        layout.setContentsMargins(60, 24, 60, 32)
        layout.setSpacing(24)
        layout.addWidget(self.greeting)
        layout.addWidget(self.grid)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)

    def retranslate(self, texts: Texts) -> None:
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.greeting.setText(texts("home.greeting"))
        for destination, key, _, _ in TILES:
            self.tiles[destination].set_texts(texts(key), texts(key + ".hint"))

    def apply_theme(self, theme: Theme) -> None:
        self.grid.apply_theme(theme)

    def reset(self) -> None:
        """Home holds nothing personal."""
