"""Offer photos fetched from the centre after each pull, within the kiosk's disk budget.

The photos the offers name and the kiosk lacks are fetched (`GET /v1/photos/{sha256}`), a few each
cycle, and kept once checked (kiosk/store/photos.py). A photo refused is not asked for again until
the kiosk restarts; one the budget has no room for waits; photos no offer names any more go first.
An offer without its photo shows its category's pictogram.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.store.photos import MAX_PHOTO_BYTES, PhotoRefused, PhotoStore
from sync.client import AnswerTooLarge, CentralClient, RequestRefused, TransientError

log = logging.getLogger(__name__)

PER_CYCLE = 20  # photos fetched per sync cycle: a first pull of a large catalog spreads them out
KEPT_SIZE_GUESS = 150 * 1024  # room a kept photo needs at most, about (960 px, JPEG quality 82)


@dataclass
class PhotoReport:
    fetched: int = 0
    refused: list[str] = field(default_factory=list)  # sha256 of the photos refused, with why in the log
    waiting: int = 0  # photos that wait for room in the budget
    removed: int = 0  # kept photos no offer names any more


class PhotoFetcher:
    def __init__(self, store: PhotoStore, budget_bytes: int):
        self.store = store
        self.budget_bytes = budget_bytes
        self._refused: set[str] = set()

    def refresh(self, client: CentralClient, limit: int = PER_CYCLE) -> PhotoReport:
        """Forget photos no offer names, then fetch up to `limit` missing ones within the budget.
        A network failure ends the round (the next cycle goes on); a refusal is remembered."""
        report = PhotoReport(removed=self.store.remove_unused())
        kept = self.store.kept()
        # A budget lowered since (to 0: no photos at all) is held at once: the largest go first.
        for sha256, size in sorted(kept.items(), key=lambda item: -item[1]):
            if sum(kept.values()) <= self.budget_bytes:
                break
            self.store.remove(sha256)
            del kept[sha256]
            report.removed += 1
        missing = sorted(self.store.used() - set(kept) - self._refused)
        total = sum(kept.values())
        for index, sha256 in enumerate(missing[:limit]):
            if total + KEPT_SIZE_GUESS > self.budget_bytes:
                report.waiting = len(missing) - index
                log.warning("photo budget of %d bytes reached: %d photos wait", self.budget_bytes, report.waiting)
                break
            try:
                total += self.store.keep(sha256, client.photo(sha256, MAX_PHOTO_BYTES))
            except (PhotoRefused, AnswerTooLarge, RequestRefused) as refused:
                self._refused.add(sha256)
                report.refused.append(sha256)
                log.warning("photo %s refused: %s", sha256[:12], refused)
                continue
            except TransientError:
                break
            report.fetched += 1
        return report


def photo_fetcher(db: sqlite_utils.Database, data_dir: Path, config: KioskConfig) -> PhotoFetcher:
    """The kiosk's photo fetcher as its site file sets it (a budget of 0: no photos, those kept go)."""
    return PhotoFetcher(PhotoStore(db, data_dir), config.display.photo_budget_mb * 1024 * 1024)
