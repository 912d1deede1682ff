"""Everything a running kiosk needs, opened once at start and handed to the screens."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import KioskConfig, prepare_data_dir
from kiosk.demo import DEMO_CATALOG, DEMO_HOUSEHOLDS, DEMO_STAFF
from kiosk.services.actor import Acts
from kiosk.services.appreciation import Appreciations
from kiosk.services.audit import AuditService
from kiosk.services.booking import BookingService
from kiosk.services.catalog import CatalogService
from kiosk.services.concierge import ConciergeRequests
from kiosk.services.consultations import Consultations
from kiosk.services.help import TICKET_DIR, HelpService
from kiosk.services.ideas import IdeaBox
from kiosk.services.identity import IdentityService
from kiosk.services.notices import NoticeService
from kiosk.services.paper import PAPER_DIR, PaperService
from kiosk.services.payments import PaymentService
from kiosk.services.staff import StaffAuthService
from kiosk.services.stay_wishes import StayWishesService
from kiosk.services.sync_state import SyncStateService
from kiosk.services.vouchers import VOUCHER_DIR, VoucherService
from kiosk.store.database import DATABASE_FILE
from kiosk.store.photos import PhotoStore
from kiosk.store.recovery import Recovery, open_kiosk_database
from kiosk.store.retention import prune, prune_files


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
    sync_state: SyncStateService  # how sync stands, for correspondents
    help: HelpService  # a person's call to a correspondent, or a code to finish later
    paper: PaperService  # offer sheets, the site's programme, the day's takings on paper
    payments: PaymentService  # what is owed and paid
    ideas: IdeaBox  # the "Boîte à idées"
    consultations: Consultations  # consultations and votes
    appreciations: Appreciations  # appreciation of activities that have taken place
    wishes: StayWishesService  # holiday-stay wishes and the centre's outcome
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
    if demo:
        # Imported for the demo alone: a kiosk in service never loads the demo's generators.
        from kiosk.demo.seeding import (
            seed_demo_catalog,
            seed_demo_households,
            seed_demo_participation,
            seed_demo_photos,
            seed_demo_requests,
            seed_demo_staff,
        )

        if catalog.offer_count() == 0:
            seed_demo_catalog(db, demo_catalog, clock())
            seed_demo_households(db, demo_households)
            seed_demo_photos(db, data_dir)
        seed_demo_staff(db, demo_staff)
        seed_demo_requests(db, config.site.id, clock())
        seed_demo_participation(db, clock())
    prune(db, clock())  # what offline work no longer needs (kiosk/store/retention.py)
    for folder in (VOUCHER_DIR, TICKET_DIR, PAPER_DIR):  # generated PDFs: vouchers, help tickets, paper
        prune_files(data_dir / folder, clock())
    services = assemble_services(db, config, data_dir, clock, recovery=recovery)
    services.audit.check_at_start()
    return services


def assemble_services(
    db: sqlite_utils.Database,
    config: KioskConfig,
    data_dir: Path,
    clock: Callable[[], datetime] = datetime.now,
    monotonic: Callable[[], float] = time.monotonic,
    recovery: Recovery | None = None,
) -> KioskServices:
    """The services over an open database; `monotonic` times the correspondents' inactivity limit."""
    audit = AuditService(db, config, data_dir, clock)
    staff = StaffAuthService(db, audit, clock, monotonic)
    acts = Acts(db, staff, audit)
    identity = IdentityService(db, acts, clock)
    return KioskServices(
        config=config,
        data_dir=data_dir,
        db=db,
        catalog=CatalogService(db, clock, config.site, PhotoStore(db, data_dir)),
        identity=identity,
        bookings=BookingService(db, acts, clock),
        vouchers=VoucherService(db, config, data_dir, acts, clock),
        audit=audit,
        staff=staff,
        concierge=ConciergeRequests(db, config, data_dir, acts, clock),
        sync_state=SyncStateService(db, acts, audit),
        help=HelpService(db, config, data_dir, acts, clock),
        paper=PaperService(db, config, data_dir, clock),
        payments=PaymentService(db, config, acts, audit, clock),
        ideas=IdeaBox(db, config, acts, clock),
        consultations=Consultations(db, identity, acts, clock),
        appreciations=Appreciations(db, acts, clock),
        wishes=StayWishesService(db, acts, clock),
        notices=NoticeService(db, acts, clock),
        recovery=recovery,
    )
