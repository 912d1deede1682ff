"""Printing a booking's voucher from a screen: the store is read here, the slow part runs in a worker."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.domain.booking import Booking
from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.vouchers import VoucherService
from kiosk.ui.workers import run_in_worker

log = logging.getLogger(__name__)


def print_booking_voucher(vouchers: VoucherService, booking: Booking, texts: Texts,
                          done: Callable[[str, str], None]) -> None:
    """Print, then call `done(booking_id, message for the person)` on the GUI thread."""
    try:
        voucher = vouchers.voucher(booking)
    except KioskError as problem:
        done(booking.booking_id, problem.message(texts.language))
        return

    def finished(_job: object, error: BaseException | None) -> None:
        if error is None:
            done(booking.booking_id, texts("print.done"))
        elif isinstance(error, KioskError):
            log.warning("voucher not printed (%s); kept at %s", type(error).__name__, getattr(error, "kept", None))
            done(booking.booking_id, f"{error.message(texts.language)}\n{texts('print.kept')}")
        else:
            log.error("voucher printing failed: %s", type(error).__name__, exc_info=error)
            done(booking.booking_id, texts("print.kept"))

    run_in_worker(lambda: vouchers.print(voucher, texts.language), finished)
