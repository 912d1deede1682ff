"""Pull by cursor over the change sequence: pages, each entity once, tombstones, per-site views."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import datetime, timedelta

import pytest

from tests.server.central import CentralServer
from tests.server.data import booking_op, catalog, household, martin_family, member, offer, session, state_of, years_ago


def offers(count: int) -> list[dict]:
    return [
        offer(f"O-{n:03d}", [session(f"O-{n:03d}-{i}", days=5 + n + i, capacity=20, allocation=2) for i in range(1, 3)])
        for n in range(count)
    ]


def test_initial_pull_in_pages_sees_everything_once_in_order(central_server, kiosk):
    central_server.load_catalog(catalog(offers(25)))
    central_server.load_households([martin_family("H-1", "P-1")])
    cursor, seqs, keys, pages = 0, [], [], 0
    while True:
        page = kiosk.pull(cursor, limit=10)
        pages += 1
        assert page["price_tiers"] == 7
        assert len(page["changes"]) <= 10
        seqs += [c["seq"] for c in page["changes"]]
        keys += [(c["kind"], c["id"]) for c in page["changes"]]
        if page["more"]:
            assert page["cursor"] == page["changes"][-1]["seq"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len(keys) == len(set(keys)) == 2 + 1 + 25 + 1  # categories, service, offers, household
    assert pages == 3
    nothing = kiosk.pull(cursor)
    assert nothing == {
        "changes": [],
        "cursor": cursor,
        "more": False,
        "price_tiers": 7,
        "epoch": nothing["epoch"],
        "mark": nothing["mark"],
    }


def test_offer_data_follows_the_catalog_format(central_server, kiosk):
    document = catalog(offers(1))
    central_server.load_catalog(document)
    seen, _ = kiosk.pull_all()
    data = seen[("offer", "O-000")]
    # The fields a catalog may leave out come back with their empty value.
    expected = {"bring": "", "photo": None, **{k: v for k, v in document["offers"][0].items() if k != "sessions"}}
    assert {k: v for k, v in data.items() if k != "sessions"} == {**expected, "version": 1}
    for sent, got in zip(document["offers"][0]["sessions"], data["sessions"], strict=True):
        assert got["site_allocation_until"] == sent["start"]
        assert {k: v for k, v in got.items() if k != "site_allocation_until"} == sent
    assert seen[("category", "culture")] == document["categories"][0]
    assert seen[("concierge_service", "pressing")] == document["concierge_services"][0]


def test_changes_after_the_cursor_only(central_server, kiosk):
    central_server.load_catalog(catalog(offers(5)))
    central_server.load_households([martin_family("H-1", "P-1")])
    _, cursor = kiosk.pull_all()
    op = booking_op("O-002-1", ["P-1-1"])
    kiosk.push_one(op)
    page = kiosk.pull(cursor)
    assert [(c["kind"], c["id"]) for c in page["changes"]] == [
        ("offer", "O-002"),
        ("booking", op["payload"]["booking_id"]),
    ]
    assert page["changes"][0]["data"]["sessions"][0]["taken"] == 1
    # Reloading the same catalog changes nothing kiosks must fetch again.
    central_server.load_catalog(catalog(offers(5)))
    assert kiosk.pull(page["cursor"])["changes"] == []


def test_withdrawn_offer_comes_as_a_tombstone(central_server, kiosk):
    central_server.load_catalog(catalog(offers(3)))
    central_server.load_households([martin_family("H-1", "P-1")])
    _, cursor = kiosk.pull_all()
    code, out, _ = central_server.cli("withdraw-offer", "O-001")
    assert code == 0 and "O-001" in out
    page = kiosk.pull(cursor)
    assert page["changes"] == [{"seq": page["cursor"], "kind": "offer", "id": "O-001", "data": None}]
    seen, _ = kiosk.pull_all()  # a kiosk starting from scratch gets the tombstone too
    assert seen[("offer", "O-001")] is None and seen[("offer", "O-000")] is not None
    refused = kiosk.push_one(booking_op("O-001-1", ["P-1-1"]))
    assert state_of(refused) == "refused" and refused["booking"]["reason"]["code"] == "offer_withdrawn"
    central_server.load_catalog(catalog(offers(3)))  # put back in the catalog
    back = {c["id"]: c["data"] for c in kiosk.pull(page["cursor"])["changes"] if c["kind"] == "offer"}
    assert list(back) == ["O-001"] and back["O-001"]["id"] == "O-001"


def test_each_site_sees_its_own_allocation(central_server):
    central_server.load_catalog(catalog([offer("SHOW", [session("SHOW-1", capacity=20, taken=4)])]))
    central_server.set_allocation("SHOW-1", "SITE-A", 5)
    code, _, _ = central_server.cli("set-allocation", "--session", "SHOW-1", "--site", "SITE-B", "--seats", "3")
    assert code == 0
    a, b, c = central_server.enroll("SITE-A"), central_server.enroll("SITE-B"), central_server.enroll("SITE-C")
    central_server.load_households([martin_family("H-A", "P-A")], site="SITE-A")

    def view(kiosk):
        seen, _ = kiosk.pull_all()
        s = seen[("offer", "SHOW")]["sessions"][0]
        return s["taken"], s["site_allocation"], s["site_taken"]

    # Pool: 20 - 4 taken - 8 set aside = 8. capacity - taken = what the site can still get.
    assert view(a) == (20 - 5 - 8, 5, 0)
    assert view(b) == (20 - 3 - 8, 3, 0)
    assert view(c) == (20 - 8, 0, 0)
    assert state_of(a.push_one(booking_op("SHOW-1", ["P-A-1", "P-A-2"], "H-A", kiosk_state="confirmed"))) == "confirmed"
    assert view(a) == (20 - 3 - 8, 5, 2)
    assert view(b) == (20 - 3 - 8, 3, 0)
    # The centre moves places between sites; every kiosk sees it on its next pull. It never takes the
    # seats SITE-B's kiosk holds in its lease (it may have confirmed them offline): only those given back.
    assert central_server.cli("set-allocation", "--session", "SHOW-1", "--site", "SITE-B", "--seats", "0")[0] != 0
    given = b.push_one(
        {
            "op_id": str(uuid.uuid4()),
            "kind": "lease.return",
            "created_at": "2026-01-01T00:00:00",
            "payload": {"session_id": "SHOW-1", "seats": 2},
        }
    )
    assert given["lease"]["returned"] == 2
    central_server.set_allocation("SHOW-1", "SITE-B", 1)
    assert view(b) == (20 - 11, 1, 0)
    assert view(c) == (20 - 10, 0, 0)


def test_allocation_changes_that_would_overbook_are_refused(central_server):
    central_server.load_catalog(catalog([offer("SHOW", [session("SHOW-1", capacity=10, taken=4, allocation=2)])]))
    code, _, err = central_server.cli("set-allocation", "--session", "SHOW-1", "--site", "SITE-B", "--seats", "5")
    assert code == 2 and "at most 4" in err and "au plus" in err
    assert central_server.cli("set-allocation", "--session", "SHOW-1", "--site", "SITE-B", "--seats", "4")[0] == 0
    code, _, err = central_server.cli("set-capacity", "--session", "SHOW-1", "--capacity", "9")
    assert code == 2 and "below 10" in err
    assert central_server.cli("set-allocation", "--session", "NOPE", "--site", "SITE-B", "--seats", "1")[0] == 2
    assert central_server.seat_problems() == []


def test_households_are_seen_by_their_own_site_only(central_server):
    a, b = central_server.enroll("SITE-A"), central_server.enroll("SITE-B")
    family = martin_family("H-1", "P-1")
    central_server.load_households([family], site="SITE-A")
    seen_a, cursor_a = a.pull_all()
    seen_b, cursor_b = b.pull_all()
    assert seen_a[("household", "H-1")] == family
    assert ("household", "H-1") not in seen_b
    central_server.load_households([family], site="SITE-B")  # the family moved
    assert a.pull(cursor_a)["changes"][0]["data"] is None
    assert b.pull(cursor_b)["changes"][0]["data"] == family


def test_unused_allocation_goes_back_to_the_centre_at_its_cut_off(tmp_path, central_database):
    t0 = datetime(2026, 11, 23, 10, 0)
    server = CentralServer(central_database, now=t0, log_path=tmp_path / "central.log")
    server.start()
    try:
        server.load_catalog(catalog([offer("SHOW", [session("SHOW-1", capacity=10, now=t0)])]))
        server.load_households([martin_family("H-1", "P-1")])
        kiosk, _ = server.enroll(), server.enroll()
        server.set_allocation("SHOW-1", "DEMO-LYON-PARTDIEU", 4, until=t0 + timedelta(hours=1))
        # Each kiosk's lease holds 1 seat, the site 2; the booking takes one of the site's.
        kiosk.push_one(booking_op("SHOW-1", ["P-1-1"], kiosk_state="confirmed", created_at=t0))
        seen, cursor = kiosk.pull_all()
        s = seen[("offer", "SHOW")]["sessions"][0]
        # site_taken: used (1) and held in the other kiosk's lease (1); this kiosk's own lease is free to it.
        assert (s["site_allocation"], s["site_taken"], s["site_allocation_until"]) == (4, 2, "2026-11-23T11:00")
        server.now = t0 + timedelta(hours=2)
        server.restart()
        kiosk.push([])  # the centre also releases on its own every 30 s
        s = kiosk.pull(cursor)["changes"][0]["data"]["sessions"][0]
        # The site's free seat goes to the pool; the 2 held in leases stay set aside until given back.
        assert (s["taken"], s["site_allocation"], s["site_taken"]) == (1, 3, 2)
        assert server.seat_problems() == []
    finally:
        server.stop()


def test_bad_cursor_or_limit(central_server, kiosk):
    central_server.load_catalog(catalog(offers(1)))
    top = kiosk.pull_all()[1]
    ahead = kiosk.get("/v1/changes", cursor=top + 1)
    assert ahead.status_code == 409 and ahead.json()["error"]["code"] == "cursor_ahead"
    for params in ({"limit": 0}, {"limit": 1001}, {"cursor": -1}, {"cursor": "abc"}):
        answer = kiosk.get("/v1/changes", **params)
        assert answer.status_code == 422, params
        assert answer.json()["error"]["code"] == "invalid_request"


def test_a_pull_with_nothing_new_is_cheap(central_server, kiosk):
    central_server.load_catalog(catalog(offers(50)))
    _, cursor = kiosk.pull_all()
    timings = []
    for _ in range(30):
        began = time.perf_counter()
        assert kiosk.pull(cursor)["changes"] == []
        timings.append(time.perf_counter() - began)
    assert statistics.median(timings) < 0.05, timings


@pytest.mark.parametrize("people", [1, 3])
def test_a_household_member_appears_in_the_pulled_booking(central_server, kiosk, people):
    central_server.load_catalog(catalog(offers(1)))
    family = household(
        "H-9",
        [member(f"P-9-{i}", "X", years_ago(30 + i), "ouvrant_droit" if i == 0 else "enfant") for i in range(people)],
    )
    central_server.load_households([family])
    op = booking_op("O-000-1", [m["person_id"] for m in family["members"]], "H-9")
    kiosk.push_one(op)
    seen, _ = kiosk.pull_all()
    assert seen[("booking", op["payload"]["booking_id"])]["participants"] == [m["person_id"] for m in family["members"]]
