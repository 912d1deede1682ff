"""A centre that trusts no kiosk blindly: every booking priced again; enrolment and kiosk calls rate-limited."""

from __future__ import annotations

import json

import pytest
import requests

from tests.server.central import CentralServer
from tests.server.data import (
    PRICES,
    booking_op,
    catalog,
    household,
    martin_family,
    member,
    offer,
    session,
    state_of,
    years_ago,
)


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(
        catalog(
            [
                offer("SHOW", [session("SHOW-1", days=10, capacity=10)]),
                offer("COLO", [session("COLO-1", days=30, capacity=10)], age_min=10, age_max=14),
            ]
        )
    )
    central_server.load_households([martin_family("H-1", "P-1")])
    return central_server


def priced(op: dict, total: int, version: int | None = None, unit: int | None = None, tier: int = 3) -> dict:
    op["payload"].update({"total_cents": total, "tier": tier, "protocol": 2})
    if version is not None:
        op["payload"]["offer_version"] = version
    if unit is not None:
        op["payload"]["unit_cents"] = unit
    return op


def test_a_forged_total_is_refused_and_logged_for_it(centre, kiosk):
    forged = priced(booking_op("SHOW-1", ["P-1-1", "P-1-2"]), total=100, version=1)
    result = kiosk.push_one(forged)
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "invalid_price"
    assert "informatique" in result["reason"]["fr"] and "IT" in result["reason"]["en"]
    assert "total 1\xa0€," in result["reason"]["fr"] and "total €1," in result["reason"]["en"]
    assert centre.query("SELECT * FROM bookings") == []
    (event,) = centre.query("SELECT kiosk_id, kind, subject, details FROM integrity_events")
    assert (event["kiosk_id"], event["kind"]) == (kiosk.kiosk_id, "invalid_price")
    assert json.loads(event["details"])["total_cents"] == 100
    assert "integrity: invalid_price" in centre.log()


def test_a_lower_tier_than_the_household_has_is_refused(centre, kiosk):
    cheap = priced(booking_op("SHOW-1", ["P-1-1"]), total=PRICES[0], version=1, tier=1)  # the household is tier 3
    assert kiosk.push_one(cheap)["reason"]["code"] == "invalid_price"


def test_a_price_changed_since_the_kiosk_pulled_is_honoured_as_shown_with_its_version(centre, kiosk):
    document = catalog(
        [
            offer(
                "SHOW",
                [session("SHOW-1", days=10, capacity=10)],
                prices=[{"tier": t + 1, "cents": c + 100} for t, c in enumerate(PRICES)],
            )
        ]
    )
    centre.load_catalog(document)  # version 2: every price 1 € higher
    shown = priced(booking_op("SHOW-1", ["P-1-1", "P-1-2"]), total=2 * PRICES[2], version=1, unit=PRICES[2])
    assert state_of(kiosk.push_one(shown)) == "confirmed"
    assert centre.query("SELECT offer_version, unit_cents, total_cents FROM bookings")[0] == {
        "offer_version": 1,
        "unit_cents": PRICES[2],
        "total_cents": 2 * PRICES[2],
    }
    # The old total under the new version's name matches no price: refused.
    mixed = priced(booking_op("SHOW-1", ["P-1-3"]), total=PRICES[2], version=2)
    assert kiosk.push_one(mixed)["reason"]["code"] == "invalid_price"
    # Without a version (a kiosk of the old protocol), a total some version gives is taken.
    old = booking_op("SHOW-1", ["P-1-4"])
    old["payload"]["total_cents"] = PRICES[2] + 100
    assert state_of(kiosk.push_one(old)) == "confirmed"


def test_eligibility_is_judged_by_the_centre(centre, kiosk):
    centre.load_households(
        [
            household(
                "H-2",
                [
                    member("P-2-1", "Zoé", years_ago(40), "ouvrant_droit", "1000000000033"),
                    member("P-2-2", "Noé", years_ago(9)),
                ],
            )
        ]
    )
    stranger = priced(booking_op("COLO-1", ["P-1-3", "P-2-2"]), total=2 * PRICES[2], version=1)
    assert kiosk.push_one(stranger)["booking"]["reason"]["code"] == "participant_not_in_household"
    too_young = priced(booking_op("COLO-1", ["P-2-2"], household_id="H-2"), total=PRICES[2], version=1)
    assert kiosk.push_one(too_young)["booking"]["reason"]["code"] == "age_limit"


def test_enrolment_attempts_are_limited_per_address_and_per_code(tmp_path):
    server = CentralServer(tmp_path / "central.sqlite3", limits=("4/minute", "2/minute", "1000/minute"))
    server.start()
    try:

        def attempt(code: str) -> requests.Response:
            return requests.post(f"{server.url}/v1/enroll", json={"code": code, "kiosk_name": "b"}, timeout=10)

        assert [attempt("AAAA-BBBB-CCCC").status_code for _ in range(3)] == [403, 403, 429]  # per code
        limited = attempt("DDDD-EEEE-FFFF")
        assert limited.status_code == 403
        over = attempt(server.enroll_code())  # a good code, but the address made 4 attempts this minute
        assert over.status_code == 429 and over.json()["error"]["code"] == "rate_limited"
        assert int(over.headers["Retry-After"]) >= 1
        assert "réessayez" in over.json()["error"]["fr"]
    finally:
        server.stop()


def test_each_kiosk_has_its_own_limit_of_calls(tmp_path):
    server = CentralServer(tmp_path / "central.sqlite3", limits=("100/minute", "100/minute", "5/minute"))
    server.start()
    try:
        busy, quiet = server.enroll(name="busy"), server.enroll(name="quiet")
        statuses = [busy.get("/v1/me").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        assert quiet.get("/v1/me").status_code == 200
    finally:
        server.stop()
