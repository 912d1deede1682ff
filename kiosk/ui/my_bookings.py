"""A household's bookings and concierge requests with their state and what is left to pay, to cancel (once
confirmed) or print again, by the person or a correspondent beside them (the services audit the latter);
in assisted mode, to take a payment."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.domain.booking import ACTIVE_STATES, Booking, BookingState, cancellation_deadline, cancellation_open
from kiosk.domain.concierge import STATE_LABELS, ConciergeRequest, RequestState
from kiosk.domain.household import Household
from kiosk.domain.payment import SubjectKind
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.services.vouchers import pickup_state
from kiosk.ui.payment import balance_text
from kiosk.ui.printing import print_voucher
from kiosk.ui.widgets import Overlay, ScrollingPage, button, empty_layout, label

STATE_STYLE = {
    BookingState.CONFIRMED: "places",
    BookingState.REFUSED: "full",
}
REQUEST_STYLE = {
    RequestState.READY: "places",
    RequestState.REFUSED: "full",
}


class MyBookingsScreen(QWidget):
    cancel_requested = Signal(str)  # booking id
    pay_requested = Signal(str, str)  # "booking" or "request", its id: a correspondent takes a payment
    print_requested = Signal(str)
    request_cancel_requested = Signal(str)  # concierge request id
    request_print_requested = Signal(str)
    notices_requested = Signal()  # the person's e-mail notices: give an address, or stop

    def __init__(
        self,
        services: KioskServices,
        texts: Texts,
        actor: Callable[[], Actor],
        notice: Overlay,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the person alone, or a correspondent acting for them
        self.notice = notice  # the window's, to confirm a cancellation
        self.who: Identified | None = None
        self.status: dict[str, str] = {}  # booking or request id -> last message (printing, cancelling)
        self.title = label(object_name="title")
        self.notices = button()
        self.notices.clicked.connect(self.notices_requested)
        self.content = QWidget()
        self.body = QVBoxLayout(self.content)
        self.body.setSpacing(12)
        self.page = ScrollingPage(self.content)
        self.scroll_buttons = self.page.scroll_buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.notices)
        layout.addLayout(heading)
        layout.addWidget(self.page, 1)
        self.cancel_requested.connect(self.confirm_cancel)
        self.print_requested.connect(self.reprint)
        self.request_cancel_requested.connect(self.confirm_request_cancel)
        self.request_print_requested.connect(self.reprint_ticket)

    @property
    def household(self) -> Household | None:
        return self.who.household if self.who else None

    def show_person(self, who: Identified) -> None:
        self.who = who
        self.status = {}
        self.refresh()

    def set_status(self, reference: str, message: str, _printed: bool = False) -> None:
        self.status[reference] = message
        self.refresh()

    def refresh(self) -> None:
        empty_layout(self.body)
        if self.household is None:
            return
        bookings = self.services.bookings.bookings(self.household)
        requests = self.services.concierge.requests_for(self.household)
        if not bookings:
            self.body.addWidget(label(self.texts("mine.none"), "heading"))
        for booking in bookings:
            self.body.addWidget(self._card(booking))
        if requests:
            self.body.addWidget(label(self.texts("mine.requests"), "title"))
        for request in requests:
            self.body.addWidget(self._request_card(request))
        self.body.addStretch(1)

    def _card(self, booking: Booking) -> QFrame:
        texts = self.texts
        offer = self.services.catalog.offer(booking.offer_id)
        session = offer.session(booking.session_id) if offer else None
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        words.addWidget(label(offer.title if offer else texts("mine.withdrawn"), "heading"))
        if session:
            words.addWidget(label(texts.span(session.start, session.end)))
        names = [self.household.member(pid).first_name for pid in booking.participants if self.household.member(pid)]
        owed = self.services.payments.balance_of_booking(booking)
        words.addWidget(label(", ".join(names) + " · " + balance_text(owed, texts), "muted"))
        state = texts(f"mine.state.{booking.state.value}")
        reason = booking.reason_fr if texts.language == "fr" else booking.reason_en
        words.addWidget(label(f"{state} — {reason}" if reason else state, STATE_STYLE.get(booking.state, "heading")))
        if booking.booking_id in self.status:
            words.addWidget(label(self.status[booking.booking_id]))
        row.addLayout(words, 1)
        actions = QVBoxLayout()
        if booking.state in ACTIVE_STATES and session is not None:
            printing = button(texts("mine.print"), object_name="primary")
            printing.clicked.connect(lambda: self.print_requested.emit(booking.booking_id))
            actions.addWidget(printing)
            if cancellation_open(offer, session, self.services.catalog.now()):
                cancelling = button(texts("mine.cancel"))
                cancelling.clicked.connect(lambda: self.cancel_requested.emit(booking.booking_id))
                actions.addWidget(cancelling)
            else:  # offered only while allowed; past the deadline, who can still help
                deadline = cancellation_deadline(offer, session)
                words.addWidget(label(texts("mine.cancel.too_late", when=texts.moment(deadline)), "muted"))
        self._pay_button(actions, owed.owed_cents, SubjectKind.BOOKING, booking.booking_id)
        row.addLayout(actions)
        return card

    def _request_card(self, request: ConciergeRequest) -> QFrame:
        texts = self.texts
        fr = texts.language == "fr"
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        words.addWidget(label(self.services.concierge.title(request, texts.language), "heading"))
        for field, value in self.services.concierge.describe(request, texts.language):
            words.addWidget(label(f"{field} : {value}" if fr else f"{field}: {value}"))
        owed = self.services.payments.balance_of_request(request)
        price = balance_text(owed, texts, on_quotation=request.estimate_cents is None)
        words.addWidget(label(texts("mine.request.code", code=request.short_code) + " · " + price, "muted"))
        state = STATE_LABELS[request.state][0 if fr else 1]
        reason = (request.reason.fr if fr else request.reason.en) if request.reason else ""
        words.addWidget(label(f"{state} — {reason}" if reason else state, REQUEST_STYLE.get(request.state, "heading")))
        if request.request_id in self.status:
            words.addWidget(label(self.status[request.request_id]))
        row.addLayout(words, 1)
        actions = QVBoxLayout()
        if pickup_state(request) is not None:
            printing = button(texts("mine.request.print"), object_name="primary")
            printing.clicked.connect(lambda: self.request_print_requested.emit(request.request_id))
            actions.addWidget(printing)
        if request.state is RequestState.SUBMITTED:
            cancelling = button(texts("mine.cancel"))
            cancelling.clicked.connect(lambda: self.request_cancel_requested.emit(request.request_id))
            actions.addWidget(cancelling)
        self._pay_button(actions, owed.owed_cents, SubjectKind.REQUEST, request.request_id)
        actions.addStretch(1)
        row.addLayout(actions)
        return card

    def _pay_button(self, actions: QVBoxLayout, owed_cents: int, kind: SubjectKind, subject_id: str) -> None:
        """A correspondent beside the person takes what is still owed."""
        if self.actor().staff is None or owed_cents == 0:
            return
        paying = button(self.texts("pay.button"), accessible_name=self.texts("pay.button.name"))
        paying.clicked.connect(lambda: self.pay_requested.emit(kind.value, subject_id))
        actions.addWidget(paying)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.title.setText(texts("mine.title"))
        self.notices.setText(texts("mine.notices"))
        self.notices.setAccessibleName(texts("mine.notices.name"))
        self.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.refresh()

    # -- what the person (or the correspondent beside them) does -----------------------------

    def confirm_cancel(self, booking_id: str) -> None:
        booking = self.services.bookings.booking(booking_id)
        offer = self.services.catalog.offer(booking.offer_id) if booking else None
        session = offer.session(booking.session_id) if offer else None
        if session is None:
            return
        texts = self.texts
        self.notice.open(
            texts("mine.cancel.title"),
            texts("mine.cancel.message", title=offer.title, when=texts.span(session.start, session.end)),
            texts("mine.cancel.no"),
            secondary=texts("mine.cancel.yes"),
            on_secondary=lambda: self.cancel(booking_id),
        )

    def cancel(self, booking_id: str) -> None:
        try:
            self.services.bookings.cancel(self.actor(), self.who, booking_id)
        except KioskError as problem:
            self.set_status(booking_id, problem.message(self.texts.language))
            return
        self.set_status(booking_id, self.texts("mine.cancelled"))

    def reprint(self, booking_id: str) -> None:
        actor = self.actor()
        self.set_status(booking_id, self.texts("print.running"))
        print_voucher(
            self.services.vouchers,
            lambda: self.services.vouchers.reprint_booking(actor, booking_id),
            booking_id,
            self.texts,
            self.set_status,
            kept_key="print.kept.here",
        )

    def confirm_request_cancel(self, request_id: str) -> None:
        request = self.services.concierge.request(request_id)
        if request is None:
            return
        texts = self.texts
        name = self.services.concierge.service_name(request.service_id, texts.language)
        self.notice.open(
            texts("mine.request.cancel.title"),
            texts("mine.request.cancel.message", name=name),
            texts("mine.cancel.no"),
            secondary=texts("mine.cancel.yes"),
            on_secondary=lambda: self.cancel_request(request_id),
        )

    def cancel_request(self, request_id: str) -> None:
        try:
            self.services.concierge.cancel(self.actor(), self.who, request_id)
        except KioskError as problem:
            self.set_status(request_id, problem.message(self.texts.language))
            return
        self.set_status(request_id, self.texts("mine.request.cancelled"))

    def reprint_ticket(self, request_id: str) -> None:
        actor, language = self.actor(), self.texts.language
        self.set_status(request_id, self.texts("ticket.running"))
        print_voucher(
            self.services.vouchers,
            lambda: self.services.vouchers.reprint_pickup(actor, request_id, language),
            request_id,
            self.texts,
            self.set_status,
            done_key="ticket.done",
            kept_key="ticket.kept.here",
        )

    def reset(self) -> None:
        self.who = None
        self.status = {}
        empty_layout(self.body)
