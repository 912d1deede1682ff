"""The audit log of assisted mode, as the other services use it.

`AuditService.record` is called by the assisted-mode use cases inside their own
transaction, so an action and its entry are written together or not at all. Nothing
here edits or removes an entry: only the sync engine purges what the centre has
acknowledged. "Which kiosk" is this kiosk's voucher key id (kiosk/signing_key.py),
the same one printed on its vouchers, and that key signs each entry.

Why the voucher key and not a key of its own: it is already this machine's identity, published
to the centre by the authenticated kiosk and revoked with it; a second key in the same folder
with the same mode would fall to the same thief at the same time, and would need a second
publication and revocation path. The signatures cannot be confused: an audit signature covers
`slvie-audit/1:` and a hash, a voucher's a text starting with `SLV1:`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import KioskConfig
from kiosk.domain.audit import AuditEntry, ChainBreak
from kiosk.signing_key import kiosk_key_id, load_or_create_signing_key
from kiosk.store import audit as audit_store

log = logging.getLogger(__name__)


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
        self._key: Ed25519PrivateKey | None = None

    def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = load_or_create_signing_key(self._data_dir)
        return self._key

    def kiosk_id(self) -> str:
        return kiosk_key_id(self._signing_key())

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
            self._signing_key(),
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
        """None if the entries kept here are intact and signed by this kiosk; else the first one edited,
        removed, out of place or not signed by its key."""
        return audit_store.verify(self._db, self._signing_key().public_key())

    def check_at_start(self) -> ChainBreak | None:
        """Sign what was written before signatures, then check the chain; a break is logged for IT."""
        audit_store.sign_unsigned(self._db, self._signing_key())
        broken = self.verify()
        if broken is not None:
            log.error("audit log check at start: %s", broken.message("en"))
        return broken

    def waiting(self) -> int:
        return audit_store.waiting_count(self._db)
