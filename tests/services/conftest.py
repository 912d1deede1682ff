"""A concierge desk: a demo kiosk with every demo concierge service, two correspondents and a settable
monotonic clock for the staff inactivity limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.demo import DEMO_CATALOG
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import assemble_services, open_services
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_PIN, sample_catalog, staff_document


class Monotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> Monotonic:
    return Monotonic()


@pytest.fixture
def desk(tmp_path: Path, households_file: Path, clock, monotonic):
    catalog = sample_catalog()
    catalog["concierge_services"] = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))["concierge_services"]
    catalog_path = tmp_path / "desk-catalog.json"
    catalog_path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    staff_path = tmp_path / "staff.json"
    staff_path.write_text(json.dumps(staff_document()), encoding="utf-8")
    opened = open_services(
        tmp_path / "desk",
        KioskConfig(),
        demo=True,
        clock=clock,
        demo_catalog=catalog_path,
        demo_households=households_file,
        demo_staff=staff_path,
    )
    services = assemble_services(opened.db, opened.config, opened.data_dir, clock, monotonic)
    yield services
    services.close()


@pytest.fixture
def claire(desk):
    return desk.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")


@pytest.fixture
def lina(desk):
    return desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
