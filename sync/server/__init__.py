"""The reference central server (FastAPI; SQLite or PostgreSQL) the kiosks sync with: docs/sync-protocol.md.

It is an optional part of the package (`pip install .[central]`): a kiosk in service talks to the
real centre, so FastAPI and uvicorn (and Jinja2, prometheus-client for the fleet page and the
metrics) are imported by the HTTP side here only (app, models, cli's serve and openapi), never by
the kiosk.

Modules, from the inside out:
- clock: the sites' local time;
- reasons: every message a person may read, in French and English;
- decisions: the booking rules, as plain functions over plain data;
- db: the database through SQLAlchemy Core (a SQLite file in WAL mode, or PostgreSQL), its transactions;
- dialect: the only module where SQLite and PostgreSQL are spoken to differently;
- migrations: the schema's Alembic revisions;
- changes: the change sequence kiosks pull, and how a page is rendered;
- bookings: seats, bookings and the waiting list (SQL around decisions);
- operations: a pushed batch, each operation applied at most once, forever;
- auth: enrolment codes, kiosk tokens and the administrators' credentials;
- fleet: the kiosks' heartbeats, their history, and each kiosk's state (red / amber / green) and why;
- fleet_page, metrics: the fleet for IT (`/admin/fleet`) and for Prometheus (`/metrics`);
- loading: catalogs and households, validated whole before anything is written;
- admin: allocations, capacities, withdrawals, requests settled by the centre;
- models: the request and response bodies (pydantic), hence the OpenAPI contract;
- app: the HTTP routes; cli: the `slvie-central` command.
"""

from __future__ import annotations

import importlib.util

from kiosk.errors import KioskError


class CentralNotInstalledError(KioskError):
    """The reference central server's packages (the [central] extra) are not installed."""


def require_central_server() -> None:
    """Say plainly how to install the reference central server when it is not installed."""
    if any(
        importlib.util.find_spec(name) is None
        for name in ("fastapi", "uvicorn", "jinja2", "prometheus_client", "limits", "sqlalchemy", "alembic", "psycopg")
    ):
        raise CentralNotInstalledError("error.central.not_installed")
