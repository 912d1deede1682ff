"""Several kiosks hammering the last places at once: never more confirmed places than exist."""

from __future__ import annotations

import threading

from tests.server.data import booking_op, catalog, household, member, offer, session, years_ago

KIOSKS = 6
FAMILIES_PER_KIOSK = 10


def test_concurrent_pushes_never_overbook(central_server):
    # 12 places: 2 set aside for each of two sites, 8 in the central pool.
    central_server.load_catalog(catalog([offer("LAST", [session("LAST-1", days=10, capacity=12)])]))
    central_server.set_allocation("LAST-1", "SITE-A", 2)
    central_server.set_allocation("LAST-1", "SITE-B", 2)
    kiosks = [central_server.enroll("SITE-A" if i % 2 else "SITE-B", f"Borne {i}") for i in range(KIOSKS)]
    families = {}
    for k in range(KIOSKS):
        for f in range(FAMILIES_PER_KIOSK):
            hid = f"H-{k}-{f}"
            families[(k, f)] = hid
            central_server.load_households(
                [household(hid, [member(f"{hid}-1", "A", years_ago(40), "ouvrant_droit")])],
                site="SITE-A" if k % 2 else "SITE-B",
            )
    results: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(KIOSKS)

    def hammer(k: int) -> None:
        start.wait()
        for f in range(FAMILIES_PER_KIOSK):
            hid = families[(k, f)]
            # Every kiosk thinks it may still confirm offline: the centre must not honour beyond its allocation.
            op = booking_op("LAST-1", [f"{hid}-1"], hid, kiosk_state="confirmed" if f % 2 else "requested")
            answer = kiosks[k].push([op, op])  # with a retry in the same batch, for good measure
            assert answer[0] == answer[1]
            with lock:
                results.append(answer[0])

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(KIOSKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    states = [r["booking"]["state"] for r in results]
    assert len(results) == KIOSKS * FAMILIES_PER_KIOSK
    assert states.count("confirmed") == 12
    assert states.count("waitlisted") == KIOSKS * FAMILIES_PER_KIOSK - 12
    assert central_server.seat_problems() == []
    for kiosk in kiosks[:2]:
        seen, _ = kiosk.pull_all()
        s = seen[("offer", "LAST")]["sessions"][0]
        assert s["taken"] == s["capacity"] == 12
        assert s["site_taken"] <= s["site_allocation"] == 2
