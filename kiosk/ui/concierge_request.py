"""Asking for a concierge service: the service's short form, the price, send; then the pickup code and ticket.

Each service has its own form (kiosk/domain/concierge.py). The screen builds one
touch control per field: big option buttons for choices and days, − / + for numbers,
day and month steps for a date, a text field (with the on-screen keyboard) for text.
What the person chose is checked by the domain when they send it; a problem is shown
next to the field it concerns, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.concierge import (
    ConciergeFormError,
    ConciergeRequest,
    FieldKind,
    FormField,
    form_for,
    ready_from,
)
from kiosk.errors import KioskError
from kiosk.i18n import SOURCE_LANGUAGE, Texts
from kiosk.services.actor import Actor
from kiosk.services.concierge import ServiceOffer
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.payment import balance_text
from kiosk.ui.printing import print_pickup_ticket
from kiosk.ui.receipt import ReceiptScreen
from kiosk.ui.widgets import FlowLayout, Screen, ScrollingPage, button, empty_layout, label, plain_button_text


class OptionGrid(QWidget):
    """Big option buttons, side by side and onto more lines as needed: one at most (`many=False`)
    or any number of them."""

    changed = Signal()

    def __init__(self, codes: list[str], many: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._codes = codes
        self._many = many
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # exclusive by hand below: an unanswered choice shows none chosen
        flow = FlowLayout(self)
        for index, _ in enumerate(codes):
            choice = button()
            choice.setCheckable(True)
            self._group.addButton(choice, index)
            flow.addWidget(choice)
        self._group.idToggled.connect(self._toggled)

    def _toggled(self, index: int, checked: bool) -> None:
        if checked and not self._many:
            for other in self._group.buttons():
                if other is not self._group.button(index) and other.isChecked():
                    other.setChecked(False)
        self.changed.emit()

    def value(self) -> str | list[str] | None:
        chosen = [code for index, code in enumerate(self._codes) if self._group.button(index).isChecked()]
        return chosen if self._many else (chosen[0] if chosen else None)

    def set_labels(self, labels: list[str]) -> None:
        for index, text in enumerate(labels):
            self._group.button(index).setText(plain_button_text(text))
            self._group.button(index).setAccessibleName(text)

    def buttons(self) -> list[QAbstractButton]:
        return self._group.buttons()


class NumberStepper(QWidget):
    """− value +: a whole number between a minimum and a maximum, no typing needed."""

    changed = Signal()

    def __init__(self, minimum: int, maximum: int, start: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.minimum, self.maximum, self.number = minimum, maximum, start
        self.less = button("−")
        self.more = button("+")
        self.shown = label(object_name="heading", wrap=False)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(90)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.less)
        row.addWidget(self.shown)
        row.addWidget(self.more)
        row.addStretch(1)
        self.less.clicked.connect(lambda: self.step(-1))
        self.more.clicked.connect(lambda: self.step(1))
        self.step(0)

    def step(self, by: int) -> None:
        self.number = min(max(self.number + by, self.minimum), self.maximum)
        self.shown.setText(str(self.number))
        self.less.setEnabled(self.number > self.minimum)
        self.more.setEnabled(self.number < self.maximum)
        self.changed.emit()

    def value(self) -> int:
        return self.number

    def set_names(self, less: str, more: str) -> None:
        self.less.setAccessibleName(less)
        self.more.setAccessibleName(more)


class DayStepper(QWidget):
    """A date from `first` to `last`, moved a day or a month at a time (no calendar to aim at)."""

    changed = Signal()

    def __init__(self, first: date, last: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.first, self.last, self.day = first, last, first
        self.texts: Texts | None = None
        self.month_back = button("◀◀")
        self.day_back = button("◀")
        self.day_on = button("▶")
        self.month_on = button("▶▶")
        self.shown = label(object_name="heading", wrap=False)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.month_back, self.day_back, self.shown, self.day_on, self.month_on):
            row.addWidget(widget)
        row.addStretch(1)
        self.month_back.clicked.connect(lambda: self.shift(months=-1))
        self.day_back.clicked.connect(lambda: self.shift(days=-1))
        self.day_on.clicked.connect(lambda: self.shift(days=1))
        self.month_on.clicked.connect(lambda: self.shift(months=1))
        self.shift()

    def shift(self, days: int = 0, months: int = 0) -> None:
        """The day moved by `days`, and by `months` of 30 days, within first..last (not `move`: QWidget's own)."""
        target = self.day + timedelta(days=days + 30 * months)
        self.day = min(max(target, self.first), self.last)
        for control in (self.month_back, self.day_back):
            control.setEnabled(self.day > self.first)
        for control in (self.day_on, self.month_on):
            control.setEnabled(self.day < self.last)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        self.shown.setText((self.texts or Texts(SOURCE_LANGUAGE)).day(self.day))

    def value(self) -> str:
        return self.day.isoformat()

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        for control, key in (
            (self.month_back, "request.month_back"),
            (self.day_back, "request.day_back"),
            (self.day_on, "request.day_on"),
            (self.month_on, "request.month_on"),
        ):
            control.setAccessibleName(texts(key))
        self._show()


# One touch control per form field (see _control).
FieldControl = OptionGrid | NumberStepper | DayStepper | QLineEdit


class ConciergeRequestScreen(Screen):
    submitted = Signal(object)  # ConciergeRequest

    def __init__(
        self, services: KioskServices, texts: Texts, actor: Callable[[], Actor], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the person alone, or a correspondent acting for them
        self.offer: ServiceOffer | None = None
        self.who: Identified | None = None
        self.controls: dict[str, FieldControl] = {}
        self.field_labels: dict[str, QLabel] = {}
        self.field_errors: dict[str, QLabel] = {}  # a problem is said next to its field
        self.title = label(object_name="title")
        self.hours = label(object_name="muted")
        self.fields = QVBoxLayout()
        self.fields.setSpacing(10)
        self.price = label(object_name="lead")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        card = QFrame()
        card.setObjectName("card")
        summary = QVBoxLayout(card)
        summary.setContentsMargins(28, 16, 28, 16)
        summary.addWidget(self.price)
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.hours)
        layout.addLayout(self.fields)
        layout.addWidget(card)
        layout.addWidget(self.error)
        layout.addWidget(self.send)
        layout.addStretch(1)
        self.page = ScrollingPage(self.body)
        QVBoxLayout(self).addWidget(self.page)
        self.send.clicked.connect(self.submit)

    def start(self, service_id: str, who: Identified | None) -> None:
        """The service's form; with nobody identified (yet), it shows but sends nothing."""
        self.reset()
        self.who = who
        try:
            self.offer = self.services.concierge.form(service_id)
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            self.retranslate(self.texts)
            return
        for field in self.offer.form.fields:
            heading = label(object_name="heading")
            field_error = label(object_name="error")
            field_error.hide()
            control = self._control(field)
            self.field_labels[field.name] = heading
            self.field_errors[field.name] = field_error
            self.controls[field.name] = control
            for widget in (heading, field_error, control):
                self.fields.addWidget(widget)
        self.retranslate(self.texts)

    def _control(self, field: FormField) -> FieldControl:
        control: OptionGrid | NumberStepper | DayStepper
        if field.kind in (FieldKind.CHOICE, FieldKind.DAY, FieldKind.CHOICES, FieldKind.WEEKDAYS):
            control = OptionGrid(
                [o.code for o in field.options], many=field.kind in (FieldKind.CHOICES, FieldKind.WEEKDAYS)
            )
        elif field.kind is FieldKind.NUMBER:
            start = field.default if isinstance(field.default, int) else field.minimum
            control = NumberStepper(field.minimum, field.maximum, start)
        elif field.kind is FieldKind.DATE:
            today = self.services.catalog.now().date()
            control = DayStepper(today + timedelta(days=field.minimum), today + timedelta(days=field.maximum))
        else:
            text = QLineEdit()
            text.setMaxLength(field.maximum + 1)  # one more than allowed: too long is reported, never cut
            text.textEdited.connect(lambda _text: self._refresh_price())
            return text
        control.changed.connect(self._refresh_price)
        return control

    def answers(self) -> dict[str, object]:
        answers: dict[str, object] = {}
        for name, control in self.controls.items():
            value = control.text() if isinstance(control, QLineEdit) else control.value()
            if value not in (None, "", []):
                answers[name] = value
        return answers

    def _refresh_price(self) -> None:
        texts = self.texts
        if self.offer is None:
            self.price.clear()
            return
        service = self.offer.service
        if service.price_cents is None:
            self.price.setText(texts("request.quote"))
            return
        try:
            total = self.services.concierge.estimate(service.id, self.answers()).total_cents
        except KioskError:
            total = None  # not all answered yet: the unit price says enough
        if service.price_cents == 0:
            self.price.setText(texts("concierge.free"))
        elif total is not None and total != service.price_cents:
            self.price.setText(texts("request.total", price=texts.money(total)))
        else:
            unit = service.price_unit(texts.language)
            self.price.setText(texts("concierge.price", price=texts.money(service.price_cents), unit=unit).strip())

    def submit(self) -> None:
        if self.offer is None or self.who is None:
            return
        self._clear_problems()
        try:
            request = self.services.concierge.submit(self.actor(), self.who, self.offer.service.id, self.answers())
        except KioskError as problem:
            field = problem.field if isinstance(problem, ConciergeFormError) else None
            shown = self.field_errors.get(field, self.error) if field else self.error
            shown.setText(problem.message(self.texts.language))
            shown.show()
            # Once laid out: the field's heading, its message and the control all in view.
            target = self.field_labels.get(field, self.error) if field else self.error
            QTimer.singleShot(0, lambda: self.page.area.ensureWidgetVisible(target, 0, 200))
            return
        self.submitted.emit(request)

    def _clear_problems(self) -> None:
        self.error.clear()
        for problem in self.field_errors.values():
            problem.clear()
            problem.hide()

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.send.setText(texts("request.send"))
        self.send.setEnabled(self.offer is not None)
        if self.offer is None:
            self.title.setText(texts("request.gone") if self.error.text() else "")
            self.hours.clear()
            self.price.clear()
            return
        service = self.offer.service
        self.title.setText(service.name(texts.language))
        self.hours.setText(service.hours(texts.language))
        for field in self.offer.form.fields:
            name = field.label(texts.language)
            self.field_labels[field.name].setText(name)
            control = self.controls[field.name]
            if isinstance(control, OptionGrid):
                control.set_labels([option.text(texts.language) for option in field.options])
            elif isinstance(control, NumberStepper):
                control.set_names(texts("request.less", name=name), texts("request.more", name=name))
            elif isinstance(control, DayStepper):
                control.retranslate(texts)
            else:
                control.setAccessibleName(name)
        self._refresh_price()

    def reset(self) -> None:
        """Nothing of the last person's request stays on screen."""
        self.offer = None
        self.who = None
        self.controls = {}
        self.field_labels = {}
        self.field_errors = {}
        empty_layout(self.fields)
        self.error.clear()
        self.retranslate(self.texts)


class ConciergeDoneScreen(ReceiptScreen[ConciergeRequest]):
    """The request is recorded: say so, give the pickup code and when to come, print the ticket at once."""

    again_key = "ticket.again"
    reprint_key = "ticket.reprint"
    running_key = "ticket.running"

    def reference(self, request: ConciergeRequest) -> str:
        return request.request_id

    def describe(self, request: ConciergeRequest, texts: Texts) -> None:
        self.headline.setText(texts("request.done"))
        self.code.setText(texts("request.code", code=request.short_code))
        ready = ready_from(form_for(request.service_id), request)
        key = "request.when_day" if request.collect_on else "request.when_desk"
        self.next_step.setText(texts(key, when=texts.moment(ready)))
        self.code_hint.setText(texts("request.code_hint"))
        owed = self.services.payments.balance_of_request(request)
        self.add_recap(texts("done.price"), balance_text(owed, texts, on_quotation=request.estimate_cents is None))

    def send_to_printer(self, request: ConciergeRequest, done: Callable[[str, str, bool], None]) -> None:
        print_pickup_ticket(self.services.vouchers, request, self.texts, done)
