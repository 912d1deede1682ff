"""A correspondent signs in to assisted mode: badge and PIN, or login and password, on one screen.

A badge scanner types like a keyboard and presses Enter, so the badge field has the
focus when the screen opens and Enter moves on to the PIN. Why a sign-in fails (wrong
PIN, tries left, account locked) is the service's message, shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.household import MAX_SCAN_CHARS
from kiosk.domain.staff import MAX_PASSWORD_CHARS
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.staff import StaffAuthService
from kiosk.ui.widgets import ChoiceRow, Screen, ScrollingPage, button, label

BADGE, PASSWORD = "badge", "password"
SECRET_HINTS = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText


class StaffSignInScreen(Screen):
    signed_in = Signal(object)  # StaffSession

    def __init__(self, staff: StaffAuthService, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.staff = staff
        self.texts = texts
        self.title = label(object_name="title")
        self.intro = label()
        self.mode = ChoiceRow([BADGE, PASSWORD])
        self.badge = QLineEdit()
        self.badge.setMaxLength(MAX_SCAN_CHARS + 1)  # one more than a badge: too long is reported, not cut
        self.badge.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | SECRET_HINTS)
        self.login = QLineEdit()
        self.login.setMaxLength(40)
        self.login.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase | Qt.InputMethodHint.ImhNoPredictiveText)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(MAX_PASSWORD_CHARS)
        self.password.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase | SECRET_HINTS)
        self.badge_label, self.pin_label = label(object_name="heading"), label(object_name="heading")
        self.login_label, self.password_label = label(object_name="heading"), label(object_name="heading")
        self.error = label(object_name="error")
        self.submit = button(object_name="primary", big=True)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(18)
        self.form.setHorizontalSpacing(24)
        for row_label, field in (
            (self.badge_label, self.badge),
            (self.pin_label, self.pin),
            (self.login_label, self.login),
            (self.password_label, self.password),
        ):
            self.form.addRow(row_label, field)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(120, 24, 120, 24)
        layout.setSpacing(20)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.mode)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.submit)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.mode.changed.connect(lambda _mode: self._show_mode())
        self.badge.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.try_sign_in)
        self.login.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_sign_in)
        self.submit.clicked.connect(self.try_sign_in)
        self._show_mode()

    def start(self, badge: str = "") -> None:
        """Empty, or with a badge scanned on the beneficiaries' identification screen: then the PIN is asked."""
        self.reset()
        self.badge.setText(badge)
        (self.pin if badge else self.badge).setFocus()

    def _show_mode(self) -> None:
        badge = self.mode.value() == BADGE
        for row in (0, 1):
            self.form.setRowVisible(row, badge)
        for row in (2, 3):
            self.form.setRowVisible(row, not badge)
        self.error.clear()
        if self.isVisible():  # a screen reset while hidden must not take the focus (and the keyboard)
            (self.badge if badge else self.login).setFocus()

    def try_sign_in(self) -> None:
        try:
            if self.mode.value() == BADGE:
                session = self.staff.sign_in_with_badge(self.badge.text(), self.pin.text())
            else:
                session = self.staff.sign_in_with_password(self.login.text(), self.password.text())
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            self.pin.clear()
            self.password.clear()
            return
        self.reset()
        self.signed_in.emit(session)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("signin.title"))
        self.intro.setText(texts("signin.intro"))
        self.mode.set_labels([texts("signin.badge_mode"), texts("signin.password_mode")])
        for row_label, field, key in (
            (self.badge_label, self.badge, "signin.badge"),
            (self.pin_label, self.pin, "signin.pin"),
            (self.login_label, self.login, "signin.login"),
            (self.password_label, self.password, "signin.password"),
        ):
            row_label.setText(texts(key))
            field.setAccessibleName(texts(key))
        self.submit.setText(texts("signin.submit"))
        self.error.clear()

    def reset(self) -> None:
        """No credential stays on screen: every field and the message are wiped, badge mode first."""
        for field in (self.badge, self.pin, self.login, self.password):
            field.clear()
        self.mode.set_value(BADGE)
        self._show_mode()
