"""Everything a running kiosk needs, opened once at start and handed to the screens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import DEMO_CATALOG, DEMO_HOUSEHOLDS, KioskConfig, prepare_data_dir
from kiosk.services.booking import BookingService
from kiosk.services.catalog import CatalogService, seed_demo_catalog, seed_demo_households
from kiosk.services.identity import IdentityService
from kiosk.services.vouchers import VoucherService
from kiosk.store.database import DATABASE_FILE, open_database


@dataclass
class KioskServices:
    config: KioskConfig
    data_dir: Path
    db: sqlite_utils.Database
    catalog: CatalogService
    identity: IdentityService
    bookings: BookingService
    vouchers: VoucherService

    def close(self) -> None:
        self.db.close()


def open_services(
    data_dir: Path,
    config: KioskConfig,
    demo: bool = False,
    clock: Callable[[], datetime] = datetime.now,
    demo_catalog: Path = DEMO_CATALOG,
    demo_households: Path = DEMO_HOUSEHOLDS,
) -> KioskServices:
    prepare_data_dir(data_dir)
    db = open_database(data_dir / DATABASE_FILE)
    catalog = CatalogService(db, clock)
    if demo and catalog.offer_count() == 0:
        seed_demo_catalog(db, demo_catalog, clock())
        seed_demo_households(db, demo_households)
    return KioskServices(
        config=config,
        data_dir=data_dir,
        db=db,
        catalog=catalog,
        identity=IdentityService(db, clock),
        bookings=BookingService(db, clock),
        vouchers=VoucherService(db, config, data_dir, clock),
    )
