"""The correspondents' concierge queue: filter by state and service, move requests along their
lifecycle, find a request from its pickup ticket to hand it over, reprint a ticket.

Every call goes through ConciergeRequests / VoucherService with the correspondent as the actor,
which check their session and write the audit entries. The buttons on a card are the
moves the domain allows from the request's state (QueueItem.moves), so an illegal move
is never offered; if the request changed meanwhile, the service refuses and its
message is shown on the card.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.concierge import (
    CANCEL_CODES,
    FINAL_STATES,
    NEEDS_REASON,
    REFUSAL_CODES,
    RequestState,
    StateReason,
    move_key,
    ready_made_reason,
    state_key,
)
from kiosk.domain.payment import Balance
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.concierge import MAX_PICKUP_INPUT, QueueItem
from kiosk.services.context import KioskServices
from kiosk.ui.payment import balance_text
from kiosk.ui.printing import print_voucher
from kiosk.ui.widgets import (
    Choice,
    FlowLayout,
    Screen,
    ScrollingPage,
    button,
    empty_layout,
    label,
    overlay_dialog,
    plain_button_text,
)

OPEN, FINISHED = "open", "finished"
# The state filter: what is still in progress (the default), each open state, or what is finished.
STATE_FILTERS: tuple[str | RequestState, ...] = (
    OPEN,
    RequestState.SUBMITTED,
    RequestState.TAKEN,
    RequestState.AT_PROVIDER,
    RequestState.READY,
    FINISHED,
)
ALL_SERVICES = ""
STATE_STYLE = {RequestState.READY: "places", RequestState.REFUSED: "full", RequestState.CANCELLED: "full"}


class ChoiceGrid(QWidget, Generic[Choice]):
    """Big buttons, exactly one chosen, going on to the next line when the width runs out: a filter with
    more choices than fit on a line."""

    changed = Signal(object)  # the value chosen, a Choice

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._values: list[Choice] = []
        self._group = QButtonGroup(self)
        self._group.idClicked.connect(lambda index: self.changed.emit(self._values[index]))
        self._grid = FlowLayout(self, spacing=10)

    def set_choices(self, choices: Sequence[tuple[Choice, str]], chosen: Choice | None) -> None:
        """(value, label) pairs; `chosen` is checked, or the first if it is no longer among them."""
        for old in self._group.buttons():
            self._group.removeButton(old)
        empty_layout(self._grid)
        self._values = [value for value, _ in choices]
        for index, (value, text) in enumerate(choices):
            choice = button(plain_button_text(text), accessible_name=text)
            choice.setCheckable(True)
            self._group.addButton(choice, index)
            self._grid.addWidget(choice)
        if self._values:
            self._group.button(self._values.index(chosen) if chosen in self._values else 0).setChecked(True)

    def value(self) -> Choice | None:
        return self._values[self._group.checkedId()] if self._values else None

    def value_text(self) -> str:
        checked = self._group.checkedButton()  # one is, once there are choices (set_choices)
        return checked.accessibleName() if checked is not None else ""

    def select(self, value: Choice) -> None:
        if value in self._values:
            self._group.button(self._values.index(value)).setChecked(True)


class QueueCard(QFrame):
    """One request: what, for whom, its state, and a button for each move allowed from there."""

    move_chosen = Signal(str, object)  # request id, RequestState
    reprint_chosen = Signal(str)
    pay_chosen = Signal(str)  # request id: take what is still owed, at the hand-over

    def __init__(self, item: QueueItem, texts: Texts, now: datetime, status: str, owed: Balance):
        super().__init__()
        self.setObjectName("card")
        request = item.request
        self.request_id = request.request_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(8)
        heading = QHBoxLayout()
        heading.addWidget(label(f"{item.service_name.message(texts.language)} — {item.person_name}", "heading"), 1)
        state = label(texts(state_key(request.state)), STATE_STYLE.get(request.state, "emphasis"), wrap=False)
        heading.addWidget(state)
        layout.addLayout(heading)
        facts = [
            texts("queue.created", when=texts.freshness(request.created_at, now)),
            texts("queue.code", code=request.short_code),
            balance_text(owed, texts, on_quotation=request.estimate_cents is None),
        ]
        layout.addWidget(label("  ·  ".join(facts), "muted"))
        for name, value in item.details(texts.language):
            layout.addWidget(label(texts("concierge.answer", name=name, value=value)))
        if request.note:
            layout.addWidget(label(texts("queue.note", note=request.note)))
        if request.reason:
            layout.addWidget(label(texts("queue.reason", reason=request.reason)))
        # Side by side while they fit, then on the next line (larger text, a narrow screen): never cut.
        actions = QWidget()
        flow = FlowLayout(actions, spacing=12)
        choices = [(texts(move_key(target)), target) for target in item.moves]
        for index, (text, target) in enumerate(choices):
            move = button(plain_button_text(text), "primary" if index == 0 else None, accessible_name=text)
            move.clicked.connect(lambda _=False, t=target: self.move_chosen.emit(request.request_id, t))
            flow.addWidget(move)
        if request.state not in FINAL_STATES:
            reprint = button(texts("queue.reprint"), accessible_name=texts("queue.reprint"))
            reprint.clicked.connect(lambda: self.reprint_chosen.emit(request.request_id))
            flow.addWidget(reprint)
        if owed.owed_cents:
            paying = button(texts("pay.button"), accessible_name=texts("pay.button.name"))
            paying.clicked.connect(lambda: self.pay_chosen.emit(request.request_id))
            flow.addWidget(paying)
        layout.addWidget(actions)
        self.status = label(status, "lead")
        self.status.setVisible(bool(status))
        layout.addWidget(self.status)


class ReasonPicker(QWidget):
    """Over the whole window: why a request is cancelled or refused, one big button per reason."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._host = parent  # the part of the window it covers
        self.inner = overlay_dialog(self, 1000)
        self.inner.setSpacing(18)
        self.inner.setContentsMargins(24, 36, 24, 36)  # the longest reason on one line of a portrait screen
        self.hide()

    def open(
        self,
        title: str,
        reasons: Sequence[StateReason],
        language: str,
        keep: str,
        chosen: Callable[[StateReason], None],
    ) -> None:
        empty_layout(self.inner)
        self.inner.addWidget(label(title, "title"))
        for reason in reasons:
            text = reason.message(language)
            # Long reasons in the body's size, which fits a portrait screen; a plain button's height, so
            # that five of them and "Ne rien changer" fit a 768-pixel screen with larger text.
            choice = button(plain_button_text(text), accessible_name=text)
            choice.clicked.connect(lambda _=False, r=reason: self._choose(r, chosen))
            self.inner.addWidget(choice)
        back = button(plain_button_text(keep), "primary", big=True, accessible_name=keep)
        back.clicked.connect(self.hide)
        self.inner.addWidget(back)
        self.setGeometry(self._host.rect())
        self.show()
        self.raise_()

    def _choose(self, reason: StateReason, chosen: Callable[[StateReason], None]) -> None:
        self.hide()
        chosen(reason)


class QueueScreen(Screen):
    pay_requested = Signal(str)  # request id

    def __init__(
        self, services: KioskServices, texts: Texts, actor: Callable[[], Actor], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.actor = actor  # the signed-in correspondent
        self.statuses: dict[str, str] = {}  # what happened to each request, shown on its card
        self.found_id: str | None = None  # the request a scanned or typed pickup code led to
        self.reason_picker: ReasonPicker | None = None
        self.title = label(object_name="title")
        self.pickup_label = label(object_name="heading")
        self.pickup = QLineEdit()
        self.pickup.setMaxLength(MAX_PICKUP_INPUT + 1)  # one more than a ticket: too long is reported, not cut
        self.find_button = button(object_name="primary")  # not `find`: QWidget.find looks up a window id
        self.pickup_error = label(object_name="error")
        self.found = QVBoxLayout()
        # The filters fold away behind one button: the cards are what the correspondent looks at.
        self.filters_button = button()
        self.filters_button.setCheckable(True)
        self.filters = QWidget()
        self.state_label = label(object_name="heading")
        self.state_filter: ChoiceGrid[str | RequestState] = ChoiceGrid()
        self.service_label = label(object_name="heading")
        self.service_filter: ChoiceGrid[str] = ChoiceGrid()  # a service id, or ALL_SERVICES
        self.count = label(object_name="emphasis")
        self.message = label(object_name="error")
        self.cards = QVBoxLayout()
        self.cards.setSpacing(16)
        pickup_row = QHBoxLayout()
        pickup_row.setSpacing(16)
        pickup_row.addWidget(self.pickup, 1)
        pickup_row.addWidget(self.find_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.pickup_label)
        layout.addLayout(pickup_row)
        layout.addWidget(self.pickup_error)
        layout.addLayout(self.found)
        filters = QVBoxLayout(self.filters)
        filters.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state_label, self.state_filter, self.service_label, self.service_filter):
            filters.addWidget(widget)
        self.filters.hide()
        filter_row = FlowLayout(spacing=16)  # the button under the count when the line is too short for both
        filter_row.addWidget(self.count)
        filter_row.addWidget(self.filters_button)
        layout.addLayout(filter_row)
        layout.addWidget(self.filters)
        layout.addWidget(self.message)
        layout.addLayout(self.cards)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.pickup.returnPressed.connect(self.find_pickup)  # a ticket scanner ends with Enter
        self.find_button.clicked.connect(self.find_pickup)
        self.filters_button.toggled.connect(self.filters.setVisible)
        self.state_filter.changed.connect(lambda _value: self.refresh())
        self.service_filter.changed.connect(lambda _value: self.refresh())

    def start(self) -> None:
        self.reset()
        self.pickup.setFocus()

    # -- what is shown ---------------------------------------------------------------------

    def refresh(self) -> None:
        """The queue as it stands, through the filters, and the found request if any."""
        texts = self.texts
        chosen = self.state_filter.value()
        states = [chosen] if isinstance(chosen, RequestState) else sorted(FINAL_STATES) if chosen == FINISHED else None
        empty_layout(self.cards)
        self.message.clear()
        self._name_filters()
        try:
            items = self.services.concierge.queue(self.actor(), states, self.service_filter.value() or None)
        except KioskError as problem:
            self.message.setText(problem.message(texts.language))
            self.count.clear()
            return
        self.count.setText(
            texts("queue.none")
            if not items
            else texts("queue.count.one")
            if len(items) == 1
            else texts("queue.count.many", count=len(items))
        )
        for item in items:
            self.cards.addWidget(self._card(item))
        self._show_found()

    def _name_filters(self) -> None:
        names = self.texts(
            "queue.filters", state=self.state_filter.value_text(), service=self.service_filter.value_text()
        )
        self.filters_button.setText(plain_button_text(names))
        self.filters_button.setAccessibleName(names)

    def _show_found(self) -> None:
        empty_layout(self.found)
        item = self._queue_item(self.found_id) if self.found_id else None
        if item is not None:
            self.found.addWidget(label(self.texts("queue.found"), "heading"))
            self.found.addWidget(self._card(item))

    def _queue_item(self, request_id: str) -> QueueItem | None:
        """The queue line of one request, whatever the filters."""
        request = self.services.concierge.request(request_id)
        if request is None:
            return None
        try:
            items = self.services.concierge.queue(self.actor(), [request.state], request.service_id, limit=10_000)
        except KioskError as problem:
            self.pickup_error.setText(problem.message(self.texts.language))
            return None
        return next((i for i in items if i.request.request_id == request_id), None)

    def _card(self, item: QueueItem) -> QueueCard:
        card = QueueCard(
            item,
            self.texts,
            self.services.catalog.now(),
            self.statuses.get(item.request.request_id, ""),
            self.services.payments.balance_of_request(item.request),
        )
        card.move_chosen.connect(self.choose_move)
        card.reprint_chosen.connect(self.reprint)
        card.pay_chosen.connect(self.pay_requested)
        return card

    # -- what the correspondent does -------------------------------------------------------

    def find_pickup(self) -> None:
        self.pickup_error.clear()
        try:
            request = self.services.concierge.find_by_pickup(self.actor(), self.pickup.text())
        except KioskError as problem:
            self.pickup_error.setText(problem.message(self.texts.language))
            self.found_id = None
            self._show_found()
            return
        self.pickup.clear()
        self.found_id = request.request_id
        self._show_found()

    def choose_move(self, request_id: str, target: RequestState) -> None:
        """Move at once, or first ask why when the move ends the request."""
        if target not in NEEDS_REASON:
            self.move_request(request_id, target, None)
            return
        texts = self.texts
        if self.reason_picker is None:
            window = self.window()
            host = window.centralWidget() if isinstance(window, QMainWindow) else None
            self.reason_picker = ReasonPicker(host or window)
        cancel = target is RequestState.CANCELLED
        self.reason_picker.open(
            texts("queue.reason.cancel" if cancel else "queue.reason.refuse"),
            [ready_made_reason(code) for code in (CANCEL_CODES if cancel else REFUSAL_CODES)],
            texts.language,
            texts("queue.reason.keep"),
            lambda reason: self.move_request(request_id, target, reason),
        )

    def move_request(self, request_id: str, target: RequestState, reason: StateReason | None) -> None:
        """The request moved on to `target`, and what came of it said on its card (not `move`: QWidget's own)."""
        texts = self.texts
        try:
            moved = self.services.concierge.move(self.actor(), request_id, target, reason)
        except KioskError as problem:
            self.statuses[request_id] = problem.message(texts.language)
        else:
            self.statuses[request_id] = texts("queue.moved", state=texts(state_key(moved.state)))
        self.refresh()

    def reprint(self, request_id: str) -> None:
        """The ticket again (recorded in the audit log), printed in a worker: a hung printer freezes nothing."""
        texts, actor = self.texts, self.actor()
        self._set_status(request_id, texts("queue.reprint.running"))
        print_voucher(
            self.services.vouchers,
            lambda: self.services.vouchers.reprint_pickup(actor, request_id, texts.language),
            request_id,
            texts,
            self._set_status,
            done_key="queue.reprint.done",
            kept_key="queue.reprint.failed",
        )

    def _set_status(self, request_id: str, message: str, _printed: bool = False) -> None:
        if self.actor().staff is None:
            return  # signed out meanwhile: the screen has been cleared
        self.statuses[request_id] = message
        for card in self.findChildren(QueueCard):
            if card.request_id == request_id:
                card.status.setText(message)
                card.status.setVisible(True)

    # -- language and reset ----------------------------------------------------------------

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("queue.title"))
        self.pickup_label.setText(texts("queue.pickup"))
        self.pickup.setPlaceholderText(texts("queue.pickup.hint"))
        self.pickup.setAccessibleName(texts("queue.pickup.hint"))
        self.find_button.setText(texts("queue.pickup.find"))
        self.state_label.setText(texts("queue.state"))
        self.service_label.setText(texts("queue.service"))
        self.state_filter.set_choices(
            [
                (
                    value,
                    texts(state_key(value))
                    if isinstance(value, RequestState)
                    else texts("queue.state.open")
                    if value == OPEN
                    else texts("queue.state.final"),
                )
                for value in STATE_FILTERS
            ],
            self.state_filter.value(),
        )
        self.service_filter.set_choices(
            [(ALL_SERVICES, texts("queue.service.all"))]
            + [(s.id, s.name(texts.language)) for s in self.services.concierge.services()],
            self.service_filter.value(),
        )
        self._name_filters()
        if self.actor().staff is not None and self.isVisible():
            self.refresh()

    def reset(self) -> None:
        """Back to every request in progress, nothing typed, nothing found, no message; names leave the screen."""
        self.statuses.clear()
        self.found_id = None
        self.pickup.clear()
        self.pickup_error.clear()
        if self.reason_picker is not None:
            self.reason_picker.hide()
        self.state_filter.select(OPEN)
        self.service_filter.select(ALL_SERVICES)
        self.filters_button.setChecked(False)
        self._name_filters()
        empty_layout(self.found)
        empty_layout(self.cards)
        self.count.clear()
        self.message.clear()
        if self.actor().staff is not None:
            self.refresh()
