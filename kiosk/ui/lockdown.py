"""Kiosk lockdown inside the application: a person at the screen cannot quit it or reach the desktop.

Installed by `kiosk.ui.app.start_kiosk` on the frameless full-screen window (not with
--windowed). While locked:
- the keys that quit, close or switch away are swallowed before any widget or shortcut
  sees them: Alt+F4, Ctrl+Q, Ctrl+W, Ctrl+F4, Alt+Tab (when the system lets Qt see it),
  Alt+Esc, Ctrl+Esc, Alt+Space, Escape, F11, the Meta/Super keys, and whatever the
  platform binds to "Quit" or "Close";
- a request to close the window or to quit is refused, whoever sends it: Qt 6 delivers even
  the program's own `app.quit()` as a request from the system, so the program ends its
  event loop with `app.exit()` (a stop from the service manager, kiosk/systemd_notify.py) or
  through `exit_kiosk()`;
- if the window stops being full screen or is minimised, it goes back to full screen,
  and when another application takes the screen the kiosk takes it back.

The only way out is assisted mode: a correspondent action calls `allow_exit()` (then
closes the window, or calls `exit_kiosk()` which does both). `lock()` locks again.
The service manager starts the kiosk again if it stops (installers/).

What the application cannot do itself is done by the session: the Debian package runs the
kiosk alone under the `cage` kiosk compositor without virtual-terminal switching, so
there is no desktop, task switcher or other window behind it (installers/README.md).
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

Key = Qt.Key
Mod = Qt.KeyboardModifier
# (key, modifiers that must all be held); extra modifiers do not make a combination harmless.
FORBIDDEN_KEYS: tuple[tuple[Qt.Key, Qt.KeyboardModifier], ...] = (
    (Key.Key_F4, Mod.AltModifier),
    (Key.Key_F4, Mod.ControlModifier),
    (Key.Key_Q, Mod.ControlModifier),
    (Key.Key_W, Mod.ControlModifier),
    (Key.Key_Tab, Mod.AltModifier),
    (Key.Key_Backtab, Mod.AltModifier),
    (Key.Key_Escape, Mod.NoModifier),
    (Key.Key_Space, Mod.AltModifier),
    (Key.Key_F11, Mod.NoModifier),
    (Key.Key_Delete, Mod.ControlModifier | Mod.AltModifier),
    (Key.Key_Backspace, Mod.ControlModifier | Mod.AltModifier),
    (Key.Key_Meta, Mod.NoModifier),
    (Key.Key_Super_L, Mod.NoModifier),
    (Key.Key_Super_R, Mod.NoModifier),
    (Key.Key_Menu, Mod.NoModifier),
)
FORBIDDEN_STANDARD_KEYS = (QKeySequence.StandardKey.Quit, QKeySequence.StandardKey.Close)
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)
RETAKE_SCREEN_MS = 500

_current: weakref.ReferenceType[KioskLockdown] | None = None


def is_forbidden(event: QKeyEvent) -> bool:
    key = Qt.Key(event.key())
    modifiers = event.modifiers() & ~Mod.KeypadModifier
    for forbidden, needed in FORBIDDEN_KEYS:
        if key == forbidden and (modifiers & needed) == needed:
            return True
    if key in (Key.Key_Meta, Key.Key_Super_L, Key.Key_Super_R, Key.Key_Hyper_L, Key.Key_Hyper_R):
        return True
    if modifiers & Mod.MetaModifier:  # Super+anything belongs to the desktop, not to the kiosk
        return True
    return event.type() != QEvent.Type.KeyRelease and any(event.matches(k) for k in FORBIDDEN_STANDARD_KEYS)


class KioskLockdown(QObject):
    """An application-wide event filter guarding one full-screen window."""

    def __init__(self, app: QApplication, window: QWidget):
        super().__init__(window)
        self._app = app
        self._window = window
        self._exit_allowed = False
        self.refused = 0  # how many attempts were stopped (for tests and the log)
        self._retake = QTimer(self)
        self._retake.setSingleShot(True)
        self._retake.setInterval(RETAKE_SCREEN_MS)
        self._retake.timeout.connect(self._take_screen_back)
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._application_state_changed)

    @property
    def exit_allowed(self) -> bool:
        return self._exit_allowed

    def allow_exit(self) -> None:
        """Assisted mode: from now on the window may be closed and the program quit."""
        if not self._exit_allowed:
            log.info("kiosk exit allowed by a correspondent")
        self._exit_allowed = True

    def lock(self) -> None:
        self._exit_allowed = False

    def exit_kiosk(self) -> None:
        """Allow exit and quit (the service manager may start the kiosk again: see installers/)."""
        self.allow_exit()
        self._window.close()
        self._app.quit()

    def uninstall(self) -> None:
        self._app.removeEventFilter(self)

    # -- the filter ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._exit_allowed:
            return False
        if kind in _KEY_EVENTS and isinstance(event, QKeyEvent) and is_forbidden(event):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # no shortcut fires; the key press that follows is swallowed too
            elif kind == QEvent.Type.KeyPress:
                self._refuse("key %s", QKeySequence(event.keyCombination()).toString() or event.key())
            return True
        if kind == QEvent.Type.Quit and watched is self._app:
            event.ignore()
            self._refuse("quit request")
            return True
        if watched is self._window:
            if kind == QEvent.Type.Close:
                event.ignore()
                self._refuse("close request")
                return True
            if kind == QEvent.Type.WindowStateChange and not self._window.isFullScreen():
                QTimer.singleShot(0, self._back_to_full_screen)
        return False

    def _refuse(self, what: str, *args: object) -> None:
        self.refused += 1
        log.info(f"lockdown: {what} refused", *args)

    def _back_to_full_screen(self) -> None:
        if not self._exit_allowed and self._window.isVisible() and not self._window.isFullScreen():
            self._window.showFullScreen()

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self._retake.stop()
        elif not self._exit_allowed:
            self._retake.start()

    def _take_screen_back(self) -> None:
        if self._exit_allowed or not self._window.isVisible():
            return
        if self._window.windowState() & Qt.WindowState.WindowMinimized or not self._window.isFullScreen():
            self._window.showFullScreen()
        self._window.raise_()
        self._window.activateWindow()


def install_lockdown(app: QApplication, window: QWidget) -> KioskLockdown:
    global _current
    lockdown = KioskLockdown(app, window)
    _current = weakref.ref(lockdown)
    return lockdown


def current_lockdown() -> KioskLockdown | None:
    """The lockdown guarding the kiosk window, if any (None with --windowed): for assisted mode."""
    return _current() if _current is not None else None
