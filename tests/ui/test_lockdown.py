"""Kiosk lockdown: in full screen, no key, close request or state change gets a person out; assisted mode can."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest

from kiosk.ui.app import start_kiosk
from kiosk.ui.lockdown import KioskLockdown, current_lockdown

Key, Mod = Qt.Key, Qt.KeyboardModifier
ESCAPES = [
    (Key.Key_F4, Mod.AltModifier, "Alt+F4"),
    (Key.Key_Q, Mod.ControlModifier, "Ctrl+Q"),
    (Key.Key_W, Mod.ControlModifier, "Ctrl+W"),
    (Key.Key_Tab, Mod.AltModifier, "Alt+Tab"),
    (Key.Key_Escape, Mod.NoModifier, "Esc"),
    (Key.Key_F11, Mod.NoModifier, "F11"),
]


@pytest.fixture
def kiosk(qtbot, tmp_path):
    app, window, services = start_kiosk(tmp_path / "data", None, demo=False, windowed=False)
    qtbot.waitExposed(window)
    window.activateWindow()
    yield app, window
    lockdown = getattr(window, "lockdown", None)
    if lockdown is not None:
        lockdown.allow_exit()
        lockdown.uninstall()
    window.close()
    services.close()


@pytest.fixture
def windowed(qtbot, tmp_path):
    app, window, services = start_kiosk(tmp_path / "data", None, demo=False, windowed=True)
    qtbot.waitExposed(window)
    yield app, window
    window.close()
    services.close()


def shortcuts(window) -> dict[str, list[int]]:
    fired: dict[str, list[int]] = {}
    for _key, _mods, text in [*ESCAPES, (Key.Key_K, Mod.ControlModifier, "Ctrl+K")]:
        fired[text] = []
        shortcut = QShortcut(QKeySequence(text), window)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(lambda text=text: fired[text].append(1))
    return fired


def test_the_full_screen_kiosk_is_locked(kiosk):
    _app, window = kiosk
    assert isinstance(window.lockdown, KioskLockdown) and current_lockdown() is window.lockdown
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not window.lockdown.exit_allowed


def test_a_windowed_kiosk_is_not_locked(windowed):
    _app, window = windowed
    assert getattr(window, "lockdown", None) is None
    fired = shortcuts(window)
    QTest.keyClick(window, Key.Key_Q, Mod.ControlModifier)
    assert fired["Ctrl+Q"] == [1]  # the same test's control: shortcuts do fire without the lockdown


@pytest.mark.parametrize("key, modifiers, text", ESCAPES, ids=[e[2] for e in ESCAPES])
def test_keys_that_quit_or_switch_away_are_swallowed(kiosk, key, modifiers, text):
    _app, window = kiosk
    fired = shortcuts(window)
    before = window.lockdown.refused
    QTest.keyClick(window, key, modifiers)
    assert fired[text] == []
    assert window.lockdown.refused == before + 1
    QTest.keyClick(window, Key.Key_K, Mod.ControlModifier)
    assert fired["Ctrl+K"] == [1]  # other keys still work
    assert window.isVisible() and window.isFullScreen()


def test_closing_is_refused_until_assisted_mode_allows_it(kiosk, qtbot):
    _app, window = kiosk
    assert window.close() is False
    assert window.isVisible() and window.lockdown.refused >= 1
    window.lockdown.allow_exit()
    assert window.close() is True
    assert not window.isVisible()


def test_leaving_full_screen_is_undone(kiosk, qtbot):
    _app, window = kiosk
    window.showNormal()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    window.showMinimized()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)


def test_a_quit_is_refused_and_the_program_ends_its_loop_with_exit(kiosk):
    app, window = kiosk
    QTimer.singleShot(0, app.quit)  # delivered by Qt 6 as a request from the system: refused
    QTimer.singleShot(200, lambda: app.exit(3))  # what a stop from the service manager does
    assert app.exec() == 3
    assert window.isVisible() and window.lockdown.refused >= 1


def test_exit_kiosk_closes_the_window(kiosk, qtbot):
    _app, window = kiosk
    window.lockdown.exit_kiosk()
    assert window.lockdown.exit_allowed
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
