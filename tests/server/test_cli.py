"""The administrator's commands: loading data (a bad file changes nothing), demo, generator, allocations."""

from __future__ import annotations

import json

from kiosk.demo import DEMO_CATALOG
from kiosk.demo.participation import PAST_OUTING_ID
from tests.server.data import catalog, martin_family, offer, session


def test_a_bad_catalog_changes_nothing(central_server, kiosk, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(catalog([offer("A", [session("A-1")])])), encoding="utf-8")
    assert central_server.cli("load-catalog", str(good))[0] == 0
    _, cursor = kiosk.pull_all()
    bad_document = catalog([offer("A", [session("A-1", capacity=99)]), offer("B", [session("B-1")])])
    bad_document["offers"][1]["booking_mode"] = "lottery"
    for content in (json.dumps(bad_document), "{not json", ""):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        code, _, err = central_server.cli("load-catalog", str(bad))
        assert code == 2 and ("Nothing changed" in err or "refused" in err), err
    assert central_server.cli("load-catalog", str(tmp_path / "missing.json"))[0] == 2
    assert kiosk.pull(cursor)["changes"] == []


def test_a_catalog_that_would_overbook_is_refused_whole(central_server, kiosk):
    central_server.load_catalog(catalog([offer("A", [session("A-1", capacity=10)])]))
    central_server.set_allocation("A-1", "OTHER-SITE", 6)
    _, cursor = kiosk.pull_all()
    # 6 seats set aside elsewhere + 5 taken > 10: nothing from this file is written.
    document = catalog([offer("A", [session("A-1", capacity=10, taken=5)]), offer("B", [session("B-1")])])
    code, _, err = central_server.cli("load-catalog", str(_write(central_server, document)))
    assert code == 2 and "A-1" in err
    assert "compterait 11 places pour une capacité de 10" in err and "would hold 11 places for a capacity of 10" in err
    assert kiosk.pull(cursor)["changes"] == []


def test_allocations_that_do_not_fit_are_reduced_on_load(central_server, kiosk):
    # As in some hand-made catalogs: full, yet with seats "set aside" for the site.
    document = catalog([offer("A", [session("A-1", capacity=20, taken=20, allocation=10)])])
    summary = central_server.load_catalog(document)
    assert summary["allocations_reduced"] == 1
    seen, _ = kiosk.pull_all()
    s = seen[("offer", "A")]["sessions"][0]
    assert (s["taken"], s["site_allocation"], s["site_taken"]) == (20, 0, 0)
    assert central_server.seat_problems() == []


def test_shift_to_today_moves_every_date(central_server, kiosk):
    document = catalog([offer("A", [session("A-1", days=10)])])
    start = document["offers"][0]["sessions"][0]["start"]
    document["reference_date"] = "2020-01-01"
    path = _write(central_server, document)
    assert central_server.cli("load-catalog", str(path), "--shift-to-today", "--site", "SITE-X")[0] == 0
    seen, _ = kiosk.pull_all()
    assert seen[("offer", "A")]["sessions"][0]["start"] > start


def test_load_demo(central_server, kiosk):
    code, out, err = central_server.cli("load-demo")
    assert code == 0, err
    seen, _ = kiosk.pull_all()
    demo = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    # The demo catalog, and the past outing its households booked (an activity to appreciate in the demo).
    assert sum(1 for kind, _ in seen if kind == "offer") == len(demo["offers"]) + 1
    assert ("offer", PAST_OUTING_ID) in seen
    assert {kind for kind, _ in seen} >= {"consultation", "booking"}
    # The demo's site allocations belong to the default site, which this kiosk is at.
    sessions = [s for (kind, _), data in seen.items() if kind == "offer" for s in data["sessions"]]
    assert any(s["site_allocation"] > 0 for s in sessions)
    assert central_server.seat_problems() == []
    code, out, _ = central_server.cli("check")
    assert code == 0 and "ok" in out


def test_the_administrator_reads_what_a_command_did_in_french_then_english(central_server, kiosk):
    central_server.load_catalog(catalog([offer("A", [session("A-1", capacity=10)])]))
    code, out, _ = central_server.cli("set-allocation", "--session", "A-1", "--site", "SITE-X", "--seats", "1")
    assert (code, out) == (0, "A-1 : 1 place pour SITE-X / A-1: 1 seat for SITE-X\n")
    code, out, _ = central_server.cli("set-capacity", "--session", "A-1", "--capacity", "12")
    assert (code, out) == (0, "A-1 : capacité 12 / A-1: capacity 12\n")
    assert central_server.cli("check") == (0, "places : ok / seats: ok\n", "")
    assert central_server.cli("withdraw-offer", "A")[1] == "offre retirée : A / withdrawn A\n"
    assert central_server.cli("withdraw-offer", "A")[1] == "A déjà retirée / A already withdrawn\n"


def test_generate(central_server, kiosk):
    code, _out, err = central_server.cli("generate", "--offers", "300")
    assert code == 0, err
    seen, _ = kiosk.pull_all()
    assert sum(1 for kind, _ in seen if kind == "offer") == 300


def test_households_file_is_validated(central_server, tmp_path):
    path = tmp_path / "households.json"
    family = martin_family()
    family["members"][0]["card_number"] = "12"
    path.write_text(json.dumps({"format": "slvie-households/1", "households": [family]}), encoding="utf-8")
    code, _, err = central_server.cli("load-households", str(path))
    assert code == 2 and "card_number" in err
    no_head = martin_family()
    no_head["members"][0]["role"] = "conjoint"
    path.write_text(json.dumps({"format": "slvie-households/1", "households": [no_head]}), encoding="utf-8")
    assert central_server.cli("load-households", str(path))[0] == 2
    path.write_text(json.dumps({"format": "slvie-households/1", "households": [martin_family()]}), encoding="utf-8")
    assert central_server.cli("load-households", str(path))[0] == 0
    # A person cannot belong to two households.
    twin = martin_family("H-2", "P-1")
    path.write_text(json.dumps({"format": "slvie-households/1", "households": [twin]}), encoding="utf-8")
    code, _, err = central_server.cli("load-households", str(path))
    assert code == 2 and "P-1-1" in err


def test_commands_need_a_database(capsys):
    from sync.server.cli import main

    try:
        main(["enroll-code", "--site", "X"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "--db" in capsys.readouterr().err


def _write(server, document):
    path = server.log_path.parent / "catalog.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
