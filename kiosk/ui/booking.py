"""Booking a session: choose who takes part, see the price, confirm; then the code and the voucher."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.domain.booking import Booking, BookingState, cancellation_open
from kiosk.domain.catalog import Offer, Session
from kiosk.domain.voucher import short_code
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.payment import balance_text
from kiosk.ui.printing import print_booking_voucher
from kiosk.ui.receipt import ReceiptScreen
from kiosk.ui.widgets import FlowLayout, ScrollingPage, button, empty_layout, label


class BookingScreen(QWidget):
    booked = Signal(object)  # Booking

    def __init__(
        self, services: KioskServices, texts: Texts, actor: Callable[[], Actor], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the person alone, or a correspondent acting for them
        self.offer: Offer | None = None
        self.session: Session | None = None
        self.who: Identified | None = None
        self.title = label(object_name="title")
        self.when = label(object_name="heading")
        self.place = label(object_name="muted")
        self.who_title = label(object_name="heading")
        people = QWidget()
        self.people = FlowLayout(people, spacing=14)
        self.people_buttons: dict[str, object] = {}
        self.price = label(object_name="lead")
        self.total = label(object_name="total")
        self.outcome = label(object_name="lead")
        self.confirm = button(object_name="primary", big=True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 8)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.when)
        layout.addWidget(self.place)
        layout.addWidget(self.who_title)
        layout.addWidget(people)
        layout.addWidget(self.price)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        # The total and "Confirmer" stay in view below the part that scrolls.
        footer = QFrame()
        footer.setObjectName("card")
        footer_layout = QHBoxLayout(footer)
        footer_layout.setContentsMargins(28, 12, 28, 12)
        footer_layout.setSpacing(24)
        footer_layout.addWidget(self.total, 1)
        footer_layout.addWidget(self.confirm, 0, Qt.AlignmentFlag.AlignVCenter)
        screen = QVBoxLayout(self)
        screen.addWidget(self.page, 1)
        screen.addWidget(footer)
        screen.setContentsMargins(60, 0, 60, 12)
        self.confirm.clicked.connect(self._book)

    def start(self, offer_id: str, session_id: str, who: Identified) -> None:
        self.offer = self.services.catalog.offer(offer_id)
        self.session = self.offer.session(session_id) if self.offer else None
        self.who = who
        empty_layout(self.people)
        self.people_buttons = {}
        for person in who.household.members:
            choice = button()
            choice.setCheckable(True)
            choice.setChecked(person.person_id == who.person.person_id)
            choice.setMinimumHeight(72)
            choice.toggled.connect(lambda _checked: self._refresh())
            self.people_buttons[person.person_id] = choice
            self.people.addWidget(choice)
        self.retranslate(self.texts)

    def chosen(self) -> list[str]:
        return [pid for pid, choice in self.people_buttons.items() if choice.isChecked()]

    def _refresh(self) -> None:
        texts = self.texts
        if self.offer is None or self.session is None or self.who is None:
            self.confirm.setEnabled(False)
            return
        try:
            # Not enough places left: the person is offered the waiting list, never just a "no".
            quote = self.services.bookings.quote(
                self.offer.id, self.session.id, self.who.household, self.chosen(), waitlist=True
            )
        except KioskError as problem:
            self.price.setText("")
            self.total.setText("")
            self.outcome.setText(problem.message(texts.language))
            self.outcome.setObjectName("full")
            self.confirm.setEnabled(False)
        else:
            if quote.unit_cents == 0:
                self.price.setText(texts("book.free"))
            else:
                self.price.setText(
                    texts("book.unit", price=texts.money(quote.unit_cents), tier=self.who.household.tier)
                )
            self.total.setText(
                texts("book.total", price=texts.money(quote.total_cents))
                if quote.total_cents
                else texts("book.total.free")
            )
            confirmed = quote.state == BookingState.CONFIRMED
            count = len(self.chosen())
            if quote.state == BookingState.WAITLISTED:
                self.outcome.setText(texts("book.will_wait"))
                self.confirm.setText(texts("book.confirm_wait"))
            elif quote.lease_short and self.services.bookings.can_ask_centre():
                # This kiosk's own seats are short, but the centre answers: it is asked while the person waits.
                self.outcome.setText(texts("book.will_ask"))
                self.confirm.setText(texts("book.confirm"))
            elif not confirmed:
                self.outcome.setText(texts("book.will_request"))
                self.confirm.setText(texts("book.confirm_request"))
            else:
                self.outcome.setText(
                    texts("book.will_confirm.many", count=count) if count > 1 else texts("book.will_confirm")
                )
                self.confirm.setText(texts("book.confirm"))
            if not cancellation_open(self.offer, self.session, self.services.catalog.now()):
                # Said before, not after: past the deadline the place cannot be given back here.
                self.outcome.setText(f"{self.outcome.text()}\n{texts('book.no_cancel')}")
            self.outcome.setObjectName("places" if confirmed else "lead")
            self.confirm.setEnabled(True)
        self.outcome.style().polish(self.outcome)

    def _book(self) -> None:
        try:
            booking = self.services.bookings.book(
                self.actor(), self.who, self.offer.id, self.session.id, self.chosen(), waitlist=True
            )
        except KioskError as problem:
            self.outcome.setText(problem.message(self.texts.language))
            self.outcome.setObjectName("full")
            self.outcome.style().polish(self.outcome)
            self.confirm.setEnabled(False)
            return
        self.booked.emit(booking)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.who_title.setText(texts("book.who"))
        if self.offer is None or self.session is None or self.who is None:
            self.title.setText(texts("detail.missing"))
            self.when.clear()
            self.place.clear()
            self.confirm.setEnabled(False)
            return
        self.title.setText(self.offer.title)
        self.when.setText(texts.span(self.session.start, self.session.end))
        self.place.setText(self.session.place or self.offer.location)
        for person in self.who.household.members:
            age = person.age_on(self.session.start.date())
            text = f"{person.first_name}  ·  {texts('book.age', age=age)}"
            self.people_buttons[person.person_id].setText(text)
            self.people_buttons[person.person_id].setAccessibleName(
                f"{person.display_name}, {texts('book.age', age=age)}"
            )
        self._refresh()

    def reset(self) -> None:
        self.offer = self.session = self.who = None
        empty_layout(self.people)
        self.people_buttons = {}
        self.retranslate(self.texts)


class BookingDoneScreen(ReceiptScreen):
    """The booking is recorded: say so plainly, give the code, print the voucher straight away."""

    def reference(self, booking: Booking) -> str:
        return booking.booking_id

    def describe(self, booking: Booking, texts: Texts) -> None:
        confirmed = booking.state == BookingState.CONFIRMED
        waiting = booking.state == BookingState.WAITLISTED
        self.headline.setText(texts("done.confirmed" if confirmed else "done.waiting" if waiting else "done.requested"))
        self.code.setText(texts("done.code", code=short_code(booking.booking_id)))
        self.code_hint.setText(
            texts("done.code_hint") if confirmed else texts("book.will_wait") if waiting else texts("book.will_request")
        )
        paper = self.services.vouchers.voucher(booking)
        self.add_recap(texts("done.what"), paper.title)
        self.add_recap(texts("done.when"), texts.span(paper.start, paper.end or paper.start))
        self.add_recap(texts("done.where"), paper.place)
        self.add_recap(texts("done.who"), "\n".join(paper.participants))
        self.add_recap(texts("done.price"), balance_text(self.services.payments.balance_of_booking(booking), texts))

    def send_to_printer(self, booking: Booking, done: Callable[[str, str, bool], None]) -> None:
        print_booking_voucher(self.services.vouchers, booking, self.texts, done)
