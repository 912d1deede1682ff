"""The centre publishes every kiosk's voucher-signing public key: a kiosk registers its own,
anyone reads them all without a credential, and nothing else passes for a key."""

from __future__ import annotations

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.domain.voucher import key_id
from kiosk.signing_key import public_key_pem


def test_a_kiosk_publishes_its_key_and_anyone_reads_every_kiosks_keys(central_server):
    first, second = central_server.enroll(), central_server.enroll(name="Borne 2")
    keys = [Ed25519PrivateKey.generate() for _ in range(2)]
    for client, key in zip((first, second), keys, strict=True):
        answer = requests.put(
            f"{central_server.url}/v1/voucher-key",
            json={"public_key": public_key_pem(key)},
            headers={"Authorization": f"Bearer {client.token}"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json() == {"key_id": key_id(key.public_key())}
    again = requests.put(
        f"{central_server.url}/v1/voucher-key",
        json={"public_key": public_key_pem(keys[0])},
        headers={"Authorization": f"Bearer {first.token}"},
        timeout=10,
    )
    assert again.status_code == 200  # registering again changes nothing

    published = requests.get(f"{central_server.url}/v1/voucher-keys", timeout=10)  # no credential
    assert published.status_code == 200
    listed = published.json()["keys"]
    assert sorted((k["kiosk_id"], k["key_id"], k["revoked"]) for k in listed) == sorted(  # in no set order
        [
            (first.kiosk_id, key_id(keys[0].public_key()), False),
            (second.kiosk_id, key_id(keys[1].public_key()), False),
        ]
    )
    by_kiosk = {k["kiosk_id"]: k for k in listed}
    assert by_kiosk[first.kiosk_id]["public_key"] == public_key_pem(keys[0])
    assert by_kiosk[first.kiosk_id]["site_id"] == first.site_id

    central_server.cli("revoke", second.kiosk_id)
    listed = requests.get(f"{central_server.url}/v1/voucher-keys", timeout=10).json()["keys"]
    revoked = {k["kiosk_id"]: k["revoked"] for k in listed}
    assert revoked == {first.kiosk_id: False, second.kiosk_id: True}  # still listed: its vouchers are recognised


def test_only_a_known_kiosk_registers_and_only_an_ed25519_public_key(central_server):
    client = central_server.enroll()
    pem = public_key_pem(Ed25519PrivateKey.generate())
    anonymous = requests.put(f"{central_server.url}/v1/voucher-key", json={"public_key": pem}, timeout=10)
    assert anonymous.status_code == 401
    rsa = generate_private_key(public_exponent=65537, key_size=2048).public_key()
    for bad in ("not a key", rsa.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(), "x" * 401):
        answer = requests.put(
            f"{central_server.url}/v1/voucher-key",
            json={"public_key": bad},
            headers={"Authorization": f"Bearer {client.token}"},
            timeout=10,
        )
        assert answer.status_code == 422, bad[:20]
        error = answer.json()["error"]
        assert error["fr"] and error["en"]
    assert requests.get(f"{central_server.url}/v1/voucher-keys", timeout=10).json()["keys"] == []


def test_a_kiosk_keeps_the_first_key_it_published_and_another_is_refused(central_server):
    """Whoever holds a kiosk's token (a copy of its data folder) cannot publish a key of their own."""
    client = central_server.enroll()
    own, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()

    def publish(key: Ed25519PrivateKey) -> requests.Response:
        return requests.put(
            f"{central_server.url}/v1/voucher-key",
            json={"public_key": public_key_pem(key)},
            headers={"Authorization": f"Bearer {client.token}"},
            timeout=10,
        )

    assert publish(own).status_code == 200
    refused = publish(other)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "voucher_key_pinned" and "enrôle" in error["fr"] and "enrolled again" in error["en"]
    assert publish(own).status_code == 200  # its own, again: nothing changes
    listed = requests.get(f"{central_server.url}/v1/voucher-keys", timeout=10).json()["keys"]
    assert [k["key_id"] for k in listed] == [key_id(own.public_key())]
