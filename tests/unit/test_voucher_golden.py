"""Golden vectors: vouchers already printed must stay valid and read the same.

tests/unit/golden/vouchers.json holds, for a fixed test key, booking vouchers and
concierge pickup tickets with their exact payload, signature and short code. The
code must reproduce them byte for byte, accept them, and decode the same facts
from them: a change of format that would invalidate vouchers in people's hands
fails here. Never regenerate the file to make this pass; a new format is a new
version with vectors of its own.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.domain.booking import BookingState
from kiosk.domain.voucher import (
    PayloadError,
    Reason,
    Voucher,
    VoucherKind,
    VoucherState,
    booking_standing,
    decode_payload,
    encode_payload,
    key_id,
    normalize_short_code,
    short_code,
    verify_payload,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "vouchers.json").read_text(encoding="utf-8"))
PRIVATE_KEY = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(GOLDEN["key"]["private_seed_hex"]))
PUBLIC_KEY = Ed25519PublicKey.from_public_bytes(bytes.fromhex(GOLDEN["key"]["public_key_hex"]))
VECTORS = GOLDEN["vectors"]
IDS = [vector["name"] for vector in VECTORS]


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _voucher(fields: dict) -> Voucher:
    return Voucher(
        **{
            **fields,
            "start": _moment(fields["start"]),
            "end": _moment(fields["end"]),
            "issued_at": _moment(fields["issued_at"]),
            "participants": tuple(fields["participants"]),
        }
    )


def test_the_vectors_cover_every_kind_and_state_a_voucher_is_printed_with():
    printed = {(v["voucher"]["kind"], v["voucher"]["state"]) for v in VECTORS}
    assert {kind for kind, _ in printed} == {k.value for k in VoucherKind}
    assert {state for _, state in printed} == {s.value for s in VoucherState}
    assert any(v["voucher"]["total_cents"] is None for v in VECTORS)
    assert any(v["voucher"]["total_cents"] == 0 for v in VECTORS)
    assert any("%" in v["payload"] for v in VECTORS)  # a percent-encoded site id


def test_the_stored_key_pair_and_key_id_belong_together():
    raw = PRIVATE_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert raw.hex() == GOLDEN["key"]["public_key_hex"]
    assert key_id(PUBLIC_KEY) == GOLDEN["key"]["key_id"]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_the_payload_is_reproduced_byte_for_byte(vector):
    payload = encode_payload(_voucher(vector["voucher"]), PRIVATE_KEY)
    assert payload.encode("ascii") == vector["payload"].encode("ascii")
    assert vector["payload"] == vector["signed_text"] + vector["signature_base32"]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_the_stored_signature_verifies_with_the_published_key_alone(vector):
    # Checked with the primitive, as any outside verifier would (docs/voucher-format.md, "How to verify").
    signature = base64.b32decode(vector["signature_base32"] + "=" * (-len(vector["signature_base32"]) % 8))
    assert len(signature) == 64
    PUBLIC_KEY.verify(signature, vector["signed_text"].encode("ascii"))
    result = verify_payload(vector["payload"], [PUBLIC_KEY])
    assert result.valid, result.message_en
    assert result.claims.matches(_voucher(vector["voucher"]))


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_the_stored_payload_decodes_to_the_printed_facts(vector):
    fields = vector["voucher"]
    claims, signed, _ = decode_payload(vector["payload"])
    assert signed == vector["signed_text"].encode("ascii")
    assert claims.key_id == GOLDEN["key"]["key_id"]
    assert claims.kind.value == fields["kind"]
    assert claims.state.value == fields["state"]
    assert claims.reference == fields["reference"]
    assert claims.site_id == fields["site_id"]
    assert claims.start == _moment(fields["start"]).replace(second=0)
    assert claims.end == (None if fields["end"] is None else _moment(fields["end"]).replace(second=0))
    assert claims.participant_count == len(fields["participants"])
    assert claims.total_cents == fields["total_cents"]
    assert claims.issued_at == _moment(fields["issued_at"]).replace(second=0)


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_the_short_code_is_the_one_printed(vector):
    assert short_code(vector["voucher"]["reference"]) == vector["short_code"]
    assert _voucher(vector["voucher"]).short_code == vector["short_code"]
    assert normalize_short_code(vector["short_code"].lower().replace("-", " ")) == vector["short_code"]


# What a person scanning a damaged voucher is told: the field named in French and in English.
DAMAGED_FIELDS = [
    ("identifiant de clé", "key id"),
    ("type", "kind"),
    ("état", "state"),
    ("référence", "reference"),
    ("site", "site"),
    ("début", "start"),
    ("fin", "end"),
    ("participants", "participants"),
    ("montant", "total"),
    ("date d'émission", "issued"),
    ("signature", "signature"),
]


@pytest.mark.parametrize(("at", "names"), list(enumerate(DAMAGED_FIELDS, start=1)), ids=[n for _, n in DAMAGED_FIELDS])
def test_a_damaged_field_is_named_in_both_languages(at, names):
    parts = VECTORS[0]["payload"].split(":")
    parts[at] = "!"
    with pytest.raises(PayloadError) as caught:
        decode_payload(":".join(parts))
    assert caught.value.reason is Reason.BAD_FORMAT
    assert caught.value.message_fr == f"ce n'est pas un bon SLVie lisible (champ « {names[0]} »)"
    assert caught.value.message_en == f"this is not a readable SLVie voucher (field '{names[1]}')"


AWAITING = (True, "en attente d'une décision : le bon ne donne pas encore de place")
SUPERSEDED = (True, "remplacé : la réservation est confirmée depuis, c'est le bon confirmé qui fait foi")
REFUSED = (False, "refusé : la CCAS/CMCAS a refusé cette réservation, le bon ne donne pas de place")
CANCELLED = (False, "annulé : cette réservation a été annulée, le bon ne donne plus de place")
NO_LONGER = (False, "la réservation n'est plus confirmée : elle attend une place")
# What a printed voucher is worth once the booking has moved on: (printed state, booking now) -> standing.
STANDINGS = {
    ("confirmed", "confirmed"): (True, "réservation confirmée"),
    ("confirmed", "requested"): NO_LONGER,
    ("confirmed", "waitlisted"): NO_LONGER,
    ("confirmed", "refused"): REFUSED,
    ("confirmed", "cancelled"): CANCELLED,
    ("provisional", "confirmed"): SUPERSEDED,
    ("provisional", "requested"): AWAITING,
    ("waitlisted", "waitlisted"): AWAITING,
    ("waitlisted", "refused"): REFUSED,
    ("request", "confirmed"): SUPERSEDED,
    ("request", "cancelled"): CANCELLED,
}


@pytest.mark.parametrize(("printed", "now"), list(STANDINGS), ids=[f"{p}-{n}" for p, n in STANDINGS])
def test_a_printed_voucher_holds_as_long_as_its_booking_does(printed, now):
    standing = booking_standing(VoucherState(printed), BookingState(now))
    assert (standing.holds, standing.text.message("fr")) == STANDINGS[(printed, now)]
