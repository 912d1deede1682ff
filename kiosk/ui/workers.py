"""Slow or fragile work (printing, PDF rendering) off the GUI thread.

One helper, one callback shape: `run_in_worker(job, done)` runs `job()` on Qt's
thread pool and calls `done(result, error)` back on the GUI thread. A worker never
touches a widget; only `done` does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    finished = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, job: Callable[[], object], relay: _Relay):
        super().__init__()
        self.job = job
        self.relay = relay

    def run(self) -> None:
        try:
            result, error = self.job(), None
        except Exception as problem:  # noqa: BLE001 - handed to the GUI thread to show
            result, error = None, problem
        self.relay.finished.emit(result, error)


_running: set[_Relay] = set()


def run_in_worker(job: Callable[[], object], done: Callable[[object, BaseException | None], None]) -> None:
    relay = _Relay()  # lives in the GUI thread: its signal is delivered there

    def finish(result: object, error: BaseException | None) -> None:
        _running.discard(relay)
        done(result, error)

    relay.finished.connect(finish)
    _running.add(relay)
    QThreadPool.globalInstance().start(_Job(job, relay))
