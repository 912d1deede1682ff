import json

import pytest

from kiosk.config import KioskConfig
from kiosk.demo.seeding import seed_demo_catalog
from kiosk.errors import CatalogError
from kiosk.services.context import open_services
from tests.factories import NOW, sample_catalog


def test_the_demo_is_moved_to_today(tmp_path, catalog_file):
    document = json.loads(catalog_file.read_text())
    document["reference_date"] = "2026-01-01"  # a catalog made 326 days before NOW
    catalog_file.write_text(json.dumps(document))
    services = open_services(tmp_path / "data", KioskConfig(), demo=True, clock=lambda: NOW, demo_catalog=catalog_file)
    piscine = services.catalog.offer("P1")
    assert (piscine.sessions[0].start - NOW).days == 2 + 326
    assert services.catalog.catalog_as_of() == NOW


def test_an_existing_database_is_not_reseeded(tmp_path, catalog_file):
    open_services(tmp_path / "data", KioskConfig(), demo=True, clock=lambda: NOW, demo_catalog=catalog_file).close()
    catalog_file.write_text("{broken")
    services = open_services(tmp_path / "data", KioskConfig(), demo=True, clock=lambda: NOW, demo_catalog=catalog_file)
    assert services.catalog.offer_count() == 6


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "abîmé ou incomplet"),  # truncated in the middle
        (b"\x00\xff\xfe garbage \x81", "abîmé ou incomplet"),
        (b"", "abîmé ou incomplet"),
        (b'{"format": "slvie-catalog/1"}', "Catalogue refusé"),
        (b"[1, 2, 3]", "Catalogue refusé"),
    ],
)
def test_a_damaged_catalog_file_is_refused_and_nothing_is_written(tmp_path, services, content, expected):
    good = json.dumps(sample_catalog()).encode()
    path = tmp_path / "damaged.json"
    path.write_bytes(good[: len(good) // 2] if content is None else content)
    with pytest.raises(CatalogError) as caught:
        seed_demo_catalog(services.db, path, NOW)
    assert expected in caught.value.fr
    assert services.catalog.offer_count() == 6  # the kiosk keeps the offer it had


def test_a_missing_catalog_file_is_named(tmp_path, services):
    with pytest.raises(CatalogError) as caught:
        seed_demo_catalog(services.db, tmp_path / "absent.json", NOW)
    assert "absent.json" in caught.value.en
