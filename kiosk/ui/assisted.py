"""Assisted mode in the window: the correspondent signed in, the banner on every screen, their
inactivity limit, signing out and leaving the kiosk.

While a correspondent is signed in, the public inactivity watch is stopped and the
correspondent's own limit (StaffAuthService: a warning after three minutes without a
tap, sign-out thirty seconds later) governs alone. The public watch would otherwise
clear the person beside them after a shorter silence — talking with someone at the
desk is not leaving — and the staff limit, when it runs out, clears everything anyway:
the correspondent is signed out and the person's session ends with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QSizePolicy

from kiosk.domain.idle import IdlePhase
from kiosk.domain.staff import StaffSession
from kiosk.i18n import Texts
from kiosk.ui.idle import ACTIVITY_EVENTS, CHECK_INTERVAL_MS
from kiosk.ui.lockdown import current_lockdown
from kiosk.ui.widgets import button, label, running_app

if TYPE_CHECKING:  # the window builds this, so it is imported for the type checker alone
    from kiosk.ui.main_window import MainWindow


class StaffBanner(QFrame):
    """Across the top of every screen while a correspondent is signed in: who, and the way out."""

    leave_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staffBanner")
        self.who = label()
        self.who.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.leave = button()
        self.leave.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.setSpacing(20)
        layout.addWidget(self.who, 1)
        layout.addWidget(self.leave)
        self.leave.clicked.connect(self.leave_clicked)
        self.hide()

    def retranslate(self, texts: Texts, session: StaffSession | None) -> None:
        self.who.setText(texts("staff.banner", name=session.display_name) if session else "")
        self.leave.setText(texts("staff.leave_mode"))
        self.leave.setAccessibleName(texts("staff.leave_mode"))


class AssistedMode(QObject):
    """Signs a correspondent in and out of the window and watches their inactivity."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.staff = window.services.staff
        self.banner = StaffBanner()
        self.banner.leave_clicked.connect(lambda: self.sign_out("user"))
        self._warning_shown = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    def signed_in(self, session: StaffSession) -> None:
        window = self.window
        window.reset_session()  # whatever the last person left on screen goes first
        window.staff_session = session
        window.idle.stop()  # see the module's docstring
        running_app().installEventFilter(self)
        self._timer.start()
        self.banner.retranslate(window.texts, session)
        self.banner.show()
        window.show_screen("staff_home", remember=False)

    def sign_out(self, cause: str) -> None:
        """Leave assisted mode ("user", "inactivity", "kiosk_exit"): everything is cleared, back to the kiosk home."""
        window = self.window
        self.staff.sign_out(cause)  # recorded in the audit log; nothing happens if the service already did it
        window.staff_session = None
        self._timer.stop()
        running_app().removeEventFilter(self)
        self._warning_shown = False
        self.banner.hide()
        self.banner.retranslate(window.texts, None)
        window.reset_session()
        window.idle.start()

    def check(self) -> None:
        """Warn before the automatic sign-out, and sign out once the service says time is up."""
        if self.window.staff_session is None:
            return
        phase = self.staff.idle_phase()  # EXPIRED once the service has signed them out, whatever the cause
        if phase is IdlePhase.EXPIRED:
            self.sign_out("inactivity")
        elif phase is IdlePhase.WARNING:
            self._warning_shown = True
            texts = self.window.texts
            self.window.idle_overlay.open(
                texts("idle.title"),
                texts("staff.idle.message", seconds=self.staff.seconds_left()),
                texts("idle.stay"),
                on_close=self.staff.touch,
            )
        elif self._warning_shown:
            self._warning_shown = False
            self.window.idle_overlay.hide()

    def confirm_exit(self) -> None:
        texts = self.window.texts
        self.window.notice.open(
            texts("staff.exit.title"),
            texts("staff.exit.message"),
            texts("staff.exit.no"),
            secondary=texts("staff.exit.yes"),
            on_secondary=self.exit_kiosk,
        )

    def exit_kiosk(self) -> None:
        """The only way out of the kiosk: sign out (recorded with its cause), then close for good."""
        self.sign_out("kiosk_exit")
        lockdown = current_lockdown()
        if lockdown is not None:
            lockdown.exit_kiosk()
        else:  # --windowed: nothing holds the window
            self.window.close()
            QApplication.quit()

    def retranslate(self, texts: Texts) -> None:
        self.banner.retranslate(texts, self.window.staff_session)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.staff.touch()
        return False
