"""How sync stands, for the correspondents' screen, and a sync they force (recorded in the audit log)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.i18n import Said
from kiosk.services.actor import Actor, Acts
from kiosk.services.audit import AuditService
from kiosk.store.outbox import counts, parked_operations
from kiosk.store.state import read_state


@dataclass(frozen=True)
class ParkedOperation:
    kind: str
    created_at: datetime
    reason: Said  # the centre's words, or the kiosk's when it parked the operation itself


@dataclass(frozen=True)
class SyncState:
    """How sync stands, for the correspondent's screen."""

    pending: int  # operations waiting to reach the centre
    parked: int  # operations the centre refused for good (with their reasons below)
    last_success: datetime | None
    last_error_at: datetime | None  # the last failed cycle (network down, centre error…)
    last_error: Said  # as it was written when the cycle failed, in French and English
    audit_waiting: int  # audit entries the centre has not acknowledged yet
    parked_operations: tuple[ParkedOperation, ...]


class SyncStateService:
    def __init__(self, db: sqlite_utils.Database, acts: Acts, audit: AuditService):
        self._db = db
        self._acts = acts
        self._audit = audit

    def state(self, actor: Actor) -> SyncState:
        """For correspondents only; raises StaffSessionExpired."""
        self._acts.correspondent(actor)
        waiting = counts(self._db)
        last = read_state(self._db, "sync_last_success")
        error = json.loads(read_state(self._db, "sync_last_error") or "{}")
        parked = tuple(
            ParkedOperation(
                op["kind"],
                datetime.fromisoformat(op["created_at"]),
                Said(str(op["reason"].get("fr", "")), str(op["reason"].get("en", ""))),
            )
            for op in parked_operations(self._db)[-50:]
        )
        return SyncState(
            pending=waiting["pending"],
            parked=waiting["parked"],
            last_success=datetime.fromisoformat(last) if last else None,
            last_error_at=datetime.fromisoformat(error["at"]) if error.get("at") else None,
            last_error=Said(str(error.get("fr", "")), str(error.get("en", ""))),
            audit_waiting=self._audit.waiting(),
            parked_operations=parked,
        )

    def request_sync(self, actor: Actor) -> None:
        """Record that the correspondent forced a sync; the caller then wakes the sync worker."""
        self._acts.correspondent(actor)
        self._acts.record(actor, Action.SYNC_FORCED)
