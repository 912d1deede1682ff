"""A household's bookings and concierge requests with their state and what is left to pay, to cancel (once
confirmed) or print again, by the person or a correspondent beside them (the services audit the latter);
in assisted mode, to take a payment."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.domain.booking import ACTIVE_STATES, Booking, BookingState, cancellation_deadline, cancellation_open
from kiosk.domain.concierge import ConciergeRequest, RequestState, state_key
from kiosk.domain.household import Household
from kiosk.domain.payment import SubjectKind
from kiosk.domain.stay_wishes import StayRequest, StayRequestState
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.services.vouchers import pickup_state
from kiosk.ui.payment import balance_text
from kiosk.ui.printing import print_voucher
from kiosk.ui.widgets import Overlay, Screen, ScrollingPage, button, empty_layout, label

STATE_STYLE = {
    BookingState.CONFIRMED: "places",
    BookingState.REFUSED: "full",
}
STAY_STYLE = {
    StayRequestState.PROPOSED: "places",
    StayRequestState.ACCEPTED: "places",
    StayRequestState.REFUSED: "full",
    StayRequestState.EXPIRED: "full",
}
REQUEST_STYLE = {
    RequestState.READY: "places",
    RequestState.REFUSED: "full",
}


class MyBookingsScreen(Screen):
    cancel_requested = Signal(str)  # booking id
    pay_requested = Signal(str, str)  # "booking" or "request", its id: a correspondent takes a payment
    print_requested = Signal(str)
    request_cancel_requested = Signal(str)  # concierge request id
    request_print_requested = Signal(str)
    wishes_requested = Signal()  # the person makes their holiday-stay wishes
    stay_answer_requested = Signal(str, bool)  # stay request id, accept: the answer to the centre's proposal
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
        self.stay_answer_requested.connect(self.confirm_stay_answer)

    @property
    def household(self) -> Household | None:
        return self.who.household if self.who else None

    def show_person(self, who: Identified | None) -> None:
        """The person's bookings and requests; nobody's with nobody identified."""
        self.who = who
        self.status = {}
        self.refresh()

    def set_status(self, reference: str, message: str, _printed: bool = False) -> None:
        self.status[reference] = message
        self.refresh()

    def refresh(self) -> None:
        empty_layout(self.body)
        household = self.household
        if household is None:
            return
        bookings = self.services.bookings.bookings(household)
        requests = self.services.concierge.requests_for(household)
        self._stay_requests()
        if not bookings:
            self.body.addWidget(label(self.texts("mine.none"), "heading"))
        for booking in bookings:
            self.body.addWidget(self._card(booking, household))
        if requests:
            self.body.addWidget(label(self.texts("mine.requests"), "title"))
        for request in requests:
            self.body.addWidget(self._request_card(request))
        self.body.addStretch(1)

    def _card(self, booking: Booking, household: Household) -> QFrame:
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
        names = [member.first_name for pid in booking.participants if (member := household.member(pid))]
        owed = self.services.payments.balance_of_booking(booking)
        words.addWidget(label(", ".join(names) + " · " + balance_text(owed, texts), "muted"))
        state = texts(f"mine.state.{booking.state.value}")
        reason = booking.reason.message(texts.language)
        words.addWidget(label(f"{state} — {reason}" if reason else state, STATE_STYLE.get(booking.state, "heading")))
        if booking.booking_id in self.status:
            words.addWidget(label(self.status[booking.booking_id]))
        row.addLayout(words, 1)
        actions = QVBoxLayout()
        if booking.state in ACTIVE_STATES and offer is not None and session is not None:
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

    def _stay_requests(self) -> None:
        """The household's holiday-stay wishes first (a proposal waits for an answer), and a way to make them."""
        assert self.household is not None
        texts = self.texts
        stays = self.services.wishes.requests(self.household)
        open_stays = self.services.wishes.open_stays()
        if not stays and not open_stays:
            return
        self.body.addWidget(label(texts("stays.title"), "title"))
        for request in stays:
            self.body.addWidget(self._stay_card(request))
        if open_stays:
            making = button(texts("stays.make"), object_name="" if stays else "primary", big=not stays)
            making.clicked.connect(self.wishes_requested)
            self.body.addWidget(making, 0, Qt.AlignmentFlag.AlignLeft)

    def _stay_card(self, request: StayRequest) -> QFrame:
        texts = self.texts
        now = self.services.catalog.now()
        state = request.shown_state(now)
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        words.addWidget(label(texts("stays.sent_on", when=texts.day(request.created_at.date())), "muted"))
        for rank, wish in enumerate(request.wishes, start=1):
            offer = self.services.catalog.offer(wish.offer_id)
            session = next((s for s in offer.sessions if s.id == wish.session_id), None) if offer else None
            when = texts.span(session.start, session.end) if session else ""
            what = texts("stays.wish", rank=rank, title=offer.title if offer else wish.offer_id, when=when)
            words.addWidget(label(what, "heading" if rank == request.proposed_rank else ""))
        said = {
            StayRequestState.PROPOSED: texts("stays.state.proposed", rank=request.proposed_rank or 1),
            StayRequestState.WAITLISTED: texts("stays.state.waitlisted", position=request.waitlist_position or 1),
        }.get(state, texts(f"stays.state.{state.value}"))
        words.addWidget(label(said, STAY_STYLE.get(state, "heading")))
        if state is StayRequestState.PROPOSED and request.answer_by is not None:
            words.addWidget(label(texts("stays.answer_by", when=texts.moment(request.answer_by)), "emphasis"))
        reason = request.reason.message(texts.language)
        if reason:
            words.addWidget(label(reason, "muted"))
        if request.request_id in self.status:
            words.addWidget(label(self.status[request.request_id]))
        row.addLayout(words, 1)
        if state is StayRequestState.PROPOSED:
            actions = QVBoxLayout()
            accepting = button(texts("stays.accept"), object_name="primary", big=True)
            accepting.clicked.connect(lambda: self.stay_answer_requested.emit(request.request_id, True))
            declining = button(texts("stays.decline"))
            declining.clicked.connect(lambda: self.stay_answer_requested.emit(request.request_id, False))
            actions.addWidget(accepting)
            actions.addWidget(declining)
            actions.addStretch(1)
            row.addLayout(actions)
        return card

    def _request_card(self, request: ConciergeRequest) -> QFrame:
        texts = self.texts
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        words.addWidget(label(self.services.concierge.title(request, texts.language), "heading"))
        for field, value in self.services.concierge.describe(request, texts.language):
            words.addWidget(label(texts("concierge.answer", name=field, value=value)))
        owed = self.services.payments.balance_of_request(request)
        price = balance_text(owed, texts, on_quotation=request.estimate_cents is None)
        words.addWidget(label(texts("mine.request.code", code=request.short_code) + " · " + price, "muted"))
        state = texts(state_key(request.state))
        reason = request.reason.message(texts.language) if request.reason else ""
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
        if booking is None:
            return
        offer = self.services.catalog.offer(booking.offer_id)
        session = offer.session(booking.session_id) if offer else None
        if offer is None or session is None:
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
        if self.who is None:
            return  # the person has gone: their cards went with them (reset)
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
        if self.who is None:
            return  # the person has gone: their cards went with them (reset)
        try:
            self.services.concierge.cancel(self.actor(), self.who, request_id)
        except KioskError as problem:
            self.set_status(request_id, problem.message(self.texts.language))
            return
        self.set_status(request_id, self.texts("mine.request.cancelled"))

    def confirm_stay_answer(self, request_id: str, accept: bool) -> None:
        """Accepting or declining a proposed stay is said back before it is done (declining cannot be undone)."""
        request = self.services.wishes.request(request_id)
        wish = request.proposed_wish if request else None
        offer = self.services.catalog.offer(wish.offer_id) if wish else None
        if offer is None:
            return
        texts = self.texts
        verb = "accept" if accept else "decline"
        self.notice.open(
            texts(f"stays.{verb}.title"),
            texts(f"stays.{verb}.message", title=offer.title),
            texts("stays.answer.no"),
            secondary=texts(f"stays.{verb}.yes"),
            on_secondary=lambda: self.answer_stay(request_id, accept),
        )

    def answer_stay(self, request_id: str, accept: bool) -> None:
        if self.who is None:  # the person has gone meanwhile
            return
        try:
            self.services.wishes.answer(self.actor(), self.who, request_id, accept)
        except KioskError as problem:
            self.set_status(request_id, problem.message(self.texts.language))
            return
        self.set_status(request_id, self.texts("stays.accepted" if accept else "stays.declined"))

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
