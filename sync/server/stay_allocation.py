"""The rule that allocates a campaign's holiday stays (docs/stay-wishes.md), as plain functions.

Requests are ranked, then served in that order, each on its first wish that still has room:
1. households with no national stay in the two years before the campaign come first;
2. then the lower coefficient social (price tier 1 before 2…: the more modest incomes first);
3. then the earlier request (when the person made it at the kiosk);
4. last, the request id, so that no two requests ever tie and a run is always the same.

A request none of whose wishes has room goes on the waiting list of its first wish, in that same
order. A request none of whose wishes can be held any more (stay withdrawn, dates gone) is refused.
The result depends on nothing but the requests and the free seats: not on the order they are read in,
nor on when the rule runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from kiosk.i18n import Said, Text
from sync.server.reasons import Reason, reason

RECENT_STAY_YEARS = 2
PROPOSED, WAITLISTED, REFUSED = "proposed", "waitlisted", "refused"


@dataclass(frozen=True)
class WishSeats:
    rank: int  # 1-based, in the person's order
    session_id: str
    seats: int


@dataclass(frozen=True)
class Candidate:
    request_id: str
    recent_stay: bool  # a national stay in the two years before the campaign
    tier: int  # the household's coefficient social, as a price tier
    created_at: datetime
    wishes: tuple[WishSeats, ...]  # the wishes that can still be held, in the person's order

    def priority(self) -> tuple[bool, int, datetime, str]:
        return (self.recent_stay, self.tier, self.created_at, self.request_id)


@dataclass(frozen=True)
class Outcome:
    request_id: str
    state: str  # proposed | waitlisted | refused
    ranking: int  # the request's place in the campaign's ranking (1 = served first)
    wish_rank: int | None  # the wish proposed, or whose waiting list it is on
    session_id: str | None
    waitlist_position: int | None
    reason: Reason


def allocate(candidates: Iterable[Candidate], free_seats: Mapping[str, int]) -> list[Outcome]:
    """Each request's outcome, in ranking order; `free_seats` is what each session can still give."""
    free = dict(free_seats)
    waiting: dict[str, int] = {}
    outcomes = []
    for ranking, candidate in enumerate(sorted(candidates, key=Candidate.priority), start=1):
        basis = _basis(candidate)
        if not candidate.wishes:
            outcomes.append(
                Outcome(
                    candidate.request_id, REFUSED, ranking, None, None, None, reason(Text("reason.stay.no_wish_left"))
                )
            )
            continue
        granted = next((w for w in candidate.wishes if w.seats <= free.get(w.session_id, 0)), None)
        if granted is not None:
            free[granted.session_id] -= granted.seats
            said = Text("reason.stay.proposed", rank=granted.rank, ranking=ranking, basis=basis)
            outcomes.append(
                Outcome(candidate.request_id, PROPOSED, ranking, granted.rank, granted.session_id, None, reason(said))
            )
            continue
        first = candidate.wishes[0]
        waiting[first.session_id] = position = waiting.get(first.session_id, 0) + 1
        said = Text("reason.stay.waitlisted", rank=first.rank, position=position, ranking=ranking, basis=basis)
        outcomes.append(
            Outcome(candidate.request_id, WAITLISTED, ranking, first.rank, first.session_id, position, reason(said))
        )
    return outcomes


def _basis(candidate: Candidate) -> Said:
    return _basis_said(candidate.recent_stay, candidate.tier, candidate.created_at.date())


@lru_cache(maxsize=4096)
def _basis_said(recent_stay: bool, tier: int, day: date) -> Said:
    """What placed a request in the ranking, written once per kind of household and day (a campaign's thousands
    of requests share a few hundred)."""
    history = Text("reason.stay.recent_stay" if recent_stay else "reason.stay.no_recent_stay")
    basis = Text("reason.stay.basis", history=history, tier=tier, day=day)
    return Said(basis.message("fr"), basis.message("en"))
