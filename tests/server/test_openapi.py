"""The committed OpenAPI document is the contract: it must be what the application produces.

Regenerate it with: .venv/bin/python -m sync.server.cli openapi --out sync/server/openapi.json
"""

from __future__ import annotations

import json

from sync.server.app import openapi_document, openapi_text
from sync.server.cli import OPENAPI_FILE


def test_committed_openapi_matches_the_application():
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert json.loads(committed) == openapi_document(), (
        "sync/server/openapi.json is out of date: run "
        ".venv/bin/python -m sync.server.cli openapi --out sync/server/openapi.json"
    )
    assert committed == openapi_text()


def test_openapi_describes_version_1_and_every_route():
    document = openapi_document()
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        "/v1/health",
        "/v1/enroll",
        "/v1/me",
        "/v1/operations",
        "/v1/changes",
        "/v1/voucher-key",
        "/v1/voucher-keys",
        "/v1/heartbeat",
        "/v1/photos/{sha256}",
        "/v1/vouchers/{reference}",
        "/v1/leases",
    }
    schemas = document["components"]["schemas"]
    for name in (
        "BookingCreatePayload",
        "BookingCancelPayload",
        "OfferData",
        "HouseholdData",
        "ErrorResponse",
        "Heartbeat",
    ):
        assert name in schemas
    assert schemas["OperationsRequest"]["properties"]["operations"]["maxItems"] == 500


def test_served_openapi_is_the_committed_one(central_server):
    import requests

    served = requests.get(f"{central_server.url}/v1/openapi.json", timeout=5).json()
    assert served == json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
