import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import KioskConfig  # noqa: E402
from kiosk.services.context import open_services  # noqa: E402
from tests.factories import NOW, sample_catalog  # noqa: E402


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(sample_catalog(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def services(tmp_path: Path, catalog_file: Path):
    opened = open_services(tmp_path / "data", KioskConfig(), demo=True, clock=lambda: NOW,
                           demo_catalog=catalog_file)
    yield opened
    opened.close()
