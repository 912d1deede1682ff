"""Holiday-stay wishes: the stays open to wishes, sending up to three ranked wishes, the centre's outcome,
and the person's answer to a proposal (docs/stay-wishes.md).

Each use case takes its actor (kiosk/services/actor.py): the person alone at the kiosk, or the signed-in
correspondent acting for them, whose action is audited in the same transaction as the change and its outbox
operation.
Everything works offline: the request and the answer wait in the outbox, and the centre checks them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.catalog import Offer
from kiosk.domain.household import Household
from kiosk.domain.stay_wishes import (
    OPEN_STATES,
    StayRequest,
    StayRequestState,
    Wish,
    WishesRecap,
    WishRefused,
    check_answer,
    check_wishes,
    recap_lines,
    wishes_open,
)
from kiosk.domain.voucher import short_code
from kiosk.i18n import Message, Text
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.store import stay_requests as store
from kiosk.store.catalog import load_offer
from kiosk.store.database import transaction


@dataclass(frozen=True)
class StayNews:
    request: StayRequest
    good: bool  # a place proposed (else: waiting, or turned down)
    message: Message  # read in the language of whoever is told


class StayWishesService:
    def __init__(self, db: sqlite_utils.Database, acts: Acts, clock: Callable[[], datetime] = datetime.now):
        self._db = db
        self._acts = acts
        self._clock = clock

    def open_stays(self) -> list[Offer]:
        """The stays booked by request that still take wishes on some of their dates, soonest first."""
        ids = store.open_stay_ids(self._db, self._clock())
        return [offer for offer in (load_offer(self._db, i) for i in ids) if offer is not None]

    def open_dates(self, offer: Offer) -> list[str]:
        """The ids of the offer's dates that still take wishes."""
        now = self._clock()
        return [s.id for s in offer.sessions if wishes_open(offer, s, now)]

    def stay(self, offer_id: str) -> Offer | None:
        return load_offer(self._db, offer_id)

    def send(self, actor: Actor, who: Identified, wishes: Sequence[Wish]) -> StayRequest:
        """Record the ranked wishes (and their operation for the centre); raises WishRefused, nothing written."""
        household = who.household
        self._acts.check(actor)
        now = self._clock().replace(microsecond=0)
        stays = {w.offer_id: o for w in wishes if (o := load_offer(self._db, w.offer_id)) is not None}
        campaign = check_wishes(wishes, stays, household, now)
        with self._acts.write(actor, Action.STAY_REQUEST) as audit:
            if any(
                r.campaign == campaign and r.state in OPEN_STATES
                for r in store.household_requests(self._db, household.household_id)
            ):
                raise WishRefused("error.wishes.already_sent")
            request = StayRequest(
                request_id=str(uuid.uuid4()),
                household_id=household.household_id,
                campaign=campaign,
                wishes=tuple(wishes),
                state=StayRequestState.SENT,
                created_at=now.replace(second=0),
            )
            store.record_request(self._db, request, now)
            audit.say(household.household_id, request.request_id, {"wishes": len(wishes), "campaign": campaign})
        return request

    def answer(self, actor: Actor, who: Identified, request_id: str, accept: bool) -> StayRequest:
        """Accept or decline the centre's proposal before its date; raises WishRefused, nothing written."""
        household = who.household
        now = self._clock().replace(microsecond=0)
        with self._acts.write(actor, Action.STAY_ANSWER) as audit:
            request = store.load_request(self._db, request_id)
            if request is None or request.household_id != household.household_id:
                raise WishRefused("error.wishes.nothing_to_answer")
            check_answer(request, now)
            answered = store.record_answer(self._db, request, accept, now)
            audit.say(household.household_id, request_id, {"accept": accept})
        return answered

    def requests(self, household: Household) -> list[StayRequest]:
        return store.household_requests(self._db, household.household_id)

    def request(self, request_id: str) -> StayRequest | None:
        return store.load_request(self._db, request_id)

    def take_news(self, who: Identified) -> list[StayNews]:
        """The centre's outcomes since the person was last told; each is given once."""
        with transaction(self._db):
            outcomes = store.untold_outcomes(self._db, who.household.household_id)
            store.mark_told(self._db, outcomes)
        news = []
        for request in outcomes:
            wish = request.proposed_wish or request.wishes[0]
            offer = load_offer(self._db, wish.offer_id)
            told = Text(f"wishes.news.{request.state.value}", title=offer.title if offer else "?")
            news.append(StayNews(request, request.state is StayRequestState.PROPOSED, told))
        return news

    def check(self, who: Identified, wishes: Sequence[Wish]) -> None:
        """The rules `send` applies, without sending: a wish being added is refused at once with its reason."""
        stays = {w.offer_id: o for w in wishes if (o := load_offer(self._db, w.offer_id)) is not None}
        check_wishes(wishes, stays, who.household, self._clock())

    def recap(self, request: StayRequest, who: Identified, site_name: str) -> WishesRecap:
        """The request as the person reads it back, on screen and on paper."""
        stays = {w.offer_id: o for w in request.wishes if (o := load_offer(self._db, w.offer_id)) is not None}
        closing = [o.wishes_until for o in stays.values() if o.wishes_until is not None]
        return WishesRecap(
            request=request,
            code=short_code(request.request_id),
            household_name=who.person.display_name,
            lines=recap_lines(request, stays, who.household),
            wishes_until=max(closing) if closing else None,
            site_name=site_name,
            printed_at=self._clock().replace(microsecond=0),
        )

    def now(self) -> datetime:
        return self._clock()
