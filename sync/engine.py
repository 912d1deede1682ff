"""One sync cycle: push the outbox, then pull the centre's changes (DESIGN.md section 3).

- Push in batches; the centre answers per operation; each batch's answers are
  applied in one transaction. An operation the centre can never accept is parked
  with its reason and never blocks the ones behind it.
- Pull by cursor in pages; every page is validated whole before anything is
  written. Each kind of change is read and written as CHANGE_KINDS says. The bulk of a
  page (categories, services, offers, households: entities at their latest state, and
  leases, merged by maximum: writing one twice is writing it once) goes in write turns
  of WRITE_TURN_SECONDS, so a booking at the screen never waits behind a whole page; the
  rest goes with the cursor in the page's last transaction. A page cut short is written again from its start. A local
  booking still in the outbox is not overwritten by pulled data: the centre's answer
  settles it.
- Seats this kiosk holds in bookings not yet acknowledged are added back onto the
  pulled figures, so an offline confirmation is never handed out twice.
- Concierge requests: the centre's answer to `concierge.create`/`concierge.transition`
  is the request's state unless another local move of it still waits; pulled
  requests (moves made at another kiosk of the site, refusals by the centre) follow
  the same rule.
- Audit entries go as `audit.append` operations, in chain order; when the centre
  acknowledges them, they are purged here in the same transaction. Before one is sent,
  its copy in the outbox must be the audit table's entry word for word and the chain kept
  here intact and signed by this kiosk's key: otherwise it is parked, not sent, and the
  cycle says the audit log was altered.
- Ideas and ballots ("le par et le pour"): a ballot's answer settles the local record of who
  took part (a refusal is told to the person once); a ballot the centre can never take is
  parked with its choice erased. Consultations (with their results once published) and
  the site's ideas (with the centre's answers) are pulled.
- A failed cycle leaves its reason in `sync_last_error` for the correspondents' screen.
- Each cycle ends with a heartbeat (sync/heartbeat.py) when the centre can hear it: sent even
  after a failed cycle, to say so; a heartbeat refused or lost never fails the cycle.
- Nothing received is believed unchecked: a push answer must match its operations
  (sync/answers.py), a page must be one the store can write (sync/page_checks.py).
  A page refused again and again is reported in `sync_page_trouble` and its pull held
  back, with backoff, while pushing goes on.
- A centre restored from a backup (409 `cursor_ahead`, or a feed epoch other than the
  one saved) makes the kiosk pull again from cursor 0; the outbox is kept, and pulled
  data does not overwrite what still waits in it. What that full pull did not name (the
  restored centre no longer has it) is removed when its last page is written
  (kiosk/store/resync.py).
"""

from __future__ import annotations

import gc
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

import sqlite_utils
from pydantic import BaseModel, ValidationError

from kiosk.domain.appreciation import Appreciation, Moderation, OfferAppreciation, parse_offer_appreciation
from kiosk.domain.booking import BookingState
from kiosk.domain.catalog import Category, ConciergeService, Offer, parse_category, parse_offer, parse_service
from kiosk.domain.concierge import ConciergeRequest, RequestState, StateReason
from kiosk.domain.consultations import BallotState, Consultation, parse_consultation
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household, parse_household
from kiosk.domain.ideas import Idea
from kiosk.domain.payment import Payment, parse_payment
from kiosk.domain.staff import Correspondent, parse_correspondent
from kiosk.domain.stay_wishes import StayRequest, StayRequestState, parse_stay_request
from kiosk.errors import KioskError
from kiosk.i18n import Text
from kiosk.signing_key import parse_public_key
from kiosk.store import audit as audit_store
from kiosk.store import bookings as booking_store
from kiosk.store import catalog as catalog_store
from kiosk.store import concierge as concierge_store
from kiosk.store import households as household_store
from kiosk.store import leases as lease_store
from kiosk.store import notices as notice_store
from kiosk.store import outbox
from kiosk.store import participation as participation_store
from kiosk.store import payments as payment_store
from kiosk.store import resync as resync_store
from kiosk.store import staff as staff_store
from kiosk.store import stay_requests as stay_store
from kiosk.store.connection import IntegrityError
from kiosk.store.database import Row, checkpoint, transaction
from kiosk.store.state import read_state, write_state
from sync.answers import check_results, is_lease
from sync.backoff import retry_delay
from sync.client import (
    CentralClient,
    CentralError,
    CredentialRefused,
    JsonObject,
    RequestRefused,
    TransientError,
    read_answer,
)
from sync.heartbeat import KioskProbe, error_code, heartbeat
from sync.page_checks import first_problem
from sync.photos import PhotoFetcher
from sync.wire import (
    AppreciationResult,
    BallotRefusalData,
    BookingData,
    ConciergeRequestData,
    ConciergeRequestResult,
    ModerationData,
    Reason,
)

log = logging.getLogger(__name__)
WireModel = TypeVar("WireModel", bound=BaseModel)
Value = TypeVar("Value")  # what a kind of change is read into
Result = TypeVar("Result")

PUSH_BATCH = 500
PULL_PAGE = 1000  # the most the centre gives in one page: half the round trips and commits
VOUCHER_KEY_STATE = "voucher_key_published"  # the public key the centre last took, as sent
MAX_PAGES_PER_CYCLE = 400
MAX_CURSOR = 2**63 - 1  # the largest seq a SQLite centre can issue
EPOCH = re.compile(r"^[A-Za-z0-9_-]{8,64}$")  # a feed epoch, and a mark of the feed's history
PAGE_MARK = "sync_mark"  # the mark of the history up to the saved cursor, saved with it
PUSH_MARK = "sync_push_mark"  # the mark of the last push the centre answered
RESTARTS = {(409, "cursor_ahead"), (409, "history_unknown")}  # the centre's feed is not the one this kiosk saw
STUCK_AFTER = 3  # failures of one page before it is reported as stuck and its pull held back
WRITE_RUN = 25  # bulk changes of a pulled page written at a time
WRITE_TURN_SECONDS = 0.02  # how long the engine writes before a waiting booking goes
MAX_LEASES_PER_CALL = 500


class PageRejected(KioskError):
    """A page from the centre failed validation; nothing of it was written."""


class _FeedRestarted(Exception):
    """The centre's feed is not the one this kiosk has seen (a new epoch, or a history the centre lost):
    pull again from 0."""


@dataclass
class PageReading:
    """What reading a page needs besides the change itself."""

    tiers: int
    category_ids: set[str]  # known here, and defined earlier in the page


Written = list[tuple[str, Value | None]]  # (id, value or None for a tombstone), in page order
WriteChanges = Callable[[sqlite_utils.Database, Written[Value], datetime], None]


@dataclass(frozen=True)
class ChangeKind(Generic[Value]):
    """How the engine takes one kind of change: read its data, say whose it is, write a run of them."""

    read: Callable[[DocumentReader, PageReading], Value]
    entity_id: Callable[[Value], str]
    write: WriteChanges[Value]
    bulk: bool  # written in chunks ahead of the page's last transaction


@dataclass(frozen=True)
class Page:
    changes: list[tuple[str, str, object]]
    cursor: int
    more: bool
    tiers: int
    epoch: str
    mark: str  # "" when the centre gives none


@dataclass
class CycleReport:
    pushed: int = 0
    applied: int = 0
    parked: int = 0
    pulled: int = 0
    pages: int = 0
    cursor: int = 0
    resynced: bool = False  # the feed started again from cursor 0 (a restored centre)
    seats_given_back: int = 0  # unused seats of expired leases returned to the centre
    problem: tuple[str, str] | None = None  # (fr, en): the cycle ran, but pulling (or audit) is held back
    problem_code: str = "page_rejected"  # for the heartbeat: what the problem is
    heartbeat: bool = False  # the centre recorded this cycle's heartbeat
    photos: int = 0  # offer photos fetched
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"pushed {self.pushed} (applied {self.applied}, parked {self.parked}); "
            f"pulled {self.pulled} changes in {self.pages} pages; cursor {self.cursor}; "
            f"heartbeat {'recorded' if self.heartbeat else 'not recorded'}; photos fetched {self.photos}"
        )


class SyncEngine:
    def __init__(
        self,
        db: sqlite_utils.Database,
        client: CentralClient,
        clock: Callable[[], datetime] = datetime.now,
        push_batch: int = PUSH_BATCH,
        pull_page: int = PULL_PAGE,
        voucher_key: str | None = None,
        probe: KioskProbe | None = None,
        photos: PhotoFetcher | None = None,
    ):
        self.db = db
        self.photos = photos  # where offer photos are kept; None: none fetched
        self.client = client
        self.voucher_key = voucher_key  # this kiosk's public key (PEM), for the centre to publish
        self.probe = probe  # where the heartbeat's facts are read; None: no heartbeat (tests of other things)
        self.clock = clock
        self.push_batch = push_batch
        self.pull_page = pull_page

    def run_cycle(self) -> CycleReport:
        report = CycleReport()
        try:
            self.publish_voucher_key(report)
            self.push(report)
            if self.renew_leases(report):
                self.push(report)  # the seats of expired leases go back at once
            self.pull(report)
            if report.resynced:
                self.push(report)  # what waited for the resync, and what the restored centre lost, at once
        except Exception as error:
            self._record_failure(error)
            if not isinstance(error, (TransientError, CredentialRefused)):  # else the centre cannot hear it
                self.send_heartbeat(report)
            raise
        self.refresh_photos(report)
        if report.problem:
            self._record_problem(report.problem_code, *report.problem)
        else:
            with transaction(self.db):
                write_state(self.db, "sync_last_success", self.clock().isoformat(timespec="seconds"))
        self.send_heartbeat(report)
        return report

    def refresh_photos(self, report: CycleReport) -> None:
        """Fetch the photos the pulled offers name (sync/photos.py); nothing there fails the cycle."""
        if self.photos is None:
            return
        try:
            fetched = self.photos.refresh(self.client)
        except Exception as error:  # noqa: BLE001 - a disk full, a store busy: photos wait, the cycle's work stands
            log.warning("photos not refreshed (%s)", type(error).__name__)
            return
        report.photos = fetched.fetched

    def _record_failure(self, error: Exception) -> None:
        said = (
            error
            if isinstance(error, KioskError | CentralError)
            else Text("error.sync.failed", kind=type(error).__name__)
        )
        self._record_problem(error_code(error), said.message("fr"), said.message("en"))

    def _record_problem(self, code: str, fr: str, en: str) -> None:
        """Keep the last failure's reason for the correspondents' screen, and its code for the heartbeat
        (never the token, never a trace)."""
        try:
            with transaction(self.db):
                write_state(
                    self.db,
                    "sync_last_error",
                    json.dumps(
                        {"at": self.clock().isoformat(timespec="seconds"), "code": code, "fr": fr, "en": en},
                        ensure_ascii=False,
                    ),
                )
        except Exception:
            log.exception("could not record the sync failure")

    def send_heartbeat(self, report: CycleReport) -> None:
        """Tell the centre how this kiosk is (sync/heartbeat.py). A refusal or a failure is noted and
        logged, never raised: the heartbeat must not fail the cycle it reports on."""
        if self.probe is None:
            return
        try:
            self.client.heartbeat(heartbeat(self.db, self.probe, self.clock()))
        except CentralError as error:
            log.warning("heartbeat not recorded by the centre (%s)", error_code(error))
            report.notes.append("heartbeat not recorded")
            return
        except Exception as error:  # noqa: BLE001 - a fact the kiosk could not read must not stop sync
            log.warning("heartbeat not sent (%s)", type(error).__name__)
            report.notes.append("heartbeat not sent")
            return
        report.heartbeat = True

    def publish_voucher_key(self, report: CycleReport) -> None:
        """Once per key, so that whoever receives a voucher of this kiosk can check it with the
        centre's list. A centre that will not take it (an older one) is noted, never a reason
        to stop syncing."""
        if self.voucher_key is None or read_state(self.db, VOUCHER_KEY_STATE) == self.voucher_key:
            return
        try:
            self.client.register_voucher_key(self.voucher_key)
        except RequestRefused as refused:
            log.warning("the centre did not take this kiosk's voucher key (%s)", refused.code or refused.status)
            report.notes.append("voucher key not published")
            if refused.code == "voucher_key_pinned":  # another key than the one published: IT must enrol again
                report.problem, report.problem_code = (refused.fr, refused.en), refused.code
            return
        with transaction(self.db):
            write_state(self.db, VOUCHER_KEY_STATE, self.voucher_key)

    # -- leases -----------------------------------------------------------------------------

    def renew_leases(self, report: CycleReport) -> int:
        """Renew this kiosk's leases on sessions still to come, learn the centre's clock, and give back
        the unused seats of the leases that expired all the same. Returns how many seats went back."""
        now = self.clock()
        wanted = [
            {"session_id": sid, "seats": 0, "known_granted": granted}
            for sid, granted in self.db.execute(
                "SELECT l.session_id, l.granted FROM leases l JOIN sessions s ON s.id = l.session_id"
                " WHERE s.start > ? ORDER BY s.start LIMIT ?",
                [now.strftime("%Y-%m-%dT%H:%M"), MAX_LEASES_PER_CALL],
            )
        ]
        try:
            answer = self.client.leases(wanted)
        except RequestRefused as refused:  # an older centre: no leases, nothing confirmed offline
            log.warning("the centre does not renew leases (%s)", refused.code or refused.status)
            report.notes.append("leases not renewed")
            answer = None
        with transaction(self.db):
            if answer is not None:
                self._record_leases(answer, {w["session_id"] for w in wanted}, now)
            report.seats_given_back = lease_store.give_back_expired(self.db, self.clock())
        return report.seats_given_back

    def _record_leases(self, answer: JsonObject, asked: set[str], sent_at: datetime) -> None:
        """Inside the caller's transaction. A lease answered that was not asked for is ignored, and so is
        a time that cannot be read (the skew stays as last measured)."""
        try:
            centre_time = datetime.strptime(str(answer.get("time")), "%Y-%m-%dT%H:%M:%S")
            lease_store.record_skew(self.db, centre_time, sent_at + (self.clock() - sent_at) / 2)
        except ValueError:
            log.warning("the centre's time in its lease answer is unreadable")
        leases = answer.get("leases")
        for lease in leases if isinstance(leases, list) else []:
            if is_lease(lease) and lease["session_id"] in asked:
                lease_store.record(self.db, lease)

    # -- push ------------------------------------------------------------------------------

    def push(self, report: CycleReport) -> None:
        """Send the outbox in batches. A centre that lost a history this kiosk has seen (restored from an older
        copy) refuses before applying anything: the feed starts again from 0 and the batch waits for it."""
        try:
            self._push_batches(report)
        except _FeedRestarted:
            log.warning("the centre lost a history this kiosk has seen (restored from a copy): resync from cursor 0")
            self._restart_feed(report)

    def _push_batches(self, report: CycleReport) -> None:
        while batch := outbox.next_batch(self.db, self.push_batch):
            batch = self._without_altered_audit(batch, report)
            if not batch:
                continue
            try:
                answer = self._send(batch)
            except RequestRefused as refused:
                if len(batch) > 1:
                    self._push_one_by_one(batch, report)
                    continue
                self._park_refused(batch[0], refused, report)
                continue
            except _FeedRestarted:
                raise
            except Exception as error:
                with transaction(self.db):
                    outbox.record_failed_attempt(self.db, [op["op_id"] for op in batch], type(error).__name__)
                raise
            if self._apply_results(batch, answer, report):
                return  # entries held for the centre to have this kiosk's key again: the next cycle

    def _send(self, batch: list[Row]) -> JsonObject:
        """The centre's answer to `batch`, sent with what this kiosk has seen of its feed."""
        try:
            return self.client.push([_wire(notice_store.opened(self.db, op)) for op in batch], self._seen_history())
        except RequestRefused as refused:
            if (refused.status, refused.code) == (409, "history_unknown"):
                raise _FeedRestarted() from None
            raise

    def _seen_history(self) -> JsonObject | None:
        """The feed's epoch, the saved cursor and the marks this kiosk holds (sync/server/history.py)."""
        epoch = read_state(self.db, "sync_epoch")
        marks = self._marks(read_state(self.db, PAGE_MARK))
        if epoch is None and not marks:
            return None
        return {"epoch": epoch, "cursor": int(read_state(self.db, "sync_cursor") or 0), "marks": list(marks)}

    def _marks(self, page_mark: str | None) -> tuple[str, ...]:
        """The marks a push or a pull names: its page's (saved with the cursor) and the last push's."""
        return tuple(mark for mark in (page_mark, read_state(self.db, PUSH_MARK)) if mark)

    def _restart_feed(self, report: CycleReport) -> None:
        """Pull again from cursor 0, keeping the outbox; what the centre lost is sent again at its end."""
        with transaction(self.db):
            write_state(self.db, "sync_cursor", "0")
            self.db.execute("DELETE FROM kiosk_state WHERE key IN ('sync_epoch', ?, ?)", [PAGE_MARK, PUSH_MARK])
            resync_store.start(self.db)
        report.resynced = True

    def _without_altered_audit(self, batch: list[Row], report: CycleReport) -> list[Row]:
        """The batch less its audit operations that are not the audit table's intact, signed entries
        (those are parked here for IT, never sent)."""
        key = parse_public_key(self.voucher_key) if self.voucher_key else None
        kept = []
        for op in batch:
            broken = (
                audit_store.outgoing_problem(self.db, op["payload"], key)
                if op["kind"] == audit_store.APPEND_OPERATION
                else None
            )
            if broken is None:
                kept.append(op)
                continue
            with transaction(self.db):
                outbox.park(
                    self.db,
                    op["op_id"],
                    {"code": "audit_altered_here", "fr": broken.message("fr"), "en": broken.message("en")},
                )
            log.error("audit operation %s not sent: %s", op["op_id"], broken.message("en"))
            report.parked += 1
            report.problem_code = "audit_altered_here"
            not_sent = Text("sync.audit_altered_not_sent", altered=broken)
            report.problem = (not_sent.message("fr"), not_sent.message("en"))
        return kept

    def _push_one_by_one(self, batch: list[Row], report: CycleReport) -> None:
        """A batch refused whole: send each alone, so one bad operation is parked, not the rest."""
        for op in batch:
            try:
                answer = self._send([op])
            except RequestRefused as refused:
                self._park_refused(op, refused, report)
                continue
            self._apply_results([op], answer, report)

    def _park_refused(self, op: Row, refused: RequestRefused, report: CycleReport) -> None:
        with transaction(self.db):
            reason = {"code": refused.code or f"http_{refused.status}", "fr": refused.fr, "en": refused.en}
            self._reject(op, reason)
        report.pushed += 1
        report.parked += 1

    def _apply_results(self, batch: list[Row], answer: JsonObject, report: CycleReport) -> bool:
        """Apply the centre's answers, and keep the push's mark; True when some operation is held for the next
        cycle."""
        answers = check_results(batch, answer.get("results"))
        mark = answer.get("mark")
        held = False
        with transaction(self.db):
            if isinstance(mark, str) and EPOCH.match(mark):
                write_state(self.db, PUSH_MARK, mark)
            for op, result in zip(batch, answers):
                if result.outcome == "applied":
                    outbox.remove(self.db, op["op_id"])
                    if result.booking is not None:
                        booking_store.set_booking_state(
                            self.db,
                            result.booking.booking_id,
                            BookingState(result.booking.state),
                            *_words(result.booking.reason),
                        )
                    if result.concierge_request is not None:
                        self._settle_request(result.concierge_request)
                    if result.ballot is not None:
                        participation_store.settle_ballot(
                            self.db,
                            result.ballot.ballot_id,
                            BallotState(result.ballot.state),
                            *_words(result.ballot.reason),
                        )
                    if result.appreciation is not None:
                        _settle_appreciation(self.db, result.appreciation)
                    if result.lease is not None:
                        lease_store.record(self.db, result.lease.model_dump())
                    if result.stay_request is not None:
                        stay = result.stay_request
                        stay_store.settle(self.db, stay.request_id, stay.state, *_words(stay.reason))
                    if result.audit is not None:
                        ack = result.audit
                        audit_store.acknowledge(self.db, ack.chain, ack.through_seq, ack.through_hash)
                    report.applied += 1
                elif result.reason is not None and result.reason.code == "audit_key_unknown":
                    # The centre lost this kiosk's key (restored from a backup): published again at the
                    # next cycle, and the entries sent again then, rather than parked for good.
                    self.db.execute("DELETE FROM kiosk_state WHERE key = ?", [VOUCHER_KEY_STATE])
                    report.notes.append("audit entries held until the centre has this kiosk's key again")
                    held = True
                else:
                    self._reject(op, result.reason.model_dump() if result.reason is not None else {})
                    report.parked += 1
                report.pushed += 1
        return held

    def _settle_request(self, answer: ConciergeRequestResult) -> None:
        """The centre's state of a request, unless another local move of it still waits to be sent."""
        if concierge_store.has_pending_operation(self.db, answer.request_id):
            return
        local = concierge_store.load_request(self.db, answer.request_id)
        if local is None:
            return
        reason = answer.reason
        concierge_store.set_state(
            self.db,
            answer.request_id,
            RequestState(answer.state),
            StateReason(reason.code, reason.fr, reason.en) if reason else None,
            local.updated_at,
        )

    def _reject(self, op: Row, reason: dict[str, str]) -> None:
        outbox.park(self.db, op["op_id"], reason)
        if op["kind"] == "vote.cast":
            # Kept for a correspondent to see why, never with how the person voted.
            outbox.erase_field(self.db, op["op_id"], "choice")
            participation_store.settle_ballot(
                self.db,
                op["payload"]["ballot_id"],
                BallotState.REFUSED,
                str(reason.get("fr", "")),
                str(reason.get("en", "")),
            )
        if op["kind"] == "appreciation.create":
            # Given already at another kiosk while both were offline: the author is told why, at their next
            # identification, rather than left believing it counted.
            participation_store.settle_appreciation(
                self.db,
                op["payload"]["appreciation_id"],
                Moderation.NOT_TAKEN,
                str(reason.get("fr", "")),
                str(reason.get("en", "")),
            )
        log.warning("operation %s (%s) parked: %s", op["op_id"], op["kind"], reason.get("code", "?"))
        if op["kind"] == "booking.create":
            booking_store.set_booking_state(
                self.db, op["payload"]["booking_id"], BookingState.REFUSED, reason.get("fr", ""), reason.get("en", "")
            )
        elif op["kind"] in ("stay.request", "stay.answer"):
            # A request the centre will never have is refused; an answer too late finds the proposal expired.
            # Any other refused answer: the centre's state of the request comes in the next pull.
            code = str(reason.get("code", ""))
            if op["kind"] == "stay.request" or code == "stay.expired":
                state = StayRequestState.REFUSED if op["kind"] == "stay.request" else StayRequestState.EXPIRED
                stay_store.settle(
                    self.db,
                    op["payload"]["request_id"],
                    state.value,
                    str(reason.get("fr", "")),
                    str(reason.get("en", "")),
                )
        elif op["kind"] == notice_store.CONSENT:
            notice_store.consent_refused(self.db, op["op_id"], op["payload"]["person_id"])
        elif op["kind"] == "concierge.create":
            # The centre will never have this request: show it refused, with the centre's words.
            request = concierge_store.load_request(self.db, op["payload"]["request_id"])
            if request is not None:
                concierge_store.set_state(
                    self.db,
                    request.request_id,
                    RequestState.REFUSED,
                    StateReason(
                        str(reason.get("code", "rejected")), str(reason.get("fr", "")), str(reason.get("en", ""))
                    ),
                    request.updated_at,
                )

    # -- pull ------------------------------------------------------------------------------

    def pull(self, report: CycleReport) -> None:
        """Pull from the saved cursor; from 0 again, once, when the centre's feed has restarted."""
        cursor = int(read_state(self.db, "sync_cursor") or 0)
        trouble = self._page_trouble()
        if trouble and trouble["cursor"] == cursor and self.clock() < datetime.fromisoformat(trouble["next_try"]):
            report.problem = (trouble["fr"], trouble["en"])
            report.cursor = cursor
            return
        try:
            self._pull_pages(report, cursor)
        except (_FeedRestarted, RequestRefused) as restart:
            if isinstance(restart, RequestRefused) and (restart.status, restart.code) not in RESTARTS:
                raise
            if cursor == 0 and read_state(self.db, PUSH_MARK) is None:  # it had seen nothing: nothing to restart
                raise
            log.warning(
                "the centre's feed restarted (%s): pulling again from cursor 0",
                restart.code if isinstance(restart, RequestRefused) else "new epoch",
            )
            self._restart_feed(report)
            self._pull_pages(report, 0)

    def _pull_pages(self, report: CycleReport, cursor: int) -> None:
        """Pages in order; the next one is fetched while this one is written, so the centre's
        time and the kiosk's overlap. Nothing is asked for past a page that failed validation,
        and a cycle ends only once the page in flight is back (its answer then unused)."""
        epoch = read_state(self.db, "sync_epoch")
        marks = self._marks(read_state(self.db, PAGE_MARK) if cursor else None)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as fetcher:
            in_flight = fetcher.submit(self.client.changes_body, cursor, self.pull_page, marks)
            for pages_left in range(MAX_PAGES_PER_CYCLE - 1, -1, -1):
                document = read_answer(in_flight.result())  # read here, between write turns (changes_body)
                page = self._checked(lambda: self._validate_page(document, cursor), cursor)  # noqa: B023
                if epoch is not None and page.epoch != epoch:
                    raise _FeedRestarted()
                epoch = page.epoch
                if page.more and pages_left:
                    in_flight = fetcher.submit(
                        self.client.changes_body, page.cursor, self.pull_page, self._marks(page.mark)
                    )
                self._checked(lambda: self._apply_page(page), cursor)  # noqa: B023 (called at once)
                # Here, between the page's transactions: a screen's commit never inherits a large log to copy.
                checkpoint(self.db)
                self._clear_page_trouble()
                report.pulled += len(page.changes)
                report.pages += 1
                cursor = page.cursor
                if not page.more:
                    break
        report.cursor = cursor

    # -- a page the kiosk cannot take -------------------------------------------------------

    def _checked(self, step: Callable[[], Result], cursor: int) -> Result:
        """Run a step of the page asked for at `cursor`; a refusal is counted against that page."""
        try:
            result = step()
        except PageRejected as refused:
            raise self._page_failed(cursor, refused) from None
        except IntegrityError:
            # Validation should have caught it; the page's transaction was rolled back whole.
            log.error("a pulled page could not be written (integrity)")
            raise self._page_failed(cursor, PageRejected("error.sync.engine.page_from_centre_refused")) from None
        return result

    def _clear_page_trouble(self) -> None:
        if self._page_trouble():
            with transaction(self.db):
                self.db.execute("DELETE FROM kiosk_state WHERE key = 'sync_page_trouble'")

    def _page_trouble(self) -> JsonObject | None:
        text = read_state(self.db, "sync_page_trouble")
        return json.loads(text) if text else None

    def _page_failed(self, cursor: int, refused: PageRejected) -> PageRejected:
        """Count this page's failures; from STUCK_AFTER on, say so and hold its pull back (with backoff)."""
        trouble = self._page_trouble()
        if trouble and trouble["cursor"] != cursor:
            trouble = None
        failures = trouble["failures"] + 1 if trouble else 1
        now = self.clock()
        if failures >= STUCK_AFTER:
            refused = PageRejected("error.sync.engine.page_stuck", failures=failures, problem=refused)
        fr, en = refused.fr, refused.en
        next_try = now + timedelta(seconds=retry_delay(failures)) if failures >= STUCK_AFTER else now
        with transaction(self.db):
            write_state(
                self.db,
                "sync_page_trouble",
                json.dumps(
                    {
                        "cursor": cursor,
                        "failures": failures,
                        "stuck": failures >= STUCK_AFTER,
                        "since": (trouble or {}).get("since", now.isoformat()),
                        "next_try": next_try.isoformat(),
                        "fr": fr,
                        "en": en,
                    },
                    ensure_ascii=False,
                ),
            )
        return refused

    def _validate_page(self, page: JsonObject, cursor: int) -> Page:
        with _cyclic_gc_paused():
            return self._read_page(page, cursor)

    def _read_page(self, page: JsonObject, cursor: int) -> Page:
        def bad(problem: str, **values: object) -> PageRejected:
            refused = PageRejected("error.sync.engine.page_refused", what=Text(problem, **values))
            log.error("pulled page refused: %s", refused.en)
            return refused

        items, next_cursor, more = page.get("changes"), page.get("cursor"), page.get("more")
        tiers, epoch, mark = page.get("price_tiers", 7), page.get("epoch"), page.get("mark", "")
        if (
            not isinstance(items, list)
            or not isinstance(more, bool)
            or isinstance(next_cursor, bool)
            or not isinstance(next_cursor, int)
            or isinstance(tiers, bool)
            or not isinstance(tiers, int)
        ):
            raise bad("sync.page.malformed_envelope")
        if not isinstance(epoch, str) or not EPOCH.match(epoch):
            raise bad("sync.page.no_epoch")
        if not isinstance(mark, str) or (mark and not EPOCH.match(mark)):
            raise bad("sync.page.mark_malformed")
        if not 1 <= tiers <= 20:
            raise bad("sync.page.tiers_out_of_range")
        if not 0 <= next_cursor <= MAX_CURSOR:
            raise bad("sync.page.cursor_out_of_range")
        if len(items) > self.pull_page:
            raise bad("sync.page.too_many_changes")
        if next_cursor < cursor:
            raise bad("sync.page.cursor_backwards")
        if more and not items:
            raise bad("sync.page.empty_announcing_more")
        if more and (not isinstance(items[-1], dict) or items[-1].get("seq") != next_cursor):
            raise bad("sync.page.cursor_past_last_change")
        reading = PageReading(tiers, {c.id for c in catalog_store.list_categories(self.db)})
        parsed: list[tuple[str, str, object]] = []
        for index, item in enumerate(items):
            if (
                not isinstance(item, dict)
                or item.get("kind") not in CHANGE_KINDS
                or not isinstance(item.get("id"), str)
            ):
                raise bad("sync.page.change_malformed", index=index)
            seq = item.get("seq")
            if isinstance(seq, bool) or not isinstance(seq, int) or not cursor < seq <= next_cursor:
                raise bad("sync.page.change_out_of_sequence", index=index)
            kind, data = item["kind"], item.get("data")
            if data is None:
                parsed.append((kind, item["id"], None))
                continue
            reader = DocumentReader(data, f"{kind}[{index}]", PageRejected, "error.document.refused.page")
            if kind == "lease" and not is_lease(data):
                raise bad("sync.page.lease_malformed", index=index)
            how = CHANGE_KINDS[kind]
            value = how.read(reader, reading)
            if how.entity_id(value) != item["id"]:
                raise bad("sync.page.change_names_another_entity", index=index)
            parsed.append((kind, item["id"], value))
        problem = first_problem(self.db, parsed)
        if problem:
            raise bad(problem.key, **problem.values)
        return Page(parsed, next_cursor, more, tiers, epoch, mark)

    def _apply_page(self, page: Page) -> None:
        """The page's bulk in short write turns, then the rest with the cursor. A turn writes runs of
        WRITE_RUN changes until WRITE_TURN_SECONDS have passed, then commits, so a booking waiting at the
        screen goes next (the store's writers take turns) whatever the speed of the machine. A turn the
        store refuses (a session moving between two offers of the page, in two turns) is written again
        with the rest, together."""
        now = self.clock()
        bulk = [change for change in page.changes if CHANGE_KINDS[change[0]].bulk]
        rest = [change for change in page.changes if not CHANGE_KINDS[change[0]].bulk]
        start = 0
        while len(bulk) - start > WRITE_RUN:
            written = start
            try:
                with transaction(self.db):
                    began = time.monotonic()
                    while True:  # at least one run a turn, however slow the machine
                        _write_changes(self.db, bulk[written : written + WRITE_RUN], now)
                        written += WRITE_RUN
                        if len(bulk) - written <= WRITE_RUN or time.monotonic() - began >= WRITE_TURN_SECONDS:
                            break
            except IntegrityError:
                break
            start = written
        with transaction(self.db):
            _write_changes(self.db, bulk[start:] + rest, now)
            if resync_store.in_progress(self.db):
                resync_store.note(self.db, [(kind, identifier) for kind, identifier, _ in page.changes])
                if not page.more:
                    sent_again = resync_store.send_again_unseen(self.db, now)
                    write_state(self.db, "sync_sent_again_after_restore", str(sent_again))
                    log.warning(
                        "resync complete: %d bookings and requests made here that the centre no longer has"
                        " were sent again",
                        sent_again,
                    )
                    log.warning(
                        "resync complete: %d entities the centre no longer has were removed",
                        resync_store.forget_unseen(self.db),
                    )
            write_state(self.db, "sync_cursor", str(page.cursor))
            write_state(self.db, "sync_epoch", page.epoch)
            write_state(self.db, PAGE_MARK, page.mark)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a page is read: the page's hundred thousand new objects (its
    readers, offers, sessions) live until it is written and hold no cycle, yet each of the collector's passes
    scanned them again: a third of the validation's time. They are freed by their counts as ever."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_changes(db: sqlite_utils.Database, changes: list[tuple[str, str, object]], now: datetime) -> None:
    """Inside the caller's transaction: each kind's changes in page order, the kinds in CHANGE_KINDS' order
    (a category before the offers in it, offers before the bookings of their sessions)."""
    for kind, how in CHANGE_KINDS.items():
        written = [(identifier, value) for k, identifier, value in changes if k == kind]
        if written:
            how.write(db, written, now)


def _read_category(reader: DocumentReader, reading: PageReading) -> Category:
    category = parse_category(reader)
    reading.category_ids.add(category.id)
    return category


def kept_or_removed(
    keep: Callable[[sqlite_utils.Database, Value], None], remove: Callable[[sqlite_utils.Database, str], None]
) -> WriteChanges[Value]:
    """A kind whose changes are kept at their latest state, a tombstone removing the entity."""

    def write(db: sqlite_utils.Database, written: Written[Value], now: datetime) -> None:
        for identifier, value in written:
            if value is None:
                remove(db, identifier)
            else:
                keep(db, value)

    return write


def each_kept(keep: Callable[[sqlite_utils.Database, Value], None]) -> WriteChanges[Value]:
    """A kind the centre never tombstones here (payments, leases, moderations): each change is kept."""

    def write(db: sqlite_utils.Database, written: Written[Value], now: datetime) -> None:
        for _, value in written:
            if value is not None:
                keep(db, value)

    return write


def _write_offers(db: sqlite_utils.Database, written: Written[Offer], now: datetime) -> None:
    offers = [offer for _, offer in written if offer is not None]
    sessions = [session.id for offer in offers for session in offer.sessions]  # their figures only are read
    catalog_store.upsert_offers(
        db, offers, now, booking_store.unacknowledged_seats(db, sessions), lease_store.lease_figures(db, sessions)
    )
    catalog_store.withdraw_offers(db, [i for i, v in written if v is None])


def _write_bookings(db: sqlite_utils.Database, written: Written[BookingData], now: datetime) -> None:
    resyncing = resync_store.in_progress(db)
    for _, booking in written:
        if booking is not None and not (resyncing and resync_store.cancellation_lost(db, booking.model_dump(), now)):
            row = db.execute(
                "SELECT o.id FROM sessions s JOIN offers o ON o.num = s.offer_num WHERE s.id = ?",
                [booking.session_id],
            ).fetchone()
            booking_store.record_pulled_booking(db, booking.model_dump(), row[0] if row else None, now)


def _words(reason: Reason | None) -> tuple[str, str]:
    """What the centre said, in French and English (nothing when it gave no reason)."""
    return (reason.fr, reason.en) if reason is not None else ("", "")


def _settle_appreciation(db: sqlite_utils.Database, answer: AppreciationResult) -> None:
    participation_store.settle_appreciation(
        db, answer.appreciation_id, Moderation(answer.state), *_words(answer.reason)
    )


def _wire(op: Row) -> JsonObject:
    return {"op_id": op["op_id"], "kind": op["kind"], "created_at": op["created_at"], "payload": op["payload"]}


def _validated(model: type[WireModel], r: DocumentReader) -> WireModel:
    """The change's data read by the wire format's model, strictly; a problem names the first field at fault."""
    try:
        return model.model_validate(r.value, strict=True)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "data"
        raise r.fail(where, "error.document.malformed") from None


def _parse_booking(r: DocumentReader) -> BookingData:
    return _validated(BookingData, r)


def _parse_request(r: DocumentReader) -> ConciergeRequest:
    """A concierge request of this site as the centre sends it."""
    data = _validated(ConciergeRequestData, r)
    try:
        collect_on = date.fromisoformat(data.collect_on) if data.collect_on else None
        created_at, updated_at = (datetime.strptime(m, "%Y-%m-%dT%H:%M:%S") for m in (data.created_at, data.updated_at))
    except ValueError:
        raise r.fail("created_at", "error.document.must_yyyy_mm_ddthh_2") from None
    reason = data.reason
    return ConciergeRequest(
        request_id=data.request_id,
        site_id=data.site_id,
        service_id=data.service_id,
        household_id=data.household_id,
        person_id=data.person_id,
        answers=data.answers,
        quantity=data.quantity,
        estimate_cents=data.estimate_cents,
        collect_on=collect_on,
        note=data.note,
        state=RequestState(data.state),
        created_at=created_at,
        updated_at=updated_at,
        created_by=data.created_by,
        reason=StateReason(reason.code, reason.fr, reason.en) if reason else None,
    )


def _parse_moderation(r: DocumentReader) -> Appreciation:
    """An appreciation given at a kiosk of this site, with the centre's moderation (never the ratings nor the
    comment: the author's kiosk has them, the others need only whose it is and of what)."""
    data = _validated(ModerationData, r)
    for key in ("appreciation_id", "booking_id"):
        try:
            uuid.UUID(getattr(data, key))
        except ValueError:
            raise r.fail(key, "error.document.valid_identifier") from None
    reason = data.reason
    return Appreciation(
        appreciation_id=data.appreciation_id,
        booking_id=data.booking_id,
        offer_id=r.identifier("offer_id"),
        session_id=r.identifier("session_id"),
        household_id=r.identifier("household_id"),
        person_id=r.identifier("person_id"),
        ratings={},
        comment="",
        created_at=_exact_moment(r, "created_at"),
        moderation=Moderation(data.state),
        reason_fr=reason.fr if reason else "",
        reason_en=reason.en if reason else "",
    )


def _parse_refusal(r: DocumentReader) -> BallotRefusalData:
    """A ballot of this site the centre did not count (cast here or at another kiosk), and why."""
    data = _validated(BallotRefusalData, r)
    try:
        uuid.UUID(data.ballot_id)
    except ValueError:
        raise r.fail("ballot_id", "error.document.valid_identifier") from None
    r.identifier("consultation_id")
    r.identifier("person_id")
    return data


def _write_refusals(db: sqlite_utils.Database, written: Written[BallotRefusalData], now: datetime) -> None:
    for _, refusal in written:
        if refusal is not None:
            participation_store.record_pulled_refusal(
                db, refusal.ballot_id, refusal.consultation_id, refusal.person_id, _words(refusal.reason), now
            )


def _exact_moment(r: DocumentReader, key: str) -> datetime:
    try:
        return datetime.strptime(r.text(key, 19, 19), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise r.fail(key, "error.document.must_yyyy_mm_ddthh_2") from None


def _parse_idea(r: DocumentReader) -> Idea:
    """An idea of this site as the centre sends it, with the answer given (if any)."""
    idea_id = r.text("idea_id", 36, 36)
    try:
        uuid.UUID(idea_id)
    except ValueError:
        raise r.fail("idea_id", "error.document.valid_identifier") from None
    optional = {
        key: (r.identifier(key) if r.value.get(key) is not None else None)
        for key in ("household_id", "person_id", "created_by")
    }
    answered_at = _exact_moment(r, "answered_at") if r.value.get("answered_at") is not None else None
    return Idea(
        idea_id=idea_id,
        site_id=r.identifier("site_id"),
        theme=r.slug("theme"),
        text=r.text("text", 1, 500),
        household_id=optional["household_id"],
        person_id=optional["person_id"],
        created_at=_exact_moment(r, "created_at"),
        answer=r.text("answer", 0, 1000),
        answered_by=r.text("answered_by", 0, 80),
        answered_at=answered_at,
        created_by=optional["created_by"],
    )


# Every kind of change the centre sends, in the order a page's changes are written.
# Each kind is checked against its own value's type; the table holds them all (hence Any).
CHANGE_KINDS: dict[str, ChangeKind[Any]] = {
    # A lease's record refreshes its session's figures too, so an offer written in an earlier run is set right.
    # Merged by maximum, a lease written twice is written once: in the bulk (a first kiosk holds one per session).
    "lease": ChangeKind[JsonObject](
        lambda r, _: r.value, lambda lease: lease["session_id"], each_kept(lease_store.record), True
    ),
    "category": ChangeKind[Category](
        _read_category,
        lambda c: c.id,
        lambda db, w, now: catalog_store.upsert_categories(db, [v for _, v in w if v]),
        True,
    ),
    "concierge_service": ChangeKind[ConciergeService](
        lambda r, _: parse_service(r),
        lambda s: s.id,
        lambda db, w, now: catalog_store.upsert_services(db, [v for _, v in w if v]),
        True,
    ),
    "offer": ChangeKind[Offer](
        lambda r, page: parse_offer(r, page.tiers, page.category_ids), lambda o: o.id, _write_offers, True
    ),
    "household": ChangeKind[Household](
        lambda r, _: parse_household(r),
        lambda h: h.household_id,
        kept_or_removed(household_store.upsert_household, household_store.remove_household),
        True,
    ),
    "booking": ChangeKind[BookingData](lambda r, _: _parse_booking(r), lambda b: b.booking_id, _write_bookings, False),
    "concierge_request": ChangeKind[ConciergeRequest](
        lambda r, _: _parse_request(r),
        lambda q: q.request_id,
        kept_or_removed(concierge_store.record_pulled_request, concierge_store.remove_request),
        False,
    ),
    "correspondent": ChangeKind[Correspondent](
        lambda r, _: parse_correspondent(r),
        lambda c: c.staff_id,
        kept_or_removed(staff_store.upsert_correspondent, staff_store.remove_correspondent),
        False,
    ),
    "payment": ChangeKind[Payment](
        lambda r, _: parse_payment(r), lambda p: p.payment_id, each_kept(payment_store.record_pulled_payment), False
    ),
    "consultation": ChangeKind[Consultation](
        lambda r, _: parse_consultation(r),
        lambda c: c.consultation_id,
        kept_or_removed(participation_store.upsert_consultation, participation_store.remove_consultation),
        False,
    ),
    # After consultations: a refusal is told with its consultation's question.
    "ballot_refusal": ChangeKind[BallotRefusalData](
        lambda r, _: _parse_refusal(r), lambda b: b.ballot_id, _write_refusals, False
    ),
    "idea": ChangeKind[Idea](
        lambda r, _: _parse_idea(r),
        lambda i: i.idea_id,
        kept_or_removed(participation_store.record_pulled_idea, participation_store.remove_idea),
        False,
    ),
    "appreciation": ChangeKind[Appreciation](
        lambda r, _: _parse_moderation(r),
        lambda a: a.appreciation_id,
        each_kept(participation_store.record_pulled_appreciation),
        False,
    ),
    "offer_appreciation": ChangeKind[OfferAppreciation](
        lambda r, _: parse_offer_appreciation(r),
        lambda a: a.offer_id,
        kept_or_removed(participation_store.upsert_offer_appreciation, participation_store.remove_offer_appreciation),
        False,
    ),
    # After bookings: an accepted proposal names the booking it became.
    "stay_request": ChangeKind[StayRequest](
        lambda r, _: parse_stay_request(r),
        lambda q: q.request_id,
        kept_or_removed(stay_store.record_pulled_request, stay_store.remove_request),
        False,
    ),
}
