"""The kiosk's booking rule at its boundaries (kiosk.domain.booking.quote_booking).

It confirms at once only when the site's own seats cover every person; when fewer are
left, even one, the booking is a request the centre decides; and it refuses outright
only when the session itself has fewer places than people.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.booking import BookingRefused, BookingState, quote_booking
from kiosk.domain.catalog import BookingMode, Level, Offer, Session
from kiosk.domain.household import Household, Person, Role

NOW = datetime(2026, 11, 23, 10, 42)
PEOPLE = tuple(
    Person(f"P{i}", name, "Martin", date(1980, 1, 1), Role.OUVRANT_DROIT if i == 1 else Role.CONJOINT, None, None)
    for i, name in enumerate(["Claire", "Julien", "Léa", "Hugo"], start=1)
)
HOUSEHOLD = Household("H1", 2, "CMCAS Lyon", "SLVie Lyon Part-Dieu", PEOPLE)


def quote(people: int, *, capacity: int = 40, taken: int = 0, allocation: int = 10, site_taken: int = 0,
          mode: BookingMode = BookingMode.DIRECT):
    start = NOW + timedelta(days=5)
    session = Session("S", start, start + timedelta(hours=2), "Salle", capacity, taken, allocation, site_taken)
    offer = Offer("O", Level.SLVIE, "culture", "Théâtre", "", "", "SLVie", "Lyon", mode, False, None, False,
                  None, None, 2, (500, 800, 1100), (session,))
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
    assert refused.value.en == "This date is full."


def test_exactly_as_many_people_as_places_left_may_book():
    assert quote(3, capacity=10, taken=7, allocation=0).state is BookingState.REQUESTED
    assert quote(3, capacity=10, taken=7, allocation=3).state is BookingState.CONFIRMED


def test_a_request_offer_is_never_confirmed_even_with_site_seats():
    result = quote(1, allocation=10, mode=BookingMode.REQUEST)
    assert (result.state, result.holds_site_seats) == (BookingState.REQUESTED, False)
