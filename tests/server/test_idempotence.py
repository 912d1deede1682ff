"""Each operation is applied at most once, forever: in one batch, across batches, across a server crash."""

from __future__ import annotations

import copy

from tests.server.data import booking_op, catalog, martin_family, offer, session, state_of


def setup_centre(server) -> None:
    server.load_catalog(catalog([offer("CONC", [session("CONC-1", days=10, capacity=10, allocation=3)])]))
    server.load_households([martin_family("H-1", "P-1")])


def taken(kiosk) -> int:
    seen, _ = kiosk.pull_all()
    return seen[("offer", "CONC")]["sessions"][0]["taken"]


def booking_count(kiosk) -> int:
    seen, _ = kiosk.pull_all()
    return sum(1 for kind, _ in seen if kind == "booking")


def test_the_same_operation_twice_in_one_batch_is_applied_once(central_server, kiosk):
    setup_centre(central_server)
    op = booking_op("CONC-1", ["P-1-1", "P-1-2"])
    first, second = kiosk.push([op, op])
    assert first == second and state_of(first) == "confirmed"
    assert taken(kiosk) == 2 and booking_count(kiosk) == 1


def test_a_replay_in_a_later_batch_gets_the_stored_answer(central_server, kiosk):
    setup_centre(central_server)
    op = booking_op("CONC-1", ["P-1-1"])
    other = booking_op("CONC-1", ["P-1-2"])
    first = kiosk.push([op])[0]
    again = kiosk.push([other, op])
    assert again[1] == first and state_of(again[0]) == "confirmed"
    assert taken(kiosk) == 2 and booking_count(kiosk) == 2


def test_a_replay_after_a_crash_and_restart_is_applied_once(central_server, kiosk):
    setup_centre(central_server)
    ops = [booking_op("CONC-1", [p]) for p in ("P-1-1", "P-1-2", "P-1-3")]
    first = kiosk.push(ops)
    central_server.stop()  # kill -9
    central_server.start()
    assert kiosk.push(ops) == first
    assert taken(kiosk) == 3 and booking_count(kiosk) == 3
    assert central_server.seat_problems() == []


def test_a_rejected_operation_keeps_its_answer_too(central_server, kiosk):
    setup_centre(central_server)
    op = booking_op("CONC-1", ["P-1-1"])
    op["payload"]["tier"] = 0
    first = kiosk.push_one(op)
    assert first["outcome"] == "rejected" and first["reason"]["code"] == "invalid_payload"
    assert kiosk.push_one(op) == first


def test_an_op_id_reused_with_another_payload_is_rejected_and_changes_nothing(central_server, kiosk):
    setup_centre(central_server)
    op = booking_op("CONC-1", ["P-1-1"])
    first = kiosk.push_one(op)
    forged = copy.deepcopy(op)
    forged["payload"]["participants"] = ["P-1-2"]
    forged["payload"]["booking_id"] = "11111111-1111-4111-8111-111111111111"
    result = kiosk.push_one(forged)
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "op_id_reused"
    assert kiosk.push_one(op) == first
    other_kind = {**op, "kind": "booking.cancel", "payload": {"booking_id": op["payload"]["booking_id"]}}
    assert kiosk.push_one(other_kind)["reason"]["code"] == "op_id_reused"
    # Another kiosk replaying this kiosk's op_id does not get its answer.
    assert central_server.enroll(name="Other").push_one(op)["reason"]["code"] == "op_id_reused"
    assert taken(kiosk) == 1


def test_a_bad_operation_never_blocks_the_ones_behind_it(central_server, kiosk):
    setup_centre(central_server)
    unknown = {**booking_op("CONC-1", ["P-1-1"]), "kind": "concierge.request"}
    malformed = booking_op("CONC-1", ["P-1-1", "P-1-1"])
    extra = booking_op("CONC-1", ["P-1-1"])
    extra["payload"]["surprise"] = True
    good = booking_op("CONC-1", ["P-1-1"])
    results = kiosk.push([unknown, malformed, extra, good])
    assert [r.get("reason", {}).get("code") for r in results[:3]] == [
        "unknown_kind",
        "invalid_payload",
        "invalid_payload",
    ]
    assert all(r["reason"]["fr"] and r["reason"]["en"] for r in results[:3])
    assert state_of(results[3]) == "confirmed"
    assert [r["op_id"] for r in results] == [o["op_id"] for o in (unknown, malformed, extra, good)]


def test_a_booking_id_cannot_be_reused_by_another_operation(central_server, kiosk):
    setup_centre(central_server)
    op = booking_op("CONC-1", ["P-1-1"])
    kiosk.push_one(op)
    again = booking_op("CONC-1", ["P-1-2"], booking_id=op["payload"]["booking_id"])
    result = kiosk.push_one(again)
    assert result["outcome"] == "rejected" and result["reason"]["code"] == "booking_exists"
