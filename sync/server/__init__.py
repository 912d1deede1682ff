"""The reference central server (FastAPI + SQLite) the kiosks sync with: docs/sync-protocol.md.

Modules, from the inside out:
- clock: the sites' local time;
- reasons: every message a person may read, in French and English;
- decisions: the booking rules, as plain functions over plain data;
- db: the SQLite file (schema, WAL, one writer at a time);
- changes: the change sequence kiosks pull, and how a page is rendered;
- bookings: seats, bookings and the waiting list (SQL around decisions);
- operations: a pushed batch, each operation applied at most once, forever;
- auth: enrolment codes and kiosk tokens;
- loading: catalogs and households, validated whole before anything is written;
- admin: allocations, capacities, withdrawals, requests settled by the centre;
- models: the request and response bodies (pydantic), hence the OpenAPI contract;
- app: the HTTP routes; cli: the `slvie-central` command.
"""
