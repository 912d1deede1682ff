"""`slvie-kiosk screenshots`: every screen rendered offscreen on the demo data, one PNG each."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.config import DisplaySettings, KioskConfig, SiteSettings
from kiosk.errors import DataDirError

SCREEN_SIZE = (1920, 1080)


def render_all_screens(outdir: Path, language: str) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(
            f"Le dossier {outdir} ne peut pas être créé ({error.strerror or error}).",
            f"The folder {outdir} cannot be created ({error.strerror or error}).",
        ) from None
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.services.context import open_services
    from kiosk.ui.app import build_window, create_application

    config = KioskConfig(site=SiteSettings(language=language), display=DisplaySettings(keyboard="on"))
    with tempfile.TemporaryDirectory(prefix="slvie-screens-") as data_dir:
        services = open_services(Path(data_dir), config, demo=True)
        app, keyboard = create_application(config)
        window = build_window(services, keyboard)
        window.resize(*SCREEN_SIZE)
        window.show()
        written: list[Path] = []

        def shot(name: str, action: Callable[[], None]) -> None:
            action()
            for _ in range(5):
                app.processEvents()
            path = outdir / f"{name}.png"
            window.grab().save(str(path))
            written.append(path)

        offers = window.screen("offers")
        shot("home", window.go_home)
        shot("offer_list", lambda: window.show_screen("offers", False))
        shot("offer_list_search", lambda: (offers.search.setText("théâtre"), offers.refresh()))
        shot("offer_list_filters", lambda: offers.filters_button.setChecked(True))
        shot("offer_list_keyboard", lambda: (
            offers.filters_button.setChecked(False),
            QTest.mouseClick(offers.search, Qt.MouseButton.LeftButton, pos=QPoint(40, 20)),
        ))
        window.go_home()
        shot("bons_plans", lambda: window.show_screen("offers", True))
        first = offers.model.offers[0].id if offers.model.offers else None
        if first:
            shot("offer_detail", lambda: window.show_screen("detail", first))
        shot("concierge", lambda: (window.go_home(), window.show_screen("concierge")))
        shot("notice", lambda: window.show_notice("soon.booking"))
        shot("idle_warning", lambda: (window.notice.hide(), window.show_idle_warning(25)))
        window.close()
        services.close()
    return written
