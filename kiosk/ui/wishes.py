"""Holiday-stay wishes: up to three stays, the one wanted most first, each with its dates and who goes;
then the recap on screen and on paper. Few touches, big buttons, one question at a time:
the list of wishes, then (to add one) the stay, then its dates and who goes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.domain.catalog import Offer
from kiosk.domain.stay_wishes import MAX_WISHES, Wish, WishesRecap
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.printing import print_page
from kiosk.ui.receipt import ReceiptScreen
from kiosk.ui.widgets import FlowLayout, Screen, ScrollingPage, button, empty_layout, label

LIST, STAYS, DETAILS = "list", "stays", "details"


def dates_text(texts: Texts, start: datetime, end: datetime) -> str:
    """A stay's dates, short enough for a button on a portrait screen with larger text."""
    return texts("wishes.dates", start=texts.day(start.date(), weekday=False), end=texts.day(end.date(), weekday=False))


class WishesScreen(Screen):
    sent = Signal(object)  # WishesRecap

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
        self.actor = actor  # the person alone, or a correspondent acting for them
        self.who: Identified | None = None
        self.wishes: list[Wish] = []
        self.step = LIST
        self.stay: Offer | None = None  # the stay of the wish being added
        self.dates = QButtonGroup(self)
        self.date_buttons: list[QPushButton] = []  # held here: a button group does not keep its buttons alive
        self.people: dict[str, QPushButton] = {}
        self.problem = ""
        self.title = label(object_name="title")
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.title)  # scrolls with the step: the step's action keeps the room below
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        content.addLayout(self.body, 1)
        self.page = ScrollingPage(self.content)
        # What went wrong heads the step (scrolled into view); its main action stays in view below.
        self.message = label(object_name="full")
        self.cancel = button()
        self.action = button(object_name="primary", big=True)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 8, 0, 0)
        footer.setSpacing(24)
        footer.addStretch(1)
        footer.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignVCenter)
        footer.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 0, 60, 12)
        layout.addWidget(self.page, 1)
        layout.addLayout(footer)
        self.action.clicked.connect(self._act)
        self.cancel.clicked.connect(lambda: self._go(LIST))

    # -- steps ----------------------------------------------------------------------------------

    def start(self, who: Identified, offer_id: str | None = None, session_id: str | None = None) -> None:
        """A new set of wishes; from a stay's page, its dates already chosen for the first wish."""
        self.who = who
        self.wishes = []
        self.problem = ""
        stay = self.services.wishes.stay(offer_id) if offer_id else None
        if stay is not None:
            self._choose_stay(stay, session_id)
        else:
            self._go(LIST)

    def _go(self, step: str) -> None:
        self.step = step
        self.problem = "" if step != DETAILS else self.problem
        self.retranslate(self.texts)

    def _choose_stay(self, stay: Offer, session_id: str | None = None) -> None:
        self.stay = stay
        self.problem = ""
        self.step = DETAILS
        self._build_choices(session_id)
        self.retranslate(self.texts)

    def _build_choices(self, session_id: str | None) -> None:
        """The stay's open dates (one to choose) and the household's members (the same as the last wish, or
        the person identified), kept while the language changes."""
        assert self.stay is not None and self.who is not None
        self.dates = QButtonGroup(self)
        self.dates.setExclusive(True)
        self.date_buttons = []
        open_dates = self.services.wishes.open_dates(self.stay)
        for index, session in enumerate(s for s in self.stay.sessions if s.id in open_dates):
            choice = button()
            self.date_buttons.append(choice)
            choice.setCheckable(True)
            choice.setMinimumHeight(72)
            choice.setProperty("session_id", session.id)
            choice.setChecked(session.id == session_id or (session_id is None and index == 0))
            self.dates.addButton(choice)
        going = set(self.wishes[-1].participants) if self.wishes else {self.who.person.person_id}
        self.people = {}
        for person in self.who.household.members:
            choice = button()
            choice.setCheckable(True)
            choice.setMinimumHeight(72)
            choice.setChecked(person.person_id in going)
            self.people[person.person_id] = choice

    def _act(self) -> None:
        if self.step == DETAILS:
            self._add_wish()
        elif self.step == LIST:
            self._send()

    def _add_wish(self) -> None:
        assert self.stay is not None and self.who is not None
        chosen = self.dates.checkedButton()
        wish = Wish(
            self.stay.id,
            str(chosen.property("session_id")) if chosen else "",
            tuple(pid for pid, choice in self.people.items() if choice.isChecked()),
        )
        try:
            self.services.wishes.check(self.who, [*self.wishes, wish])
        except KioskError as problem:
            self.problem = problem.message(self.texts.language)
            self.retranslate(self.texts)
            return
        self.wishes.append(wish)
        self._go(LIST)

    def _send(self) -> None:
        assert self.who is not None
        try:
            request = self.services.wishes.send(self.actor(), self.who, self.wishes)
        except KioskError as problem:
            self.problem = problem.message(self.texts.language)
            self.retranslate(self.texts)
            return
        self.sent.emit(self.services.wishes.recap(request, self.who, self.services.config.site.name))

    def _move_up(self, index: int) -> None:
        self.wishes[index - 1], self.wishes[index] = self.wishes[index], self.wishes[index - 1]
        self._go(LIST)

    def _remove(self, index: int) -> None:
        del self.wishes[index]
        self._go(LIST)

    # -- what each step shows -------------------------------------------------------------------

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        for widget in (self.date_buttons, self.people.values(), (self.message,)):
            for choice in widget:
                choice.setParent(None)  # kept across a rebuild of the step, not deleted with it
        empty_layout(self.body)
        if self.who is None:
            self.title.setText(texts("wishes.title"))
            self.action.setEnabled(False)
            return
        self.message.setText(self.problem)
        if self.problem:
            self.body.addWidget(self.message)
            self.page.area.verticalScrollBar().setValue(0)
        {LIST: self._show_list, STAYS: self._show_stays, DETAILS: self._show_details}[self.step](texts)
        self.body.addStretch(1)

    def _show_list(self, texts: Texts) -> None:
        self.title.setText(texts("wishes.title"))
        self.body.addWidget(label(texts("wishes.intro", most=MAX_WISHES)))
        if not self.wishes:
            self.body.addWidget(label(texts("wishes.empty"), "heading"))
        for index, wish in enumerate(self.wishes):
            self.body.addWidget(self._wish_card(index, wish, texts))
        if len(self.wishes) < MAX_WISHES:
            adding = button(texts("wishes.add" if self.wishes else "wishes.add.first"), big=True)
            adding.clicked.connect(lambda: self._go(STAYS))
            self.body.addWidget(adding, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self.body.addWidget(label(texts("wishes.full", most=MAX_WISHES), "muted"))
        self.body.addWidget(label(texts("wishes.rule"), "muted"))
        self.cancel.setVisible(False)
        self.action.setVisible(True)
        self.action.setText(texts("wishes.send"))
        self.action.setEnabled(bool(self.wishes))

    def _wish_card(self, index: int, wish: Wish, texts: Texts) -> QFrame:
        assert self.who is not None
        offer = self.services.wishes.stay(wish.offer_id)
        session = next((s for s in offer.sessions if s.id == wish.session_id), None) if offer else None
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(20, 14, 20, 14)
        words = QVBoxLayout()
        words.addWidget(label(texts("wishes.rank", rank=index + 1), "muted"))
        words.addWidget(label(offer.title if offer else wish.offer_id, "heading"))
        if session is not None:
            words.addWidget(label(texts.span(session.start, session.end), "emphasis"))
        names = [p.first_name for pid in wish.participants if (p := self.who.household.member(pid))]
        words.addWidget(label(texts("wishes.who", names=", ".join(names))))
        row.addLayout(words, 1)
        actions = QVBoxLayout()
        if index > 0:
            up = button(texts("wishes.up"), accessible_name=texts("wishes.up.name", rank=index + 1))
            up.clicked.connect(lambda: self._move_up(index))
            actions.addWidget(up)
        removing = button(texts("wishes.remove"), accessible_name=texts("wishes.remove.name", rank=index + 1))
        removing.clicked.connect(lambda: self._remove(index))
        actions.addWidget(removing)
        actions.addStretch(1)
        row.addLayout(actions)
        return card

    def _show_stays(self, texts: Texts) -> None:
        self.title.setText(texts("wishes.choose_stay"))
        campaign = self._campaign()
        stays = [s for s in self.services.wishes.open_stays() if campaign in ("", s.campaign)]
        if not stays:
            self.body.addWidget(label(texts("wishes.no_stay"), "heading"))
        for stay in stays:
            card = QFrame()
            card.setObjectName("card")
            row = QHBoxLayout(card)
            row.setContentsMargins(20, 14, 20, 14)
            words = QVBoxLayout()
            words.addWidget(label(stay.title, "heading"))
            words.addWidget(label(stay.location, "muted"))
            open_dates = self.services.wishes.open_dates(stay)
            words.addWidget(label(texts("wishes.dates_count", count=len(open_dates))))
            row.addLayout(words, 1)
            choosing = button(texts("wishes.choose"), object_name="primary", accessible_name=stay.title)
            choosing.clicked.connect(lambda _=False, chosen=stay: self._choose_stay(chosen))
            row.addWidget(choosing, 0, Qt.AlignmentFlag.AlignVCenter)
            self.body.addWidget(card)
        self.cancel.setVisible(True)
        self.cancel.setText(texts("wishes.back"))
        self.action.setVisible(False)  # a stay is chosen on its own card

    def _campaign(self) -> str:
        """The season the wishes already made belong to (all of a request's wishes are of one campaign)."""
        stay = self.services.wishes.stay(self.wishes[0].offer_id) if self.wishes else None
        return stay.campaign if stay else ""

    def _show_details(self, texts: Texts) -> None:
        assert self.stay is not None and self.who is not None
        self.title.setText(self.stay.title)
        self.body.addWidget(label(self.stay.location, "muted"))
        self.body.addWidget(label(texts("wishes.which_dates"), "heading"))
        dates = QWidget()
        date_row = FlowLayout(dates, spacing=14)
        sessions = {s.id: s for s in self.stay.sessions}
        for choice in self.date_buttons:
            session = sessions[str(choice.property("session_id"))]
            choice.setText(dates_text(texts, session.start, session.end))
            choice.setAccessibleName(texts.span(session.start, session.end))
            date_row.addWidget(choice)
        if not self.date_buttons:
            self.body.addWidget(label(texts("wishes.no_dates"), "full"))
        self.body.addWidget(dates)
        self.body.addWidget(label(texts("wishes.who_goes"), "heading"))
        people = QWidget()
        people_row = FlowLayout(people, spacing=14)
        first = self.stay.sessions[0].start.date()
        for person in self.who.household.members:
            age = texts("book.age", age=person.age_on(first))
            choice = self.people[person.person_id]
            choice.setText(f"{person.first_name}  ·  {age}")
            choice.setAccessibleName(f"{person.display_name}, {age}")
            people_row.addWidget(choice)
        self.body.addWidget(people)
        self.cancel.setVisible(True)
        self.cancel.setText(texts("wishes.cancel_wish"))
        self.action.setVisible(True)
        self.action.setText(texts("wishes.add_this", rank=len(self.wishes) + 1))
        self.action.setEnabled(bool(self.date_buttons))

    def reset(self) -> None:
        self.who = None
        self.wishes = []
        self.stay = None
        self.people = {}
        self.dates = QButtonGroup(self)
        self.date_buttons = []
        self.problem = ""
        self.step = LIST
        self.retranslate(self.texts)


class WishesDoneScreen(ReceiptScreen[WishesRecap]):
    """The wishes are recorded: say so, recap them wish by wish, give the code, print the recap at once."""

    again_key = "wishes.print"
    reprint_key = "wishes.reprint"

    def reference(self, subject: WishesRecap) -> str:
        return subject.request.request_id

    def describe(self, subject: WishesRecap, texts: Texts) -> None:
        recap = subject
        self.headline.setText(texts("wishes.done"))
        self.code.setText(texts("done.code", code=recap.code))
        if recap.wishes_until is not None:
            self.next_step.setText(texts("wishes.answer_after", when=texts.day(recap.wishes_until.date())))
        self.code_hint.setText(texts("wishes.done.hint"))
        for line in recap.lines:
            self.add_recap(texts("wishes.rank", rank=line.rank), line.title)
            if line.start is not None and line.end is not None:
                self.add_recap("", dates_text(texts, line.start, line.end))
            self.add_recap("", texts("wishes.who", names=", ".join(line.names)))

    def send_to_printer(self, subject: object, done: Callable[[str, str, bool], None]) -> None:
        assert isinstance(subject, WishesRecap)
        recap, language = subject, self.texts.language
        print_page(
            lambda: self.services.paper.print_wishes(recap, language),
            self.texts,
            "wishes.printed",
            lambda message, printed: done(recap.request.request_id, message, printed),
        )
