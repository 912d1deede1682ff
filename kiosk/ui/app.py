"""Starting the kiosk: configuration, data, the Qt application and the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtQuick import QQuickWindow, QSGRendererInterface
from PySide6.QtWidgets import QApplication

from kiosk.config import KioskConfig, default_data_dir, load_config
from kiosk.services.context import KioskServices, open_services
from kiosk.systemd_notify import start_heartbeat
from kiosk.ui.keyboard import KeyboardDock, select_input_method
from kiosk.ui.lockdown import install_lockdown
from kiosk.ui.main_window import MainWindow
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import apply_style
from sync.credential import load_credential, seal_token_in_clear

if TYPE_CHECKING:
    from kiosk.demo.centre import DemoCentre
    from sync.worker import SyncWorker

log = logging.getLogger(__name__)
# The first paint comes before the background work starts (a timer fires only once the event loop runs).
BACKGROUND_WORK_DELAY_MS = 300


def create_application(config: KioskConfig, argv: list[str] | None = None) -> tuple[QApplication, bool]:
    """The QApplication, once per process; returns it and whether the on-screen keyboard is on."""
    keyboard = select_input_method(config.display.keyboard)
    # The keyboard's Qt Quick scene needs no GPU: kiosk terminals often have none worth the name.
    QQuickWindow.setGraphicsApi(QSGRendererInterface.GraphicsApi.Software)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("slvie-kiosk")
    apply_style(app, Theme())
    return app, keyboard


def build_window(services: KioskServices, keyboard: bool) -> MainWindow:
    window = MainWindow(services)
    if keyboard:
        dock = KeyboardDock(window)
        window.keyboard_area.addWidget(dock)
        dock.shown_changed.connect(window.keyboard_shown)
    return window


def start_kiosk(
    data_dir: Path | None, config_path: Path | None, demo: bool, windowed: bool
) -> tuple[QApplication, MainWindow, KioskServices]:
    """Everything up to the first screen on display; the caller runs the event loop."""
    config = load_config(config_path)
    services = open_services(data_dir or default_data_dir(), config, demo=demo)
    app, keyboard = create_application(config)
    window = build_window(services, keyboard)
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        # Frameless full screen: no title bar to close, nothing behind it to reach.
        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        # The whole screen even where no window manager honours "full screen" (a bare X
        # server, some compositors): the geometry is set, not only asked for.
        window.setGeometry(app.primaryScreen().geometry())
        window.showFullScreen()
        # No key, close request or state change takes it away; assisted mode calls allow_exit().
        window.lockdown = install_lockdown(app, window)
    window.start()
    return app, window, services


def start_sync(services: KioskServices, window: MainWindow) -> SyncWorker | None:
    """Sync in the background when this kiosk is enrolled; the kiosk works the same without it."""
    seal_token_in_clear(services.data_dir)
    credential = load_credential(services.data_dir)
    if credential is None:
        return None
    # Imported here, once the window is up: the sync machinery's imports alone take half a second.
    from sync.client import CentralClient
    from sync.top_up import CentreTopUp
    from sync.worker import SyncWorker

    worker = SyncWorker(services.data_dir, services.config, credential)
    # While a person waits at the booking screen, the kiosk may ask the centre for more lease seats (2 s).
    services.bookings.top_up = CentreTopUp(
        services.db,
        CentralClient(credential.server, credential.token, ca_bundle=services.config.central.ca_bundle or None),
    )
    worker.status_changed.connect(window.set_sync_status)
    window.sync_worker = worker  # a correspondent's "sync now" wakes it
    worker.start()
    return worker


def run_kiosk(data_dir: Path | None, config_path: Path | None, demo: bool, windowed: bool) -> int:
    app, window, services = start_kiosk(data_dir, config_path, demo, windowed)
    log.info(
        "kiosk started: site %s, data in %s, %s",
        services.config.site.id,
        services.data_dir,
        "windowed" if windowed else "full screen, locked",
    )
    started: list[SyncWorker | DemoCentre] = []

    def start_background_work() -> None:
        """The demo centre and sync, once the first screen is painted: a person never waits for them."""
        if demo:
            from kiosk.demo.centre import DemoCentreError, start_demo_centre

            try:
                started.append(start_demo_centre(services.data_dir, services.config.site.id))
            except DemoCentreError as error:
                log.warning("demo centre not started, the kiosk runs offline: %s", error.en)
        worker = start_sync(services, window)
        if worker is not None:
            started.append(worker)

    QTimer.singleShot(BACKGROUND_WORK_DELAY_MS, start_background_work)
    start_heartbeat(app, window)  # as a service: ready, watchdog pings, a clean stop on SIGTERM
    try:
        return app.exec()
    finally:
        for work in reversed(started):  # sync stops before the demo centre it talks to
            work.stop()
        services.close()
        log.info("kiosk stopped")
