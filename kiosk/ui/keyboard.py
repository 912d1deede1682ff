"""The on-screen keyboard (Qt Virtual Keyboard), docked at the bottom of the kiosk window.

The input method must be chosen before the QApplication exists, so whether a
keyboard is wanted is decided from the configuration and the machine's input
devices alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QWidget

from kiosk.config import ASSETS_DIR

KEYBOARD_QML = ASSETS_DIR / "qml" / "keyboard.qml"
ABS_MT_POSITION_X = 0x35
HEIGHT_SHARE = 0.36


def has_touchscreen(devices: Path = Path("/proc/bus/input/devices")) -> bool:
    """True when an input device reports multi-touch positions (a touchscreen)."""
    try:
        text = devices.read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("B: ABS="):
            bits = int(line.split("=", 1)[1].replace(" ", ""), 16)
            if bits >> ABS_MT_POSITION_X & 1:
                return True
    return False


def keyboard_wanted(mode: str) -> bool:
    return mode == "on" or (mode == "auto" and has_touchscreen())


def select_input_method(mode: str) -> bool:
    """Call before creating the QApplication; returns whether the on-screen keyboard is used."""
    if not keyboard_wanted(mode):
        return False
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    # Keep the keyboard inside our window rather than as a separate desktop window.
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"
    return True


class KeyboardDock(QQuickWidget):
    """Shown when a text field asks for input, hidden otherwise; it takes space below the
    screen instead of covering it, so the field being typed into stays in view."""

    shown_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        # A tap on a key must leave the focus in the field typed into: taking it would close
        # the keyboard at its first key.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSource(QUrl.fromLocalFile(str(KEYBOARD_QML)))
        self.hide()
        method = QGuiApplication.inputMethod()
        method.visibleChanged.connect(lambda: self._show(method.isVisible()))

    def _show(self, shown: bool) -> None:
        # What gives way to the keyboard leaves before it comes, and returns after it goes,
        # so the window never needs both at once.
        if shown:
            self.shown_changed.emit(True)
            # A fixed share of the window, set before showing: the screen above gives way.
            self.setFixedHeight(int(self.window().height() * HEIGHT_SHARE))
            self.show()
        else:
            self.hide()
            self.shown_changed.emit(False)
