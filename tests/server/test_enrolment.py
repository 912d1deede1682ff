"""Kiosk enrolment and credentials: one-time codes, tokens kept as hashes, 401 and 403."""

from __future__ import annotations

import sqlite3

import pytest
import requests

from tests.server.central import KioskClient


def error_of(answer: requests.Response) -> dict:
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "fr", "en"}, body
    return body["error"]


def test_health_needs_no_credential(central_server):
    answer = requests.get(f"{central_server.url}/v1/health", timeout=5)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and len(answer.json()["time"]) == 19


def test_a_code_gives_a_token_once(central_server):
    code = central_server.enroll_code("LYON-PARTDIEU")
    assert len(code) == 12
    first = requests.post(f"{central_server.url}/v1/enroll", json={"code": code, "kiosk_name": "Hall A"}, timeout=5)
    assert first.status_code == 200
    body = first.json()
    assert body["site_id"] == "LYON-PARTDIEU" and body["kiosk_id"] and body["token"]
    kiosk = KioskClient(central_server.url, body["token"], body["kiosk_id"], body["site_id"])
    assert kiosk.get("/v1/me").json() == {
        "kiosk_id": body["kiosk_id"],
        "site_id": "LYON-PARTDIEU",
        "kiosk_name": "Hall A",
    }

    again = requests.post(f"{central_server.url}/v1/enroll", json={"code": code, "kiosk_name": "Hall B"}, timeout=5)
    assert again.status_code == 403
    assert error_of(again)["code"] == "enrolment_refused"


def test_codes_are_typed_forgivingly_and_unknown_ones_refused(central_server):
    code = central_server.enroll_code()
    spaced = f"{code[:4]}-{code[4:8]} {code[8:]}".lower()
    assert (
        requests.post(
            f"{central_server.url}/v1/enroll", json={"code": spaced, "kiosk_name": "B"}, timeout=5
        ).status_code
        == 200
    )
    unknown = requests.post(
        f"{central_server.url}/v1/enroll", json={"code": "ABCDEFGHJKLM", "kiosk_name": "B"}, timeout=5
    )
    assert unknown.status_code == 403


@pytest.mark.sqlite_only  # reads the file's every byte
def test_only_hashes_are_stored(central_server, kiosk):
    with sqlite3.connect(central_server.db_path) as conn:
        dump = "\n".join(conn.iterdump())
    assert kiosk.token not in dump
    assert kiosk.kiosk_id in dump


def test_missing_or_bad_token_is_401(central_server, kiosk):
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Basic {kiosk.token}"},
        {"Authorization": f"Bearer {kiosk.token}x"},
    ):
        for method, path in (("get", "/v1/me"), ("get", "/v1/changes"), ("post", "/v1/operations")):
            answer = requests.request(
                method,
                f"{central_server.url}{path}",
                headers=headers,
                json={"operations": []} if method == "post" else None,
                timeout=5,
            )
            assert answer.status_code == 401, (headers, path, answer.text)
            assert error_of(answer)["code"] == "unauthenticated"
            assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_kiosk_gets_403_and_others_keep_working(central_server, kiosk):
    other = central_server.enroll(name="Other")
    assert kiosk.get("/v1/me").status_code == 200
    code, out, _ = central_server.cli("revoke", kiosk.kiosk_id)
    assert code == 0 and kiosk.kiosk_id in out
    for answer in (kiosk.get("/v1/me"), kiosk.get("/v1/changes"), kiosk.post("/v1/operations", {"operations": []})):
        assert answer.status_code == 403
        error = error_of(answer)
        assert error["code"] == "kiosk_revoked" and error["fr"] and error["en"]
    assert other.get("/v1/me").status_code == 200
    assert central_server.cli("revoke", "K-NOPE")[0] == 2


def test_enroll_code_command_prints_a_usable_code(central_server):
    code, out, _ = central_server.cli("enroll-code", "--site", "MARSEILLE")
    assert code == 0
    answer = requests.post(f"{central_server.url}/v1/enroll", json={"code": out.strip(), "kiosk_name": "M"}, timeout=5)
    assert answer.status_code == 200 and answer.json()["site_id"] == "MARSEILLE"
    _, listing, _ = central_server.cli("kiosks")
    assert answer.json()["kiosk_id"] in listing


def test_an_enrolment_whose_answer_was_lost_is_asked_again_with_the_same_code(central_server):
    """The code is spent by the first request; the same machine asking again gets the same kiosk, not an orphan."""
    code = central_server.enroll_code("LYON-PARTDIEU")
    attempt = "a" * 43
    first = requests.post(
        f"{central_server.url}/v1/enroll", timeout=5, json={"code": code, "kiosk_name": "Hall A", "attempt": attempt}
    ).json()
    again = requests.post(
        f"{central_server.url}/v1/enroll", timeout=5, json={"code": code, "kiosk_name": "Hall A", "attempt": attempt}
    )
    assert again.status_code == 200
    assert (again.json()["kiosk_id"], again.json()["site_id"]) == (first["kiosk_id"], "LYON-PARTDIEU")
    assert again.json()["token"] != first["token"]
    lost = KioskClient(central_server.url, first["token"], first["kiosk_id"], "LYON-PARTDIEU")
    assert lost.get("/v1/me").status_code == 401  # the lost token stops working
    kept = KioskClient(central_server.url, again.json()["token"], first["kiosk_id"], "LYON-PARTDIEU")
    assert kept.get("/v1/me").status_code == 200
    assert len(central_server.query("SELECT id FROM kiosks")) == 1
    for other in ({"attempt": "b" * 43}, {}):  # another machine, or one that does not say: refused
        answer = requests.post(
            f"{central_server.url}/v1/enroll", timeout=5, json={"code": code, "kiosk_name": "Hall B", **other}
        )
        assert answer.status_code == 403 and error_of(answer)["code"] == "enrolment_refused"


def test_the_same_attempt_is_refused_after_ten_minutes_or_for_a_revoked_kiosk(tmp_path):
    from datetime import datetime, timedelta

    from sync.server import auth
    from sync.server.db import Database

    db = Database(tmp_path / "central.sqlite3")
    now = datetime(2026, 12, 2, 10, 0)
    code = auth.create_enrolment_code(db, "LYON-PARTDIEU", now)
    kiosk, _ = auth.enroll(db, code, "Hall A", now, "a" * 43)
    assert auth.enroll(db, code, "Hall A", now + timedelta(minutes=10), "a" * 43)[0].id == kiosk.id
    with pytest.raises(auth.EnrolmentRefused):
        auth.enroll(db, code, "Hall A", now + timedelta(minutes=10, seconds=1), "a" * 43)
    second = auth.create_enrolment_code(db, "LYON-PARTDIEU", now)
    revoked, _ = auth.enroll(db, second, "Hall B", now, "c" * 43)
    auth.revoke(db, revoked.id, now)
    with pytest.raises(auth.EnrolmentRefused):
        auth.enroll(db, second, "Hall B", now, "c" * 43)
    db.close()
