"""E-mail notices: a person gives an address with their consent, or takes the consent back, at any time.

`consent` checks the address (AddressRefused, nothing written), keeps the consent with the address
masked, and queues `notice.consent` with the whole address for the centre, which sends the notices.
`withdraw` forgets the consent here, drops an address not yet sent, and queues `notice.withdraw`: the
centre deletes the address and every notice not yet sent. The actor is the person alone or a
correspondent beside them (identified by card): a correspondent's action is audited, without the address.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.notices import NoticeConsent, check_address, masked
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.store import notices as notice_store

LANGUAGES = ("fr", "en")


class NoticeService:
    def __init__(self, db: sqlite_utils.Database, acts: Acts, clock: Callable[[], datetime] = datetime.now):
        self._db = db
        self._acts = acts
        self._clock = clock

    def consent_of(self, identified: Identified) -> NoticeConsent | None:
        """The person's consent as this kiosk knows it (one given at another kiosk is not known here)."""
        return notice_store.load_consent(self._db, identified.person.person_id)

    def consent(self, actor: Actor, identified: Identified, typed_address: str, language: str) -> str:
        """Record the person's consent to notices at `typed_address`, in `language`; returns the address
        as it will be used. Raises AddressRefused or StaffSessionExpired; nothing is written then."""
        self._acts.check(actor)
        address = check_address(typed_address)
        now = self._clock().replace(microsecond=0)
        person = identified.person
        consent = NoticeConsent(
            person.person_id,
            identified.household.household_id,
            masked(address),
            language if language in LANGUAGES else "fr",
            now,
            actor.staff.staff_id if actor.staff else None,
        )
        with self._acts.write(actor, Action.NOTICE_CONSENT) as audit:
            notice_store.record_consent(self._db, consent, address, now)
            audit.say(person.person_id, details={"language": consent.language})
        return address

    def withdraw(self, actor: Actor, identified: Identified) -> None:
        """Take the consent back: the address is forgotten here and at the centre, with any notice not yet
        sent. Raises StaffSessionExpired; nothing is written then."""
        now = self._clock().replace(microsecond=0)
        person = identified.person
        with self._acts.write(actor, Action.NOTICE_WITHDRAW) as audit:
            notice_store.withdraw_consent(
                self._db,
                person.person_id,
                identified.household.household_id,
                actor.staff.staff_id if actor.staff else None,
                now,
            )
            audit.say(person.person_id)
