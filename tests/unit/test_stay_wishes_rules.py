"""The rules of holiday-stay wishes (kiosk/domain/stay_wishes.py) and the centre's allocation rule
(sync/server/stay_allocation.py), as plain functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.catalog import parse_catalog
from kiosk.domain.document import DocumentReader
from kiosk.domain.household import Household, Person, Role
from kiosk.domain.stay_wishes import (
    OPEN_STATES,
    RecapLine,
    StayRequest,
    StayRequestState,
    Wish,
    WishRefused,
    check_answer,
    check_wishes,
    parse_stay_request,
    recap_lines,
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
    assert not wishes_open(stays["S1"], stays["S1"].sessions[0], NOW)  # asked for outside any campaign


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


def stays_on_offer(*extra: dict) -> dict:
    document = wishes_catalog()
    document["offers"] += list(extra)
    return {o.id: o for o in parse_catalog(document).offers}


def family(*born: date) -> Household:
    names = ("Claire", "Marc", "Léa", "Tom")
    members = tuple(
        Person(f"P{i}", names[i - 1], "Martin", day, Role.OUVRANT_DROIT if i == 1 else Role.ENFANT, None, None)
        for i, day in enumerate(born, start=1)
    )
    return Household("H1", 3, "CMCAS Lyon", "SLVie Lyon Part-Dieu", members)


def refusal_of(wishes: list[Wish], stays: dict, household: Household) -> WishRefused:
    with pytest.raises(WishRefused) as refused:
        check_wishes(wishes, stays, household, NOW)
    return refused.value


def test_up_to_three_wishes_of_one_campaign_are_taken_and_a_broken_rule_names_its_wish():
    stays, home = stays_on_offer(), family(date(1980, 1, 1), date(1982, 1, 1))
    three = [Wish("V1", "V1-S1", ("P1",)), Wish("V1", "V1-S2", ("P1", "P2")), Wish("V2", "V2-S1", ())]
    assert check_wishes(three[:2], stays, home, NOW) == "ETE-2027"
    assert refusal_of(three, stays, home).en == "Wish 3: choose who is going."
    assert refusal_of([*three[:2], Wish("V1", "V1-S1", ("P2",))], stays, home).en.startswith(
        "Wish 3: you have already asked for “Séjour en famille à Valloire”"
    )
    assert refusal_of([three[0], Wish("V1", "V1-S2", ("P2", "P2"))], stays, home).en.startswith("Wish 2: someone is")
    assert refusal_of([three[0], Wish("V9", "V9-S1", ("P1",))], stays, home).en.startswith(
        "Wish 2: requests for “Séjour à Biarritz” on these dates are closed."
    )
    assert refusal_of([three[0], Wish("V1", "V2-S1", ("P1",))], stays, home).en.startswith(
        "Wish 2: these dates are not those of the stay “Séjour en famille à Valloire”."
    )
    assert refusal_of([three[0], Wish("GONE", "G-S1", ("P1",))], stays, home).en.startswith("Wish 2: this stay is no")
    assert refusal_of([three[0], Wish("V1", "V1-S2", ("P9",))], stays, home).en.startswith("Wish 2: someone chosen")
    too_many = refusal_of([*three[:2], Wish("V1", "V1-S1", ("P2",)), three[0]], stays, home)
    assert too_many.en == "You can make at most 3 wishes. Remove one before adding another."
    assert refusal_of([], stays, home).key == "error.wishes.none"


def test_wishes_of_two_campaigns_are_refused():
    winter = offer(
        "W1",
        "Neige à Morzine",
        category="sejours",
        level="ccas",
        sessions=[session("W1-S1", 100, 24 * 7, 20, allocation=0)],
        booking_mode="request",
        organiser="CCAS",
        campaign="HIVER-2027",
        wishes_until="2027-01-15T00:00",
    )
    stays, home = stays_on_offer(winter), family(date(1980, 1, 1))
    assert check_wishes([Wish("W1", "W1-S1", ("P1",))], stays, home, NOW) == "HIVER-2027"
    refused = refusal_of([Wish("V1", "V1-S1", ("P1",)), Wish("W1", "W1-S1", ("P1",))], stays, home)
    assert refused.key == "error.wishes.one_campaign"


def summer_stay(offer_id: str, title: str, **ages: int) -> dict:
    """A stay of the summer campaign, booked by request, with the age limits given."""
    return offer(
        offer_id,
        title,
        category="sejours",
        level="ccas",
        sessions=[session(f"{offer_id}-S1", 225, 24 * 7, 20, allocation=0)],
        booking_mode="request",
        organiser="CCAS",
        campaign="ETE-2027",
        wishes_until="2027-01-15T00:00",
        **ages,
    )


def test_a_colo_takes_children_from_6_to_12_on_its_first_day():
    stays = stays_on_offer()
    first_day = stays["V2"].sessions[0].start.date()
    six, twelve = first_day.replace(year=first_day.year - 6), first_day.replace(year=first_day.year - 12)
    home = family(date(1980, 1, 1), six, twelve, six + timedelta(days=1))
    assert check_wishes([Wish("V2", "V2-S1", ("P2", "P3"))], stays, home, NOW) == "ETE-2027"
    assert refusal_of([Wish("V2", "V2-S1", ("P2", "P4"))], stays, home).en == (
        "Wish 1: this stay is for ages 6 to 12; Tom cannot take part."
    )
    older = family(first_day.replace(year=first_day.year - 13))  # 13 on the first day
    assert refusal_of([Wish("V2", "V2-S1", ("P1",))], stays, older).en.startswith("Wish 1: this stay is for ages 6")
    from_18 = stays_on_offer(summer_stay("A1", "Séjour adultes", age_min=18))
    assert refusal_of([Wish("A1", "A1-S1", ("P1",))], from_18, family(date(2015, 1, 1))).en == (
        "Wish 1: this stay is for ages 18 to 120; Claire cannot take part."
    )
    up_to_10 = stays_on_offer(summer_stay("K1", "Mini-colo", age_max=10))
    assert refusal_of([Wish("K1", "K1-S1", ("P1",))], up_to_10, family(date(1980, 1, 1))).en == (
        "Wish 1: this stay is for ages 0 to 10; Claire cannot take part."
    )


def test_a_proposal_shown_as_expired_only_once_its_date_is_past_and_the_wish_it_names():
    at = NOW + timedelta(days=1)
    assert proposal(at).shown_state(at) is StayRequestState.PROPOSED
    assert proposal(at).shown_state(at + timedelta(seconds=1)) is StayRequestState.EXPIRED
    waiting = proposal(at, StayRequestState.WAITLISTED)
    assert waiting.shown_state(at + timedelta(days=9)) is StayRequestState.WAITLISTED
    assert proposal(at).proposed_wish == Wish("V1", "V1-S1", ("P1",))
    sent = StayRequest("R", "H1", "C", (Wish("V1", "V1-S1", ("P1",)),), StayRequestState.SENT, NOW)
    assert (sent.reason.message("fr"), sent.reason.message("en"), sent.booking_id) == ("", "", None)  # just sent
    for rank in (0, 2, None):
        assert (
            StayRequest("R", "H1", "C", (Wish("V1", "V1-S1", ("P1",)),), StayRequestState.SENT, NOW, rank).proposed_wish
            is None
        )
    assert OPEN_STATES == {StayRequestState.SENT, StayRequestState.PROPOSED, StayRequestState.WAITLISTED}
    # sent by the centre and kept by the kiosk
    assert [s.value for s in StayRequestState] == [
        "sent",
        "proposed",
        "waitlisted",
        "refused",
        "accepted",
        "declined",
        "expired",
    ]


def test_the_recap_reads_each_wish_back_with_its_stay_dates_and_who_goes():
    stays, home = stays_on_offer(), family(date(1980, 1, 1), date(1982, 1, 1))
    request = StayRequest(
        "R",
        "H1",
        "ETE-2027",
        (Wish("V1", "V1-S2", ("P2", "P1", "P7")), Wish("GONE", "G-S1", ("P1",))),
        StayRequestState.SENT,
        NOW,
    )
    valloire = stays["V1"].sessions[1]
    assert recap_lines(request, stays, home) == (
        RecapLine(
            1, "Séjour en famille à Valloire", stays["V1"].location, valloire.start, valloire.end, ("Marc", "Claire")
        ),
        RecapLine(2, "GONE", "", None, None, ("Claire",)),
    )
    assert stays["V1"].location


PULLED = {
    "request_id": "R1",
    "household_id": "H1",
    "campaign": "ETE-2027",
    "wishes": [
        {"offer_id": "V1", "session_id": "V1-S1", "participants": ["P1", "P2"]},
        {"offer_id": "V2", "session_id": "V2-S1", "participants": ["P3"]},
    ],
    "state": "waitlisted",
    "created_at": "2026-11-23T10:42",
    "proposed_rank": 2,
    "answer_by": None,
    "waitlist_position": 4,
    "reason": {"fr": "Plus de place", "en": "No place left"},
    "booking_id": "B7",
}


def read_pulled(**changes: object) -> StayRequest:
    return parse_stay_request(
        DocumentReader(PULLED | changes, "stay_request", CatalogError, "error.document.refused.page")
    )


def test_a_pulled_request_is_read_whole():
    assert read_pulled() == StayRequest(
        "R1",
        "H1",
        "ETE-2027",
        (Wish("V1", "V1-S1", ("P1", "P2")), Wish("V2", "V2-S1", ("P3",))),
        StayRequestState.WAITLISTED,
        datetime(2026, 11, 23, 10, 42),
        2,
        None,
        4,
        "Plus de place",
        "No place left",
        "B7",
    )
    bare = read_pulled(reason=None, booking_id=None, proposed_rank=None, waitlist_position=None)
    assert (bare.reason_fr, bare.reason_en, bare.booking_id, bare.proposed_rank) == ("", "", None, None)
    assert read_pulled(answer_by="2027-01-02T10:42").answer_by == datetime(2027, 1, 2, 10, 42)
    assert read_pulled(waitlist_position=1_000_000).waitlist_position == 1_000_000
    assert read_pulled(waitlist_position=1).waitlist_position == 1  # next in line
    assert len(read_pulled(wishes=PULLED["wishes"] + [PULLED["wishes"][0]], proposed_rank=3).wishes) == 3
    everyone = [f"P{i}" for i in range(20)]
    whole_household = read_pulled(
        wishes=[{"offer_id": "V1", "session_id": "V1-S1", "participants": everyone}], proposed_rank=1
    )
    assert whole_household.wishes[0].participants == tuple(everyone)
    for changes, path in (
        ({"wishes": []}, "wishes"),
        ({"wishes": PULLED["wishes"] * 2}, "wishes"),
        ({"wishes": [{"offer_id": "V1", "session_id": "V1-S1", "participants": []}]}, "wishes[0].participants"),
        (
            {"wishes": [{"offer_id": "V1", "session_id": "V1-S1", "participants": [*everyone, "P20"]}]},
            "wishes[0].participants",
        ),
        ({"proposed_rank": 0}, "proposed_rank"),
        ({"proposed_rank": 4}, "proposed_rank"),
        ({"proposed_rank": 3}, "proposed_rank"),  # only two wishes
        ({"waitlist_position": 0}, "waitlist_position"),
        ({"reason": {"fr": "x" * 401, "en": "y"}}, "reason.fr"),
        ({"waitlist_position": 1_000_001}, "waitlist_position"),
        ({"reason": {"fr": "", "en": "x"}}, "reason.fr"),
        ({"reason": {"fr": "x", "en": "y" * 401}}, "reason.en"),
        ({"state": "lost"}, "state"),
    ):
        with pytest.raises(CatalogError) as refused:
            read_pulled(**changes)
        assert refused.value.values["path"] == f"stay_request.{path}"
    assert read_pulled(reason={"fr": "x" * 400, "en": "y"}).reason.message("fr") == "x" * 400
