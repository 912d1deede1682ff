"""Assisted mode: the correspondent takes a payment at the desk, or corrects one by a new entry.

What is owed, what was paid (each entry with "Corriger"), then the amount, the means and, for a
card on the site's own terminal, its ticket reference. Every entry goes through PaymentService,
which audits it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.payment import DESK_MEANS, Balance, Means, Payment, SubjectKind
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.ui.widgets import ChoiceRow, FlowLayout, Screen, ScrollingPage, button, empty_layout, label


def balance_text(owed: Balance, texts: Texts, on_quotation: bool = False) -> str:
    """What a person reads of a price: free, on quotation, to pay, partly paid, or paid."""
    if owed.total_cents == 0:
        return texts("pay.quote") if on_quotation else texts("pay.free")
    total = texts.money(owed.total_cents)
    if owed.settled:
        return texts("pay.settled", total=total)
    if owed.paid_cents > 0:
        return texts("pay.part", total=total, paid=texts.money(owed.paid_cents), owed=texts.money(owed.owed_cents))
    return texts("pay.owed", total=total)


def payment_line(payment: Payment, texts: Texts) -> str:
    values = {
        "when": texts.moment(payment.recorded_at),
        "amount": texts.money(abs(payment.amount_cents)),
        "means": texts(f"pay.means.{payment.means.value}"),
        "reference": payment.reference,
    }
    if payment.corrects is not None:
        return texts("pay.line.correction", **values)
    return texts("pay.line.ref" if payment.reference else "pay.line", **values)


class PaymentScreen(Screen):
    def __init__(
        self,
        services: KioskServices,
        texts: Texts,
        actor: Callable[[], Actor],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the signed-in correspondent
        self.kind: SubjectKind | None = None
        self.subject_id = ""
        self.correcting: Payment | None = None
        self.title = label(object_name="title")
        self.subject = label(object_name="heading")
        self.summary = label(object_name="lead")
        self.history_title = label(object_name="heading")
        self.history = QVBoxLayout()
        self.correction = label(object_name="lead")
        self.amount = QLineEdit()
        self.amount.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.amount.setMaxLength(12)
        self.amount_label = label(object_name="heading")
        self.means_label = label(object_name="heading")
        self.means = ChoiceRow(DESK_MEANS)
        self.reference = QLineEdit()
        self.reference.setMaxLength(40)
        self.reference_label = label(object_name="heading")
        self.reference_hint = label(object_name="muted")
        self.message = label(object_name="lead")
        self.error = label(object_name="error")
        self.submit = button(object_name="primary", big=True)
        self.cancel_correction = button()
        form = QFormLayout()
        form.setHorizontalSpacing(24)
        # A label too long to sit beside its field (larger text, a portrait screen) goes above it, whole.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.amount_label, self.amount)
        form.addRow(self.reference_label, self.reference)
        actions = FlowLayout(spacing=16)  # side by side, or one under the other on a narrow screen
        actions.addWidget(self.submit)
        actions.addWidget(self.cancel_correction)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        # What happened comes first, where the correspondent looks; what was paid before comes last.
        for widget in (self.title, self.subject, self.message, self.error, self.summary, self.correction):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.means_label)
        layout.addWidget(self.means)
        layout.addWidget(self.reference_hint)
        layout.addLayout(actions)
        layout.addWidget(self.history_title)
        layout.addLayout(self.history)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.submit.clicked.connect(self.submit_entry)
        self.amount.returnPressed.connect(self.submit_entry)
        self.cancel_correction.clicked.connect(lambda: self.start_correction(None))

    def start(self, kind: str, subject_id: str) -> None:
        self.kind, self.subject_id = SubjectKind(kind), subject_id
        self.correcting = None
        self.message.clear()
        self.error.clear()
        self.reference.clear()
        self.means.set_value(Means.CASH)
        self.refresh(prefill=True)

    def owed(self) -> tuple[str, Balance, bool]:
        """The subject's title, its balance, and whether it is on quotation."""
        assert self.kind is not None
        language = self.texts.language
        if self.kind is SubjectKind.BOOKING:
            booking = self.services.bookings.booking(self.subject_id)
            if booking is None:
                return "", Balance(0, 0), False
            offer = self.services.catalog.offer(booking.offer_id)
            return offer.title if offer else "", self.services.payments.balance_of_booking(booking), False
        request = self.services.concierge.request(self.subject_id)
        if request is None:
            return "", Balance(0, 0), False
        return (
            self.services.concierge.title(request, language),
            self.services.payments.balance_of_request(request),
            request.estimate_cents is None,
        )

    def refresh(self, prefill: bool = False) -> None:
        texts = self.texts
        empty_layout(self.history)
        if self.kind is None:
            self.subject.clear()
            self.summary.clear()
            return
        title, owed, on_quotation = self.owed()
        self.subject.setText(title)
        if owed.total_cents == 0:
            lines = [balance_text(owed, texts, on_quotation)]
        else:
            lines = [
                texts("pay.total", total=texts.money(owed.total_cents)),
                texts("pay.paid", paid=texts.money(owed.paid_cents)),
                texts("pay.left", owed=texts.money(owed.owed_cents)) if owed.owed_cents else texts("pay.nothing_left"),
            ]
        self.summary.setText("\n".join(lines))
        payments = self.services.payments.payments(self.kind, self.subject_id)
        self.history_title.setVisible(bool(payments))
        for payment in payments:
            row = QHBoxLayout()
            row.addWidget(label(payment_line(payment, texts)), 1)
            if payment.corrects is None:
                fix = button(texts("pay.correct"), accessible_name=texts("pay.correct.name"))
                fix.clicked.connect(lambda _=False, p=payment: self.start_correction(p))
                row.addWidget(fix)
            self.history.addLayout(row)
        correcting = self.correcting is not None
        self.correction.setVisible(correcting)
        if self.correcting is not None:
            self.correction.setText(texts("pay.correcting", line=payment_line(self.correcting, texts)))
        for widget in (self.means_label, self.means, self.reference, self.reference_label, self.reference_hint):
            widget.setVisible(not correcting)
        self.cancel_correction.setVisible(correcting)
        self.submit.setText(texts("pay.correct.record" if correcting else "pay.record"))
        self.submit.setEnabled(correcting or owed.owed_cents > 0)
        if prefill:
            self.amount.setText(texts.amount(owed.owed_cents) if owed.owed_cents else "")

    def start_correction(self, payment: Payment | None) -> None:
        self.correcting = payment
        self.error.clear()
        self.message.clear()
        self.amount.setText("" if payment is None else self.texts.amount(payment.amount_cents))
        self.refresh(prefill=payment is None)

    def submit_entry(self) -> None:
        texts = self.texts
        assert self.kind is not None
        try:
            if self.correcting is not None:
                entry = self.services.payments.correct(self.actor(), self.correcting.payment_id, self.amount.text())
                message = texts("pay.corrected", amount=texts.money(-entry.amount_cents))
            else:
                means = self.means.value()
                assert isinstance(means, Means)
                entry = self.services.payments.record(
                    self.actor(), self.kind, self.subject_id, self.amount.text(), means, self.reference.text()
                )
                message = texts(
                    "pay.recorded",
                    amount=texts.money(entry.amount_cents),
                    means=texts(f"pay.means.{entry.means.value}"),
                )
        except KioskError as problem:
            self.error.setText(problem.message(texts.language))
            self.message.clear()
            return
        self.error.clear()
        self.correcting = None
        self.reference.clear()
        self.refresh(prefill=True)
        self.message.setText(message)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("pay.title"))
        self.history_title.setText(texts("pay.history"))
        self.amount_label.setText(texts("pay.amount"))
        self.amount.setAccessibleName(texts("pay.amount"))
        self.means_label.setText(texts("pay.means"))
        self.means.set_labels([texts(f"pay.means.{means.value}") for means in DESK_MEANS])
        self.reference_label.setText(texts("pay.reference"))
        self.reference.setAccessibleName(texts("pay.reference"))
        self.reference_hint.setText(texts("pay.reference.hint"))
        self.cancel_correction.setText(texts("pay.correct.cancel"))
        self.refresh()

    def reset(self) -> None:
        """Nothing of the person's payments stays on screen."""
        self.kind, self.subject_id, self.correcting = None, "", None
        self.amount.clear()
        self.reference.clear()
        self.message.clear()
        self.error.clear()
        self.refresh()
