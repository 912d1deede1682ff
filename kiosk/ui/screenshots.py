"""`slvie-kiosk screenshots`: every screen rendered offscreen on the demo data, one PNG each."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import DisplaySettings, KioskConfig, PrinterSettings, SiteSettings
from kiosk.demo.households import DEMO_PIN
from kiosk.domain.search import OfferQuery
from kiosk.errors import DataDirError
from kiosk.services.actor import Actor

if TYPE_CHECKING:  # the services are opened, like Qt and the screens imported, only when the screens are rendered
    from PySide6.QtWidgets import QAbstractButton

    from kiosk.services.context import KioskServices
    from kiosk.ui.concierge_request import ConciergeRequestScreen, OptionGrid
    from kiosk.ui.consultations import RankingList
    from kiosk.ui.main_window import MainWindow

# Takes a screenshot named so, once the action (what a person does to get there) is done.
Shot = Callable[[str, Callable[[], object]], None]

SCREEN_SIZE = (1920, 1080)
# A demo card holder per variant (assets/demo/households.json), so each books for the first time.
VARIANTS = {"standard": "1000000000017", "high-contrast": "1000000000033", "larger-text": "1000000000066"}


def bookable_session(services: KioskServices) -> tuple[str, str]:
    """An offer with a session the demo card holder can book at once (seats left for this site)."""
    for summary in services.catalog.search(OfferQuery(with_places=True), limit=200).offers:
        offer = services.catalog.offer(summary.id)
        if offer is None:  # withdrawn since the search: never in the demo, which nothing changes meanwhile
            continue
        for session in offer.sessions:
            if (
                session.site_remaining >= 2
                and offer.age_min is None
                and not session.has_started(services.catalog.now())
            ):
                return offer.id, session.id
    raise LookupError("the demo catalog has no session left to book")


def steps(*actions: Callable[[], object]) -> Callable[[], None]:
    """Several things a person does in a row, as one action."""

    def run() -> None:
        for action in actions:
            action()

    return run


def walk_screens(window: MainWindow, services: KioskServices, shot: Shot, card: str) -> None:
    """Every screen, reached the way a person would, each handed to `shot(name, action)`."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.booking import BookingScreen
    from kiosk.ui.concierge_request import ConciergeRequestScreen
    from kiosk.ui.identify import IdentifyScreen
    from kiosk.ui.offer_list import OfferListScreen

    offers = window.screen_as("offers", OfferListScreen)
    shot("home", window.go_home)
    shot("offer_list", lambda: window.show_screen("offers", False))
    shot("offer_list_search", steps(lambda: offers.search.setText("théâtre"), offers.refresh))
    shot("offer_list_partial", steps(lambda: offers.search.setText("théâtre ski"), offers.refresh))
    shot("offer_list_nothing", steps(lambda: offers.search.setText("yogo"), offers.refresh))
    offers.search.clear()
    shot("offer_list_filters", lambda: offers.filters_button.setChecked(True))
    offers.filters_button.setChecked(False)
    QApplication.processEvents()
    shot("offer_list_keyboard", lambda: QTest.mouseClick(offers.search, Qt.MouseButton.LeftButton, pos=QPoint(40, 20)))
    window.go_home()
    shot("bons_plans", lambda: window.show_screen("offers", True))
    offer_id, session_id = bookable_session(services)
    shot("offer_detail", lambda: window.show_screen("detail", offer_id))
    shot("help", window.show_help)
    shot("help_called", window.help_panel.call.click)
    window.help_panel.hide()
    shot("concierge", steps(window.go_home, lambda: window.show_screen("concierge")))
    shot("idle_warning", lambda: window.show_idle_warning(25))
    window.idle_overlay.hide()
    identify = window.screen_as("identify", IdentifyScreen)
    shot("identify", steps(window.go_home, lambda: window.with_identity(("booking", offer_id, session_id))))
    shot("identify_error", steps(lambda: identify.card.setText("1000000000018"), identify.try_identify))
    # A notice of something ready may come first (the audit covers it): the booking screen is shown here.
    shot(
        "booking",
        steps(
            lambda: identify.card.setText(card),
            lambda: identify.pin.setText(DEMO_PIN),
            identify.try_identify,
            window.notice.hide,
        ),
    )
    booking = window.screen_as("booking", BookingScreen)
    shot("booking_done", booking.confirm.click)
    shot("my_bookings", lambda: window.show_screen("my_bookings"))
    walk_wishes_screens(window, services, shot)
    request = window.screen_as("concierge_request", ConciergeRequestScreen)
    from kiosk.ui.notices import NoticesScreen

    notices = window.screen_as("notices", NoticesScreen)
    shot("notices", lambda: window.show_screen("notices"))

    def not_an_address() -> None:
        notices.address.setText("claire.martin")
        notices.give_consent()

    def an_address() -> None:
        notices.domains[0].click()
        notices.give_consent()

    shot("notices_error", not_an_address)
    shot("notices_given", an_address)
    notices.take_back()
    shot("concierge_request", lambda: window.show_screen("concierge_request", "pressing"))
    shot("concierge_request_error", request.send.click)
    shot(
        "concierge_done",
        steps(
            lambda: first_option(request, "garments").click(),
            lambda: first_option(request, "day").click(),
            request.send.click,
        ),
    )
    walk_participation_screens(window, services, shot)
    walk_staff_screens(window, shot)


def open_stay(services: KioskServices) -> tuple[str, str]:
    """A stay asked for by wishes whose wishes are still open, and its first open date."""
    for stay in services.wishes.open_stays():
        if stay.campaign and stay.age_min is None and (dates := services.wishes.open_dates(stay)):
            return stay.id, dates[0]
    raise LookupError("the demo catalog has no stay open to wishes")


def walk_wishes_screens(window: MainWindow, services: KioskServices, shot: Shot) -> None:
    """Holiday-stay wishes: a stay's page, its dates and who goes, the list, the stays, a wish refused, the recap;
    then the centre's proposal in "Mes réservations", and accepting it."""
    from datetime import timedelta

    from PySide6.QtWidgets import QAbstractButton

    from kiosk.demo.seeding import show_demo_stay_proposal
    from kiosk.ui.my_bookings import MyBookingsScreen
    from kiosk.ui.wishes import WishesScreen

    stay_id, date_id = open_stay(services)
    wishes = window.screen_as("wishes", WishesScreen)
    stay = services.wishes.stay(stay_id)
    assert stay is not None, "open_stay found it"
    title = stay.title
    shot("stay_detail", lambda: window.show_screen("detail", stay_id))
    shot("wishes_details", lambda: window.show_screen("wishes", stay_id, date_id))
    shot("wishes_list", wishes.action.click)
    shown = lambda: [b for b in wishes.content.findChildren(QAbstractButton) if not b.isHidden()]
    shot("wishes_stays", lambda: next(b for b in shown() if b.text().startswith("+")).click())
    # The same stay and dates again: refused, with the reason.

    def same_wish_again() -> None:
        next(b for b in shown() if b.accessibleName() == title).click()
        wishes.action.click()

    shot("wishes_refused", same_wish_again)
    wishes.cancel.click()
    shot("wishes_done", wishes.action.click)
    assert window.identified is not None, "the wishes were made by the person identified"
    request = services.wishes.requests(window.identified.household)[0]
    show_demo_stay_proposal(services.db, request.request_id, services.catalog.now() + timedelta(days=10))
    shot("my_bookings_stay_proposed", lambda: window.show_screen("my_bookings"))
    mine = window.screen_as("my_bookings", MyBookingsScreen)
    shot("stay_accept_question", lambda: mine.confirm_stay_answer(request.request_id, True))
    window.notice.hide()


def first_option(request: ConciergeRequestScreen, field: str) -> QAbstractButton:
    """The first choice of one of the request form's option fields."""
    from kiosk.ui.concierge_request import OptionGrid

    control = request.controls[field]
    if not isinstance(control, OptionGrid):
        raise TypeError(f"the {field} field has no options")
    return control.buttons()[0]


def second_choice(ballot: OptionGrid | RankingList | None) -> QAbstractButton:
    """The second answer of a vote that asks for one choice."""
    from kiosk.ui.concierge_request import OptionGrid

    if not isinstance(ballot, OptionGrid):
        raise TypeError("this vote does not ask for one choice")
    return ballot.buttons()[1]


def walk_participation_screens(window: MainWindow, services: KioskServices, shot: Shot) -> None:
    """Participer, with the card holder still identified: results, an idea and its code, a vote and its receipt."""
    from kiosk.ui.appreciation import AppreciationScreen
    from kiosk.ui.consultations import VoteScreen
    from kiosk.ui.ideas import IdeaDoneScreen, IdeaLookupScreen, IdeaScreen

    idea = window.screen_as("idea", IdeaScreen)
    vote = window.screen_as("vote", VoteScreen)
    shot("participate", lambda: window.show_screen("participate"))
    shot("idea", lambda: window.show_screen("idea"))
    shot("idea_error", idea.send.click)
    shot(
        "idea_done",
        steps(
            lambda: idea.themes.buttons()[0].click(),
            lambda: idea.words.edit.setPlainText("Un casier réfrigéré pour les courses du soir"),
            idea.send.click,
        ),
    )
    lookup = window.screen_as("idea_lookup", IdeaLookupScreen)
    left = window.screen_as("idea_done", IdeaDoneScreen).subject
    if left is None:
        raise LookupError("the demo idea was not left")
    code = left.code
    shot(
        "idea_lookup",
        steps(lambda: window.show_screen("idea_lookup"), lambda: lookup.code.setText(code), lookup.search.click),
    )
    shot("consultations", lambda: window.show_screen("consultations"))
    shot("vote_ranking", lambda: window.show_screen("vote", "DEMO-PRIORITES"))
    shot("vote", lambda: window.show_screen("vote", "DEMO-SORTIE-ETE"))
    shot(
        "vote_done",
        steps(lambda: second_choice(vote.ballot).click(), lambda: vote.pin.setText(DEMO_PIN), vote.send.click),
    )
    shot("appreciate", lambda: window.show_screen("appreciate"))
    # The past outing every demo household's first card holder booked (kiosk/demo/participation.py).
    if window.identified is None:
        raise LookupError("the demo card holder is no longer identified")
    (waiting, *_) = services.appreciations.to_appreciate(window.identified)
    form = window.screen_as("appreciation", AppreciationScreen)
    shot("appreciation", lambda: window.show_screen("appreciation", waiting.booking.booking_id))
    shot("appreciation_error", form.send.click)
    shot("offer_detail_past", lambda: window.show_screen("detail", waiting.booking.offer_id))


def walk_staff_screens(window: MainWindow, shot: Shot) -> None:
    """Assisted mode, from the sign-in to the way out (demo correspondent Sophie Durand)."""
    from kiosk.demo.staff import badge_number
    from kiosk.domain.concierge import RequestState
    from kiosk.ui.assisted_identify import AssistedIdentifyScreen
    from kiosk.ui.queue import QueueCard, QueueScreen
    from kiosk.ui.staff_home import StaffHomeScreen
    from kiosk.ui.staff_sign_in import StaffSignInScreen

    display = [window.access_bar.contrast.isChecked(), window.access_bar.larger.isChecked()]
    sign_in = window.screen_as("staff_sign_in", StaffSignInScreen)
    shot(
        "staff_sign_in",
        steps(
            window.top_bar.staff.click,
            lambda: sign_in.badge.setText(badge_number(1)),
            lambda: sign_in.pin.setText("0000"),
            sign_in.try_sign_in,
        ),
    )
    # Signing in starts from the standard display; each variant is then set again.
    shot(
        "staff_home",
        steps(
            lambda: sign_in.badge.setText(badge_number(1)),
            lambda: sign_in.pin.setText("2468"),
            sign_in.try_sign_in,
            lambda: window.access_bar.contrast.setChecked(display[0]),
            lambda: window.access_bar.larger.setChecked(display[1]),
        ),
    )
    shot("staff_queue", lambda: window.show_screen("queue"))
    queue = window.screen_as("queue", QueueScreen)
    shot(
        "staff_queue_reason",
        lambda: queue.choose_move(queue.findChildren(QueueCard)[0].request_id, RequestState.REFUSED),
    )
    if queue.reason_picker is not None:
        queue.reason_picker.hide()
    shot("staff_queue_filters", lambda: queue.filters_button.setChecked(True))
    shot("staff_help_queue", lambda: window.show_screen("help_queue"))
    shot("staff_sync", lambda: window.show_screen("sync_state"))
    walk_payment_screens(window, shot)
    staff_home = window.screen_as("staff_home", StaffHomeScreen)
    beside = window.screen_as("assisted_identify", AssistedIdentifyScreen)
    shot(
        "assisted_identify",
        steps(
            lambda: window.show_screen("staff_home"),
            staff_home.tiles["assisted_identify"].click,
            beside.try_identify,
        ),
    )
    shot(
        "assisted_booking_home",
        steps(
            beside.present.click,
            beside.agrees.click,
            lambda: beside.card.setText(VARIANTS["standard"]),
            beside.try_identify,
            window.notice.hide,
        ),
    )
    shot("staff_exit_question", steps(lambda: window.show_screen("staff_home"), window.assisted_mode.confirm_exit))
    window.notice.hide()
    window.assisted_mode.sign_out("user")


def owed_request_id(services: KioskServices) -> str:
    """A demo concierge request with something still to pay, for the payment screens."""
    for item in services.concierge.queue(Actor(services.staff.current())):
        if services.payments.balance_of_request(item.request).owed_cents:
            return item.request.request_id
    raise LookupError("the demo has no concierge request left to pay")


def walk_payment_screens(window: MainWindow, shot: Shot) -> None:
    """Taking a payment (a bad amount, then a payment, then a correction), and the day's takings."""
    from kiosk.ui.payment import PaymentScreen

    pay = window.screen_as("payment", PaymentScreen)
    shot("staff_payment", lambda: window.show_screen("payment", "request", owed_request_id(window.services)))
    shot("staff_payment_error", steps(lambda: pay.amount.setText("douze"), pay.submit_entry))
    shot("staff_payment_recorded", steps(lambda: pay.amount.setText("1"), pay.submit_entry))
    if pay.kind is None:
        raise LookupError("the payment screen shows no booking or request")
    payments = window.services.payments.payments(pay.kind, pay.subject_id)
    shot("staff_payment_correction", lambda: pay.start_correction(payments[0]))
    shot("staff_takings", lambda: window.show_screen("takings"))


def render_all_screens(outdir: Path, language: str, size: tuple[int, int] = SCREEN_SIZE) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(
            "error.screenshots.folder_created",
            outdir=outdir,
            reason=error.strerror or error,
        ) from None
    from PySide6.QtCore import QThreadPool

    from kiosk.services.context import open_services
    from kiosk.ui.app import build_window, create_application

    # No printer: the screens show what a person sees when the voucher cannot be printed.
    config = KioskConfig(
        site=SiteSettings(language=language), display=DisplaySettings(keyboard="on"), printer=PrinterSettings(queue="")
    )
    with tempfile.TemporaryDirectory(prefix="slvie-screens-") as data_dir:
        services = open_services(Path(data_dir), config, demo=True)
        app, keyboard = create_application(config)
        window = build_window(services, keyboard)
        window.resize(*size)
        window.show()
        written: list[Path] = []

        def shot(name: str, action: Callable[[], object], suffix: str) -> None:
            action()
            QThreadPool.globalInstance().waitForDone(10_000)  # a voucher being printed, for instance
            for _ in range(5):
                app.processEvents()
            path = outdir / f"{name}{suffix}.png"
            window.grab().save(str(path))
            written.append(path)

        for variant, card in VARIANTS.items():
            suffix = "" if variant == "standard" else f"-{variant}"
            window.reset_session()
            window.access_bar.contrast.setChecked(variant == "high-contrast")
            window.access_bar.larger.setChecked(variant == "larger-text")
            walk_screens(window, services, partial(shot, suffix=suffix), card)
        window.close()
        services.close()
    return written
