"""Seat leases at the centre: split, top-up, give back, cancel back into the lease, never taken back."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from sync.server.clock import local_now
from tests.server.central import CentralServer
from tests.server.data import booking_op, cancel_op, catalog, martin_family, offer, session, state_of

SITE = "DEMO-LYON-PARTDIEU"


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(
        catalog(
            [
                offer("SHOW", [session("SHOW-1", days=10, capacity=10, allocation=6)]),
                offer("ASK", [session("ASK-1", days=10, capacity=10, allocation=2)], booking_mode="request"),
            ]
        )
    )
    central_server.load_households([martin_family("H-1", "P-1"), martin_family("H-2", "P-2")])
    return central_server


def leases_of(kiosk, *wanted: tuple[str, int, int]) -> dict[str, dict]:
    answer = kiosk.post(
        "/v1/leases",
        {"leases": [{"session_id": sid, "seats": seats, "known_granted": known} for sid, seats, known in wanted]},
    )
    assert answer.status_code == 200, answer.text
    return {lease["session_id"]: lease for lease in answer.json()["leases"]}


def leased(op: dict) -> dict:
    op["payload"]["protocol"] = 2
    return op


def test_each_kiosk_of_a_site_gets_its_share_and_the_site_keeps_one_for_top_ups(central_server):
    kiosks = [central_server.enroll(name=f"k{i}") for i in range(3)]
    central_server.load_catalog(catalog([offer("SHOW", [session("SHOW-1", days=10, capacity=10, allocation=7)])]))
    held = [leases_of(k, ("SHOW-1", 0, 0))["SHOW-1"]["granted"] for k in kiosks]
    assert held == [1, 1, 1]  # 7 // (3 kiosks + 1): the site keeps 4 for top-ups
    assert central_server.query("SELECT seats, used, leased FROM allocations WHERE session_id = 'SHOW-1'")[0] == {
        "seats": 7,
        "used": 0,
        "leased": 3,
    }
    # The others hear nothing of a kiosk's lease: each pulls only its own.
    seen, _ = kiosks[0].pull_all()
    assert [key for key in seen if key[0] == "lease"] == []  # a kiosk of protocol 1 is sent no lease
    page = kiosks[0].get("/v1/changes", cursor=0, limit=1000, protocol=2).json()
    assert [(c["id"], c["data"]["granted"]) for c in page["changes"] if c["kind"] == "lease"] == [("SHOW-1", 1)]
    assert central_server.seat_problems() == []


def test_a_kiosk_already_holding_a_lease_gets_the_seats_its_site_is_given_later(centre, kiosk):
    assert leases_of(kiosk, ("SHOW-1", 0, 0))["SHOW-1"]["granted"] == 6
    centre.set_allocation("SHOW-1", SITE, 9)
    assert leases_of(kiosk, ("SHOW-1", 0, 6))["SHOW-1"]["granted"] == 9  # alone at its site: the 3 more too
    assert centre.query("SELECT seats, leased FROM allocations WHERE session_id = 'SHOW-1'")[0] == {
        "seats": 9,
        "leased": 9,
    }
    assert centre.seat_problems() == []


def test_a_top_up_comes_from_the_site_then_the_pool_and_a_repeated_call_grants_nothing_twice(centre, kiosk):
    first = leases_of(kiosk, ("SHOW-1", 0, 0))["SHOW-1"]
    assert first["granted"] == 6  # alone at its site: the whole allocation
    more = leases_of(kiosk, ("SHOW-1", 2, 6))["SHOW-1"]
    assert more["granted"] == 8  # the site had nothing free left: the central pool gave 2
    again = leases_of(kiosk, ("SHOW-1", 2, 6))["SHOW-1"]  # the answer was lost: asked again, as known before
    assert again["granted"] == 8
    assert centre.query("SELECT seats, leased FROM allocations WHERE session_id = 'SHOW-1'")[0] == {
        "seats": 8,
        "leased": 8,
    }
    # A request offer's pool is the centre's to allocate: no top-up from it.
    assert leases_of(kiosk, ("ASK-1", 5, 2))["ASK-1"]["granted"] == 2
    assert centre.seat_problems() == []


def test_bookings_confirmed_in_the_lease_are_honoured_and_a_cancellation_gives_the_seats_back_to_it(centre, kiosk):
    assert leases_of(kiosk, ("SHOW-1", 0, 0))["SHOW-1"]["granted"] == 6
    made = leased(booking_op("SHOW-1", ["P-1-1", "P-1-2"], kiosk_state="confirmed"))
    assert state_of(kiosk.push_one(made)) == "confirmed"
    assert leases_of(kiosk, ("SHOW-1", 0, 6))["SHOW-1"]["used"] == 2
    other = centre.enroll(name="other kiosk")  # any kiosk may cancel: the seats go back to the first one's lease
    assert state_of(other.push_one(cancel_op(made["payload"]["booking_id"]))) == "cancelled"
    assert leases_of(kiosk, ("SHOW-1", 0, 6))["SHOW-1"]["used"] == 0
    assert centre.seat_problems() == []


def test_seats_given_back_go_to_the_site_and_never_more_than_the_lease_holds_unused(centre, kiosk):
    leases_of(kiosk, ("SHOW-1", 0, 0))
    kiosk.push_one(leased(booking_op("SHOW-1", ["P-1-1"], kiosk_state="confirmed")))
    back = kiosk.push_one(
        {
            "op_id": str(uuid.uuid4()),
            "kind": "lease.return",
            "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
            "payload": {"session_id": "SHOW-1", "seats": 10},
        }
    )
    assert back["outcome"] == "applied" and back["lease"]["returned"] == 5 and back["lease"]["used"] == 1
    assert centre.query("SELECT used, leased FROM allocations WHERE session_id = 'SHOW-1'")[0] == {
        "used": 0,
        "leased": 1,
    }
    none = kiosk.push_one(
        {
            "op_id": str(uuid.uuid4()),
            "kind": "lease.return",
            "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
            "payload": {"session_id": "ASK-1", "seats": 1},
        }
    )
    assert none["outcome"] == "applied"  # it holds a lease there too (the split), with 2 unused
    assert centre.seat_problems() == []


def test_the_centre_never_takes_back_seats_a_kiosk_holds(centre, kiosk):
    leases_of(kiosk, ("SHOW-1", 0, 0))
    code, _, err = centre.cli("set-allocation", "--session", "SHOW-1", "--site", SITE, "--seats", "2")
    assert code != 0 and "6" in err


def test_a_lease_expires_a_day_on_and_never_after_the_cut_off(tmp_path, central_database):
    t0 = datetime(2026, 11, 23, 10, 0)
    server = CentralServer(central_database, now=t0, log_path=tmp_path / "central.log")
    server.start()
    try:
        server.load_catalog(
            catalog(
                [
                    offer("SOON", [session("SOON-1", days=3, capacity=5, now=t0)]),
                    offer("LATER", [session("LATER-1", days=9, capacity=5, now=t0)]),
                ]
            )
        )
        server.set_allocation("SOON-1", SITE, 2, until=t0 + timedelta(hours=5))
        server.set_allocation("LATER-1", SITE, 2)
        kiosk = server.enroll()
        got = leases_of(kiosk, ("SOON-1", 0, 0), ("LATER-1", 0, 0))
        assert got["SOON-1"]["expires_at"] == "2026-11-23T15:00:00"
        assert got["LATER-1"]["expires_at"] == "2026-11-24T10:00:00"
        # Past the cut-off the site's own free seats go to the pool; those in the lease stay.
        server.now = t0 + timedelta(hours=6)
        server.restart()
        kiosk.push([])
        assert server.query("SELECT seats, leased, released FROM allocations WHERE session_id = 'SOON-1'")[0] == {
            "seats": 2,
            "leased": 2,
            "released": 1,
        }
    finally:
        server.stop()


def test_an_operation_queued_under_the_old_rules_is_still_honoured(centre, kiosk):
    """A booking sent without `protocol` (confirmed within the site's allocation, before the kiosk's
    upgrade) takes the site's free seats, then the kiosk's own lease, then the pool."""
    leases_of(kiosk, ("SHOW-1", 0, 0))  # the whole allocation is in this kiosk's lease
    old = booking_op("SHOW-1", ["P-1-1", "P-1-2"], kiosk_state="confirmed")
    assert "protocol" not in old["payload"]
    assert state_of(kiosk.push_one(old)) == "confirmed"
    assert centre.query("SELECT lease_seats, protocol FROM bookings")[0] == {"lease_seats": 2, "protocol": 1}
    assert centre.seat_problems() == []


def test_a_revoked_kiosks_unused_seats_go_back_to_its_site(centre, kiosk):
    leases_of(kiosk, ("SHOW-1", 0, 0))
    kiosk.push_one(leased(booking_op("SHOW-1", ["P-1-1"], kiosk_state="confirmed")))
    code, _, _ = centre.cli("revoke", kiosk.kiosk_id)
    assert code == 0
    assert centre.query("SELECT used, leased FROM allocations WHERE session_id = 'SHOW-1'")[0] == {
        "used": 0,
        "leased": 1,
    }  # the seat its booking holds stays; the other five are the site's again
    assert centre.seat_problems() == []


def test_a_forged_total_is_listed_for_it(centre, kiosk):
    forged = leased(booking_op("SHOW-1", ["P-1-1"], kiosk_state="confirmed"))
    forged["payload"]["total_cents"] = 1
    assert kiosk.push_one(forged)["reason"]["code"] == "invalid_price"
    code, out, _ = centre.cli("integrity")
    assert code == 0 and f"{kiosk.kiosk_id}\tinvalid_price\t{forged['payload']['booking_id']}" in out
