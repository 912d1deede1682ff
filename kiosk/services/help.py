"""Help for a person who is stuck: call a correspondent, or take a ticket to finish later with one.

The person's side needs no identification and records no one: only where they were. The
correspondent's side lists the open calls and tickets, and takes one over (audited), which
gives back the place to reopen once the person beside them is identified by card.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import Action
from kiosk.domain.help import HelpKind, HelpRequest, Place, new_help_request
from kiosk.domain.voucher import normalize_short_code
from kiosk.errors import KioskError
from kiosk.files import write_whole
from kiosk.printing.printer import PrintJob, print_pdf
from kiosk.services.actor import Actor, Acts
from kiosk.store import help as help_store
from kiosk.store.catalog import load_concierge_service, load_offer
from kiosk.store.database import transaction

TICKET_DIR = "help-tickets"
FORGET_AFTER = timedelta(days=1)  # closed or lapsed requests are kept a day, for the correspondent's question
SAME_REQUEST_WITHIN = timedelta(minutes=10)
MAX_RECENT = {HelpKind.CALL: 5, HelpKind.TICKET: 10}  # at most this many in SAME_REQUEST_WITHIN


class HelpNotFound(KioskError):
    """No open call or ticket has this code."""


class HelpService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        data_dir: Path,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._dir = data_dir / TICKET_DIR
        self._acts = acts
        self._clock = clock

    # -- the person --------------------------------------------------------------------------------

    def call(self, place: Place) -> HelpRequest:
        """A correspondent is asked to come to the kiosk; the call shows in their queue with the screen."""
        return self._save(HelpKind.CALL, place)

    def ticket(self, place: Place) -> HelpRequest:
        """A code to finish later with a correspondent; only a screen holding a choice can be resumed."""
        if not place.resumable:
            raise KioskError("error.help.there_nothing_resume_on")
        return self._save(HelpKind.TICKET, place)

    def _save(self, kind: HelpKind, place: Place) -> HelpRequest:
        """A new call or ticket; past a handful made in the last minutes, someone is pressing for fun
        (or many wait already): the person is sent to the desk instead of filling the queue and the roll."""
        now = self._clock()
        recent = [
            r
            for r in help_store.open_help_requests(self._db, now)
            if r.kind == kind and now - r.made_at < SAME_REQUEST_WITHIN
        ]
        if len(recent) >= MAX_RECENT[kind]:
            raise KioskError("error.help.too_many")
        request = new_help_request(kind, place, now)
        with transaction(self._db):
            help_store.forget_closed_help_requests(self._db, now - FORGET_AFTER)
            help_store.save_help_request(self._db, request)
        return request

    def subject_title(self, place: Place, language: str) -> str | None:
        """The offer's title or the concierge service's name, as the person and the correspondent read it."""
        if place.subject_id is None:
            return None
        if place.screen == "concierge_request":
            service = load_concierge_service(self._db, place.subject_id)
            return None if service is None else service.name(language)
        offer = load_offer(self._db, place.subject_id)
        return None if offer is None else offer.title

    def write_ticket(self, request: HelpRequest, title: str | None, language: str) -> Path:
        """Render the ticket (`title` from `subject_title`, read on the store's thread) and keep it.
        No store access: safe to run in a worker."""
        from kiosk.printing.voucher_pdf import render_help_ticket_pdf  # reportlab: only when a ticket is made

        pdf = render_help_ticket_pdf(
            request, title, self._config.printer.layout, language, site_name=self._config.site.name
        )
        return write_whole(self._dir / f"{request.code}.pdf", pdf)

    def print_ticket(self, path: Path, request: HelpRequest) -> PrintJob:
        """Slow and may block on the printer: call it from a worker thread, never the GUI thread."""
        return print_pdf(path, self._config.printer.queue, title=f"SLVie-aide-{request.code}")

    # -- the correspondent -------------------------------------------------------------------------

    def open_requests(self, actor: Actor) -> list[HelpRequest]:
        """Calls first (someone is waiting at the kiosk), then tickets, oldest first. Correspondents only."""
        self._acts.correspondent(actor)
        return help_store.open_help_requests(self._db, self._clock())

    def take(self, actor: Actor, code: str) -> HelpRequest:
        """Take over a call or a ticket by its code (typed, or tapped in the queue): it leaves the queue,
        recorded in the audit log; the caller reopens its place for the person once identified.
        Correspondents only."""
        staff = self._acts.correspondent(actor)
        wanted = normalize_short_code(code)
        now = self._clock()
        found = next((r for r in help_store.open_help_requests(self._db, now) if r.code == wanted), None)
        if found is None:
            raise HelpNotFound(
                "error.help.open_call_ticket_has",
            )
        with self._acts.write(actor, Action.HELP_TAKEN) as audit:
            help_store.close_help_request(self._db, found.help_id, now, staff.staff_id)
            audit.say(target=found.help_id, details={"kind": found.kind.value, "screen": found.place.screen})
        return found
