"""The centre prices every booking again: it takes no tier, unit price or total on a kiosk's word.

The kiosk says which version of the offer's prices it showed the person (`offer_version`).
A price changed at the centre since the kiosk's last pull is honoured as shown, with the
version on record; a tier the household never had, a version the offer never had, or a
total no version gives is refused as invalid and logged for IT (`integrity_events`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sync.server import reasons
from sync.server.clock import fmt
from sync.server.db import Connection, compact_json
from sync.server.reasons import Reason

log = logging.getLogger("slvie.central")


@dataclass(frozen=True)
class Priced:
    """What the centre found: a problem (then nothing else holds), or the version and unit price agreed."""

    problem: Reason | None = None
    version: int | None = None
    unit_cents: int | None = None


def price_versions(conn: Connection, offer_id: str) -> dict[int, list[int]]:
    """Every version of an offer's prices (cents by tier), the current one included as version 0
    when the offer was loaded before versions were kept."""
    versions = {
        row[0]: json.loads(row[1])
        for row in conn.execute("SELECT version, prices FROM offer_prices WHERE offer_id = ?", (offer_id,))
    }
    if not versions:
        row = conn.execute("SELECT data FROM offers WHERE id = ?", (offer_id,)).fetchone()
        if row is not None:
            versions[0] = [p["cents"] for p in sorted(json.loads(row[0])["prices"], key=lambda p: p["tier"])]
    return versions


def check(
    conn: Connection,
    offer_id: str,
    household_id: str,
    tier: int,
    participants: int,
    total_cents: int,
    offer_version: int | None,
    unit_cents: int | None,
) -> Priced:
    tiers = {
        row[0]
        for row in conn.execute(
            "SELECT tier FROM household_tiers WHERE household_id = ? UNION SELECT tier FROM households WHERE id = ?",
            (household_id, household_id),
        )
    }
    if tier not in tiers:
        return Priced(reasons.invalid_price("tier", tier, total_cents))
    versions = price_versions(conn, offer_id)
    if offer_version:  # the version the kiosk priced from: only that one
        if offer_version not in versions:
            return Priced(reasons.invalid_price("offer_version", tier, total_cents))
        candidates = {offer_version: versions[offer_version]}
    else:  # a kiosk of the old protocol, or one that had not pulled any version yet: any version
        candidates = versions
    for version, prices in sorted(candidates.items(), reverse=True):
        unit = prices[tier - 1] if tier <= len(prices) else None
        if unit is not None and unit * participants == total_cents and unit_cents in (None, unit):
            return Priced(None, version or None, unit)
    return Priced(reasons.invalid_price("total_cents", tier, total_cents))


def record_for_it(
    conn: Connection, kiosk_id: str, kind: str, subject: str, details: dict[str, object], now: datetime
) -> None:
    """Something a kiosk sent that the centre could not take as it was: kept for IT, and logged."""
    conn.execute(
        "INSERT INTO integrity_events (at, kiosk_id, kind, subject, details) VALUES (?, ?, ?, ?, ?)",
        (fmt(now), kiosk_id, kind, subject, compact_json(details)),
    )
    log.warning("integrity: %s from kiosk %s on %s", kind, kiosk_id, subject)
