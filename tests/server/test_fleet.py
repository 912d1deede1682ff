"""Fleet health at the centre: heartbeats kept and judged, refused when malformed or oversized, the
administrators' credential for /admin/fleet and /metrics, and `slvie-central fleet`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sync.server import fleet
from sync.server.clock import fmt
from sync.server.db import Database
from sync.wire import Heartbeat
from tests.server.central import CentralServer, new_id

NOW = datetime(2026, 12, 2, 10, 0, 0)


def beat(**changes: object) -> dict:
    document: dict = {
        "sent_at": fmt(NOW),
        "version": "0.1.0",
        "schema_version": 12,
        "waiting": 0,
        "oldest_waiting_seconds": None,
        "parked": 0,
        "last_sync_seconds": 0,
        "printer": "ready",
        "disk_free_bytes": 20 * 1024**3,
        "last_error": None,
    }
    document.update(changes)
    return document


@pytest.fixture
def centre(tmp_path, central_database):
    server = CentralServer(central_database, now=NOW, log_path=tmp_path / "central.log")
    server.start()
    yield server
    server.stop()


def send(kiosk, document: object) -> requests.Response:
    return kiosk.http.put(f"{kiosk.url}/v1/heartbeat", json=document, timeout=10)


def health_rows(centre) -> list[dict]:
    return centre.query("SELECT * FROM kiosk_health ORDER BY kiosk_id") + centre.query(
        "SELECT * FROM kiosk_health_history ORDER BY kiosk_id, received_at"
    )


def test_a_heartbeat_is_kept_as_the_kiosks_state_with_its_history(centre):
    kiosk = centre.enroll(name="Accueil")
    answer = send(kiosk, beat())
    assert answer.status_code == 200 and answer.json() == {"received_at": fmt(NOW)}
    code, out, _ = centre.cli("--now", fmt(NOW), "fleet")
    assert (
        code == 0
        and out.startswith(f"GREEN  {kiosk.kiosk_id}")
        and "1 vert / 1 kiosk(s): 0 red, 0 amber, 1 green" in out
    )

    send(kiosk, beat(waiting=2, oldest_waiting_seconds=30))  # same state: latest updated, no new history row
    assert json.loads(centre.query("SELECT heartbeat FROM kiosk_health")[0]["heartbeat"])["waiting"] == 2
    assert len(centre.query("SELECT * FROM kiosk_health_history")) == 1

    send(kiosk, beat(printer="paper_out"))  # a new state: kept in the history at once
    history = centre.query("SELECT state FROM kiosk_health_history")  # both received at the frozen NOW
    assert sorted(row["state"] for row in history) == ["green", "red"]
    code, out, _ = centre.cli("--now", fmt(NOW), "fleet")
    assert out.startswith(f"RED    {kiosk.kiosk_id}") and "Imprimante : plus de papier. / Printer: out of paper." in out
    code, out, _ = centre.cli("fleet", "--kiosk", kiosk.kiosk_id)
    assert code == 0
    assert [line.split("\t")[1:3] for line in out.splitlines()[1:]] == [["green", "ready"], ["red", "paper_out"]]
    code, _, err = centre.cli("fleet", "--kiosk", "K-NOBODY")
    assert code == 2 and "No heartbeat kept for kiosk K-NOBODY" in err


@pytest.mark.parametrize(
    "document, field",
    [
        (beat(household_id="H-0001"), "household_id"),  # nothing personal can ride along
        ({k: v for k, v in beat().items() if k != "printer"}, "printer"),
        (beat(printer="Imprimante de Claire Martin"), "printer"),
        (beat(waiting=True), "waiting"),
        (beat(waiting="3"), "waiting"),
        (beat(parked=-1), "parked"),
        (beat(disk_free_bytes=2**70), "disk_free_bytes"),
        (beat(sent_at="2026-13-02T10:00:00"), "sent_at"),
        (beat(version="0.1 <script>"), "version"),
        (beat(last_error={"code": "Transient Error", "seconds": 3}), "code"),
        (beat(last_error={"code": "x", "seconds": 3, "message": "Claire Martin"}), "message"),
        (beat(waiting=3), "oldest_waiting_seconds"),
        ([beat()], "body"),
    ],
)
def test_a_malformed_heartbeat_is_refused_and_changes_nothing(centre, document, field):
    kiosk = centre.enroll()
    send(kiosk, beat())
    before = health_rows(centre)
    answer = send(kiosk, document)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and field in error["en"] and field in error["fr"]
    assert health_rows(centre) == before


def test_a_heartbeat_that_is_not_json_is_refused(centre):
    kiosk = centre.enroll()
    answer = kiosk.http.put(
        f"{kiosk.url}/v1/heartbeat", data=b"{printer: ready", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "malformed_json"
    assert health_rows(centre) == []


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_heartbeat_is_refused_and_changes_nothing(centre, chunked):
    kiosk = centre.enroll()
    send(kiosk, beat())
    before = health_rows(centre)
    body = json.dumps(beat(version="v" * 40)).encode() + b" " * 4096  # valid JSON, but no heartbeat is this big
    answer = kiosk.http.put(
        f"{kiosk.url}/v1/heartbeat",
        data=iter([body]) if chunked else body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "heartbeat_too_large" and "2048" in error["fr"] and "2048" in error["en"]
    assert health_rows(centre) == before


def test_only_an_enrolled_kiosk_sends_a_heartbeat(centre):
    _, secret, _ = centre.cli("admin-credential", "it-lyon")
    assert requests.put(f"{centre.url}/v1/heartbeat", json=beat(), timeout=10).status_code == 401
    as_admin = requests.put(f"{centre.url}/v1/heartbeat", json=beat(), auth=("it-lyon", secret.strip()), timeout=10)
    assert as_admin.status_code == 401 and health_rows(centre) == []


def test_the_fleet_page_and_metrics_need_an_administrator_not_a_kiosk(centre):
    kiosk = centre.enroll()
    send(kiosk, beat())
    _, secret, _ = centre.cli("admin-credential", "it-lyon")
    secret = secret.strip()
    for path in ("/admin/fleet", "/metrics"):
        nobody = requests.get(f"{centre.url}{path}", timeout=10)
        assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"].startswith("Basic")
        assert nobody.json()["error"]["code"] == "administrator_required"
        assert kiosk.get(path).status_code == 401  # a kiosk's token opens nothing here
        assert requests.get(f"{centre.url}{path}", auth=("it-lyon", kiosk.token), timeout=10).status_code == 401
        assert requests.get(f"{centre.url}{path}", auth=("it-lyon", secret + "x"), timeout=10).status_code == 401
        assert requests.get(f"{centre.url}{path}", auth=("it-lyon", secret), timeout=10).status_code == 200
    page = requests.get(f"{centre.url}/admin/fleet", auth=("it-lyon", secret), timeout=10)
    assert page.headers["content-type"].startswith("text/html") and kiosk.kiosk_id in page.text
    assert centre.cli("admin-credential", "it-lyon", "--remove")[0] == 0
    assert requests.get(f"{centre.url}/admin/fleet", auth=("it-lyon", secret), timeout=10).status_code == 401
    assert centre.cli("admin-credential", "nobody", "--remove")[0] == 2


def test_the_fleet_page_lists_the_worst_first_and_escapes_what_kiosks_named(centre):
    calm = centre.enroll(name="Calme")
    shy = centre.enroll(name="<b>Borne</b> & co")
    broken = centre.enroll(name="Sans papier")
    send(calm, beat())
    send(shy, beat(parked=2))
    send(broken, beat(printer="paper_out"))
    _, secret, _ = centre.cli("admin-credential", "it")
    page = requests.get(f"{centre.url}/admin/fleet", auth=("it", secret.strip()), timeout=10).text
    order = [page.index(f'data-kiosk="{k.kiosk_id}"') for k in (broken, shy, calm)]
    assert order == sorted(order)
    assert "&lt;b&gt;Borne&lt;/b&gt; &amp; co" in page and "<b>Borne</b>" not in page
    assert '<meta http-equiv="refresh" content="30">' in page
    assert "Parc des bornes SLVie" in page and "Kiosk fleet" in page  # IT reads either language
    assert "plus de papier / out of paper" in page and "2 refusée(s) / 2 parked" in page


def test_metrics_count_requests_operations_and_kiosks_by_state(centre):
    kiosk = centre.enroll()
    send(kiosk, beat(printer="offline"))
    send(kiosk, beat(waiting=True))
    cancel = {"op_id": new_id(), "kind": "booking.cancel", "created_at": fmt(NOW), "payload": {"booking_id": new_id()}}
    kiosk.push([cancel, cancel])  # an unknown booking: rejected, and its replay answered the same
    kiosk.push([{**cancel, "op_id": new_id(), "kind": "booking.teleport"}])  # an unknown kind: not a series of its own
    _, secret, _ = centre.cli("admin-credential", "prometheus")
    text = requests.get(f"{centre.url}/metrics", auth=("prometheus", secret.strip()), timeout=10).text
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert (
        samples[("slvie_http_requests_total", (("method", "PUT"), ("route", "/v1/heartbeat"), ("status", "200")))] == 1
    )
    assert (
        samples[("slvie_http_requests_total", (("method", "PUT"), ("route", "/v1/heartbeat"), ("status", "422")))] == 1
    )
    assert (
        samples[("slvie_http_request_duration_seconds_count", (("method", "POST"), ("route", "/v1/operations")))] == 2
    )
    assert samples[("slvie_operations_total", (("kind", "booking.cancel"), ("outcome", "rejected")))] == 2
    assert samples[("slvie_operations_total", (("kind", "unknown"), ("outcome", "rejected")))] == 1
    assert samples[("slvie_kiosks", (("state", "red"),))] == 1
    assert samples[("slvie_kiosks", (("state", "green"),))] == 0


def test_a_kiosk_silent_for_15_minutes_turns_red_and_history_is_kept_30_days(central_database):
    db = Database(central_database)
    try:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO kiosks (id, site_id, name, token_hash, enrolled_at) VALUES ('K-1', 'S', 'Borne', 'h', ?)",
                (fmt(NOW - timedelta(days=40)),),
            )
        fleet.record_heartbeat(
            db,
            "K-1",
            Heartbeat.model_validate_json(json.dumps(beat(sent_at=fmt(NOW - timedelta(days=31))))),
            NOW - timedelta(days=31),
        )
        fleet.record_heartbeat(db, "K-1", Heartbeat.model_validate_json(json.dumps(beat())), NOW)
        assert [row["received_at"] for row in fleet.history(db, "K-1")] == [fmt(NOW)]  # the 31-day-old one pruned
        (kiosk,) = fleet.fleet(db, NOW + timedelta(minutes=14))
        assert kiosk.state == fleet.GREEN
        (kiosk,) = fleet.fleet(db, NOW + timedelta(minutes=15))
        assert kiosk.state == fleet.RED and [r.code for r in kiosk.reasons] == ["silent"]
        assert kiosk.reasons[0].en == "No heartbeat for 15 min."
    finally:
        db.close()


@pytest.mark.parametrize(
    "changes, skew, state, codes",
    [
        ({}, 0, "green", []),
        ({"printer": "paper_out"}, 0, "red", ["printer_paper_out"]),
        ({"printer": "offline"}, 0, "red", ["printer_offline"]),
        ({"printer": "not_configured"}, 0, "red", ["printer_not_configured"]),
        ({"disk_free_bytes": 150 * 1024**2}, 0, "red", ["disk_nearly_full"]),
        ({"waiting": 4, "oldest_waiting_seconds": 15 * 60}, 0, "green", []),
        ({"waiting": 4, "oldest_waiting_seconds": 15 * 60 + 1}, 0, "amber", ["waiting_too_long"]),
        ({}, 120, "green", []),
        ({}, -121, "amber", ["clock_off"]),
        ({"parked": 1}, 0, "amber", ["parked"]),
        (
            {"last_error": {"code": "transient_error", "seconds": 0}, "last_sync_seconds": 60},
            0,
            "amber",
            ["sync_failing"],
        ),
        ({"last_error": {"code": "transient_error", "seconds": 600}, "last_sync_seconds": 0}, 0, "green", []),
        ({"printer": "jammed", "parked": 1}, 0, "red", ["printer_jammed", "parked"]),
    ],
)
def test_what_makes_a_kiosk_red_or_amber(changes, skew, state, codes):
    heartbeat = Heartbeat.model_validate_json(json.dumps(beat(**changes)))
    reasons = fleet.judge(heartbeat, NOW, skew, NOW - timedelta(days=1), NOW)
    assert (fleet.state_of(reasons), [r.code for r in reasons]) == (state, codes)
    assert all(r.fr and r.en for r in reasons)


def test_a_kiosk_never_heard_from(tmp_path):
    enrolled = NOW - timedelta(minutes=5)
    (reason,) = fleet.judge(None, None, None, enrolled, NOW)
    assert (reason.level, reason.code) == (fleet.AMBER, "no_heartbeat_yet")
    (reason,) = fleet.judge(None, None, None, enrolled, NOW + timedelta(minutes=10))
    assert (reason.level, reason.code) == (fleet.RED, "silent")


def test_the_printer_words_are_the_kiosks(tmp_path):
    from typing import get_args

    from kiosk.printing.printer import PRINTER_CONDITIONS
    from sync.wire import PrinterCondition

    assert set(get_args(PrinterCondition)) == set(PRINTER_CONDITIONS) == set(fleet.PRINTER_WORDS) | {"ready"}
