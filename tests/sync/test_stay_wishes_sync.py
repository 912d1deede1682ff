"""Holiday-stay wishes between kiosks and the real reference centre on loopback: wishes made offline reach the
centre once, the campaign's allocation comes back through the change feed, and the answer made offline is synced
(an accepted proposal becomes a confirmed booking the kiosk pulls)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.domain.booking import BookingState
from kiosk.domain.stay_wishes import StayRequestState, Wish
from kiosk.services.actor import BENEFICIARY
from kiosk.store.outbox import counts, parked_operations
from sync.client import TransientError
from tests.factories import CLAIRE_CARD, KARIM_CARD, NOW, STAY_CAMPAIGN, wishes_catalog

pytestmark = pytest.mark.both_databases  # the centre's stay wishes, allocation, on SQLite and PostgreSQL


AFTER_CLOSE = (NOW + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def kiosk(centre, make_kiosk):
    centre.load_catalog(wishes_catalog())
    centre.set_capacity("V1-S1", 2)  # room for one of the two households
    kiosk = make_kiosk("desk")
    kiosk.sync()
    return kiosk


def test_wishes_made_offline_are_allocated_and_the_answer_comes_back(centre, proxy, kiosk):
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    karim = kiosk.services.identity.identify(BENEFICIARY, KARIM_CARD, "1234")
    karim_ids = [p.person_id for p in karim.household.members]
    wishes = kiosk.services.wishes
    proxy.inject("drop_request")  # the network is down: the wishes wait in the outbox
    mine = wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1", "P2")), Wish("V1", "V1-S2", ("P1", "P2"))])
    with pytest.raises(TransientError):
        kiosk.sync()
    theirs = wishes.send(BENEFICIARY, karim, [Wish("V1", "V1-S1", tuple(karim_ids))])
    proxy.inject("drop_response")  # applied at the centre, the answer lost: sent again, applied once
    with pytest.raises(TransientError):
        kiosk.sync()
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}, parked_operations(kiosk.services.db)
    assert centre.query("SELECT count(*) AS n FROM stay_requests")[0]["n"] == 2

    code, _, err = centre.cli("--now", AFTER_CLOSE, "allocate-stays", STAY_CAMPAIGN)
    assert code == 0, err
    kiosk.sync()
    # Karim's household (tier 7) comes after Claire's (tier 3): V1-S1 holds one of them, Karim waits.
    mine_now = wishes.request(mine.request_id)
    assert mine_now.state is StayRequestState.PROPOSED and mine_now.proposed_rank == 1 and mine_now.answer_by
    assert "coefficient social 3" in mine_now.reason_fr
    theirs_now = wishes.request(theirs.request_id)
    assert (theirs_now.state, theirs_now.waitlist_position) == (StayRequestState.WAITLISTED, 1)
    assert "waiting list" in theirs_now.reason_en
    assert [n.good for n in wishes.take_news(claire)] == [True]

    proxy.inject("drop_request")  # accepted offline: shown at once, synced later
    assert wishes.answer(BENEFICIARY, claire, mine.request_id, accept=True).state is StayRequestState.ACCEPTED
    with pytest.raises(TransientError):
        kiosk.sync()
    kiosk.sync()
    accepted = wishes.request(mine.request_id)
    assert accepted.state is StayRequestState.ACCEPTED and accepted.booking_id
    booking = kiosk.services.bookings.booking(accepted.booking_id)
    assert booking is not None and booking.state is BookingState.CONFIRMED
    assert (booking.session_id, booking.participants, booking.total_cents) == ("V1-S1", ("P1", "P2"), 2 * 1100)
    assert centre.query("SELECT state FROM stay_requests WHERE id = ?", mine.request_id)[0]["state"] == "accepted"


def test_an_answer_the_centre_refuses_shows_the_centres_word(centre, kiosk):
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    wishes = kiosk.services.wishes
    mine = wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1",))])
    kiosk.sync()
    assert centre.cli("--now", AFTER_CLOSE, "allocate-stays", STAY_CAMPAIGN, "--answer-days", "1")[0] == 0
    kiosk.sync()
    # Declined at another kiosk of the site in the meantime: this kiosk's acceptance is refused, and the
    # centre's state of the request comes back with the next pull.
    other = centre.enroll(name="lobby")
    assert (
        other.push_one(
            {
                "op_id": "5d0c6a52-96b1-4c55-9d3a-5bd0b2b6c001",
                "kind": "stay.answer",
                "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%S"),
                "payload": {"request_id": mine.request_id, "accept": False},
            }
        )["stay_request"]["state"]
        == "declined"
    )
    wishes.answer(BENEFICIARY, claire, mine.request_id, accept=True)
    kiosk.sync()
    assert wishes.request(mine.request_id).state is StayRequestState.DECLINED
    [parked] = parked_operations(kiosk.services.db)
    assert "pas de proposition" in parked["reason"]["fr"]
