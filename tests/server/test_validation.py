"""Every request body is validated strictly; errors come as {"error": {"code", "fr", "en"}}."""

from __future__ import annotations

import json

import pytest
import requests

from tests.server.data import booking_op


def error_of(answer: requests.Response, status: int) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert list(body) == ["error"] and sorted(body["error"]) == ["code", "en", "fr"]
    assert body["error"]["fr"] and body["error"]["en"]
    return body["error"]


def raw_post(kiosk, path: str, data: bytes, **headers) -> requests.Response:
    return kiosk.http.post(
        f"{kiosk.url}{path}", data=data, headers={"Content-Type": "application/json", **headers}, timeout=30
    )


def test_malformed_json_is_400(kiosk):
    assert error_of(raw_post(kiosk, "/v1/operations", b'{"operations": ['), 400)["code"] == "malformed_json"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"operations": "nope"},
        {"operations": [], "extra": 1},
        {
            "operations": [
                {"op_id": "not-a-uuid", "kind": "booking.create", "created_at": "2026-11-23T10:00:00", "payload": {}}
            ]
        },
        {"operations": [{**booking_op("S", ["P"]), "created_at": "2026-11-23 10:00"}]},
        {"operations": [{**booking_op("S", ["P"]), "created_at": "2026-02-30T10:00:00"}]},
        {"operations": [{**booking_op("S", ["P"]), "payload": ["not", "an", "object"]}]},
        {"operations": [{**booking_op("S", ["P"]), "kind": 3}]},
        {"operations": [{**booking_op("S", ["P"]), "surprise": 1}]},
        [],
    ],
)
def test_wrong_shapes_are_422(kiosk, body):
    error = error_of(kiosk.post("/v1/operations", body), 422)
    assert error["code"] == "invalid_request"


def test_enrol_body_is_checked(central_server):
    url = f"{central_server.url}/v1/enroll"
    for body in (
        {"code": "ABCDEFGHJKLM"},
        {"code": "ABCDEFGHJKLM", "kiosk_name": ""},
        {"code": "<script>", "kiosk_name": "x"},
        {"code": "ABCDEFGHJKLM", "kiosk_name": "x", "site": "Y"},
    ):
        error_of(requests.post(url, json=body, timeout=5), 422)


def test_a_batch_over_500_operations_is_413(kiosk):
    operations = [booking_op("S", ["P"]) for _ in range(501)]
    assert error_of(kiosk.post("/v1/operations", {"operations": operations}), 413)["code"] == "batch_too_large"
    assert len(kiosk.push(operations[:500])) == 500


def test_a_body_over_a_few_megabytes_is_413(kiosk):
    huge = json.dumps({"operations": [], "padding": "x" * (5 * 1024 * 1024)}).encode()
    assert error_of(raw_post(kiosk, "/v1/operations", huge), 413)["code"] == "request_too_large"

    def chunks():  # no Content-Length: counted while read
        for _ in range(6):
            yield b" " * (1024 * 1024)

    answer = kiosk.http.post(
        f"{kiosk.url}/v1/operations", data=chunks(), headers={"Content-Type": "application/json"}, timeout=30
    )
    assert error_of(answer, 413)["code"] == "request_too_large"


def test_unknown_address_and_method(kiosk):
    assert error_of(kiosk.get("/v1/nothing"), 404)["code"] == "not_found"
    assert error_of(kiosk.get("/v1/operations"), 405)["code"] == "method_not_allowed"


def test_json_nested_too_deep_is_malformed_json_in_french_and_english(kiosk):
    error = error_of(
        raw_post(kiosk, "/v1/operations", b'{"operations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), 400
    )
    assert error["code"] == "malformed_json"
    assert error["fr"] == "Le contenu envoyé n'est pas du JSON valable."
    assert error["en"] == "The request body is not valid JSON."


@pytest.mark.parametrize("cursor", [str(2**63), str(10**400)])
def test_a_cursor_beyond_what_sqlite_can_number_is_refused(kiosk, cursor):
    assert error_of(kiosk.get("/v1/changes", cursor=cursor), 422)["code"] == "invalid_request"
