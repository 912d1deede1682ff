"""The Qt sync worker keeps syncing whatever a cycle raises (DESIGN.md section 3: never blocked, never stopped).

A cycle that raises something other than the centre's or the kiosk's own errors (a bug,
a broken database, an overflow) must be logged without its message (it may quote personal
data or a credential), reported as a problem, and followed by another cycle later.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import pytest

from kiosk.config import KioskConfig
from sync import worker as worker_module
from sync.client import TransientError
from sync.credential import Credential
from sync.engine import CycleReport
from sync.worker import SyncWorker

SECRET = "Claire Martin 1234567890123 slvk_SECRETSECRETSECRET"


class ScriptedEngine:
    """Stands for SyncEngine: each cycle takes the next outcome (an exception to raise, or a report)."""

    script: ClassVar[list[object]] = []  # the test sets it for the next engine made
    calls = 0

    def __init__(self, db, client, *args, **kwargs):
        self.client = client

    def run_cycle(self) -> CycleReport:
        type(self).calls += 1
        outcome = type(self).script.pop(0) if type(self).script else CycleReport()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setattr(worker_module, "SyncEngine", ScriptedEngine)
    monkeypatch.setattr(worker_module, "retry_delay", lambda failures, rng=None: 0.05)  # retry at once
    ScriptedEngine.calls = 0
    ScriptedEngine.script = []
    return ScriptedEngine


def run_worker(qtbot, tmp_path, cycles: int) -> list[dict]:
    credential = Credential("http://127.0.0.1:9", "K-1", "SITE", "slvk_" + "T" * 43)
    worker = SyncWorker(tmp_path / "kiosk", KioskConfig(), credential, interval_seconds=3600)
    statuses: list[dict] = []
    worker.status_changed.connect(statuses.append)
    (tmp_path / "kiosk").mkdir()
    worker.start()
    try:
        qtbot.waitUntil(lambda: len(statuses) >= cycles, timeout=10_000)
    finally:
        worker.stop()
    return statuses


@pytest.mark.parametrize("error", [RuntimeError(SECRET), OverflowError(SECRET), KeyError(SECRET), ValueError(SECRET)])
def test_an_unexpected_error_in_a_cycle_is_logged_and_sync_goes_on(qtbot, tmp_path, scripted, caplog, error):
    caplog.set_level(logging.DEBUG)
    scripted.script = [error, CycleReport()]
    statuses = run_worker(qtbot, tmp_path, cycles=2)
    assert scripted.calls >= 2  # the timer was started again after the failure
    failed, recovered = statuses[0], statuses[1]
    assert not failed["online"] and failed["problem"]["fr"] and failed["problem"]["en"]
    assert recovered["online"] and recovered["problem"] is None
    errors = [r for r in caplog.records if r.name == "sync.worker" and r.levelno >= logging.ERROR]
    assert errors, "the failure was not logged"
    assert type(error).__name__ in errors[0].getMessage()
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(record.exc_info) + str(record.exc_text)
        assert "SECRET" not in text and "Claire" not in text and "1234567890123" not in text


def test_several_unexpected_errors_in_a_row_back_off_and_sync_goes_on(qtbot, tmp_path, scripted, monkeypatch):
    delays = []

    def recorded(failures, rng=None):
        delays.append(failures)
        return 0.02

    monkeypatch.setattr(worker_module, "retry_delay", recorded)
    scripted.script = [RuntimeError("a"), TransientError("down"), ZeroDivisionError(), CycleReport()]
    statuses = run_worker(qtbot, tmp_path, cycles=4)
    assert [s["online"] for s in statuses[:4]] == [False, False, False, True]
    assert delays[:3] == [1, 2, 3]  # the failures count up across kinds of errors: backoff, not a tight loop


def test_a_store_that_cannot_be_opened_yet_is_retried_like_any_failure(qtbot, tmp_path, scripted):
    data_dir = tmp_path / "later"  # not there yet: the worker's connection cannot open
    credential = Credential("http://127.0.0.1:9", "K-1", "SITE", "slvk_" + "T" * 43)
    worker = SyncWorker(data_dir, KioskConfig(), credential, interval_seconds=3600)
    statuses: list[dict] = []
    worker.status_changed.connect(statuses.append)
    worker.start()
    try:
        qtbot.waitUntil(lambda: len(statuses) >= 1, timeout=10_000)
        assert not statuses[0]["online"] and statuses[0]["problem"]
        data_dir.mkdir()
        qtbot.waitUntil(lambda: any(s["online"] for s in statuses), timeout=10_000)
    finally:
        worker.stop()
    assert scripted.calls >= 1
