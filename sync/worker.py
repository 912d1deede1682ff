"""The thin Qt side of sync: runs the engine on its own thread, on a timer and when the
network comes back, and tells the window how things stand. The engine knows nothing of Qt.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime
from pathlib import Path
from typing import TypedDict

import sqlite_utils
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation

from kiosk.config import KioskConfig
from kiosk.errors import KioskError
from kiosk.i18n import Text
from kiosk.signing_key import load_or_create_signing_key, public_key_pem
from kiosk.store.database import DATABASE_FILE, open_database
from kiosk.store.outbox import counts
from kiosk.store.state import read_state
from sync.backoff import retry_delay
from sync.client import CentralClient, CentralError, CredentialRefused
from sync.credential import Credential
from sync.engine import SyncEngine
from sync.heartbeat import KioskProbe
from sync.photos import photo_fetcher

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60
UNEXPECTED_PROBLEM = Text("error.sync.failed_will_retry")


class SyncStatus(TypedDict):
    """How sync stands after a cycle, as the window's top bar and the correspondent's screen show it."""

    online: bool
    last_success: datetime | None
    pending: int  # operations waiting to be sent
    parked: int  # operations the centre refused, for a correspondent to see
    problem: dict[str, str] | None  # the last cycle's problem, by language ("fr", "en")


class SyncWorker(QObject):
    status_changed = Signal(dict)  # a SyncStatus

    def __init__(
        self, data_dir: Path, config: KioskConfig, credential: Credential, interval_seconds: int = INTERVAL_SECONDS
    ):
        super().__init__()
        self._data_dir = data_dir
        self._config = config
        self._credential = credential
        self._interval_ms = interval_seconds * 1000
        self._failures = 0
        self._thread = QThread()
        self._thread.setObjectName("sync")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._setup)
        self._timer: QTimer | None = None
        self._db: sqlite_utils.Database | None = None
        self._engine: SyncEngine | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)

    def request_now(self) -> None:
        """Run a cycle as soon as the worker is free (from any thread)."""
        QTimer.singleShot(0, self, self.cycle)

    @Slot()
    def _setup(self) -> None:
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.cycle)
        self._thread.finished.connect(self._teardown, Qt.ConnectionType.DirectConnection)
        if QNetworkInformation.loadDefaultBackend() and QNetworkInformation.instance():
            QNetworkInformation.instance().reachabilityChanged.connect(self._reachability)
        self.cycle()

    def _open_engine(self) -> SyncEngine:
        """In the first cycle, so that a store that cannot be opened yet is retried like any failure."""
        # Its own connection: SQLite connections stay on the thread that uses them.
        if self._db is None:
            self._db = open_database(self._data_dir / DATABASE_FILE)
        client = CentralClient(
            self._credential.server,
            self._credential.token,
            ca_bundle=self._config.central.ca_bundle or None,
            deadline=self._config.central.request_deadline_seconds,
        )
        key = public_key_pem(load_or_create_signing_key(self._data_dir))
        self._engine = SyncEngine(
            self._db,
            client,
            voucher_key=key,
            probe=KioskProbe(self._data_dir, self._config.printer.queue),
            photos=photo_fetcher(self._db, self._data_dir, self._config),
        )
        return self._engine

    def _reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            self.request_now()

    @Slot()
    def cycle(self) -> None:
        """One sync cycle. Whatever happens in it, the timer is started again: the kiosk keeps syncing."""
        problem: dict[str, str] | None = None
        delay_ms = self._interval_ms
        try:
            report = (self._engine or self._open_engine()).run_cycle()
            self._failures = 0
            log.info("sync: %s", report.summary())
            if report.problem:  # pulling is held back; pushing went on, at the usual pace
                problem = {"fr": report.problem[0], "en": report.problem[1]}
        except (CentralError, KioskError) as error:
            self._failures += 1
            delay_ms = int(retry_delay(self._failures) * 1000)
            problem = {"fr": error.fr, "en": error.en}
            log.warning("sync failed (%s); next try in %.0f s", type(error).__name__, delay_ms / 1000)
            if isinstance(error, CredentialRefused):
                delay_ms = max(delay_ms, self._interval_ms)
        except Exception as error:  # noqa: BLE001 - a bug or a broken database must not stop sync for good
            self._failures += 1
            delay_ms = int(retry_delay(self._failures) * 1000)
            problem = {"fr": UNEXPECTED_PROBLEM.message("fr"), "en": UNEXPECTED_PROBLEM.message("en")}
            # The exception's type and where it was raised, never its message: a message may quote
            # personal data or a credential (a failed SQL value, a header...).
            log.error(
                "sync failed unexpectedly (%s at %s); next try in %.0f s",
                type(error).__name__,
                _where(error),
                delay_ms / 1000,
            )
        finally:
            if self._timer is not None:
                self._timer.start(delay_ms)
        try:
            status = self._status(problem)
        except Exception as error:  # noqa: BLE001 - the status is a courtesy; the next cycle is what matters
            log.error("sync status unavailable (%s at %s)", type(error).__name__, _where(error))
            return
        self.status_changed.emit(status)

    def _status(self, problem: dict[str, str] | None) -> SyncStatus:
        if self._db is None:
            return {"online": False, "last_success": None, "pending": 0, "parked": 0, "problem": problem}
        waiting = counts(self._db)
        last = read_state(self._db, "sync_last_success")
        return {
            "online": problem is None,
            "last_success": datetime.fromisoformat(last) if last else None,
            "pending": waiting["pending"],
            "parked": waiting["parked"],
            "problem": problem,
        }

    @Slot()
    def _teardown(self) -> None:
        if self._timer:
            self._timer.stop()
        if self._engine:
            self._engine.client.close()
        if self._db:
            self._db.close()


def _where(error: BaseException) -> str:
    """`file:line in function` of the frame that raised `error` (no values, no message)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
