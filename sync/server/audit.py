"""The kiosks' audit logs at the centre: each chain checked link by link, then acknowledged.

An entry is accepted only as the next link of its kiosk's chain: the seq that follows,
the hash of the entry before it (or the genesis hash for the first), and a hash that
matches its content (kiosk/domain/audit.py). An entry the centre already holds, sent
again, is acknowledged again; anything else is rejected with the first broken seq, and
the kiosk keeps its copy for IT. The answer tells the kiosk how far the centre holds the
chain, so it can purge those entries.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.domain.audit import GENESIS_HASH, canonical_json, check_details, entry_hash
from sync.server import reasons
from sync.server.clock import fmt


def append(conn: sqlite3.Connection, kiosk_id: str, site_id: str, payload, created_at: str, now: datetime) -> dict:
    """Accept the entries as the next links of the kiosk's chain (all of them or none)."""
    chain = payload.entries[0].chain
    last = conn.execute(
        "SELECT seq, hash FROM audit_entries WHERE kiosk_id = ? AND chain = ? ORDER BY seq DESC LIMIT 1",
        (kiosk_id, chain),
    ).fetchone()
    last_seq, last_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    new_rows = []
    for entry in payload.entries:
        try:
            check_details(entry.details)
        except ValueError:
            return {"outcome": "rejected", "reason": reasons.invalid_payload("details", "malformed audit details")}
        data = entry.model_dump()
        body = {k: v for k, v in data.items() if k not in ("prev_hash", "hash")}
        if entry.chain != chain or entry_hash(entry.prev_hash, body) != entry.hash:
            return {"outcome": "rejected", "reason": reasons.audit_chain_broken(entry.seq)}
        if entry.seq <= last_seq:  # already held: sent again after a lost answer?
            held = conn.execute(
                "SELECT hash FROM audit_entries WHERE kiosk_id = ? AND chain = ? AND seq = ?",
                (kiosk_id, chain, entry.seq),
            ).fetchone()
            if held is None or held[0] != entry.hash:
                return {"outcome": "rejected", "reason": reasons.audit_chain_broken(entry.seq)}
            continue
        if entry.seq != last_seq + 1 or entry.prev_hash != last_hash:
            return {"outcome": "rejected", "reason": reasons.audit_chain_broken(entry.seq)}
        new_rows.append((kiosk_id, chain, entry.seq, entry.hash, canonical_json(data), fmt(now)))
        last_seq, last_hash = entry.seq, entry.hash
    conn.executemany(
        "INSERT INTO audit_entries (kiosk_id, chain, seq, hash, entry, received_at) VALUES (?, ?, ?, ?, ?, ?)", new_rows
    )
    return {"outcome": "applied", "audit": {"chain": chain, "through_seq": last_seq, "through_hash": last_hash}}


def entries(conn: sqlite3.Connection, kiosk_id: str | None = None) -> list[sqlite3.Row]:
    """What the centre holds (for administrators and tests), by kiosk, chain and seq."""
    if kiosk_id is None:
        return conn.execute("SELECT * FROM audit_entries ORDER BY kiosk_id, chain, seq").fetchall()
    return conn.execute("SELECT * FROM audit_entries WHERE kiosk_id = ? ORDER BY chain, seq", (kiosk_id,)).fetchall()
