"""Consultations and votes: the open ones for the identified person, the ballot with their own PIN, the receipt.

A choice is one big button among the answers; a ranking is the list of choices,
each moved up or down with big ▲ / ▼ buttons (no dragging). The person types their
own PIN to vote, even when a correspondent guides them. The receipt printed at once
proves they took part, never what they chose.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.consultations import BallotKind, Consultation
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.consultations import BallotReceipt
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.concierge_request import OptionGrid
from kiosk.ui.printing import print_voucher
from kiosk.ui.receipt import ReceiptScreen
from kiosk.ui.widgets import Screen, button, card, empty_layout, label, scrolling_column


class ConsultationsScreen(Screen):
    answer = Signal(str)  # consultation id

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.who: Identified | None = None
        self.title = label(object_name="title")
        self.intro = label(object_name="lead")
        self.list = QVBoxLayout()
        self.list.setSpacing(12)
        self.page = scrolling_column(self, self.title, self.intro, self.list)

    def show_person(self, who: Identified | None) -> None:
        self.who = who
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("consultations.title"))
        self.intro.setText(texts("consultations.intro"))
        empty_layout(self.list)
        if self.who is None:
            return
        open_ones = self.services.consultations.open_for(self.who)
        if not open_ones:
            self.list.addWidget(label(texts("consultations.none"), "lead"))
        for consultation in open_ones:
            question = consultation.question(texts.language)
            inner = card(
                self.list,
                label(question, "heading"),
                label(texts("consultations.closes", when=texts.moment(consultation.closes_at)), "muted"),
            )
            answering = button(
                texts("consultations.answer"),
                "primary",
                accessible_name=texts("consultations.answer.name", question=question),
            )
            answering.clicked.connect(lambda _=False, c=consultation.consultation_id: self.answer.emit(c))
            inner.addWidget(answering, 0, Qt.AlignmentFlag.AlignLeft)

    def reset(self) -> None:
        self.who = None
        self.retranslate(self.texts)


class RankingList(QWidget):
    """Every choice in order of preference, each moved with big ▲ / ▼ buttons."""

    def __init__(self, consultation: Consultation, parent: QWidget | None = None):
        super().__init__(parent)
        self.consultation = consultation
        self.order = [c.code for c in consultation.choices]
        self.texts: Texts | None = None
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(8)

    def value(self) -> list[str]:
        return list(self.order)

    def shift(self, code: str, by: int) -> None:
        index = self.order.index(code)
        target = min(max(index + by, 0), len(self.order) - 1)
        self.order.insert(target, self.order.pop(index))
        if self.texts is not None:
            self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        empty_layout(self.rows)
        for place, code in enumerate(self.order):
            choice = self.consultation.choice(code)
            name = choice.label(texts.language) if choice else code
            row = QHBoxLayout()
            up = button("▲", accessible_name=texts("vote.up", choice=name))
            down = button("▼", accessible_name=texts("vote.down", choice=name))
            up.setEnabled(place > 0)
            down.setEnabled(place < len(self.order) - 1)
            up.clicked.connect(lambda _=False, c=code: self.shift(c, -1))
            down.clicked.connect(lambda _=False, c=code: self.shift(c, 1))
            row.addWidget(label(f"{place + 1}. {name}", "emphasis"), 1)
            row.addWidget(up)
            row.addWidget(down)
            self.rows.addLayout(row)


class VoteScreen(Screen):
    voted = Signal(object)  # BallotReceipt

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
        self.actor = actor  # the person, or a correspondent guiding them: they never vote for them
        self.who: Identified | None = None
        self.consultation: Consultation | None = None
        self.ballot: OptionGrid | RankingList | None = None
        self.question = label(object_name="title")
        self.how = label(object_name="lead")
        self.ballot_area = QVBoxLayout()
        self.pin_heading = label(object_name="heading")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.secret = label(object_name="muted")
        self.error = label(object_name="error")
        self.send = button(object_name="primary", big=True)
        self.page = scrolling_column(
            self,
            self.question,
            self.how,
            self.ballot_area,
            self.pin_heading,
            self.pin,
            self.secret,
            self.error,
            self.send,
        )
        self.send.clicked.connect(self.submit)
        self.pin.returnPressed.connect(self.submit)

    def start(self, consultation_id: str, who: Identified | None) -> None:
        self.reset()
        self.who = who
        try:
            self.consultation = self.services.consultations.consultation(consultation_id)
        except KioskError as problem:
            self.error.setText(problem.message(self.texts.language))
            return
        if self.consultation.kind is BallotKind.RANKING:
            self.ballot = RankingList(self.consultation)
        else:
            self.ballot = OptionGrid([c.code for c in self.consultation.choices], many=False)
        self.ballot_area.addWidget(self.ballot)
        self.retranslate(self.texts)

    def answer(self) -> list[str]:
        if isinstance(self.ballot, RankingList):
            return self.ballot.value()
        chosen = self.ballot.value() if self.ballot is not None else None
        return [chosen] if isinstance(chosen, str) else []

    def submit(self) -> None:
        if self.consultation is None or self.who is None:
            return
        self.error.clear()
        try:
            receipt = self.services.consultations.vote(
                self.actor(), self.consultation.consultation_id, self.who, self.answer(), self.pin.text()
            )
        except KioskError as problem:
            self.pin.clear()
            self.error.setText(problem.message(self.texts.language))
            return
        self.pin.clear()
        self.voted.emit(receipt)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.pin_heading.setText(texts("vote.pin"))
        self.pin.setAccessibleName(texts("vote.pin"))
        self.secret.setText(texts("vote.secret"))
        self.send.setText(texts("vote.send"))
        consultation = self.consultation
        self.send.setEnabled(consultation is not None)
        if consultation is None:
            self.question.clear()
            self.how.clear()
            return
        self.question.setText(consultation.question(texts.language))
        self.how.setText(texts("vote.rank" if consultation.kind is BallotKind.RANKING else "vote.choose"))
        if isinstance(self.ballot, OptionGrid):
            self.ballot.set_labels([c.label(texts.language) for c in consultation.choices])
        elif isinstance(self.ballot, RankingList):
            self.ballot.retranslate(texts)

    def reset(self) -> None:
        """Nothing of the last person's ballot stays on screen."""
        self.who = None
        self.consultation = None
        self.ballot = None
        empty_layout(self.ballot_area)
        self.pin.clear()
        self.error.clear()
        self.retranslate(self.texts)


class VoteDoneScreen(ReceiptScreen[BallotReceipt]):
    """The ballot is cast: say so, give the receipt's code, print the receipt at once (no choice on it)."""

    again_key = "vote.receipt.again"
    reprint_key = "print.reprint"
    running_key = "vote.receipt.running"

    def reference(self, receipt: BallotReceipt) -> str:
        return receipt.ballot_id

    def describe(self, receipt: BallotReceipt, texts: Texts) -> None:
        self.headline.setText(texts("vote.done"))
        self.code.setText(texts("vote.code", code=receipt.code))
        self.next_step.setText(receipt.consultation.question(texts.language))
        self.code_hint.setText(texts("vote.code.hint", when=texts.moment(receipt.consultation.counting_ends)))

    def send_to_printer(self, receipt: BallotReceipt, done: Callable[[str, str, bool], None]) -> None:
        vouchers = self.services.vouchers
        print_voucher(
            vouchers,
            lambda: vouchers.participation_receipt(receipt, self.texts.language),
            receipt.ballot_id,
            self.texts,
            done,
            done_key="vote.receipt.done",
            kept_key="vote.receipt.kept",
            paper_key="print.paper.receipt",
        )
