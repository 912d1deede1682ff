"""The audit log in the local store: append at the end of the chain, read, acknowledge, purge.

The table refuses, by SQLite triggers, any UPDATE of an entry, any DELETE of an entry
the centre has not acknowledged, and any INSERT that is not the next link of the
chain; the hash chain (kiosk/domain/audit.py) shows any change made behind their back, and
each entry's signature (the kiosk's key) any rewrite of the chain itself. Each appended
entry is also queued in the outbox as an `audit.append` operation in the same transaction,
so entries reach the centre in chain order; that copy is checked against the table before
it is sent (`outgoing_problem`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.domain.audit import AuditEntry, ChainBreak, make_entry, sign_entry, verify_chain
from kiosk.store.database import Row, transaction
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
        r["signature"],
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
    key: Ed25519PrivateKey,
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
    """Add the next entry, signed with `key`, and its outbox operation; call inside the transaction of the
    action itself."""
    if not db.conn.in_transaction:
        raise RuntimeError("audit entries are written inside the action's transaction")
    chain, _, _ = chain_state(db)
    seq, previous = head(db)
    entry = sign_entry(
        make_entry(
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
        ),
        key,
    )
    db.execute(
        "INSERT INTO audit_log (seq, chain, entry_id, at, site_id, kiosk, staff_id, action, subject, target,"
        " details, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            entry.signature,
        ],
    )
    enqueue(db, APPEND_OPERATION, {"entries": [entry.as_dict()]}, at)
    return entry


def entries(db: sqlite_utils.Database, limit: int | None = None) -> list[AuditEntry]:
    """The entries still kept here (not yet purged), in chain order."""
    sql = "SELECT * FROM audit_log ORDER BY seq"
    return [_row(r) for r in db.query(sql + (" LIMIT ?" if limit else ""), [limit] if limit else [])]


def verify(db: sqlite_utils.Database, key: Ed25519PublicKey | None = None) -> ChainBreak | None:
    """The first entry kept here that does not continue the chain from the last acknowledged one (or, with
    `key`, is not signed by it), or None."""
    chain, seq, digest = chain_state(db)
    kept = [e for e in entries(db) if e.seq > seq]
    return verify_chain(kept, chain, seq, digest, key)


def sign_unsigned(db: sqlite_utils.Database, key: Ed25519PrivateKey) -> int:
    """Sign the entries written before signatures existed (and their outbox copies); how many.

    Only an intact chain is signed: signing a tampered one would vouch for the tampering.
    """
    unsigned = [e for e in entries(db) if e.signature is None]
    if not unsigned or verify(db) is not None:
        return 0
    signed = {e.entry_id: sign_entry(e, key) for e in unsigned}
    with transaction(db):
        for entry in signed.values():
            db.execute("UPDATE audit_log SET signature = ? WHERE seq = ?", [entry.signature, entry.seq])
        for op in db.query("SELECT op_id, payload FROM outbox WHERE kind = ?", [APPEND_OPERATION]):
            payload = json.loads(op["payload"])
            copies = payload.get("entries", [])
            if any(copy.get("entry_id") in signed for copy in copies):
                payload["entries"] = [
                    signed[c["entry_id"]].as_dict() if c.get("entry_id") in signed else c for c in copies
                ]
                db.execute(
                    "UPDATE outbox SET payload = ? WHERE op_id = ?",
                    [json.dumps(payload, ensure_ascii=False, sort_keys=True), op["op_id"]],
                )
    return len(signed)


def outgoing_problem(
    db: sqlite_utils.Database, payload: Mapping[str, object], key: Ed25519PublicKey | None
) -> ChainBreak | None:
    """Whether an `audit.append` operation about to be sent is what the table holds.

    Its entries must be the table's own rows, word for word, and the chain kept here intact (and signed,
    with `key`) up to them; an entry the centre already acknowledged (purged here) goes as it is, the
    centre compares it with its own copy.
    """
    _, through, _ = chain_state(db)
    copies = payload.get("entries")
    if not isinstance(copies, list):
        return ChainBreak(0, "hash")
    stored = {e.seq: e for e in entries(db)}
    for copy in copies:
        seq = copy.get("seq") if isinstance(copy, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool):
            return ChainBreak(0, "hash")
        if seq <= through:
            continue
        if seq not in stored:
            return ChainBreak(seq, "missing")
        if stored[seq].as_dict() != copy:
            return ChainBreak(seq, "hash")
    broken = verify(db, key)
    last = max((c["seq"] for c in copies), default=0)
    return broken if broken is not None and broken.seq <= last else None


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
