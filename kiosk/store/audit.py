"""The audit log in the local store: append at the end of the chain, read, acknowledge, purge.

The table refuses, by SQLite triggers, any UPDATE of an entry, any DELETE of an entry
the centre has not acknowledged, and any INSERT that is not the next link of the
chain; the hash chain (kiosk/domain/audit.py) shows any change made behind their back.
Each appended entry is also queued in the outbox as an `audit.append` operation in the
same transaction, so entries reach the centre in chain order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import AuditEntry, ChainBreak, make_entry, verify_chain
from kiosk.store.database import Row
from kiosk.store.outbox import enqueue

APPEND_OPERATION = "audit.append"


def _row(r: Row) -> AuditEntry:
    return AuditEntry(
        r["chain"],
        r["seq"],
        r["entry_id"],
        r["at"],
        r["site_id"],
        r["kiosk"],
        r["staff_id"],
        r["action"],
        r["subject"],
        r["target"],
        json.loads(r["details"]),
        r["prev_hash"],
        r["hash"],
    )


def chain_state(db: sqlite_utils.Database) -> tuple[str, int, str]:
    """(chain id, acknowledged through seq, its hash)."""
    row = db.execute("SELECT chain, through_seq, through_hash FROM audit_ack WHERE id = 1").fetchone()
    return row[0], row[1], row[2]


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    """The last link of the chain: (seq, hash), whether still here or already purged."""
    row = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    if row is not None:
        return row[0], row[1]
    _, seq, digest = chain_state(db)
    return seq, digest


def append(
    db: sqlite_utils.Database,
    *,
    at: datetime,
    site_id: str,
    kiosk: str,
    staff_id: str,
    action: str,
    subject: str | None,
    target: str | None,
    details: Mapping[str, object],
) -> AuditEntry:
    """Add the next entry, and its outbox operation; call inside the transaction of the action itself."""
    if not db.conn.in_transaction:
        raise RuntimeError("audit entries are written inside the action's transaction")
    chain, _, _ = chain_state(db)
    seq, previous = head(db)
    entry = make_entry(
        chain,
        seq + 1,
        previous,
        entry_id=str(uuid.uuid4()),
        at=at.isoformat(timespec="seconds"),
        site_id=site_id,
        kiosk=kiosk,
        staff_id=staff_id,
        action=action,
        subject=subject,
        target=target,
        details=details,
    )
    db.execute(
        "INSERT INTO audit_log (seq, chain, entry_id, at, site_id, kiosk, staff_id, action, subject, target,"
        " details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            entry.seq,
            entry.chain,
            entry.entry_id,
            entry.at,
            entry.site_id,
            entry.kiosk,
            entry.staff_id,
            entry.action,
            entry.subject,
            entry.target,
            json.dumps(dict(entry.details), ensure_ascii=False, sort_keys=True),
            entry.prev_hash,
            entry.hash,
        ],
    )
    enqueue(db, APPEND_OPERATION, {"entries": [entry.as_dict()]}, at)
    return entry


def entries(db: sqlite_utils.Database, limit: int | None = None) -> list[AuditEntry]:
    """The entries still kept here (not yet purged), in chain order."""
    sql = "SELECT * FROM audit_log ORDER BY seq"
    return [_row(r) for r in db.query(sql + (" LIMIT ?" if limit else ""), [limit] if limit else [])]


def verify(db: sqlite_utils.Database) -> ChainBreak | None:
    """The first entry kept here that does not continue the chain from the last acknowledged one, or None."""
    chain, seq, digest = chain_state(db)
    kept = [e for e in entries(db) if e.seq > seq]
    return verify_chain(kept, chain, seq, digest)


def acknowledge(db: sqlite_utils.Database, chain: str, through_seq: int, through_hash: str) -> bool:
    """The centre holds the chain up to `through_seq`; purge what it holds. Inside the caller's transaction.

    Returns False (and changes nothing) for another chain or an acknowledgement behind the one recorded.
    """
    current_chain, current_seq, _ = chain_state(db)
    if chain != current_chain or through_seq <= current_seq:
        return False
    head_seq, _ = head(db)
    if through_seq > head_seq:
        return False
    db.execute("UPDATE audit_ack SET through_seq = ?, through_hash = ? WHERE id = 1", [through_seq, through_hash])
    purge_acknowledged(db)
    return True


def purge_acknowledged(db: sqlite_utils.Database) -> int:
    _, through, _ = chain_state(db)
    return int(db.execute("DELETE FROM audit_log WHERE seq <= ?", [through]).rowcount)


def waiting_count(db: sqlite_utils.Database) -> int:
    """Entries the centre has not acknowledged yet."""
    _, through, _ = chain_state(db)
    return int(db.execute("SELECT count(*) FROM audit_log WHERE seq > ?", [through]).fetchone()[0])
