"""The kiosk window: top bar, the current screen, navigation, inactivity and notices.

Screens other than home are built the first time they are shown, and every
visible word is set in their `retranslate()`, so a language switch is one call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLayout,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.booking import Booking
from kiosk.domain.concierge import ConciergeRequest
from kiosk.domain.help import RESUMABLE_SCREENS, HelpRequest, Place
from kiosk.domain.ideas import Idea
from kiosk.domain.staff import StaffSession
from kiosk.domain.stay_wishes import WishesRecap
from kiosk.errors import KioskError
from kiosk.i18n import Message, Texts
from kiosk.services.actor import Actor
from kiosk.services.consultations import BallotReceipt
from kiosk.services.context import KioskServices
from kiosk.services.identity import Identified
from kiosk.ui.appreciation import AppreciateScreen, AppreciationScreen
from kiosk.ui.assisted import AssistedMode
from kiosk.ui.assisted_identify import AssistedIdentifyScreen
from kiosk.ui.booking import BookingDoneScreen, BookingScreen
from kiosk.ui.concierge import ConciergeScreen
from kiosk.ui.concierge_request import ConciergeDoneScreen, ConciergeRequestScreen
from kiosk.ui.consultations import ConsultationsScreen, VoteDoneScreen, VoteScreen
from kiosk.ui.help import HelpPanel
from kiosk.ui.help_queue import HelpQueueScreen
from kiosk.ui.home import HomeScreen
from kiosk.ui.ideas import IdeaDoneScreen, IdeaLookupScreen, IdeaScreen
from kiosk.ui.identify import CardReader, IdentifyScreen
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.lockdown import KioskLockdown
from kiosk.ui.my_bookings import MyBookingsScreen
from kiosk.ui.notices import NoticesScreen
from kiosk.ui.offer_detail import OfferDetailScreen
from kiosk.ui.offer_list import OfferListScreen
from kiosk.ui.participate import ParticipateScreen
from kiosk.ui.payment import PaymentScreen
from kiosk.ui.printing import print_page
from kiosk.ui.queue import QueueScreen
from kiosk.ui.speech import Narrator
from kiosk.ui.staff_home import StaffHomeScreen
from kiosk.ui.staff_sign_in import StaffSignInScreen
from kiosk.ui.sync_state import SyncStateScreen
from kiosk.ui.takings import TakingsScreen
from kiosk.ui.theme import HIGH_CONTRAST, STANDARD, Theme, larger_text_scale
from kiosk.ui.widgets import (
    FlowLayout,
    NewsBanner,
    Overlay,
    Screen,
    apply_style,
    button,
    label,
    running_app,
    scroll_to_top,
)
from kiosk.ui.wishes import WishesDoneScreen, WishesScreen

if TYPE_CHECKING:
    from sync.worker import SyncStatus, SyncWorker  # imported by the app once the window is up

CLOCK_REFRESH_MS = 15_000
SPEECH_WARM_UP_MS = 2_000  # once home is painted: the speech engine takes seconds to connect
# The correspondents' screens: reached only from the staff access, each refreshed by start().
STAFF_SCREENS = ("staff_sign_in", "staff_home", "assisted_identify", "queue", "help_queue", "sync_state", "takings")
# Where to go: a screen's name and what it is shown with (an offer id, a booking...), as show_screen takes them.
Destination = tuple[str, *tuple[object, ...]]
Param = TypeVar("Param")
Built = TypeVar("Built", bound=Screen)


def param(params: tuple[object, ...], index: int, kind: type[Param]) -> Param:
    """A screen's parameter as the navigation was given it; another type is a bug of the caller."""
    value = params[index]
    if not isinstance(value, kind):
        raise TypeError(f"screen parameter {index} is a {type(value).__name__}, not a {kind.__name__}")
    return value


class News(Protocol):
    """Something the person is told once identified (a pressing ready, a decision on a booking)."""

    @property
    def message(self) -> Message: ...


class Decision(News, Protocol):
    """What the centre or the SLVie decided for the person (a place given, an idea answered)."""

    @property
    def good(self) -> bool: ...  # good news alone is headed as such


class ScreenStack(QStackedWidget):
    """Sized by the screen on display only, so a tall screen elsewhere in the stack cannot
    push the window past the display when the on-screen keyboard takes its share."""

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current else super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current else super().sizeHint()


COMPACT_WIDTH = 1500  # below this width (at scale 1), the top bar says less to stay one line high


class TopBar(QFrame):
    """Where, when, how fresh the offer is, and the staff access. On a narrow screen or with
    larger text it shows the short SLVie name, the time alone and the connection alone, so it
    never takes the height the screens need."""

    staff_clicked = Signal()

    def __init__(self, site_name: str, slvie: str):
        super().__init__()
        self.setObjectName("topBar")
        self.site_name, self.slvie_name = site_name, slvie
        self.compact = False
        self.site = label(site_name, "siteName")
        self.slvie = label(slvie, "muted")
        self.clock = label(object_name="clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = label(object_name="status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.staff = button()
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.site)
        names.addWidget(self.slvie)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 10)
        layout.setSpacing(20)
        layout.addLayout(names, 4)
        layout.addWidget(self.clock, 3)
        layout.addWidget(self.status, 3)
        layout.addWidget(self.staff)
        # The button keeps its full text; the labels share the rest and wrap onto more lines.
        self.staff.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        for text in (self.site, self.slvie, self.clock, self.status):
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.staff.clicked.connect(self.staff_clicked)

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self.site.setText(self.slvie_name if compact else self.site_name)
        self.slvie.setVisible(not compact)


class AccessBar(QFrame):
    """Along the bottom of every screen: help, read aloud, high contrast, larger text, language."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("accessBar")
        self.help = button(object_name="primary")
        self.read_aloud = button()
        self.contrast = button()
        self.larger = button()
        self.language = button()
        for toggle in (self.read_aloud, self.contrast, self.larger):
            toggle.setCheckable(True)
        # The buttons go on to a second line rather than be cut (portrait, larger text).
        layout = FlowLayout(self, spacing=16)
        layout.setContentsMargins(24, 8, 24, 8)
        for control in (self.help, self.read_aloud, self.contrast, self.larger, self.language):
            layout.addWidget(control)

    def retranslate(self, texts: Texts, compact: bool = False) -> None:
        """Shorter words on a narrow screen or with larger text, so the bar stays one line high."""
        for control, key in (
            (self.read_aloud, "access.read"),
            (self.contrast, "access.contrast"),
            (self.larger, "access.larger"),
        ):
            control.setText(texts(key + ".short" if compact else key))
            control.setAccessibleName(texts(key + ".name"))
        self.help.setText(texts("help.button"))
        self.help.setAccessibleName(texts("help.button.name"))
        self.language.setText(texts("bar.language"))
        self.language.setAccessibleName(texts("bar.language.name"))


class MainWindow(QMainWindow):
    screen_shown = Signal(str)

    def __init__(self, services: KioskServices, monotonic: Callable[[], float] = time.monotonic):
        super().__init__()
        self.services = services
        self.site = services.config.site
        self.texts = Texts(self.site.language)
        self.history: list[tuple[str, tuple[object, ...]]] = []
        self._current: tuple[str, tuple[object, ...]] = ("home", ())
        self.identified: Identified | None = None
        self.staff_session: StaffSession | None = None  # the correspondent signed in (assisted mode)
        self.sync_worker: SyncWorker | None = None  # set by kiosk.ui.app.start_sync on an enrolled kiosk
        # Set by kiosk.ui.app in full screen, and kept alive here: current_lockdown() holds it weakly.
        self.lockdown: KioskLockdown | None = None
        self.after_identify: Destination | None = None  # what the person asked for before identifying
        self.sync_status: SyncStatus = {
            "online": False,
            "last_success": None,
            "pending": 0,
            "parked": 0,
            "problem": None,
        }
        self.screens: dict[str, Screen] = {}

        self.top_bar = TopBar(self.site.name, self.site.slvie)
        self.access_bar = AccessBar()
        self.theme = Theme()
        self.narrator = Narrator(services.config.display.speech, self)
        self.back_button = button()
        self.home_button = button()
        self.hello = label(object_name="heading", wrap=False)
        self.end_session = button(object_name="primary")
        self.nav = QWidget()
        nav_layout = QHBoxLayout(self.nav)
        nav_layout.setContentsMargins(32, 12, 32, 0)
        nav_layout.addWidget(self.back_button)
        nav_layout.addWidget(self.home_button)
        nav_layout.addStretch(1)
        nav_layout.addWidget(self.hello)
        nav_layout.addWidget(self.end_session)
        self.stack = ScreenStack()
        self.stack.currentChanged.connect(lambda _index: self.stack.updateGeometry())
        self.keyboard_area = QVBoxLayout()
        self.keyboard_area.setContentsMargins(0, 0, 0, 0)
        central = QWidget()
        central.setObjectName("screen")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top_bar)
        self.assisted_mode = AssistedMode(self)
        layout.addWidget(self.assisted_mode.banner)
        self.news = NewsBanner()
        layout.addWidget(self.news)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.access_bar)
        layout.addLayout(self.keyboard_area)
        self.setCentralWidget(central)
        # The window is the screen's size and stays so: what it shows gives way (the screens
        # scroll), it never grows past the screen to make room (tests/ui/test_accessibility.py
        # checks every screen's least size fits the four screen sizes).
        own_layout = self.layout()
        assert own_layout is not None, "a QMainWindow makes its layout when it is made"
        own_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.help_panel = HelpPanel(central, services.help, self._read_help)
        self.notice = Overlay(central)
        self.idle_overlay = Overlay(central)

        home = HomeScreen()
        home.chosen.connect(self._home_choice)
        self._add_screen("home", home)
        self.stack.setCurrentWidget(home)
        self._update_nav()

        self.back_button.clicked.connect(self.go_back)
        self.home_button.clicked.connect(self.go_home)
        self.access_bar.language.clicked.connect(self.toggle_language)
        self.access_bar.help.clicked.connect(self.show_help)
        self.access_bar.contrast.toggled.connect(lambda _on: self._display_changed())
        self.access_bar.larger.toggled.connect(lambda _on: self._display_changed())
        self.access_bar.read_aloud.toggled.connect(self._read_aloud_toggled)
        self.screen_shown.connect(lambda _name: self._read_current_screen())
        self.top_bar.staff_clicked.connect(
            lambda: self.show_screen("staff_home" if self.staff_session else "staff_sign_in")
        )
        self.end_session.clicked.connect(self.reset_session)

        idle = services.config.idle
        self.idle = IdleWatcher(idle.warning_after_seconds, idle.warning_duration_seconds, monotonic, self)
        self.idle.warning.connect(self.show_idle_warning)
        self.idle.resumed.connect(self.idle_overlay.hide)
        self.idle.expired.connect(self.reset_session)
        # A card scanned on a screen with no text field (home, the offer) identifies the person.
        self.card_reader = CardReader(monotonic, self)
        self.installEventFilter(self.card_reader)
        self.card_reader.scanned.connect(self._card_scanned)
        self.card_reader.offer_scanned.connect(self._offer_scanned)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_REFRESH_MS)
        self._clock_timer.timeout.connect(self._refresh_bar)
        self.retranslate()

    # -- screens -------------------------------------------------------------------------

    def screen_named(self, name: str) -> Screen:
        """The screen called `name`, built on first use (not `screen`: QWidget's own, the display it is on)."""
        if name not in self.screens:
            catalog = self.services.catalog
            widget: Screen
            if name == "offers":
                widget = OfferListScreen(catalog, self.texts)
                widget.offer_chosen.connect(lambda offer_id: self.show_screen("detail", offer_id))
                widget.book_requested.connect(
                    lambda offer_id, session_id: self.with_identity(("booking", offer_id, session_id))
                )
                widget.card_scanned.connect(self._card_scanned)
                widget.help_requested.connect(self.show_help)
            elif name == "detail":
                widget = OfferDetailScreen(catalog, self.texts, self.services.appreciations.for_offer)
                widget.book_requested.connect(
                    lambda offer_id, session_id: self.with_identity(("booking", offer_id, session_id))
                )
                widget.print_requested.connect(self._print_offer)
                widget.wish_requested.connect(
                    lambda offer_id, session_id: self.with_identity(("wishes", offer_id, session_id))
                )
            elif name == "concierge":
                widget = ConciergeScreen(catalog, self.texts)
                widget.requested.connect(lambda service_id: self.with_identity(("concierge_request", service_id)))
            elif name == "concierge_request":
                widget = ConciergeRequestScreen(self.services, self.texts, self.actor)
                widget.submitted.connect(lambda request: self.show_screen("concierge_done", request, remember=False))
            elif name == "concierge_done":
                widget = ConciergeDoneScreen(self.services, self.texts)
            elif name == "identify":
                widget = IdentifyScreen(self.services.identity, self.texts, self.services.staff.recognises_badge)
                widget.identified.connect(self._identified)
                widget.badge_scanned.connect(lambda badge: self.show_screen("staff_sign_in", badge, remember=False))
            elif name == "booking":
                widget = BookingScreen(self.services, self.texts, self.actor)
                widget.booked.connect(lambda booking: self.show_screen("booking_done", booking, remember=False))
            elif name == "booking_done":
                widget = BookingDoneScreen(self.services, self.texts)
            elif name == "wishes":
                widget = WishesScreen(self.services, self.texts, self.actor)
                widget.sent.connect(lambda recap: self.show_screen("wishes_done", recap, remember=False))
            elif name == "wishes_done":
                widget = WishesDoneScreen(self.services, self.texts)
            elif name == "my_bookings":
                widget = MyBookingsScreen(self.services, self.texts, self.actor, self.notice)
                widget.pay_requested.connect(lambda kind, subject: self.show_screen("payment", kind, subject))
                widget.wishes_requested.connect(lambda: self.show_screen("wishes"))
                widget.notices_requested.connect(lambda: self.with_identity(("notices",)))
            elif name == "notices":
                widget = NoticesScreen(self.services, self.texts, self.actor)
            elif name == "participate":
                widget = ParticipateScreen(self.services, self.texts)
                widget.chosen.connect(self._participate_choice)
            elif name == "idea":
                widget = IdeaScreen(self.services, self.texts, self.actor)
                widget.left.connect(lambda idea: self.show_screen("idea_done", idea, remember=False))
            elif name == "idea_done":
                widget = IdeaDoneScreen(self.services, self.texts)
            elif name == "idea_lookup":
                widget = IdeaLookupScreen(self.services, self.texts)
            elif name == "consultations":
                widget = ConsultationsScreen(self.services, self.texts)
                widget.answer.connect(lambda consultation_id: self.show_screen("vote", consultation_id))
            elif name == "vote":
                widget = VoteScreen(self.services, self.texts, self.actor)
                widget.voted.connect(lambda receipt: self.show_screen("vote_done", receipt, remember=False))
            elif name == "vote_done":
                widget = VoteDoneScreen(self.services, self.texts)
            elif name == "appreciate":
                widget = AppreciateScreen(self.services, self.texts)
                widget.chosen.connect(lambda booking_id: self.show_screen("appreciation", booking_id))
            elif name == "appreciation":
                widget = AppreciationScreen(self.services, self.texts, self.actor)
                widget.given.connect(self._appreciation_given)
            elif name == "staff_sign_in":
                widget = StaffSignInScreen(self.services.staff, self.texts)
                widget.signed_in.connect(self.assisted_mode.signed_in)
            elif name == "staff_home":
                widget = StaffHomeScreen()
                widget.chosen.connect(self._staff_job)
            elif name == "assisted_identify":
                widget = AssistedIdentifyScreen(self.services.identity, self.texts, self.actor)
                widget.identified.connect(self._identified)
            elif name == "queue":
                widget = QueueScreen(self.services, self.texts, self.actor)
                widget.pay_requested.connect(lambda request_id: self.show_screen("payment", "request", request_id))
            elif name == "payment":
                widget = PaymentScreen(self.services, self.texts, self.actor)
            elif name == "takings":
                widget = TakingsScreen(self.services, self.texts, self.actor)
            elif name == "help_queue":
                widget = HelpQueueScreen(self.services.help, self.texts, self.actor)
                widget.taken.connect(self._take_help)
            elif name == "sync_state":
                widget = SyncStateScreen(
                    self.services.sync_state,
                    self.texts,
                    self.actor,
                    lambda: self.sync_worker,
                    self.services.catalog.now,
                )
            else:
                raise KeyError(name)
            self._add_screen(name, widget)
        return self.screens[name]

    def screen_as(self, name: str, kind: type[Built]) -> Built:
        """The screen called `name`, as the kind of screen it is (built on first use)."""
        widget = self.screen_named(name)
        if not isinstance(widget, kind):
            raise TypeError(f"the {name} screen is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    def _add_screen(self, name: str, widget: Screen) -> None:
        self.screens[name] = widget
        self.stack.addWidget(widget)
        widget.apply_theme(self.theme)
        widget.retranslate(self.texts)

    def show_screen(self, name: str, *params: object, remember: bool = True) -> None:
        if remember:
            self.history.append(self._current)
        widget = self.screen_named(name)
        if isinstance(widget, OfferListScreen):
            widget.show_offer(bons_plans=bool(params and params[0]))
        elif isinstance(widget, OfferDetailScreen):
            widget.show_offer(param(params, 0, str))
        elif isinstance(widget, IdentifyScreen):
            widget.start(param(params, 0, str) if params else "")
        elif isinstance(widget, BookingScreen):
            assert self.identified is not None, "booking is reached through with_identity only"
            widget.start(param(params, 0, str), param(params, 1, str), self.identified)
        elif isinstance(widget, BookingDoneScreen):
            widget.show_subject(param(params, 0, Booking))
        elif isinstance(widget, WishesDoneScreen):
            widget.show_subject(param(params, 0, WishesRecap))
        elif isinstance(widget, WishesScreen):
            assert self.identified is not None, "wishes are reached through with_identity only"
            offer_id = param(params, 0, str) if params else None
            widget.start(self.identified, offer_id, param(params, 1, str) if len(params) > 1 else None)
        elif isinstance(widget, ConciergeRequestScreen):
            widget.start(param(params, 0, str), self.identified)
        elif isinstance(widget, ConciergeDoneScreen):
            widget.show_subject(param(params, 0, ConciergeRequest))
        elif isinstance(widget, MyBookingsScreen):
            widget.show_person(self.identified)
        elif isinstance(widget, NoticesScreen):
            assert self.identified is not None, "notices are reached through with_identity only"
            widget.start(self.identified)
        elif isinstance(widget, ParticipateScreen):
            widget.refresh()
        elif isinstance(widget, IdeaScreen):
            widget.start(self.identified)
        elif isinstance(widget, IdeaDoneScreen):
            widget.show_subject(param(params, 0, Idea))
        elif isinstance(widget, VoteDoneScreen):
            widget.show_subject(param(params, 0, BallotReceipt))
        elif isinstance(widget, ConsultationsScreen):
            widget.show_person(self.identified)
        elif isinstance(widget, VoteScreen):
            widget.start(param(params, 0, str), self.identified)
        elif isinstance(widget, AppreciateScreen):
            widget.show_person(self.identified)
        elif isinstance(widget, AppreciationScreen):
            assert self.identified is not None, "what to appreciate is reached through with_identity only"
            widget.start(param(params, 0, str), self.identified)
        elif isinstance(widget, PaymentScreen):
            widget.start(param(params, 0, str), param(params, 1, str))
        elif isinstance(widget, StaffSignInScreen):
            widget.start(param(params, 0, str) if params else "")
        elif isinstance(
            widget,
            (StaffHomeScreen, AssistedIdentifyScreen, QueueScreen, HelpQueueScreen, SyncStateScreen, TakingsScreen),
        ):
            widget.start()
        if name != "offers":  # the list keeps its place while the person comes and goes
            scroll_to_top(widget)
        self._current = (name, params)
        self.stack.setCurrentWidget(widget)
        self._update_nav()
        self.screen_shown.emit(name)

    def go_back(self) -> None:
        if not self.history:
            self.go_home()
            return
        name, params = self.history.pop()
        if name == "home":
            self.go_home()
        elif name == "offers":
            # Coming back to the list keeps what the person had typed and chosen.
            self._current = (name, params)
            self.stack.setCurrentWidget(self.screens[name])
            self._update_nav()
            self.screen_shown.emit(name)
        else:
            self.show_screen(name, *params, remember=False)

    def go_home(self) -> None:
        self.history.clear()
        self._current = ("home", ())
        self.stack.setCurrentWidget(self.screens["home"])
        self._update_nav()
        self.screen_shown.emit("home")

    def _update_nav(self) -> None:
        """Back and Home away from home; who is identified, and Finish, whenever someone is."""
        away = self._current[0] != "home"
        for control in (self.back_button, self.home_button):
            control.setVisible(away)
        for part in (self.hello, self.end_session):
            part.setVisible(self.identified is not None)
        self.nav.setVisible(away or self.identified is not None)

    def current_screen(self) -> str:
        return self._current[0]

    def actor(self) -> Actor:
        """Who acts on the screens now: the person alone, or the signed-in correspondent for them."""
        return Actor(self.staff_session)

    def _home_choice(self, destination: str) -> None:
        if destination == "offers":
            self.show_screen("offers", False)
        elif destination == "bons_plans":
            self.show_screen("offers", True)
        elif destination == "concierge":
            self.show_screen("concierge")
        elif destination == "participate":
            self.show_screen("participate")
        else:
            self.with_identity(("my_bookings",))

    def _participate_choice(self, choice: str) -> None:
        """Ideas need nobody's name; consultations and appreciations need the person's card and PIN."""
        if choice in ("consultations", "appreciate"):
            self.with_identity((choice,))
        else:
            self.show_screen(choice)

    def _appreciation_given(self) -> None:
        """Thanks, then back to what is left to appreciate."""
        texts = self.texts
        self.notice.open(texts("appreciation.thanks.title"), texts("appreciation.thanks"), texts("notice.ok"))
        self.go_back()

    # -- identity --------------------------------------------------------------------------

    def with_identity(self, action: Destination) -> None:
        """Do `action` (a screen and its parameters) once the person is identified."""
        if self.identified is not None:
            self.show_screen(*action)
            return
        self.after_identify = action
        # A correspondent beside the person identifies them by card alone, confirming presence and consent.
        self.show_screen("assisted_identify" if self.staff_session else "identify")

    def _card_scanned(self, scanned: str) -> None:
        """Identify now, then come back to where the person was (or go on to what they asked).

        A card scanned while someone else is identified is the next person: the first one's
        session ends (nothing of theirs stays), and the new one identifies from home."""
        if self.staff_session is not None or self.current_screen() == "identify":
            return
        if self.identified is not None:
            self.reset_session()
        name, params = self._current
        self.after_identify = (name, *params)
        self.show_screen("identify", scanned)

    def _offer_scanned(self, offer_id: str) -> None:
        """An offer sheet brought back and scanned: its offer, as it stands now (or that it is no longer offered)."""
        if self.current_screen() != "identify":
            self.show_screen("detail", offer_id)

    def _identified(self, who: Identified) -> None:
        self.identified = who
        self._update_nav()
        self.retranslate()
        action, self.after_identify = self.after_identify or ("home",), None
        # The identification screen takes no place in the way back.
        self.show_screen(*action, remember=False)
        self._tell_what_is_ready(who)

    def _tell_what_is_ready(self, who: Identified) -> None:
        """The person learns what waits at the desk and what the centre decided on their bookings,
        without being stopped."""
        household = who.household
        ready = self.services.concierge.ready_for(household)
        decided: list[Decision] = [
            *self.services.bookings.take_news(household),
            *self.services.wishes.take_news(who),
            *self.services.ideas.take_news(who),
            *self.services.consultations.take_news(who),
            *self.services.appreciations.take_news(who),
        ]
        if not ready and not decided:
            return
        told: list[News] = [*ready, *decided]
        lines = [n.message.message(self.texts.language) for n in told]
        good = all(n.good for n in decided)
        self.news.show_news(
            self.texts("ready.title" if good else "news.title"), "\n".join(lines), self.texts("notice.ok")
        )

    def _print_offer(self, offer_id: str) -> None:
        """The offer to take home, with the price for the household of whoever is identified."""
        screen = self.screen_as("detail", OfferDetailScreen)
        household = self.identified.household if self.identified is not None else None
        try:
            sheet = self.services.paper.offer_sheet(offer_id, household)
        except KioskError as problem:
            screen.set_print_status(offer_id, problem.message(self.texts.language))
            return
        language = self.texts.language
        screen.set_print_status(offer_id, self.texts("paper.print.running"))
        print_page(
            lambda: self.services.paper.print_offer_sheet(sheet, language),
            self.texts,
            "paper.print.done",
            lambda message, printed: screen.set_print_status(offer_id, message, printed),
        )

    def _print_programme(self) -> None:
        """The noticeboard programme, this week's and next week's: said in a notice once printed, or why not."""
        texts, language = self.texts, self.texts.language
        found = self.services.paper.programme(weeks=2)
        self.notice.open(texts("paper.programme.print"), texts("paper.programme.running"), texts("notice.ok"))
        print_page(
            lambda: self.services.paper.print_programme(found, language),
            texts,
            "paper.programme.done",
            lambda message, _printed: self.notice.open(texts("paper.programme.print"), message, texts("notice.ok")),
        )

    # -- session -------------------------------------------------------------------------

    def start(self) -> None:
        self._refresh_bar()
        self._clock_timer.start()
        self.idle.start()
        QTimer.singleShot(SPEECH_WARM_UP_MS, self.narrator.prepare)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.staff_session is not None:
            self.assisted_mode.sign_out("kiosk_closed")  # recorded: nobody stays signed in to a closed kiosk
        self.idle.stop()
        self._clock_timer.stop()
        self.reset_session()
        super().closeEvent(event)

    def reset_session(self) -> None:
        """The person has gone: clear everything they did and see, back to home in the site language.

        A signed-in correspondent stays signed in (AssistedMode.sign_out clears them) and is
        taken back to their own home."""
        self.notice.hide()
        self.help_panel.forget()
        self.news.hide()
        self.idle_overlay.hide()
        self.identified = None
        self.after_identify = None
        self._update_nav()
        for widget in self.screens.values():
            widget.reset()
            scroll_to_top(widget)
        if self.texts.language != self.site.language:
            self.set_language(self.site.language)
        for toggle in (self.access_bar.read_aloud, self.access_bar.contrast, self.access_bar.larger):
            toggle.setChecked(False)  # the next person starts from the standard display
        self.go_home()
        if self.staff_session is not None:
            self.show_screen("staff_home", remember=False)
        # Last, once every screen is reset: no field keeps the focus, the on-screen keyboard closes,
        # and the next person's card scan reaches the kiosk.
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        QGuiApplication.inputMethod().hide()

    def show_idle_warning(self, seconds_left: int) -> None:
        if (
            self.current_screen() == "home"
            and self.texts.language == self.site.language
            and not self.identified
            and not self.help_panel.isVisible()
        ):
            return  # nothing to clear: no need to interrupt anyone
        texts = self.texts
        self.idle_overlay.open(
            texts("idle.title"),
            texts("idle.message", seconds=seconds_left),
            texts("idle.stay"),
            on_close=self.idle.activity,
        )

    def _staff_job(self, job: str) -> None:
        """What the correspondent chose on their home screen."""
        if job == "exit_kiosk":
            self.assisted_mode.confirm_exit()
        elif job == "sign_out":
            self.assisted_mode.sign_out("user")
        elif job == "print_programme":
            self._print_programme()
        elif job == "assisted_identify":
            self.after_identify = None  # once identified, the person's own choices start from home
            self.show_screen(job)
        else:
            self.show_screen(job)

    # -- language and top bar ------------------------------------------------------------

    def toggle_language(self) -> None:
        self.set_language("en" if self.texts.language == "fr" else "fr")

    def set_language(self, language: str) -> None:
        self.texts = Texts(language)
        self.retranslate()

    def retranslate(self) -> None:
        texts = self.texts
        self.back_button.setText(texts("nav.back"))
        self.home_button.setText(texts("nav.home"))
        self.access_bar.retranslate(texts, self.top_bar.compact)
        self.assisted_mode.retranslate(texts)
        self.narrator.language = texts.language
        self.top_bar.staff.setText(texts("bar.staff"))
        self.end_session.setText(texts("session.end"))
        if self.identified is not None:
            self.hello.setText(texts("session.hello", name=self.identified.person.first_name))
        for widget in self.screens.values():
            widget.retranslate(texts)
        self._refresh_bar()

    def _refresh_bar(self) -> None:
        texts = self.texts
        now = datetime.now()
        compact = self.top_bar.compact
        self.top_bar.clock.setText(texts.time(now) if compact else f"{texts.day(now, year=False)}\n{texts.time(now)}")
        as_of = self.services.catalog.catalog_as_of()
        offer = texts("bar.offer_as_of", when=texts.freshness(as_of, now)) if as_of else texts("bar.offer_never")
        sync = self.sync_status
        state = [texts("bar.online" if sync["online"] else "bar.offline")]
        if sync["online"] and sync["last_success"]:
            state.append(texts("bar.synced", when=texts.freshness(sync["last_success"], now)))
        if sync["pending"]:
            state.append(texts("bar.waiting", count=sync["pending"]))
        self.top_bar.status.setText(f"● {state[0]}" if compact else f"● {' · '.join(state)}\n{offer}")

    # -- display and read-aloud ------------------------------------------------------------

    def _display_changed(self) -> None:
        display = self.services.config.display
        scale = larger_text_scale(display.viewing_distance_mm, display.pixel_pitch_mm)
        self.set_theme(
            Theme(
                HIGH_CONTRAST if self.access_bar.contrast.isChecked() else STANDARD,
                scale if self.access_bar.larger.isChecked() else 1.0,
            )
        )

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        apply_style(running_app(), theme)
        for widget in self.screens.values():
            widget.apply_theme(theme)
        self._fit_top_bar()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_top_bar()

    def keyboard_shown(self, shown: bool) -> None:
        """While typing, the keyboard takes the place of the accessibility bar, and of what each
        screen can do without (told before the keyboard comes, after it has gone)."""
        self.access_bar.setVisible(not shown)
        for widget in self.screens.values():
            widget.keyboard_shown(shown)

    def _fit_top_bar(self) -> None:
        compact = self.width() < COMPACT_WIDTH * self.theme.scale
        if compact != self.top_bar.compact:
            self.top_bar.set_compact(compact)
            self.access_bar.retranslate(self.texts, compact)
            self._refresh_bar()

    def show_help(self) -> None:
        """What this screen is for and what to do, in plain words, read aloud on request; and for a
        person, a call to a correspondent or a code to finish later with one."""
        texts, (screen, params) = self.texts, self._current
        if screen in STAFF_SCREENS:
            explanation = texts("help.staff")
            self.notice.open(
                texts("help.title"),
                explanation,
                texts("notice.ok"),
                secondary=texts("help.read"),
                on_secondary=lambda: self._read_help(explanation),
            )
            return
        subject, session = (str(params[0]) if params else None), (str(params[1]) if len(params) > 1 else None)
        place = Place(screen, subject if screen in RESUMABLE_SCREENS else None, session)
        self.help_panel.open(texts, place, texts(f"help.{screen}"))

    def _take_help(self, request: HelpRequest) -> None:
        """A correspondent took over a call or a ticket: they identify the person beside them by card,
        then the person's choice (an offer, a date, a service) opens again."""
        place = request.place
        self.after_identify = place.screen_params() if place.resumable else None
        self.show_screen("assisted_identify")

    def _read_help(self, explanation: str) -> None:
        if not self.narrator.available:
            self._say_no_speech()
            return
        self.narrator.language = self.texts.language
        self.narrator.say(explanation)

    def _say_no_speech(self) -> None:
        """This kiosk cannot read aloud: said plainly, with whom to ask, instead of pretending."""
        texts = self.texts
        self.notice.open(texts("access.read.none.title"), texts("access.read.none"), texts("notice.ok"))

    def _read_aloud_toggled(self, on: bool) -> None:
        if on and not self.narrator.available:
            self.access_bar.read_aloud.setChecked(False)
            self._say_no_speech()
            return
        self.narrator.set_active(on)
        self._read_current_screen()

    def _read_current_screen(self) -> None:
        current = self.stack.currentWidget()
        if current is not None:  # always: home is there from the start
            self.narrator.read_screen(current)

    def set_sync_status(self, status: SyncStatus) -> None:
        """What the sync worker last found (called on the GUI thread through its signal)."""
        self.sync_status = status
        self._refresh_bar()
