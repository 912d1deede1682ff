"""The sites' local time (France): the protocol's times carry no zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

SITE_ZONE = ZoneInfo("Europe/Paris")
MOMENT = "%Y-%m-%dT%H:%M:%S"  # protocol times (operations, health)
CATALOG_MOMENT = "%Y-%m-%dT%H:%M"  # catalog session times

Clock = Callable[[], datetime]
# The centre's periodic work (sync/server/app.py): releases at cut-offs, results published, what is no
# longer needed forgotten.
HOUSEKEEPING_EVERY_SECONDS = 30.0


def local_now() -> datetime:
    """Now, as a naive datetime in the sites' local time, to the second."""
    return datetime.now(SITE_ZONE).replace(tzinfo=None, microsecond=0)


def frozen_clock(moment: datetime) -> Clock:
    return lambda: moment


def fmt(moment: datetime) -> str:
    return moment.strftime(MOMENT)


def fmt_catalog(moment: datetime) -> str:
    return moment.strftime(CATALOG_MOMENT)


def parse_moment(text: str) -> datetime:
    """`YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM` (raises ValueError)."""
    return datetime.strptime(text, MOMENT if len(text) == 19 else CATALOG_MOMENT)
