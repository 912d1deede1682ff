"""The centre accepts actions only on its own site's bookings and households (DESIGN.md section 3).

A kiosk of another site holds a valid token and can read a booking id off a photographed
voucher: that must not let it cancel the booking, book for the household, or file a
concierge request in its name.
"""

from __future__ import annotations

import uuid

import pytest

from sync.server.clock import local_now
from tests.server.data import booking_op, cancel_op, catalog, martin_family, offer, session, state_of

OTHER_SITE = "SLVIE-MARSEILLE"


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(catalog([offer("CONC", [session("CONC-1", days=10, capacity=10, allocation=3)])]))
    central_server.load_households([martin_family("H-1", "P-1")])
    central_server.load_households([martin_family("H-9", "P-9")], site=OTHER_SITE)
    return central_server


def held(centre, session_id: str) -> int:
    return centre.query("SELECT count(*) AS n FROM booking_participants WHERE session_id = ?", session_id)[0]["n"]


def test_a_kiosk_of_another_site_cannot_cancel_a_booking_read_off_its_voucher(centre, kiosk):
    booked = booking_op("CONC-1", ["P-1-1", "P-1-2"], "H-1", kiosk_state="confirmed")
    assert state_of(kiosk.push_one(booked)) == "confirmed"
    booking_id = booked["payload"]["booking_id"]
    elsewhere = centre.enroll(site=OTHER_SITE, name="Borne de Marseille")
    answer = elsewhere.push_one(cancel_op(booking_id))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "booking_other_site"
    assert "autre point SLVie" in answer["reason"]["fr"] and "another SLVie point" in answer["reason"]["en"]
    assert centre.query("SELECT state FROM bookings WHERE id = ?", booking_id)[0]["state"] == "confirmed"
    assert held(centre, "CONC-1") == 2
    assert state_of(kiosk.push_one(cancel_op(booking_id))) == "cancelled"  # its own site's kiosk still can


def test_a_kiosk_of_another_site_cannot_book_for_this_sites_household(centre, kiosk):
    elsewhere = centre.enroll(site=OTHER_SITE, name="Borne de Marseille")
    answer = elsewhere.push_one(booking_op("CONC-1", ["P-1-1"], "H-1", kiosk_state="confirmed"))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "household_other_site"
    assert held(centre, "CONC-1") == 0 and centre.query("SELECT count(*) AS n FROM bookings")[0]["n"] == 0
    assert state_of(elsewhere.push_one(booking_op("CONC-1", ["P-9-1"], "H-9"))) in ("requested", "confirmed")
    refused = kiosk.push_one(booking_op("CONC-1", ["P-9-1"], "H-9"))  # and the other way round
    assert refused["outcome"] == "rejected" and refused["reason"]["code"] == "household_other_site"


def test_a_kiosk_of_another_site_cannot_file_a_concierge_request_for_this_sites_household(centre, kiosk):
    payload = {
        "request_id": str(uuid.uuid4()),
        "service_id": "pressing",
        "household_id": "H-1",
        "person_id": "P-1-1",
        "answers": {"garments": ["chemise"]},
        "quantity": 1,
        "estimate_cents": None,
        "collect_on": None,
        "note": "",
        "created_by": None,
    }
    operation = {
        "op_id": str(uuid.uuid4()),
        "kind": "concierge.create",
        "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": payload,
    }
    elsewhere = centre.enroll(site=OTHER_SITE, name="Borne de Marseille")
    answer = elsewhere.push_one(operation)
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "household_other_site"
    assert centre.query("SELECT count(*) AS n FROM concierge_requests")[0]["n"] == 0
    own = kiosk.push_one(operation | {"op_id": str(uuid.uuid4())})
    assert own["outcome"] == "applied"  # the household's own site files it
