"""The audit log of assisted mode, as the other services use it.

`AuditService.record` is called by the assisted-mode use cases inside their own
transaction, so an action and its entry are written together or not at all. Nothing
here edits or removes an entry: only the sync engine purges what the centre has
acknowledged. "Which kiosk" is this kiosk's voucher key id (kiosk/signing_key.py),
the same one printed on its vouchers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import AuditEntry, ChainBreak
from kiosk.signing_key import kiosk_key_id, load_or_create_signing_key
from kiosk.store import audit as audit_store


class AuditService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        data_dir: Path,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._data_dir = data_dir
        self._clock = clock
        self._kiosk: str | None = None

    def kiosk_id(self) -> str:
        if self._kiosk is None:
            self._kiosk = kiosk_key_id(load_or_create_signing_key(self._data_dir))
        return self._kiosk

    def record(
        self,
        staff_id: str,
        action: str,
        *,
        subject: str | None = None,
        target: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> AuditEntry:
        """Append an entry (and its outbox operation). Call inside the transaction of the action it records."""
        return audit_store.append(
            self._db,
            at=self._clock(),
            site_id=self._config.site.id,
            kiosk=self.kiosk_id(),
            staff_id=staff_id,
            action=str(action),
            subject=subject,
            target=target,
            details=details or {},
        )

    def entries(self, limit: int | None = None) -> list[AuditEntry]:
        """Entries kept at this kiosk (those the centre has not acknowledged yet), oldest first."""
        return audit_store.entries(self._db, limit)

    def verify(self) -> ChainBreak | None:
        """None if the entries kept here are intact; else the first one edited, removed or out of place."""
        return audit_store.verify(self._db)

    def waiting(self) -> int:
        return audit_store.waiting_count(self._db)
