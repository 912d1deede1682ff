"""The kiosk's booking rule at its boundaries (kiosk.domain.booking.quote_booking).

It confirms at once only when the site's own seats cover every person; when fewer are
left, even one, the booking is a request the centre decides; and it refuses outright
only when the session itself has fewer places than people.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.booking import (
    MAX_PARTICIPANTS,
    Booking,
    BookingRefused,
    BookingState,
    cancellation_deadline,
    check_cancellation,
    quote_booking,
)
from kiosk.domain.catalog import BookingMode, Level, Offer, Session
from kiosk.domain.household import Household, Person, Role

NOW = datetime(2026, 11, 23, 10, 42)
PEOPLE = tuple(
    Person(f"P{i}", name, "Martin", date(1980, 1, 1), Role.OUVRANT_DROIT if i == 1 else Role.CONJOINT, None, None)
    for i, name in enumerate(["Claire", "Julien", "Léa", "Hugo"], start=1)
)
HOUSEHOLD = Household("H1", 2, "CMCAS Lyon", "SLVie Lyon Part-Dieu", PEOPLE)


START = NOW + timedelta(days=5)  # 2026-11-28


def offer_and_session(
    capacity: int = 40,
    taken: int = 0,
    allocation: int = 10,
    site_taken: int = 0,
    mode: BookingMode = BookingMode.DIRECT,
    age_min: int | None = None,
    age_max: int | None = None,
) -> tuple[Offer, Session]:
    session = Session("S", START, START + timedelta(hours=2), "Salle", capacity, taken, allocation, site_taken)
    offer = Offer(
        "O",
        Level.SLVIE,
        "culture",
        "Théâtre",
        "",
        "",
        "SLVie",
        "Lyon",
        mode,
        False,
        None,
        False,
        age_min,
        age_max,
        2,
        (500, 800, 1100),
        (session,),
        bring="",
        photo=None,
        version=0,
        campaign="",
        wishes_until=None,
    )
    return offer, session


def quote(
    people: int,
    *,
    capacity: int = 40,
    taken: int = 0,
    allocation: int = 10,
    site_taken: int = 0,
    mode: BookingMode = BookingMode.DIRECT,
):
    offer, session = offer_and_session(capacity, taken, allocation, site_taken, mode)
    return quote_booking(offer, session, HOUSEHOLD, list(PEOPLE[:people]), set(), NOW)


@pytest.mark.parametrize("people, site_left", [(2, 1), (3, 1), (3, 2), (4, 3)])
def test_more_people_than_the_site_seats_left_is_a_request_not_a_confirmation(people, site_left):
    result = quote(people, allocation=5, site_taken=5 - site_left)
    assert result.state is BookingState.REQUESTED
    assert result.holds_site_seats is False
    assert result.total_cents == 800 * people  # priced all the same


@pytest.mark.parametrize("people", [1, 2, 4])
def test_exactly_as_many_people_as_site_seats_left_is_confirmed_at_once(people):
    result = quote(people, allocation=6, site_taken=6 - people)
    assert (result.state, result.holds_site_seats) == (BookingState.CONFIRMED, True)


def test_with_no_site_seat_left_it_is_a_request():
    result = quote(1, allocation=3, site_taken=3)
    assert (result.state, result.holds_site_seats) == (BookingState.REQUESTED, False)


@pytest.mark.parametrize("people, left", [(2, 1), (4, 3)])
def test_more_people_than_the_session_has_places_left_is_refused(people, left):
    with pytest.raises(BookingRefused) as refused:
        quote(people, capacity=10, taken=10 - left, allocation=5, site_taken=0)
    assert refused.value.fr == "Il n'y a plus assez de places à cette date."
    assert refused.value.en == "There are not enough places left on this date."


def test_a_full_session_says_it_is_full():
    with pytest.raises(BookingRefused) as refused:
        quote(1, capacity=10, taken=10, allocation=0)
    assert (refused.value.fr, refused.value.en) == ("Cette date est complète.", "This date is full.")


def test_exactly_as_many_people_as_places_left_may_book():
    assert quote(3, capacity=10, taken=7, allocation=0).state is BookingState.REQUESTED
    assert quote(3, capacity=10, taken=7, allocation=3).state is BookingState.CONFIRMED


def test_a_request_offer_is_never_confirmed_even_with_site_seats():
    result = quote(1, allocation=10, mode=BookingMode.REQUEST)
    assert (result.state, result.holds_site_seats) == (BookingState.REQUESTED, False)


def test_a_booking_holds_at_most_twenty_people():
    offer, session = offer_and_session(capacity=100, allocation=100)
    crowd = [
        Person(f"X{i}", "Ami", "Martin", date(1980, 1, 1), Role.CONJOINT, None, None)
        for i in range(MAX_PARTICIPANTS + 1)
    ]
    household = Household("H9", 1, "CMCAS Lyon", "SLVie Lyon Part-Dieu", tuple(crowd))
    twenty = quote_booking(offer, session, household, crowd[:MAX_PARTICIPANTS], set(), NOW)
    assert twenty.state is BookingState.CONFIRMED
    with pytest.raises(BookingRefused) as refused:
        quote_booking(offer, session, household, crowd, set(), NOW)
    assert refused.value.fr == "Une réservation compte 20 personnes au plus : faites-en deux."
    assert refused.value.en == "A booking holds at most 20 people: make two."


def _aged(born: date) -> tuple[Household, list[Person]]:
    person = Person("K", "Lou", "Martin", born, Role.ENFANT, None, None)
    return Household("H8", 1, "CMCAS Lyon", "SLVie Lyon Part-Dieu", (person,)), [person]


def test_age_limits_count_the_birthday_on_the_day_of_the_session():
    offer, session = offer_and_session(age_min=18)
    assert quote_booking(offer, session, *_aged(date(2008, 11, 28)), set(), NOW).state is BookingState.CONFIRMED
    with pytest.raises(BookingRefused) as refused:
        quote_booking(offer, session, *_aged(date(2008, 11, 29)), set(), NOW)
    assert refused.value.fr == "Lou aura 17 ans : cette activité est à partir de 18 ans."
    assert refused.value.en == "Lou will be 17: this activity is from age 18."
    offer, session = offer_and_session(age_max=17)
    assert quote_booking(offer, session, *_aged(date(2008, 11, 29)), set(), NOW).state is BookingState.CONFIRMED
    with pytest.raises(BookingRefused) as refused:
        quote_booking(offer, session, *_aged(date(2008, 11, 28)), set(), NOW)
    assert refused.value.fr == "Lou aura 18 ans : cette activité est jusqu'à 17 ans."
    assert refused.value.en == "Lou will be 18: this activity is up to age 17."


@pytest.mark.parametrize(
    "people, booked, at, fr, en",
    [
        (0, set(), NOW, "Choisissez au moins une personne.", "Choose at least one person."),
        (1, {"P1"}, NOW, "Claire a déjà une place à cette date.", "Claire already has a place on this date."),
        (
            1,
            set(),
            START,
            "Cette date est passée : choisissez une autre date.",
            "This date has passed: choose another date.",
        ),
    ],
)
def test_each_refusal_says_why_in_french_and_english(people, booked, at, fr, en):
    offer, session = offer_and_session()
    with pytest.raises(BookingRefused) as refused:
        quote_booking(offer, session, HOUSEHOLD, list(PEOPLE[:people]), booked, at)
    assert (refused.value.fr, refused.value.en) == (fr, en)


def test_someone_from_another_household_is_refused_by_name():
    offer, session = offer_and_session()
    stranger = Person("Z1", "Zoé", "Durand", date(1990, 1, 1), Role.OUVRANT_DROIT, None, None)
    with pytest.raises(BookingRefused) as refused:
        quote_booking(offer, session, HOUSEHOLD, [stranger], set(), NOW)
    assert (refused.value.fr, refused.value.en) == (
        "Zoé ne fait pas partie de ce foyer.",
        "Zoé is not a member of this household.",
    )


def _booking(state: BookingState) -> Booking:
    return Booking("b", "O", "S", "H1", ("P1",), 2, 800, state, state is BookingState.CONFIRMED, NOW)


def test_a_booking_is_cancelled_until_the_deadline_and_not_from_it():
    offer, session = offer_and_session()
    deadline = cancellation_deadline(offer, session)
    assert deadline == START - timedelta(days=2)
    check_cancellation(_booking(BookingState.CONFIRMED), offer, session, deadline - timedelta(minutes=1))
    with pytest.raises(BookingRefused) as refused:
        check_cancellation(_booking(BookingState.CONFIRMED), offer, session, deadline)
    assert refused.value.fr == "Le délai d'annulation est passé. Adressez-vous au correspondant SLVie."
    assert refused.value.en == "The cancellation deadline has passed. Ask the SLVie correspondent."


@pytest.mark.parametrize("state", [BookingState.REFUSED, BookingState.CANCELLED])
def test_a_booking_no_longer_active_cannot_be_cancelled(state):
    offer, session = offer_and_session()
    with pytest.raises(BookingRefused) as refused:
        check_cancellation(_booking(state), offer, session, NOW)
    assert (refused.value.fr, refused.value.en) == (
        "Cette réservation ne peut plus être annulée.",
        "This booking can no longer be cancelled.",
    )


def test_states_are_the_words_the_centre_uses_and_a_new_booking_has_no_reason():
    assert [s.value for s in BookingState] == ["confirmed", "requested", "waitlisted", "refused", "cancelled"]
    assert (_booking(BookingState.CONFIRMED).reason_fr, _booking(BookingState.CONFIRMED).reason_en) == ("", "")
