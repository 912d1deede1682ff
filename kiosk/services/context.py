"""Everything a running kiosk needs, opened once at start and handed to the screens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig, prepare_data_dir
from kiosk.demo import DEMO_CATALOG, DEMO_HOUSEHOLDS, DEMO_STAFF
from kiosk.demo.seeding import (
    seed_demo_catalog,
    seed_demo_households,
    seed_demo_photos,
    seed_demo_requests,
    seed_demo_staff,
)
from kiosk.services.assisted import AssistedService
from kiosk.services.audit import AuditService
from kiosk.services.booking import BookingService
from kiosk.services.catalog import CatalogService
from kiosk.services.concierge import ConciergeRequests
from kiosk.services.help import HelpService
from kiosk.services.identity import IdentityService
from kiosk.services.notices import NoticeService
from kiosk.services.paper import PaperService
from kiosk.services.payments import PaymentService
from kiosk.services.staff import StaffAuthService
from kiosk.services.vouchers import VoucherService
from kiosk.store.database import DATABASE_FILE
from kiosk.store.photos import PhotoStore
from kiosk.store.recovery import Recovery, open_kiosk_database


@dataclass
class KioskServices:
    config: KioskConfig
    data_dir: Path
    db: sqlite_utils.Database
    catalog: CatalogService
    identity: IdentityService
    bookings: BookingService
    vouchers: VoucherService
    audit: AuditService  # assisted mode's audit log
    staff: StaffAuthService  # correspondents signing in and out
    concierge: ConciergeRequests  # concierge requests and the correspondents' queue
    assisted: AssistedService  # what a correspondent does for a beneficiary
    help: HelpService  # a person's call to a correspondent, or a code to finish later
    paper: PaperService  # offer sheets, the site's programme, the day's takings on paper
    payments: PaymentService  # what is owed and paid
    notices: NoticeService  # consent to e-mail notices, given and taken back
    recovery: Recovery | None = None  # set when a corrupt database was rebuilt at this start

    def close(self) -> None:
        self.db.close()


def open_services(
    data_dir: Path,
    config: KioskConfig,
    demo: bool = False,
    clock: Callable[[], datetime] = datetime.now,
    demo_catalog: Path = DEMO_CATALOG,
    demo_households: Path = DEMO_HOUSEHOLDS,
    demo_staff: Path = DEMO_STAFF,
) -> KioskServices:
    prepare_data_dir(data_dir)
    # Checked first: a corrupt file is set aside and rebuilt, its unsent operations carried over.
    db, recovery = open_kiosk_database(data_dir / DATABASE_FILE, clock)
    catalog = CatalogService(db, clock, config.site, PhotoStore(db, data_dir))
    if demo and catalog.offer_count() == 0:
        seed_demo_catalog(db, demo_catalog, clock())
        seed_demo_households(db, demo_households)
        seed_demo_photos(db, data_dir)
    if demo:
        seed_demo_staff(db, demo_staff)
        seed_demo_requests(db, config.site.id, clock())
    audit = AuditService(db, config, data_dir, clock)
    staff = StaffAuthService(db, audit, clock)
    vouchers = VoucherService(db, config, data_dir, clock)
    concierge = ConciergeRequests(db, config, data_dir, staff, audit, clock)
    return KioskServices(
        config=config,
        data_dir=data_dir,
        db=db,
        catalog=catalog,
        identity=IdentityService(db, clock),
        bookings=BookingService(db, clock),
        vouchers=vouchers,
        audit=audit,
        staff=staff,
        concierge=concierge,
        assisted=AssistedService(db, staff, audit, concierge, vouchers, clock),
        help=HelpService(db, config, data_dir, staff, audit, clock),
        paper=PaperService(db, config, data_dir, clock),
        payments=PaymentService(db, config, staff, audit, clock),
        notices=NoticeService(db, staff, audit, clock),
        recovery=recovery,
    )
