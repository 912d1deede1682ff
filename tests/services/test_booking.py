"""Booking against the local store: offline confirmation inside the site allocation, requests
beyond it, the rules people expect, and one transaction for each booking and its operation."""

import json
import threading
from datetime import timedelta

import pytest

from kiosk.config import KioskConfig
from kiosk.domain.booking import BookingRefused, BookingState
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store.database import DATABASE_FILE, open_database
from kiosk.store.outbox import pending_operations
from tests.factories import NOW, catalog, holder, offer, session


@pytest.fixture
def claire(services):
    return services.identity.identify(BENEFICIARY, "1000000000017", "1234").household


def site_seats(services, session_id):
    row = services.db.execute("SELECT site_taken, taken FROM sessions WHERE id = ?", [session_id]).fetchone()
    return row[0], row[1]


def test_a_booking_inside_the_allocation_is_confirmed_at_once_offline(services, claire):
    quote = services.bookings.quote("T1", "T1-S1", claire, ["P1", "P2"])
    assert quote.state == BookingState.CONFIRMED and quote.unit_cents == 1100 and quote.total_cents == 2200
    booking = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1", "P2"])
    assert booking.state == BookingState.CONFIRMED and booking.holds_site_seats
    assert site_seats(services, "T1-S1") == (2, 2)
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "booking.create"
    assert operation["payload"]["booking_id"] == booking.booking_id
    assert operation["payload"]["kiosk_state"] == "confirmed"
    assert operation["payload"]["participants"] == ["P1", "P2"]


def test_beyond_the_allocation_it_becomes_a_request_for_the_centre(tmp_path, clock, households_file):
    path = tmp_path / "small.json"
    path.write_text(
        json.dumps(catalog([offer("X", "Atelier cuisine", sessions=[session("X-S", allocation=1, capacity=10)])]))
    )
    services = open_services(
        tmp_path / "d", KioskConfig(), demo=True, clock=clock, demo_catalog=path, demo_households=households_file
    )
    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    first = services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P1"])
    second = services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P2"])
    assert first.state == BookingState.CONFIRMED
    assert second.state == BookingState.REQUESTED and not second.holds_site_seats
    assert [op["payload"]["kiosk_state"] for op in pending_operations(services.db)] == ["confirmed", "requested"]
    assert site_seats(services, "X-S") == (1, 1)


def _one_session_kiosk(tmp_path, clock, households_file, **seats):
    path = tmp_path / "one-session.json"
    path.write_text(json.dumps(catalog([offer("X", "Atelier cuisine", sessions=[session("X-S", **seats)])])))
    return open_services(
        tmp_path / "d", KioskConfig(), demo=True, clock=clock, demo_catalog=path, demo_households=households_file
    )


def test_more_people_than_the_site_seats_left_is_a_request_even_with_one_left(tmp_path, clock, households_file):
    services = _one_session_kiosk(tmp_path, clock, households_file, allocation=2, capacity=10)
    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    assert services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P1"]).state == BookingState.CONFIRMED
    assert services.bookings.quote("X", "X-S", household, ["P2", "P3"]).state == BookingState.REQUESTED
    # one site seat left for two people
    both = services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P2", "P3"])
    assert both.state == BookingState.REQUESTED and not both.holds_site_seats
    assert site_seats(services, "X-S") == (1, 1)  # the last site seat is still free for someone alone
    assert [op["payload"]["kiosk_state"] for op in pending_operations(services.db)] == ["confirmed", "requested"]
    services.close()


def test_more_people_than_the_session_has_places_left_is_refused_and_writes_nothing(tmp_path, clock, households_file):
    services = _one_session_kiosk(tmp_path, clock, households_file, allocation=2, capacity=2)
    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P1"])
    with pytest.raises(BookingRefused) as refused:
        services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P2", "P3"])
    assert refused.value.fr == "Il n'y a plus assez de places à cette date."
    assert site_seats(services, "X-S") == (1, 1)
    assert len(pending_operations(services.db)) == 1
    assert services.bookings.book(BENEFICIARY, holder(household), "X", "X-S", ["P2"]).state == BookingState.CONFIRMED
    services.close()


def test_offers_booked_by_request_are_never_confirmed_by_the_kiosk(services, claire):
    assert services.bookings.book(BENEFICIARY, holder(claire), "S1", "S1-S1", ["P1"]).state == BookingState.REQUESTED


@pytest.mark.parametrize(
    "offer_id, session_id, people, words",
    [
        ("T2", "T2-S1", ["P1"], "complète"),
        ("OLD", "OLD-S1", ["P1"], "passée"),
        ("T1", "T1-S1", [], "au moins une personne"),
        ("T1", "T1-S1", ["P4"], "ne fait pas partie"),
        ("T1", "NOPE", ["P1"], "n'est plus proposée"),
    ],
)
def test_rules_people_expect(services, claire, offer_id, session_id, people, words):
    with pytest.raises(BookingRefused) as caught:
        services.bookings.book(BENEFICIARY, holder(claire), offer_id, session_id, people)
    assert words in caught.value.fr
    assert pending_operations(services.db) == []


def test_nobody_is_booked_twice_on_the_same_session(services, claire):
    services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    with pytest.raises(BookingRefused) as caught:
        services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P2", "P1"])
    assert "Claire a déjà une place" in caught.value.fr
    assert len(pending_operations(services.db)) == 1


def test_age_limits(tmp_path, clock, households_file):
    path = tmp_path / "colo.json"
    path.write_text(
        json.dumps(
            catalog(
                [
                    offer(
                        "C",
                        "Colo mer et voile",
                        category="sejours",
                        level="ccas",
                        age_min=6,
                        age_max=11,
                        sessions=[session("C-S", days=30)],
                    )
                ]
            )
        )
    )
    services = open_services(
        tmp_path / "d", KioskConfig(), demo=True, clock=clock, demo_catalog=path, demo_households=households_file
    )
    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    lea = services.bookings.book(BENEFICIARY, holder(household), "C", "C-S", ["P3"])  # Léa, 10
    assert lea.state == BookingState.CONFIRMED
    with pytest.raises(BookingRefused) as caught:
        services.bookings.book(BENEFICIARY, holder(household), "C", "C-S", ["P1"])
    assert "Claire aura 48 ans" in caught.value.fr and "jusqu'à 11 ans" in caught.value.fr


def test_cancel_until_the_deadline_gives_the_seats_back(services, claire, clock):
    booking = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    cancelled = services.bookings.cancel(BENEFICIARY, holder(claire), booking.booking_id)
    assert cancelled.state == BookingState.CANCELLED and not cancelled.holds_site_seats
    assert site_seats(services, "T1-S1") == (0, 0)
    assert [op["kind"] for op in pending_operations(services.db)] == ["booking.create", "booking.cancel"]
    assert pending_operations(services.db)[1]["payload"] == {"booking_id": booking.booking_id}
    # a cancelled place can be booked again
    again = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    clock.now = NOW + timedelta(days=4)  # T1 starts in 5 days and cancels up to 2 days before
    with pytest.raises(BookingRefused) as caught:
        services.bookings.cancel(BENEFICIARY, holder(claire), again.booking_id)
    assert "délai d'annulation est passé" in caught.value.fr


def test_a_booking_and_its_operation_are_one_write(services, claire, monkeypatch):
    from kiosk.services import booking as use_case

    def broken_enqueue(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(use_case, "enqueue", broken_enqueue)
    with pytest.raises(OSError):
        services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    assert services.bookings.bookings(claire) == []
    assert site_seats(services, "T1-S1") == (0, 0)


def test_two_taps_at_the_same_instant_never_share_the_last_allocated_seat(tmp_path, clock, households_file):
    from kiosk.config import KioskConfig
    from kiosk.services.context import assemble_services
    from kiosk.store.households import load_household

    path = tmp_path / "last.json"
    path.write_text(json.dumps(catalog([offer("L", "Concert", sessions=[session("L-S", allocation=1)])])))
    open_services(
        tmp_path / "d", KioskConfig(), demo=True, clock=clock, demo_catalog=path, demo_households=households_file
    ).close()
    start = threading.Barrier(8)
    results, errors = [], []

    def tap(person_household):
        db = open_database(tmp_path / "d" / DATABASE_FILE)  # each tap on its own connection
        household = load_household(db, person_household[1])
        start.wait()
        try:
            bookings = assemble_services(db, KioskConfig(), tmp_path / "d", clock).bookings
            results.append(bookings.book(BENEFICIARY, holder(household), "L", "L-S", [person_household[0]]).state)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            db.close()

    people = [("P1", "H1"), ("P2", "H1"), ("P4", "H2")] * 3
    threads = [threading.Thread(target=tap, args=(p,)) for p in people[:8]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    confirmed = results.count(BookingState.CONFIRMED)
    assert confirmed == 1
    db = open_database(tmp_path / "d" / DATABASE_FILE)
    assert db.execute("SELECT site_taken FROM sessions WHERE id = 'L-S'").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM bookings WHERE state = 'confirmed'").fetchone()[0] == 1
    # The others are requests or refusals for people already booked, never a second confirmation.
    assert all(isinstance(e, BookingRefused) and "déjà une place" in e.fr for e in errors)


def test_the_centres_decisions_are_told_once_on_the_next_identification(services, claire):
    from kiosk.store.bookings import set_booking_state
    from kiosk.store.database import transaction

    request = services.bookings.book(BENEFICIARY, holder(claire), "S1", "S1-S1", ["P1"])  # a stay, asked for
    waiting = services.bookings.book(BENEFICIARY, holder(claire), "T2", "T2-S1", ["P2"], waitlist=True)  # a full date
    assert services.bookings.take_news(claire) == []  # what the person just did is no news
    with transaction(services.db):  # the centre's answers, as a sync writes them
        set_booking_state(
            services.db,
            request.booking_id,
            BookingState.REFUSED,
            "Plus de places en février.",
            "No places left in February.",
        )
        set_booking_state(services.db, waiting.booking_id, BookingState.CONFIRMED)
    news = services.bookings.take_news(claire)
    assert [(n.booking.booking_id, n.good) for n in news] == [(request.booking_id, False), (waiting.booking_id, True)]
    assert news[0].message.message("fr").endswith("votre demande n'a pas pu être acceptée. Plus de places en février.")
    assert "est confirmée" in news[1].message.message("fr") and "is confirmed" in news[1].message.message("en")
    assert "Séjour ski à Valloire" in news[0].message.message("fr") and "Soirée théâtre d'improvisation" in news[
        1
    ].message.message("en")
    assert services.bookings.take_news(claire) == []  # told once


def test_a_full_date_is_refused_unless_the_person_asks_for_its_waiting_list(services, claire):
    with pytest.raises(BookingRefused) as refused:
        services.bookings.quote("T2", "T2-S1", claire, ["P1"])
    assert refused.value.fr == "Cette date est complète."
    assert services.bookings.quote("T2", "T2-S1", claire, ["P1"], waitlist=True).state is BookingState.WAITLISTED


@pytest.mark.parametrize(("offer_id", "session_id"), [("T1", "T2-S1"), ("GONE", "T1-S1")])
def test_a_date_no_longer_offered_says_so(services, claire, offer_id, session_id):
    with pytest.raises(BookingRefused) as refused:
        services.bookings.quote(offer_id, session_id, claire, ["P1"])
    assert (refused.value.fr, refused.value.en) == (
        "Cette date n'est plus proposée.",
        "This date is no longer offered.",
    )


def test_news_of_a_booking_whose_offer_was_withdrawn_still_reaches_the_person(services, claire):
    from kiosk.store.bookings import set_booking_state
    from kiosk.store.catalog import withdraw_offers
    from kiosk.store.database import transaction

    request = services.bookings.book(BENEFICIARY, holder(claire), "S1", "S1-S1", ["P1"])
    with transaction(services.db):  # the centre withdrew the stay and refused the request
        withdraw_offers(services.db, ["S1"])
        set_booking_state(services.db, request.booking_id, BookingState.REFUSED, "Séjour annulé.", "Stay cancelled.")
    (news,) = services.bookings.take_news(claire)
    assert (
        news.message.message("fr") == "« ? » : votre demande n'a pas pu être acceptée. Séjour annulé."
    )  # its title is gone
    assert news.message.message("en").endswith("Stay cancelled.")


def test_a_booking_is_on_disk_before_its_voucher_prints_and_other_writes_stay_fast(services, claire):
    """WAL with synchronous=NORMAL may lose the last commits in a power cut: not a booking already on paper.
    What SQLite is told around each COMMIT is read from the connection itself."""
    said: list[str] = []
    services.db.conn.set_trace_callback(said.append)
    try:
        services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
        booking_commit = said.index("COMMIT")
        assert "PRAGMA synchronous = FULL" in said[:booking_commit]
        assert said[booking_commit + 1 :] == ["PRAGMA synchronous = NORMAL"]
        said.clear()
        services.bookings.take_news(claire)  # an ordinary write
        assert not any(s.startswith("PRAGMA synchronous") for s in said)
    finally:
        services.db.conn.set_trace_callback(None)
    assert services.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again


def test_a_booking_unknown_here_or_of_another_household_cannot_be_cancelled(services, claire):
    booking = services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1"])
    karim = services.identity.identify(BENEFICIARY, "1000000000033", "1234")
    for who, booking_id in ((karim, booking.booking_id), (holder(claire), "00000000-0000-4000-8000-000000000000")):
        with pytest.raises(BookingRefused) as refused:
            services.bookings.cancel(BENEFICIARY, who, booking_id)
        assert refused.value.fr == "Cette réservation est introuvable."
    assert services.bookings.booking(booking.booking_id).state is BookingState.CONFIRMED
