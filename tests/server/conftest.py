"""Fixtures starting a real central server on loopback (reusable by the kiosk-side sync tests:
`from tests.server.conftest import central_server` in another conftest, or use `CentralServer` directly)."""

from __future__ import annotations

import pytest

from tests.server.central import CentralServer


@pytest.fixture
def central_server(tmp_path, central_database):
    """A fresh central server (real clock) on its own database (SQLite, and PostgreSQL: tests/conftest.py);
    killed at the end of the test."""
    server = CentralServer(central_database, log_path=tmp_path / "central.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(central_server):
    """A kiosk of the default site, enrolled."""
    return central_server.enroll()


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd), reading what the centre sends."""
    from tests.server.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()
