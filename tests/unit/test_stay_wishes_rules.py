"""The rules of holiday-stay wishes (kiosk/domain/stay_wishes.py) and the centre's allocation rule
(sync/server/stay_allocation.py), as plain functions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.catalog import parse_catalog
from kiosk.domain.document import DocumentReader
from kiosk.domain.stay_wishes import (
    StayRequest,
    StayRequestState,
    Wish,
    WishRefused,
    check_answer,
    parse_stay_request,
    wishes_open,
)
from kiosk.errors import CatalogError
from sync.server.stay_allocation import PROPOSED, REFUSED, WAITLISTED, Candidate, WishSeats, allocate
from tests.factories import NOW, offer, session, wishes_catalog

DAY = datetime(2027, 3, 1, 9, 0)


def candidate(rid: str, recent: bool, tier: int, days_ago: int, *wishes: tuple[str, int]) -> Candidate:
    return Candidate(
        rid,
        recent,
        tier,
        DAY - timedelta(days=days_ago),
        tuple(WishSeats(rank, sid, seats) for rank, (sid, seats) in enumerate(wishes, start=1)),
    )


def test_no_recent_stay_then_lower_coefficient_then_earlier_request_are_served_first():
    outcomes = allocate(
        [
            candidate("early-rich", False, 6, 30, ("A", 2)),
            candidate("recent-poor", True, 1, 40, ("A", 2), ("B", 2)),
            candidate("late-modest", False, 2, 1, ("A", 2)),
            candidate("same-later", False, 6, 10, ("A", 1), ("B", 1)),
        ],
        {"A": 4, "B": 2},
    )
    assert [(o.request_id, o.state, o.wish_rank) for o in outcomes] == [
        ("late-modest", PROPOSED, 1),
        ("early-rich", PROPOSED, 1),
        ("same-later", PROPOSED, 2),
        ("recent-poor", WAITLISTED, 1),
    ]
    assert [o.ranking for o in outcomes] == [1, 2, 3, 4]
    assert outcomes[3].waitlist_position == 1
    assert "rang 1" in outcomes[0].reason["fr"] and "coefficient social 2" in outcomes[0].reason["fr"]
    assert "a stay in the last two years" in outcomes[3].reason["en"]


def test_a_request_with_no_wish_left_is_refused_with_its_reason():
    [outcome] = allocate([candidate("gone", False, 3, 5)], {"A": 10})
    assert outcome.state == REFUSED and outcome.reason["code"] == "stay.no_wish_left"


requests = st.lists(
    st.builds(
        candidate,
        st.uuids().map(str),
        st.booleans(),
        st.integers(1, 7),
        st.integers(0, 60),
        st.tuples(st.sampled_from("ABC"), st.integers(1, 4)),
        st.tuples(st.sampled_from("ABC"), st.integers(1, 4)),
    ),
    max_size=12,
    unique_by=lambda c: c.request_id,
)


@given(requests, st.randoms())
def test_the_outcome_depends_on_the_requests_not_on_their_order(candidates, random):
    shuffled = list(candidates)
    random.shuffle(shuffled)
    free = {"A": 5, "B": 3, "C": 2}
    assert allocate(shuffled, free) == allocate(candidates, free)
    granted: dict[str, int] = {}
    for outcome, wish in ((o, o.session_id) for o in allocate(candidates, free) if o.state == PROPOSED):
        seats = next(c for c in candidates if c.request_id == outcome.request_id).wishes[outcome.wish_rank - 1].seats
        granted[wish] = granted.get(wish, 0) + seats
    assert all(granted[s] <= free[s] for s in granted)  # never more places than exist


def test_wishes_close_at_the_campaign_date_or_when_the_stay_starts():
    catalog = parse_catalog(wishes_catalog())
    stays = {o.id: o for o in catalog.offers}
    valloire, biarritz = stays["V1"], stays["V9"]
    assert wishes_open(valloire, valloire.sessions[0], NOW)
    assert not wishes_open(valloire, valloire.sessions[0], valloire.wishes_until)
    assert not wishes_open(biarritz, biarritz.sessions[0], NOW)
    assert not wishes_open(stays["T1"], stays["T1"].sessions[0], NOW)  # booked directly: no wishes


def test_only_an_offer_booked_by_request_names_a_campaign():
    document = wishes_catalog()
    document["offers"].append(
        offer("X", "Sortie", sessions=[session("X-S1")], campaign="ETE-2027", wishes_until="2027-01-01T00:00")
    )
    with pytest.raises(CatalogError) as refused:
        parse_catalog(document)
    assert "sur demande" in refused.value.fr


def proposal(answer_by: datetime, state: StayRequestState = StayRequestState.PROPOSED) -> StayRequest:
    return StayRequest("R", "H1", "ETE-2027", (Wish("V1", "V1-S1", ("P1",)),), state, NOW, 1, answer_by)


def test_a_proposal_is_answered_before_its_date_and_only_once():
    check_answer(proposal(NOW + timedelta(days=1)), NOW)
    with pytest.raises(WishRefused) as late:
        check_answer(proposal(NOW - timedelta(minutes=1)), NOW)
    assert late.value.key == "error.wishes.proposal_expired"
    with pytest.raises(WishRefused) as done:
        check_answer(proposal(NOW + timedelta(days=1), StayRequestState.ACCEPTED), NOW)
    assert done.value.key == "error.wishes.nothing_to_answer"


def test_a_pulled_request_proposing_a_wish_it_does_not_have_is_refused():
    data = {
        "request_id": "R1",
        "household_id": "H1",
        "campaign": "ETE-2027",
        "wishes": [{"offer_id": "V1", "session_id": "V1-S1", "participants": ["P1"]}],
        "state": "proposed",
        "created_at": "2026-11-23T10:42",
        "proposed_rank": 2,
        "answer_by": "2027-01-02T10:42",
        "waitlist_position": None,
        "reason": None,
        "booking_id": None,
    }
    with pytest.raises(CatalogError):
        parse_stay_request(DocumentReader(data, "stay_request", CatalogError, "error.document.refused.page"))
    data["proposed_rank"] = 1
    request = parse_stay_request(DocumentReader(data, "stay_request", CatalogError, "error.document.refused.page"))
    assert request.proposed_wish == Wish("V1", "V1-S1", ("P1",))
