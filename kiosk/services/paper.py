"""Paper beyond vouchers: an offer sheet to take home, the site's programme for the noticeboard, the day's
takings, an idea's receipt.

The sheet is made on the thread that owns the store (`offer_sheet`, `programme`), then written and
printed from a worker (`print_offer_sheet`, `print_programme`), as vouchers are. Both are kept in the
data directory's `paper/` folder, each one overwriting the last of its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.household import Household
from kiosk.domain.ideas import Idea, theme_label
from kiosk.domain.paper import OfferSheet, Programme, offer_sheet, programme, programme_window
from kiosk.domain.payment import Takings
from kiosk.domain.stay_wishes import WishesRecap
from kiosk.errors import KioskError
from kiosk.files import write_whole
from kiosk.i18n import Texts
from kiosk.printing.printer import PrintJob, print_pdf
from kiosk.store.catalog import load_offer, programme_offers

PAPER_DIR = "paper"


class UnknownOffer(KioskError):
    """The offer to print is not (or no longer) in this kiosk's catalog."""


class PaperService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        data_dir: Path,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._dir = data_dir / PAPER_DIR
        self._clock = clock

    def offer_sheet(self, offer_id: str, household: Household | None) -> OfferSheet:
        """The offer as printed now: the household's price when someone is identified, else the grid."""
        offer = load_offer(self._db, offer_id)
        if offer is None:
            raise UnknownOffer("error.paper.offer_withdrawn")
        site = self._config.site
        return offer_sheet(offer, household, site.name, site.slvie, self._clock())

    def programme(self, weeks: int = 2) -> Programme:
        """This week's and the next weeks' local activities and bons plans; raises ValueError past 4 weeks."""
        now = self._clock()
        start, end = programme_window(now.date(), weeks)
        site = self._config.site
        return programme(programme_offers(self._db, start, end), site.name, site.slvie, now, weeks)

    def write_offer_sheet(self, sheet: OfferSheet, language: str) -> Path:
        """In the site printer's layout (A4 or the 80 mm receipt)."""
        from kiosk.printing.paper_pdf import render_offer_sheet  # reportlab: only once something is printed

        pdf = render_offer_sheet(sheet, self._config.printer.layout, language)
        return self._keep(f"offer-{sheet.offer.id}.pdf", pdf)

    def write_programme(self, found: Programme, language: str) -> Path:
        from kiosk.printing.paper_pdf import render_programme

        return self._keep("programme.pdf", render_programme(found, language))

    def print_offer_sheet(self, sheet: OfferSheet, language: str) -> PrintJob:
        """Slow: from a worker. On the site's printer, in its layout (A4 or the 80 mm receipt)."""
        path = self.write_offer_sheet(sheet, language)
        return print_pdf(path, self._config.printer.queue, title=f"SLVie-offre-{sheet.offer.id}")

    def print_programme(self, found: Programme, language: str) -> PrintJob:
        """Slow: from a worker. On the site's A4 printer."""
        path = self.write_programme(found, language)
        return print_pdf(path, self._config.printer.a4_target, title="SLVie-programme")

    def write_wishes(self, recap: WishesRecap, language: str) -> Path:
        """The recap of a household's stay wishes, in the site printer's layout (A4 or the 80 mm receipt)."""
        from kiosk.printing.paper_pdf import render_wishes_recap

        pdf = render_wishes_recap(recap, self._config.printer.layout, language)
        return self._keep(f"wishes-{recap.request.request_id}.pdf", pdf)

    def print_wishes(self, recap: WishesRecap, language: str) -> PrintJob:
        """Slow: from a worker. On the site's printer, in its layout."""
        path = self.write_wishes(recap, language)
        return print_pdf(path, self._config.printer.queue, title=f"SLVie-voeux-{recap.code}")

    def write_takings(self, takings: Takings, language: str) -> Path:
        from kiosk.printing.paper_pdf import render_takings

        return self._keep(
            f"takings-{takings.day.isoformat()}.pdf", render_takings(takings, self._config.site.name, language)
        )

    def print_takings(self, takings: Takings, language: str) -> PrintJob:
        """Slow: from a worker. The day's takings on the site's A4 printer."""
        path = self.write_takings(takings, language)
        return print_pdf(path, self._config.printer.a4_target, title=f"SLVie-recette-{takings.day.isoformat()}")

    def write_idea_receipt(self, idea: Idea, language: str) -> Path:
        """An idea's receipt: its code, its theme, what to do with the code. Neither the idea's text nor the
        person's name: whoever finds the paper learns nothing but that an idea was left."""
        from kiosk.printing.voucher_pdf import CodeTicket, render_code_ticket_pdf

        texts = Texts(language)
        ticket = CodeTicket(
            heading=texts("idea.receipt.heading"),
            site_name=self._config.site.name,
            code=idea.code,
            title=theme_label(idea.theme, language),
            what=texts("idea.receipt.what"),
            until=texts("idea.receipt.left", day=texts.day(idea.created_at, weekday=False)),
        )
        return self._keep(f"idea-{idea.code}.pdf", render_code_ticket_pdf(ticket, self._config.printer.layout))

    def print_idea_receipt(self, idea: Idea, language: str) -> PrintJob:
        """Slow: from a worker. On the site's printer, in its layout."""
        path = self.write_idea_receipt(idea, language)
        return print_pdf(path, self._config.printer.queue, title=f"SLVie-idee-{idea.code}")

    def _keep(self, name: str, pdf: bytes) -> Path:
        return write_whole(self._dir / name, pdf)
