"""`/metrics` for Prometheus (prometheus-client): requests, latencies, operations answered, kiosks by state.

Counters live in the process (one registry per application, none global); the kiosks by state are read
from the database at each scrape, so they are right whatever process answers. With several worker
processes (`serve --workers N`), PROMETHEUS_MULTIPROC_DIR is set: each process writes its counters
there and a scrape, answered by any of them, adds up every process's (prometheus-client's
multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server import fleet
from sync.server.clock import Clock
from sync.server.db import Database

# Fine around the fleet's goal (p99 <= 300 ms), so that a quantile read from them is close to the truth.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, db: Database | None, clock: Clock):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "slvie_http_requests",
            "HTTP requests answered, by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "slvie_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "slvie_operations",
            "Pushed operations answered, by kind and outcome (a replay is answered again, never applied twice)",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.states = _KioskStates(db, clock) if db is not None else None
        if self.states is not None:
            self.registry.register(self.states)

    def text(self) -> bytes:
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        if self.states is not None:
            registry.register(self.states)
        return generate_latest(registry)


class _KioskStates(Collector):
    def __init__(self, db: Database, clock: Clock):
        self.db, self.clock = db, clock

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "slvie_kiosks", "Kiosks not revoked, by fleet state (see slvie-central fleet)", labels=["state"]
        )
        for state, count in fleet.count_by_state(fleet.fleet(self.db, self.clock())).items():
            family.add_metric([state], count)
        yield family


class RequestMetrics:
    """Count and time every HTTP request, labelled by its route's template (never by a raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
            self.metrics.latency.labels(scope["method"], path).observe(time.perf_counter() - started)
