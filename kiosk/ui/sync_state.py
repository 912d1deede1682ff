"""How sync stands, for a correspondent: what waits to be sent, what the centre refused and
why, the last success and the last failure; and a button to sync now.

"Sync now" is recorded by SyncStateService.request_sync, then wakes the window's sync
worker, which runs the cycle on its own thread; the figures are read again when the
worker reports. A kiosk not enrolled with the centre has no worker, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import Texts
from kiosk.services.actor import Actor
from kiosk.services.sync_state import SyncState, SyncStateService
from kiosk.ui.widgets import Screen, ScrollingPage, button, empty_layout, label

if TYPE_CHECKING:
    from sync.worker import SyncStatus, SyncWorker  # imported by the app once the window is up

MAX_PARKED_SHOWN = 20


class SyncStateScreen(Screen):
    def __init__(
        self,
        sync_state: SyncStateService,
        texts: Texts,
        actor: Callable[[], Actor],
        worker: Callable[[], SyncWorker | None],
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("screen")
        self.sync_state = sync_state
        self.texts = texts
        self.actor = actor  # the signed-in correspondent
        self.worker = worker
        self.now = now
        self._listening_to: SyncWorker | None = None
        self.title = label(object_name="title")
        self.figures = QVBoxLayout()
        self.figures.setSpacing(10)
        self.parked_title = label(object_name="heading")
        self.parked = QVBoxLayout()
        self.sync_now = button(object_name="primary", big=True)
        self.status = label(object_name="lead")
        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 20, 28, 20)
        inner.addLayout(self.figures)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(60, 16, 60, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(card)
        layout.addWidget(self.sync_now)
        layout.addWidget(self.status)
        layout.addWidget(self.parked_title)
        layout.addLayout(self.parked)
        layout.addStretch(1)
        self.page = ScrollingPage(body)
        QVBoxLayout(self).addWidget(self.page)
        self.sync_now.clicked.connect(self.request_sync)

    def start(self) -> None:
        self.status.clear()
        self.refresh()

    def refresh(self) -> None:
        texts = self.texts
        empty_layout(self.figures)
        empty_layout(self.parked)
        self.parked_title.clear()
        try:
            state = self.sync_state.state(self.actor())
        except KioskError as problem:
            self.figures.addWidget(label(problem.message(texts.language), "error"))
            return
        for line in self._figures(state):
            self.figures.addWidget(label(line, "lead"))
        if state.parked_operations:
            self.parked_title.setText(texts("sync.parked.title"))
        for operation in reversed(state.parked_operations[-MAX_PARKED_SHOWN:]):  # the latest first
            self.parked.addWidget(
                label(
                    texts(
                        "sync.parked.line",
                        kind=operation.kind,
                        when=texts.moment(operation.created_at),
                        reason=operation.reason,
                    )
                )
            )

    def _figures(self, state: SyncState) -> list[str]:
        texts, now = self.texts, self.now()
        lines = [
            texts("sync.pending", count=state.pending),
            texts("sync.parked", count=state.parked),
            texts("sync.audit", count=state.audit_waiting),
        ]
        lines.append(
            texts("sync.last_success", when=texts.freshness(state.last_success, now))
            if state.last_success
            else texts("sync.never")
        )
        if state.last_error_at:
            when = texts.freshness(state.last_error_at, now)
            lines.append(texts("sync.last_error", when=when, message=state.last_error))
        else:
            lines.append(texts("sync.no_error"))
        return lines

    def request_sync(self) -> None:
        texts = self.texts
        worker = self.worker()
        if worker is None:
            self.status.setText(texts("sync.not_configured"))
            return
        try:
            self.sync_state.request_sync(self.actor())
        except KioskError as problem:
            self.status.setText(problem.message(texts.language))
            return
        if self._listening_to is not worker:
            worker.status_changed.connect(self._worker_reported)
            self._listening_to = worker
        worker.request_now()
        self.status.setText(texts("sync.requested"))
        self.refresh()

    def _worker_reported(self, _status: SyncStatus) -> None:
        if self.isVisible() and self.actor().staff is not None:
            self.refresh()

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("sync.title"))
        self.sync_now.setText(texts("sync.now"))
        self.status.clear()
        if self.actor().staff is not None and self.isVisible():
            self.refresh()

    def reset(self) -> None:
        empty_layout(self.figures)
        empty_layout(self.parked)
        self.parked_title.clear()
        self.status.clear()
