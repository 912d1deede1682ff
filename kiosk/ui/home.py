"""Home: five large tiles, the first thing a person sees, all of them without scrolling.

On a screen too short for five tiles at their full size (1366×768, 1280×800), the tiles become compact:
a smaller pictogram and tighter spacing. If even that is too tall (larger text on a short screen), the
tiles keep their titles alone, two by two; each hint stays the tile's accessible description (read
aloud on demand)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Screen, ScrollingPage, label, pictogram_pixmap

TILES = (
    # (destination, text key, pictogram, accent)
    ("offers", "home.offer", "sejours.svg", False),
    ("bons_plans", "home.bons_plans", "bons_plans.svg", True),
    ("concierge", "home.concierge", "pressing.svg", False),
    ("bookings", "home.bookings", "culture.svg", False),
    ("participate", "home.participate", "solidarite.svg", False),
)


@dataclass(frozen=True)
class TileFit:
    """How fully the tiles are drawn; the home screen takes the fullest that fits its height."""

    compact: bool  # tighter margins and spacing, and the style sheet's least height given up
    picture: int  # the pictogram's size in px, 0 for none
    hints: bool  # the line of explanation under each title
    title_role: str  # the title's text role (kiosk/ui/theme.py)
    two_columns_from: int  # the grid's width, at scale 1, from which a tile's longest word fits in half


FITS = (
    TileFit(False, 112, True, "tileTitle", 1000),
    TileFit(True, 64, True, "tileTitle", 880),
    TileFit(True, 0, False, "heading", 0),
)


class Tile(QPushButton):
    """A large button with a pictogram, a title and a line of explanation."""

    def __init__(self, pictogram: str, accent: bool):
        super().__init__()
        # Not `icon`: that name is the button's own QIcon getter.
        self.pictogram, self.accent = pictogram, accent
        self.theme = Theme()
        self.fit = FITS[0]
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
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(32, 16, 32, 16)
        self.row.setSpacing(28)
        self.row.addWidget(picture)
        self.row.addLayout(words, 1)
        for child in (picture, self.title, self.hint):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # A button does not grow with the layout inside it: its layout is asked, so a long
        # word wraps onto another line (narrow screens, larger text) instead of being cut.
        return max(self.minimumHeight(), self.row.totalHeightForWidth(width))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        color = theme.palette.on_accent if self.accent else theme.palette.text
        self.picture.setVisible(self.fit.picture > 0)
        if self.fit.picture:
            self.picture.setPixmap(pictogram_pixmap(self.pictogram, self.fit.picture, color))

    def set_fit(self, fit: TileFit) -> None:
        if fit == self.fit:
            return
        self.fit = fit
        self.hint.setVisible(fit.hints)
        self.row.setContentsMargins(*((24, 10, 24, 10) if fit.compact else (32, 16, 32, 16)))
        self.row.setSpacing(20 if fit.compact else 28)
        self.title.setObjectName(fit.title_role)
        self.setProperty("compact", fit.compact)  # the style sheet's least height gives way to the words' own
        for widget in (self, self.title):
            widget.style().polish(widget)
        self.apply_theme(self.theme)

    def set_texts(self, title: str, hint: str) -> None:
        self.title.setText(title)
        self.hint.setText(hint)
        self.setAccessibleName(title)
        self.setAccessibleDescription(hint)


class TileGrid(QWidget):
    """Tiles two by two, or one under the other on a narrow screen (portrait) or with larger text."""

    def __init__(self, tiles: list[Tile], parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles = tiles
        self.scale = 1.0
        self.columns = 0
        self.fit = FITS[0]
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(28)
        self._place(2)

    def apply_theme(self, theme: Theme) -> None:
        self.scale = theme.scale
        for tile in self.tiles:
            tile.apply_theme(theme)
        if self.isVisible():  # else its first resize will tell
            self.fit_to(self.width())

    def set_fit(self, fit: TileFit) -> None:
        self.fit = fit
        self.grid.setSpacing(16 if fit.compact else 28)
        for tile in self.tiles:
            tile.set_fit(fit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_to(self.width())

    def fit_to(self, width: int) -> None:
        """Two columns when a tile's longest word fits in half of `width`, else one."""
        self._place(2 if width >= self.fit.two_columns_from * self.scale else 1)

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for index, tile in enumerate(self.tiles):
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, index // columns, index % columns)


class HomeScreen(Screen):
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
        self.column = QVBoxLayout(body)
        self.column.addWidget(self.greeting)
        self.column.addWidget(self.grid)
        self.column.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self._set_fit(FITS[0])
        # Fitted again once every pending resize and layout has run (a screen shown after the window was
        # resized gets its size in steps): the last word is the steady one.
        self.refit = QTimer(self)
        self.refit.setSingleShot(True)
        self.refit.setInterval(0)
        self.refit.timeout.connect(self._fit)

    def _set_fit(self, fit: TileFit) -> None:
        # Five tiles in three rows fit a 1080-pixel-high screen at full size.
        self.column.setContentsMargins(*((60, 12, 60, 16) if fit.compact else (60, 24, 60, 32)))
        self.column.setSpacing(12 if fit.compact else 24)
        self.grid.set_fit(fit)

    def _fit(self) -> None:
        """The fullest tiles that fit the screen's height: no tile needs scrolling to be seen."""
        viewport = self.page.area.viewport()
        for fit in FITS:
            self._set_fit(fit)
            if self._height_for(viewport.width()) <= viewport.height():
                break
        # Laid out now, not at the next turn of the event loop: trying each fit left the layouts to redo, and
        # nothing must be painted (or read aloud) from a fit tried and given up.
        for layout in (*(tile.row for tile in self.tiles.values()), self.grid.grid, self.column):
            layout.activate()

    def _height_for(self, width: int) -> int:
        """The page's height at `width` with the tiles as they are set now (measured here: the layouts'
        answers are cached from the last fit)."""
        margins = self.column.contentsMargins()
        inner = width - margins.left() - margins.right()
        self.grid.fit_to(inner)
        columns, spacing = self.grid.columns, self.grid.grid.spacing()
        tile_width = (inner - spacing * (columns - 1)) // columns
        tiles = list(self.tiles.values())
        for tile in tiles:
            tile.row.invalidate()
        rows = [tiles[i : i + columns] for i in range(0, len(tiles), columns)]
        grid = sum(max(t.heightForWidth(tile_width) for t in row) for row in rows) + spacing * (len(rows) - 1)
        greeting = self.greeting.heightForWidth(inner)
        return margins.top() + greeting + self.column.spacing() + grid + margins.bottom()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
        self.refit.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()
        self.refit.start()

    def retranslate(self, texts: Texts) -> None:
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.greeting.setText(texts("home.greeting"))
        for destination, key, _, _ in TILES:
            self.tiles[destination].set_texts(texts(key), texts(key + ".hint"))
        if self.isVisible():
            self._fit()

    def apply_theme(self, theme: Theme) -> None:
        self.grid.apply_theme(theme)
        if self.isVisible():
            self._fit()

    def reset(self) -> None:
        """Home holds nothing personal."""
