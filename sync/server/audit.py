"""The kiosks' audit logs at the centre: each entry's signature and each link checked, then acknowledged.

An entry is accepted only when it is the kiosk's own and the next link of its chain:
- signed (kiosk/domain/audit.py) by one of the keys this authenticated kiosk published
  (PUT /v1/voucher-key, the same key as its vouchers, named by the entry's `kiosk`), so a
  copy edited on the kiosk's disk and re-hashed is refused;
- for this kiosk's site;
- the seq that follows, the hash of the entry before it (or the genesis hash for the
  first), and a hash that matches its content: no gap, no reordering.
An entry the centre already holds, sent again, is acknowledged again; another entry at a
seq already held is a fork. Anything else rejects the whole operation with the first bad
seq, and is also flagged in `audit_flags` for administrators (`slvie-central audit-flags`);
the kiosk keeps its copy for IT. A kiosk starting a new chain (its database rebuilt) is
accepted and flagged as such. The answer tells the kiosk how far the centre holds the
chain, so it can purge those entries.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.domain.audit import GENESIS_HASH, canonical_json, check_details, entry_hash, signature_valid
from kiosk.signing_key import parse_public_key
from sync.server import reasons
from sync.server.clock import fmt
from sync.server.db import Connection, Row
from sync.server.reasons import Reason
from sync.wire import AuditAppendPayload, AuditEntryData


def append(
    conn: Connection, kiosk_id: str, site_id: str, payload: AuditAppendPayload, created_at: str, now: datetime
) -> dict[str, object]:
    """Accept the entries as the next links of the kiosk's chain (all of them or none)."""
    chain = payload.entries[0].chain
    last = conn.execute(
        "SELECT seq, hash FROM audit_entries WHERE kiosk_id = ? AND chain = ? ORDER BY seq DESC LIMIT 1",
        (kiosk_id, chain),
    ).fetchone()
    last_seq, last_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    keys: dict[str, Ed25519PublicKey | None] = {}
    new_rows = []
    for entry in payload.entries:
        refusal = _refusal(conn, kiosk_id, site_id, chain, entry, keys)
        if refusal is not None:
            return _flagged(conn, kiosk_id, entry.chain, entry.seq, refusal, now)
        if entry.seq <= last_seq:  # already held: sent again after a lost answer?
            held = conn.execute(
                "SELECT hash FROM audit_entries WHERE kiosk_id = ? AND chain = ? AND seq = ?",
                (kiosk_id, chain, entry.seq),
            ).fetchone()
            if held is None:
                return _flagged(conn, kiosk_id, chain, entry.seq, reasons.audit_chain_broken(entry.seq), now)
            if held[0] != entry.hash:
                return _flagged(conn, kiosk_id, chain, entry.seq, reasons.audit_fork(entry.seq), now)
            continue
        if entry.seq != last_seq + 1 or entry.prev_hash != last_hash:
            return _flagged(conn, kiosk_id, chain, entry.seq, reasons.audit_chain_broken(entry.seq), now)
        new_rows.append((kiosk_id, chain, entry.seq, entry.hash, canonical_json(entry.model_dump()), fmt(now)))
        last_seq, last_hash = entry.seq, entry.hash
    if (
        new_rows
        and new_rows[0][2] == 1
        and conn.execute(
            "SELECT 1 FROM audit_entries WHERE kiosk_id = ? AND chain != ? LIMIT 1", (kiosk_id, chain)
        ).fetchone()
    ):
        _flag(conn, kiosk_id, chain, 1, "audit_chain_restarted", now)
    conn.executemany(
        "INSERT INTO audit_entries (kiosk_id, chain, seq, hash, entry, received_at) VALUES (?, ?, ?, ?, ?, ?)", new_rows
    )
    return {"outcome": "applied", "audit": {"chain": chain, "through_seq": last_seq, "through_hash": last_hash}}


def _refusal(
    conn: Connection,
    kiosk_id: str,
    site_id: str,
    chain: str,
    entry: AuditEntryData,
    keys: dict[str, Ed25519PublicKey | None],
) -> Reason | None:
    """Why one entry cannot be the kiosk's own, whatever its place in the chain; None if it can."""
    try:
        check_details(entry.details)
    except ValueError:
        return reasons.invalid_payload("details", "malformed audit details")
    data = entry.model_dump()
    body = {k: v for k, v in data.items() if k not in ("prev_hash", "hash", "signature")}
    if entry.chain != chain or entry_hash(entry.prev_hash, body) != entry.hash:
        return reasons.audit_chain_broken(entry.seq)
    if entry.site_id != site_id:
        return reasons.audit_other_site(entry.seq)
    if entry.kiosk not in keys:
        row = conn.execute(
            "SELECT public_key FROM voucher_keys WHERE kiosk_id = ? AND key_id = ?", (kiosk_id, entry.kiosk)
        ).fetchone()
        keys[entry.kiosk] = parse_public_key(row[0]) if row else None
    key = keys[entry.kiosk]
    if key is None:
        return reasons.audit_key_unknown(entry.kiosk)
    if not signature_valid(entry.hash, entry.signature, key):
        return reasons.audit_signature_invalid(entry.seq)
    return None


def _flagged(conn: Connection, kiosk_id: str, chain: str, seq: int, reason: Reason, now: datetime) -> dict[str, object]:
    _flag(conn, kiosk_id, chain, seq, reason["code"], now)
    return {"outcome": "rejected", "reason": reason}


def _flag(conn: Connection, kiosk_id: str, chain: str, seq: int, code: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO audit_flags (kiosk_id, chain, seq, code, flagged_at, arrival) VALUES (?, ?, ?, ?, ?, "
        "(SELECT COALESCE(MAX(arrival), 0) + 1 FROM audit_flags))",
        (kiosk_id, chain, seq, code, fmt(now)),
    )


def entries(conn: Connection, kiosk_id: str | None = None) -> list[Row]:
    """What the centre holds (for administrators and tests), by kiosk, chain and seq."""
    if kiosk_id is None:
        return conn.execute("SELECT * FROM audit_entries ORDER BY kiosk_id, chain, seq").fetchall()
    return conn.execute("SELECT * FROM audit_entries WHERE kiosk_id = ? ORDER BY chain, seq", (kiosk_id,)).fetchall()


def flags(conn: Connection) -> list[Row]:
    """Every refused audit entry and every restarted chain, oldest first, for administrators."""
    return conn.execute("SELECT kiosk_id, chain, seq, code, flagged_at FROM audit_flags ORDER BY arrival").fetchall()
