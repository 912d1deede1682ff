"""A kiosk and the real reference server on loopback, with a proxy between them that can break things."""

from __future__ import annotations

import pytest

from kiosk.config import KioskConfig
from kiosk.services.context import open_services
from kiosk.signing_key import load_or_create_signing_key, public_key_pem
from sync.client import CentralClient
from sync.engine import SyncEngine
from tests.factories import NOW, households_document, sample_catalog
from tests.server.central import CentralServer
from tests.sync.faulty_proxy import FaultyProxy


class Kiosk:
    """One kiosk: its services, and a sync engine talking to the centre through the proxy."""

    def __init__(self, path, url: str, token: str, clock):
        self.services = open_services(path, KioskConfig(), clock=clock)
        self.token = token  # as the kiosk keeps it, in its data folder (sync/credential.py)
        self.client = CentralClient(url, token, timeout=(2, 5))
        key = public_key_pem(load_or_create_signing_key(path))  # published at each cycle, as the kiosk does
        self.engine = SyncEngine(self.services.db, self.client, clock=clock, voucher_key=key)

    def sync(self):
        return self.engine.run_cycle()

    def close(self) -> None:
        self.client.close()
        self.services.close()


@pytest.fixture
def centre(tmp_path, central_database):
    server = CentralServer(central_database, now=NOW, log_path=tmp_path / "central.log")
    server.start()
    server.load_catalog(sample_catalog())
    server.load_households(households_document()["households"])
    yield server
    server.stop()


@pytest.fixture
def proxy(centre):
    faulty = FaultyProxy(centre.port)
    yield faulty
    faulty.close()


@pytest.fixture
def make_kiosk(tmp_path, centre, proxy, clock):
    made = []

    def make(name: str = "k1") -> Kiosk:
        enrolled = centre.enroll(name=name)
        kiosk = Kiosk(tmp_path / name, proxy.url, enrolled.token, clock)
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()
