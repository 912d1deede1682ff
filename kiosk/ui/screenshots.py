"""`slvie-kiosk screenshots`: every screen rendered offscreen on the demo data, one PNG each."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.config import DisplaySettings, KioskConfig, PrinterSettings, SiteSettings
from kiosk.demo.households import DEMO_PIN
from kiosk.domain.search import OfferQuery
from kiosk.errors import DataDirError
from kiosk.services.actor import Actor

SCREEN_SIZE = (1920, 1080)
# A demo card holder per variant (assets/demo/households.json), so each books for the first time.
VARIANTS = {"standard": "1000000000017", "high-contrast": "1000000000033", "larger-text": "1000000000066"}


def bookable_session(services) -> tuple[str, str]:
    """An offer with a session the demo card holder can book at once (seats left for this site)."""
    for summary in services.catalog.search(OfferQuery(with_places=True), limit=200).offers:
        offer = services.catalog.offer(summary.id)
        for session in offer.sessions:
            if (
                session.site_remaining >= 2
                and offer.age_min is None
                and not session.has_started(services.catalog.now())
            ):
                return offer.id, session.id
    raise LookupError("the demo catalog has no session left to book")


def walk_screens(window, services, shot, card: str) -> None:
    """Every screen, reached the way a person would, each handed to `shot(name, action)`."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    offers = window.screen("offers")
    shot("home", window.go_home)
    shot("offer_list", lambda: window.show_screen("offers", False))
    shot("offer_list_search", lambda: (offers.search.setText("théâtre"), offers.refresh()))
    shot("offer_list_partial", lambda: (offers.search.setText("théâtre ski"), offers.refresh()))
    shot("offer_list_nothing", lambda: (offers.search.setText("yogo"), offers.refresh()))
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
    shot("concierge", lambda: (window.go_home(), window.show_screen("concierge")))
    shot("idle_warning", lambda: window.show_idle_warning(25))
    window.idle_overlay.hide()
    identify = window.screen("identify")
    shot("identify", lambda: (window.go_home(), window.with_identity(("booking", offer_id, session_id))))
    shot("identify_error", lambda: (identify.card.setText("1000000000018"), identify.try_identify()))
    # A notice of something ready may come first (the audit covers it): the booking screen is shown here.
    shot(
        "booking",
        lambda: (
            identify.card.setText(card),
            identify.pin.setText(DEMO_PIN),
            identify.try_identify(),
            window.notice.hide(),
        ),
    )
    booking = window.screen("booking")
    shot("booking_done", lambda: booking.confirm.click())
    shot("my_bookings", lambda: window.show_screen("my_bookings"))
    notices = window.screen("notices")
    shot("notices", lambda: window.show_screen("notices"))
    shot("notices_error", lambda: (notices.address.setText("claire.martin"), notices.give_consent()))
    shot("notices_given", lambda: (notices.domains[0].click(), notices.give_consent()))
    notices.take_back()
    request = window.screen("concierge_request")
    shot("concierge_request", lambda: window.show_screen("concierge_request", "pressing"))
    shot("concierge_request_error", request.send.click)
    shot(
        "concierge_done",
        lambda: (
            request.controls["garments"].buttons()[0].click(),
            request.controls["day"].buttons()[0].click(),
            request.send.click(),
        ),
    )
    walk_participation_screens(window, services, shot)
    walk_staff_screens(window, shot)


def walk_participation_screens(window, services, shot) -> None:
    """Participer, with the card holder still identified: results, an idea and its code, a vote and its receipt."""
    idea = window.screen("idea")
    vote = window.screen("vote")
    shot("participate", lambda: window.show_screen("participate"))
    shot("idea", lambda: window.show_screen("idea"))
    shot("idea_error", idea.send.click)
    shot(
        "idea_done",
        lambda: (
            idea.themes.buttons()[0].click(),
            idea.words.setText("Un casier réfrigéré pour les courses du soir"),
            idea.send.click(),
        ),
    )
    lookup = window.screen("idea_lookup")
    code = window.screen("idea_done").idea.code
    shot("idea_lookup", lambda: (window.show_screen("idea_lookup"), lookup.code.setText(code), lookup.search.click()))
    shot("consultations", lambda: window.show_screen("consultations"))
    shot("vote_ranking", lambda: window.show_screen("vote", "DEMO-PRIORITES"))
    shot("vote", lambda: window.show_screen("vote", "DEMO-SORTIE-ETE"))
    shot("vote_done", lambda: (vote.ballot.buttons()[1].click(), vote.pin.setText(DEMO_PIN), vote.send.click()))
    shot("appreciate", lambda: window.show_screen("appreciate"))
    # The past outing every demo household's first card holder booked (kiosk/demo/participation.py).
    (waiting, *_) = services.appreciations.to_appreciate(window.identified)
    form = window.screen("appreciation")
    shot("appreciation", lambda: window.show_screen("appreciation", waiting.booking.booking_id))
    shot("appreciation_error", form.send.click)
    shot("offer_detail_past", lambda: window.show_screen("detail", waiting.booking.offer_id))


def walk_staff_screens(window, shot) -> None:
    """Assisted mode, from the sign-in to the way out (demo correspondent Sophie Durand)."""
    from kiosk.demo.staff import badge_number
    from kiosk.domain.concierge import RequestState
    from kiosk.ui.queue import QueueCard

    display = [window.access_bar.contrast.isChecked(), window.access_bar.larger.isChecked()]
    sign_in = window.screen("staff_sign_in")
    shot(
        "staff_sign_in",
        lambda: (
            window.top_bar.staff.click(),
            sign_in.badge.setText(badge_number(1)),
            sign_in.pin.setText("0000"),
            sign_in.try_sign_in(),
        ),
    )
    # Signing in starts from the standard display; each variant is then set again.
    shot(
        "staff_home",
        lambda: (
            sign_in.badge.setText(badge_number(1)),
            sign_in.pin.setText("2468"),
            sign_in.try_sign_in(),
            window.access_bar.contrast.setChecked(display[0]),
            window.access_bar.larger.setChecked(display[1]),
        ),
    )
    shot("staff_queue", lambda: window.show_screen("queue"))
    queue = window.screen("queue")
    shot(
        "staff_queue_reason",
        lambda: queue.choose_move(queue.findChildren(QueueCard)[0].request_id, RequestState.REFUSED),
    )
    queue.reason_picker.hide()
    shot("staff_queue_filters", lambda: queue.filters_button.setChecked(True))
    shot("staff_help_queue", lambda: window.show_screen("help_queue"))
    shot("staff_sync", lambda: window.show_screen("sync_state"))
    walk_payment_screens(window, shot)
    shot(
        "assisted_identify",
        lambda: (
            window.show_screen("staff_home"),
            window.screens["staff_home"].tiles["assisted_identify"].click(),
            window.screens["assisted_identify"].try_identify(),
        ),
    )
    shot(
        "assisted_booking_home",
        lambda: (
            window.screens["assisted_identify"].present.click(),
            window.screens["assisted_identify"].agrees.click(),
            window.screens["assisted_identify"].card.setText(VARIANTS["standard"]),
            window.screens["assisted_identify"].try_identify(),
            window.notice.hide(),
        ),
    )
    shot("staff_exit_question", lambda: (window.show_screen("staff_home"), window.assisted_mode.confirm_exit()))
    window.notice.hide()
    window.assisted_mode.sign_out("user")


def owed_request_id(services) -> str:
    """A demo concierge request with something still to pay, for the payment screens."""
    for item in services.concierge.queue(Actor(services.staff.current())):
        if services.payments.balance_of_request(item.request).owed_cents:
            return item.request.request_id
    raise LookupError("the demo has no concierge request left to pay")


def walk_payment_screens(window, shot) -> None:
    """Taking a payment (a bad amount, then a payment, then a correction), and the day's takings."""
    pay = window.screen("payment")
    shot("staff_payment", lambda: window.show_screen("payment", "request", owed_request_id(window.services)))
    shot("staff_payment_error", lambda: (pay.amount.setText("douze"), pay.submit_entry()))
    shot("staff_payment_recorded", lambda: (pay.amount.setText("1"), pay.submit_entry()))
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

        def shot(name: str, action: Callable[[], None]) -> None:
            action()
            QThreadPool.globalInstance().waitForDone(10_000)  # a voucher being printed, for instance
            for _ in range(5):
                app.processEvents()
            path = outdir / f"{name}.png"
            window.grab().save(str(path))
            written.append(path)

        for variant, card in VARIANTS.items():
            suffix = "" if variant == "standard" else f"-{variant}"
            window.reset_session()
            window.access_bar.contrast.setChecked(variant == "high-contrast")
            window.access_bar.larger.setChecked(variant == "larger-text")
            walk_screens(window, services, lambda name, action, suffix=suffix: shot(name + suffix, action), card)
        window.close()
        services.close()
    return written
