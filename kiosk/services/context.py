"""Everything a running kiosk needs, opened once at start and handed to the screens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import DEMO_CATALOG, KioskConfig, prepare_data_dir
from kiosk.services.catalog import CatalogService, seed_demo_catalog
from kiosk.store.database import DATABASE_FILE, open_database


@dataclass
class KioskServices:
    config: KioskConfig
    data_dir: Path
    db: sqlite_utils.Database
    catalog: CatalogService

    def close(self) -> None:
        self.db.close()


def open_services(
    data_dir: Path,
    config: KioskConfig,
    demo: bool = False,
    clock: Callable[[], datetime] = datetime.now,
    demo_catalog: Path = DEMO_CATALOG,
) -> KioskServices:
    prepare_data_dir(data_dir)
    db = open_database(data_dir / DATABASE_FILE)
    catalog = CatalogService(db, clock)
    if demo and catalog.offer_count() == 0:
        seed_demo_catalog(db, demo_catalog, clock())
    return KioskServices(config, data_dir, db, catalog)
