"""Watches for a person at the screen and tells the window when to warn and when to reset."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.domain.idle import IdleDeadline, IdlePhase
from kiosk.ui.widgets import running_app

ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}
CHECK_INTERVAL_MS = 500


class IdleWatcher(QObject):
    warning = Signal(int)  # seconds left before the reset
    resumed = Signal()
    expired = Signal()

    def __init__(
        self,
        warning_after: float,
        warning_duration: float,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._clock = clock
        self._deadline = IdleDeadline(warning_after, warning_duration, clock())
        self._warning_shown = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        running_app().installEventFilter(self)
        self._deadline.touch(self._clock())
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        running_app().removeEventFilter(self)

    def activity(self) -> None:
        self._deadline.touch(self._clock())
        if self._warning_shown:
            self._warning_shown = False
            self.resumed.emit()

    def check(self) -> None:
        now = self._clock()
        phase = self._deadline.phase(now)
        if phase == IdlePhase.WARNING:
            self._warning_shown = True
            self.warning.emit(self._deadline.seconds_left(now))
        elif phase == IdlePhase.EXPIRED:
            self._warning_shown = False
            self._deadline.touch(now)
            self.expired.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.activity()
        return False
