"""Holiday-stay wishes: a household asks for a national stay in high season with up to three ranked
wishes; the centre allocates the campaign's places by its rule (docs/stay-wishes.md) and the person
accepts or declines what it proposes.

Plain rules over the offers and the household: the kiosk checks a request before writing it, and the
centre checks it again on its own data (sync/server/stays.py) — it never takes the kiosk's word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.domain.booking import MAX_PARTICIPANTS
from kiosk.domain.catalog import BookingMode, Offer, Session
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household
from kiosk.errors import KioskError
from kiosk.i18n import Said

MAX_WISHES = 3


class StayRequestState(StrEnum):
    SENT = "sent"  # recorded; waiting for the campaign's allocation
    PROPOSED = "proposed"  # a place offered on one wish, to accept before `answer_by`
    WAITLISTED = "waitlisted"  # no place yet: on the waiting list of the first wish
    REFUSED = "refused"  # with the centre's reason
    ACCEPTED = "accepted"  # the place is booked (the centre makes it a confirmed booking)
    DECLINED = "declined"
    EXPIRED = "expired"  # not accepted in time


OPEN_STATES = frozenset({StayRequestState.SENT, StayRequestState.PROPOSED, StayRequestState.WAITLISTED})


class WishRefused(KioskError):
    """A wish or an answer breaks a rule; nothing was written."""


@dataclass(frozen=True)
class Wish:
    offer_id: str
    session_id: str
    participants: tuple[str, ...]  # person ids of the household


@dataclass(frozen=True)
class StayRequest:
    request_id: str
    household_id: str
    campaign: str
    wishes: tuple[Wish, ...]  # in the person's order: the first is the one they want most
    state: StayRequestState
    created_at: datetime
    proposed_rank: int | None = None  # 1-based rank of the wish proposed (or waitlisted)
    answer_by: datetime | None = None  # a proposal holds until then
    waitlist_position: int | None = None
    reason_fr: str = ""
    reason_en: str = ""
    booking_id: str | None = None  # the booking an accepted proposal became

    @property
    def reason(self) -> Said:
        """Why the centre decided so, in the words it sent in French and English (empty when it gave none)."""
        return Said(self.reason_fr, self.reason_en)

    @property
    def proposed_wish(self) -> Wish | None:
        if self.proposed_rank is None or not 1 <= self.proposed_rank <= len(self.wishes):
            return None
        return self.wishes[self.proposed_rank - 1]

    def shown_state(self, now: datetime) -> StayRequestState:
        """What the person is told: a proposal past its date has expired, even before the centre says so."""
        if self.state is StayRequestState.PROPOSED and self.answer_by is not None and now > self.answer_by:
            return StayRequestState.EXPIRED
        return self.state


def wishes_open(offer: Offer, session: Session, now: datetime) -> bool:
    """Whether wishes for this stay and these dates are still taken (a stay asked for outside any campaign is
    booked as a request the centre decides alone, docs/stay-wishes.md)."""
    if offer.booking_mode is not BookingMode.REQUEST or not offer.campaign or session.has_started(now):
        return False
    return offer.wishes_until is None or now < offer.wishes_until


def check_wishes(wishes: Sequence[Wish], stays: Mapping[str, Offer], household: Household, now: datetime) -> str:
    """Every rule a request's wishes must keep; their campaign, or WishRefused naming the first broken rule.

    `stays` holds the offers the wishes name (an offer missing from it is no longer offered)."""
    if not wishes:
        raise WishRefused("error.wishes.none")
    if len(wishes) > MAX_WISHES:
        raise WishRefused("error.wishes.too_many", most=MAX_WISHES)
    campaigns = set()
    seen: set[tuple[str, str]] = set()
    for rank, wish in enumerate(wishes, start=1):
        offer = stays.get(wish.offer_id)
        if offer is None or offer.booking_mode is not BookingMode.REQUEST or not offer.campaign:
            raise WishRefused("error.wishes.stay_unknown", rank=rank)
        session = next((s for s in offer.sessions if s.id == wish.session_id), None)
        if session is None:
            raise WishRefused("error.wishes.dates_outside", rank=rank, title=offer.title)
        if not wishes_open(offer, session, now):
            raise WishRefused("error.wishes.stay_closed", rank=rank, title=offer.title)
        if (wish.offer_id, wish.session_id) in seen:
            raise WishRefused("error.wishes.same_twice", rank=rank, title=offer.title)
        seen.add((wish.offer_id, wish.session_id))
        _check_participants(wish, rank, offer, session, household)
        campaigns.add(offer.campaign)
    if len(campaigns) > 1:
        raise WishRefused("error.wishes.one_campaign")
    return campaigns.pop()


def _check_participants(wish: Wish, rank: int, offer: Offer, session: Session, household: Household) -> None:
    if not wish.participants:
        raise WishRefused("error.wishes.choose_someone", rank=rank)
    if len(set(wish.participants)) != len(wish.participants):
        raise WishRefused("error.wishes.participant_twice", rank=rank)
    for person_id in wish.participants:
        person = household.member(person_id)
        if person is None:
            raise WishRefused("error.wishes.not_in_household", rank=rank)
        age = person.age_on(session.start.date())
        if (offer.age_min is not None and age < offer.age_min) or (offer.age_max is not None and age > offer.age_max):
            raise WishRefused(
                "error.wishes.age",
                rank=rank,
                first_name=person.first_name,
                age_min=offer.age_min or 0,
                age_max=offer.age_max or 120,
            )


def check_answer(request: StayRequest, now: datetime) -> None:
    """A proposal can be accepted or declined until its date, and only once."""
    if request.shown_state(now) is StayRequestState.EXPIRED:
        raise WishRefused("error.wishes.proposal_expired")
    if request.state is not StayRequestState.PROPOSED:
        raise WishRefused("error.wishes.nothing_to_answer")


@dataclass(frozen=True)
class RecapLine:
    """One wish as the person reads it back: its rank, the stay, its dates and who goes."""

    rank: int
    title: str
    location: str
    start: datetime | None  # None: the stay is no longer in this kiosk's catalog
    end: datetime | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class WishesRecap:
    """What the person sees on screen and takes away on paper once the wishes are sent."""

    request: StayRequest
    code: str  # read aloud at the desk to find the request
    household_name: str
    lines: tuple[RecapLine, ...]
    wishes_until: datetime | None  # when the campaign closes: the answer comes after
    site_name: str
    printed_at: datetime


def recap_lines(request: StayRequest, stays: Mapping[str, Offer], household: Household) -> tuple[RecapLine, ...]:
    lines = []
    for rank, wish in enumerate(request.wishes, start=1):
        offer = stays.get(wish.offer_id)
        session = next((s for s in offer.sessions if s.id == wish.session_id), None) if offer else None
        names = tuple(p.first_name for pid in wish.participants if (p := household.member(pid)) is not None)
        lines.append(
            RecapLine(
                rank,
                offer.title if offer else wish.offer_id,
                offer.location if offer else "",
                session.start if session else None,
                session.end if session else None,
                names,
            )
        )
    return tuple(lines)


def parse_stay_request(r: DocumentReader) -> StayRequest:
    """A stay request as the centre sends it in a pull (docs/sync-protocol.md)."""
    wishes = tuple(
        Wish(
            w.identifier("offer_id"),
            w.identifier("session_id"),
            w.identifiers("participants", 1, MAX_PARTICIPANTS),
        )
        for w in r.items("wishes", 1, MAX_WISHES)
    )
    rank = r.optional_integer("proposed_rank", 1, MAX_WISHES)
    reason = r.optional_object("reason")
    answer_by = r.moment("answer_by") if r.value.get("answer_by") is not None else None
    booking_id = r.identifier("booking_id") if r.value.get("booking_id") is not None else None
    return StayRequest(
        request_id=r.identifier("request_id"),
        household_id=r.identifier("household_id"),
        campaign=r.identifier("campaign"),
        wishes=wishes,
        state=StayRequestState(r.choice("state", [s.value for s in StayRequestState])),
        created_at=r.moment("created_at"),
        proposed_rank=rank if rank is None or rank <= len(wishes) else _bad_rank(r),
        answer_by=answer_by,
        waitlist_position=r.optional_integer("waitlist_position", 1, 1_000_000),
        reason_fr=reason.text("fr", 1, 400) if reason else "",
        reason_en=reason.text("en", 1, 400) if reason else "",
        booking_id=booking_id,
    )


def _bad_rank(r: DocumentReader) -> int:
    raise r.fail("proposed_rank", "error.document.no_such_wish")
