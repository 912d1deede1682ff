"""Lease top-up while a person waits at the booking screen (kiosk.services.booking.SeatTopUp).

One short call to the centre (`POST /v1/leases`), two seconds at most: what it grants is
written to the store before the booking is made; no answer in time, and the booking is a
request. A grant whose answer was lost is not lost: the centre counts it against the next
call, and the next pull brings it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from kiosk.store import leases as lease_store
from kiosk.store.database import transaction
from kiosk.store.state import read_state
from sync.answers import is_lease
from sync.client import CentralClient, CentralError

log = logging.getLogger(__name__)

WAIT_SECONDS = 2.0  # the most a person waits for the centre before the booking falls back to a request


class CentreTopUp:
    def __init__(
        self,
        db: sqlite_utils.Database,
        client: CentralClient,
        clock: Callable[[], datetime] = datetime.now,
        wait_seconds: float = WAIT_SECONDS,
    ):
        self._db = db
        self._client = client
        self._clock = clock
        self._wait = wait_seconds

    def online(self) -> bool:
        """The last sync cycle went through (a failed one leaves its error after it)."""
        success = read_state(self._db, "sync_last_success")
        error = read_state(self._db, "sync_last_error")
        return success is not None and (error is None or json.loads(error).get("at", "") <= success)

    def ask(self, session_id: str, seats: int) -> bool:
        """Whether the centre granted more seats (they are in the store)."""
        known = lease_store.known_granted(self._db).get(session_id, 0)
        sent_at = self._clock()
        try:
            answer = self._client.leases(
                [{"session_id": session_id, "seats": seats, "known_granted": known}], deadline_seconds=self._wait
            )
        except CentralError as error:
            log.info("lease top-up unanswered (%s): the booking is a request", type(error).__name__)
            return False
        leases = answer.get("leases")
        granted = (
            [lease for lease in leases if is_lease(lease) and lease["session_id"] == session_id]
            if isinstance(leases, list)
            else []
        )
        with transaction(self._db):
            try:
                centre = datetime.strptime(str(answer.get("time")), "%Y-%m-%dT%H:%M:%S")
                lease_store.record_skew(self._db, centre, sent_at + (self._clock() - sent_at) / 2)
            except ValueError:
                pass  # the skew stays as last measured
            for lease in granted:
                lease_store.record(self._db, lease)
        return any(lease["granted"] > known for lease in granted)
