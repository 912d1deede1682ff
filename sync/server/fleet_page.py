"""`/admin/fleet`: the fleet's health as one read-only HTML page for IT, worst first, refreshing itself.

Rendered on the server with Jinja2 (every value escaped); no script, no form: reading it changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jinja2 import Environment, PackageLoader, select_autoescape

from sync.server.fleet import KioskHealth, count_by_state, duration

REFRESH_SECONDS = 30
STATE_LABELS = {"red": "ROUGE / RED", "amber": "ORANGE / AMBER", "green": "VERT / GREEN"}
PRINTER_LABELS = {
    "ready": "prête / ready",
    "paper_out": "plus de papier / out of paper",
    "jammed": "coincée / jammed",
    "open": "ouverte / open",
    "offline": "hors ligne / offline",
    "fault": "défaut / fault",
    "stopped": "arrêtée / stopped",
    "missing": "introuvable / missing",
    "not_configured": "aucune / none",
    "unknown": "inconnu / unknown",
}

_templates = Environment(loader=PackageLoader("sync.server", "templates"), autoescape=select_autoescape(["html"]))


def render(kiosks: list[KioskHealth], now: datetime) -> str:
    return _templates.get_template("fleet.html").render(
        rows=[_row(kiosk, now) for kiosk in kiosks],
        counts=count_by_state(kiosks),
        now=now.strftime("%Y-%m-%d %H:%M:%S"),
        refresh_seconds=REFRESH_SECONDS,
    )


def _row(kiosk: KioskHealth, now: datetime) -> dict[str, object]:
    row: dict[str, object] = {
        "kiosk_id": kiosk.kiosk_id,
        "name": kiosk.name,
        "site_id": kiosk.site_id,
        "state": kiosk.state,
        "state_label": STATE_LABELS[kiosk.state],
        "reasons": kiosk.reasons,
        "received": "jamais / never",
        "waiting": "—",
        "waiting_since": "",
        "parked": "",
        "printer": "—",
        "disk": "—",
        "skew": "—",
        "last_sync": "—",
        "version": "—",
        "schema": "",
    }
    beat, received = kiosk.heartbeat, kiosk.received_at
    if beat is None or received is None:
        return row
    since = max(now - received, timedelta(0))
    row.update(
        received=_ago(since),
        waiting=str(beat.waiting),
        printer=PRINTER_LABELS[beat.printer],
        disk=f"{beat.disk_free_bytes // (1024 * 1024)} Mo / MB",
        skew=f"{kiosk.skew_seconds:+d} s",
        last_sync="jamais / never"
        if beat.last_sync_seconds is None
        else _ago(timedelta(seconds=beat.last_sync_seconds) + since),
        version=beat.version,
        schema=f"schéma / schema {beat.schema_version}",
    )
    if beat.oldest_waiting_seconds is not None:
        oldest = timedelta(seconds=beat.oldest_waiting_seconds) + since
        row["waiting_since"] = f"depuis {_span(oldest, 'fr')} / for {_span(oldest, 'en')}"
    if beat.parked:
        row["parked"] = f"{beat.parked} refusée(s) / parked"
    return row


def _ago(span: timedelta) -> str:
    return f"il y a {_span(span, 'fr')} / {_span(span, 'en')} ago"


def _span(span: timedelta, language: str) -> str:
    return f"{int(span.total_seconds())} s" if span < timedelta(minutes=1) else duration(span, language)
