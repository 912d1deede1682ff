"""The correspondent's home in assisted mode: help someone, the concierge queue, sync, the day's takings,
the programme for the noticeboard, leave."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import Texts
from kiosk.ui.home import Tile, TileGrid
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import Screen, ScrollingPage, button, label

JOBS = (
    # (what the correspondent chose, text key, pictogram)
    ("assisted_identify", "staff.home.identify", "aide_demarches.svg"),
    ("queue", "staff.home.queue", "colis.svg"),
    ("help_queue", "staff.home.help", "prise_rdv.svg"),
    ("sync_state", "staff.home.sync", "synchronisation.svg"),
    ("takings", "staff.home.takings", "aide_demarches.svg"),
    ("print_programme", "paper.programme.print", "loisirs.svg"),
)


class StaffHomeScreen(Screen):
    chosen = Signal(str)  # one of JOBS, "exit_kiosk" or "sign_out"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.title = label(object_name="title")
        self.tiles: dict[str, Tile] = {}
        for job, _, icon in JOBS:
            tile = Tile(icon, accent=False)
            tile.clicked.connect(lambda _=False, j=job: self.chosen.emit(j))
            self.tiles[job] = tile
        self.grid = TileGrid(list(self.tiles.values()))
        self.exit_kiosk = button(big=True)
        self.sign_out = button(big=True)
        self.exit_kiosk.clicked.connect(lambda: self.chosen.emit("exit_kiosk"))
        self.sign_out.clicked.connect(lambda: self.chosen.emit("sign_out"))
        leave = QHBoxLayout()
        leave.setSpacing(28)
        leave.addWidget(self.sign_out)
        leave.addWidget(self.exit_kiosk)
        leave.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 24, 60, 40)
        layout.setSpacing(28)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)
        layout.addLayout(leave)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)

    def start(self) -> None:
        """Nothing to load: the jobs are always the same."""

    def retranslate(self, texts: Texts) -> None:
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("staff.home.title"))
        for job, key, _ in JOBS:
            self.tiles[job].set_texts(texts(key), texts(key + ".hint"))
        self.exit_kiosk.setText(texts("staff.home.exit"))
        self.sign_out.setText(texts("staff.home.sign_out"))

    def apply_theme(self, theme: Theme) -> None:
        self.grid.apply_theme(theme)

    def reset(self) -> None:
        """The correspondent's home holds nothing of a beneficiary."""
