"""Printing a voucher or a pickup ticket from a screen: the store is read here, the slow part runs in a worker."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.domain.booking import Booking
from kiosk.domain.concierge import ConciergeRequest
from kiosk.domain.voucher import Voucher
from kiosk.errors import KioskError, PrinterError
from kiosk.i18n import Text, Texts
from kiosk.services.vouchers import VoucherService
from kiosk.ui.workers import run_in_worker

log = logging.getLogger(__name__)


def print_booking_voucher(
    vouchers: VoucherService, booking: Booking, texts: Texts, done: Callable[[str, str, bool], None]
) -> None:
    """Print, then call `done(booking_id, message for the person, printed)` on the GUI thread."""
    print_voucher(vouchers, lambda: vouchers.voucher(booking), booking.booking_id, texts, done)


def print_pickup_ticket(
    vouchers: VoucherService, request: ConciergeRequest, texts: Texts, done: Callable[[str, str, bool], None]
) -> None:
    """Print a concierge request's ticket, then call `done(request_id, message, printed)` on the GUI thread."""
    print_voucher(
        vouchers,
        lambda: vouchers.pickup_voucher(request, texts.language),
        request.request_id,
        texts,
        done,
        done_key="ticket.done",
        kept_key="ticket.kept",
        paper_key="print.paper.ticket",
    )


def print_voucher(
    vouchers: VoucherService,
    make: Callable[[], Voucher],
    reference: str,
    texts: Texts,
    done: Callable[[str, str, bool], None],
    done_key: str = "print.done",
    kept_key: str = "print.kept",
    paper_key: str = "print.paper.voucher",
) -> None:
    """Make the voucher here (it reads the store; a correspondent's reprint is audited there), print it in a
    worker, then call `done(reference, message, printed)` on the GUI thread: printed, or why not and that
    it is kept, naming the paper by `paper_key` (a voucher, a ticket, a receipt)."""
    try:
        voucher = make()
    except KioskError as problem:
        done(reference, problem.message(texts.language), False)
        return

    def finished(_job: object, error: BaseException | None) -> None:
        if error is None:
            done(reference, texts(done_key), True)
        elif isinstance(error, KioskError):
            log.warning("voucher not printed (%s); kept at %s", type(error).__name__, getattr(error, "kept", None))
            said = error.naming(Text(paper_key)) if isinstance(error, PrinterError) else error
            done(reference, f"{said.message(texts.language)}\n{texts(kept_key)}", False)
        else:
            log.error("voucher printing failed: %s", type(error).__name__, exc_info=error)
            done(reference, texts(kept_key), False)

    run_in_worker(lambda: vouchers.print(voucher, texts.language), finished)


def print_page(
    job: Callable[[], object],
    texts: Texts,
    done_key: str,
    done: Callable[[str, bool], None],
    paper_key: str = "print.paper.document",
) -> None:
    """Print something that is not a voucher (an offer sheet, the programme, an idea's receipt) in a worker, then
    call `done(message for the person, printed)` on the GUI thread; a printer's failure names the paper by
    `paper_key`."""

    def finished(_job: object, error: BaseException | None) -> None:
        if error is None:
            done(texts(done_key), True)
        elif isinstance(error, KioskError):
            log.warning("page not printed (%s); kept at %s", type(error).__name__, getattr(error, "kept", None))
            said = error.naming(Text(paper_key)) if isinstance(error, PrinterError) else error
            done(said.message(texts.language), False)
        else:
            log.error("page printing failed: %s", type(error).__name__, exc_info=error)
            done(texts("paper.print.failed"), False)

    run_in_worker(job, finished)
