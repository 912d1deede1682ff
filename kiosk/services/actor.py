"""Who does a use case: a beneficiary alone at the kiosk, or a signed-in correspondent acting for them.

Every use case takes its actor and writes through `Acts`: the change, its outbox operation and,
when a correspondent acts, exactly one audit entry, in one transaction; a beneficiary's action
leaves no audit entry. A screen passes the actor along and never decides what is audited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlite_utils

from kiosk.domain import concierge as rules
from kiosk.domain.audit import Action
from kiosk.domain.staff import StaffSession
from kiosk.services.audit import AuditService
from kiosk.services.staff import StaffAuthService
from kiosk.store.database import transaction


@dataclass(frozen=True)
class Actor:
    staff: StaffSession | None = None  # None: the beneficiary alone

    @property
    def role(self) -> rules.Actor:
        """The role the concierge lifecycle rules know."""
        return rules.Actor.BENEFICIARY if self.staff is None else rules.Actor.CORRESPONDENT


BENEFICIARY = Actor()


@dataclass
class AuditNote:
    """What a correspondent's action is recorded as: for whom (a person or household id, never a name),
    on what, and details. A use case fills it in once it knows (a new booking's id, say)."""

    subject: str | None = None
    target: str | None = None
    details: Mapping[str, object] = field(default_factory=dict)
    written: bool = False

    def say(
        self, subject: str | None = None, target: str | None = None, details: Mapping[str, object] | None = None
    ) -> None:
        self.subject, self.target, self.details, self.written = subject, target, details or {}, True


class AuditNoteMissing(RuntimeError):
    """A correspondent's action ended without saying what to audit: nothing of it is kept."""


class Acts:
    def __init__(self, db: sqlite_utils.Database, staff: StaffAuthService, audit: AuditService):
        self._db = db
        self._staff = staff
        self._audit = audit

    def check(self, actor: Actor) -> None:
        """A correspondent's session must still be valid (the call counts as activity); raises StaffSessionExpired."""
        if actor.staff is not None:
            self._staff.require(actor.staff)

    def correspondent(self, actor: Actor) -> StaffSession:
        """For the correspondents' own work (the queue, the sync state): anyone else is refused with
        StaffSessionExpired, which asks them to sign in."""
        return self._staff.require(actor.staff)

    @contextmanager
    def write(self, actor: Actor, action: Action, durable: bool = False) -> Iterator[AuditNote]:
        """One transaction for a use case's change, its outbox operation and, for a correspondent, its audit
        entry, written from the note the block fills in (AuditNoteMissing, and nothing kept, if it does not).
        `durable`: the commit survives a power cut, for what is printed after it (store.database.transaction)."""
        self.check(actor)
        note = AuditNote()
        with transaction(self._db, durable=durable):
            yield note
            if actor.staff is not None:
                if not note.written:
                    raise AuditNoteMissing(f"{action}: a correspondent's action is written with its audit entry")
                self._audit.record(
                    actor.staff.staff_id, action, subject=note.subject, target=note.target, details=note.details
                )

    def record(
        self,
        actor: Actor,
        action: Action,
        subject: str | None = None,
        target: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        """A use case that changes nothing (a reprint, a forced sync): a correspondent's is still audited;
        a beneficiary's takes no write lock at all."""
        self.check(actor)
        if actor.staff is not None:
            with transaction(self._db):
                self._audit.record(actor.staff.staff_id, action, subject=subject, target=target, details=details)
