"""`/admin/fleet`: the fleet's health as one read-only HTML page for IT, worst first, refreshing itself.

Rendered on the server with Jinja2 (every value escaped); no script, no form: reading it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jinja2 import Environment, PackageLoader, select_autoescape

from kiosk.i18n import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, Text, Texts, in_both_languages
from sync.server.fleet import Duration, KioskHealth, count_by_state

REFRESH_SECONDS = 30
# Every word of the page is a catalog text `fleet.page.*`, shown in French then English (IT reads either); the
# template asks them with fr("…") and en("…").

_templates = Environment(loader=PackageLoader("sync.server", "templates"), autoescape=select_autoescape(["html"]))


def render(kiosks: list[KioskHealth], now: datetime) -> str:
    return _templates.get_template("fleet.html").render(
        fr=Texts(SOURCE_LANGUAGE),
        en=Texts(FALLBACK_LANGUAGE),
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
        "state_label": _both(f"fleet.page.state.{kiosk.state}"),
        "reasons": kiosk.reasons,
        "received": _both("fleet.page.never"),
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
        printer=_both(f"fleet.page.printer.{beat.printer}"),
        disk=_both("fleet.page.megabytes", megabytes=beat.disk_free_bytes // (1024 * 1024)),
        skew=f"{kiosk.skew_seconds:+d} s",
        last_sync=_both("fleet.page.never")
        if beat.last_sync_seconds is None
        else _ago(timedelta(seconds=beat.last_sync_seconds) + since),
        version=beat.version,
        schema=_both("fleet.page.schema", version=beat.schema_version),
    )
    if beat.oldest_waiting_seconds is not None:
        oldest = timedelta(seconds=beat.oldest_waiting_seconds) + since
        row["waiting_since"] = _both("fleet.page.waiting_since", span=Span(oldest))
    if beat.parked:
        row["parked"] = _both("fleet.page.parked", parked=beat.parked)
    return row


def _both(key: str, /, **values: object) -> str:
    return in_both_languages(Text(key, **values))


def _ago(span: timedelta) -> str:
    return _both("fleet.page.ago", span=Span(span))


@dataclass(frozen=True)
class Span:
    """How long, in seconds under a minute, then as the fleet's reasons say it."""

    span: timedelta

    def message(self, language: str) -> str:
        if self.span < timedelta(minutes=1):
            return Text("fleet.page.seconds", seconds=int(self.span.total_seconds())).message(language)
        return Duration(self.span).message(language)
