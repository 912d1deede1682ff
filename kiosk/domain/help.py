"""Asking a person for help: a call to a correspondent, or a ticket to finish later with one.

Both remember where the person was (the screen, and the offer, date or concierge service on it)
and nothing about who they are: the correspondent identifies the person by their card when they
take over. A call is answered within the hour or it lapses (the person has gone); a ticket's code
is good for two weeks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.domain.voucher import short_code

CALL_LIFETIME = timedelta(hours=1)
TICKET_LIFETIME = timedelta(days=14)

# The screens a ticket can bring back: they hold what the person chose (an offer, a date, a service).
RESUMABLE_SCREENS = frozenset({"detail", "booking", "concierge_request"})


class HelpKind(StrEnum):
    CALL = "call"  # the person waits at the kiosk for a correspondent
    TICKET = "ticket"  # the person took a ticket with a code, to finish later at the desk


@dataclass(frozen=True)
class Place:
    """Where the person was: a screen and what it showed (an offer, a date of it, a concierge service)."""

    screen: str
    subject_id: str | None = None  # the offer or the concierge service
    session_id: str | None = None

    @property
    def resumable(self) -> bool:
        return self.screen in RESUMABLE_SCREENS and self.subject_id is not None

    def screen_params(self) -> tuple[str, *tuple[str, ...]]:
        """The screen and its parameters, as the kiosk's navigation shows it again."""
        if self.screen == "booking" and self.session_id is not None:
            return ("booking", self.subject_id or "", self.session_id)
        if self.screen == "booking":
            return ("detail", self.subject_id or "")
        return (self.screen, self.subject_id or "") if self.subject_id else (self.screen,)


@dataclass(frozen=True)
class HelpRequest:
    help_id: str
    kind: HelpKind
    place: Place
    made_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None  # the correspondent who took it over

    @property
    def code(self) -> str:
        """The code on the ticket and in the queue, read aloud or typed (XXXX-XXXX, with a check symbol)."""
        return short_code(self.help_id)

    @property
    def expires_at(self) -> datetime:
        return self.made_at + (CALL_LIFETIME if self.kind == HelpKind.CALL else TICKET_LIFETIME)

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.expires_at


def new_help_request(kind: HelpKind, place: Place, now: datetime) -> HelpRequest:
    return HelpRequest(str(uuid.uuid4()), kind, place, now.replace(microsecond=0))
