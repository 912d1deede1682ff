"""Signed voucher payloads, short codes and the kiosk's signing key (kiosk.domain.voucher, kiosk.signing_key)."""

from __future__ import annotations

import os
import stat
import string
import uuid
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.voucher import (
    CROCKFORD_ALPHABET,
    PAYLOAD_VERSION,
    Reason,
    Voucher,
    VoucherKind,
    VoucherState,
    decode_payload,
    encode_payload,
    is_valid_short_code,
    key_id,
    normalize_short_code,
    short_code,
    verify_payload,
)
from kiosk.errors import KioskError
from kiosk.signing_key import (
    SigningKeyError,
    load_or_create_signing_key,
    load_signing_key,
    public_key_pem,
    read_public_key,
    signing_key_path,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
ISSUED = datetime(2026, 11, 23, 16, 42, 37)


def booking(**changes) -> Voucher:
    values = {
        "kind": "booking",
        "reference": "3f2c8a1e-5b7d-4c2a-9e41-0d6f3b8a7c15",
        "site_id": "DEMO-LYON-PARTDIEU",
        "title": "Soirée théâtre : « Cyrano de Bergerac »",
        "start": datetime(2026, 12, 5, 20, 0),
        "end": datetime(2026, 12, 5, 22, 30),
        "place": "Théâtre des Célestins, Lyon",
        "participants": ("Camille Lefèvre", "Mathieu Lefèvre", "Inès Lefèvre"),
        "total_cents": 13500,
        "state": "confirmed",
        "issued_at": ISSUED,
    }
    values.update(changes)
    return Voucher(**values)


def pickup(**changes) -> Voucher:
    values = {
        "kind": "pickup",
        "reference": "9d0b7e52-1c44-4a8e-b7f3-2a61c0d95e08",
        "site_id": "DEMO-LYON-PARTDIEU",
        "title": "Pressing",
        "start": datetime(2026, 11, 26, 17, 0),
        "end": None,
        "place": "Point conciergerie, hall B",
        "participants": (),
        "total_cents": None,
        "state": "request",
        "issued_at": ISSUED,
    }
    values.update(changes)
    return Voucher(**values)


PAYLOAD = encode_payload(booking(), KEY)
PUBLIC = [KEY.public_key()]


# --- Round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "voucher",
    [
        booking(),
        booking(state="provisional", end=datetime(2026, 12, 12, 10, 0), total_cents=0),
        booking(state="waitlisted", participants=("Camille Lefèvre",)),
        booking(state="request", total_cents=None),
        pickup(),
        pickup(state="ready", end=datetime(2026, 12, 10, 18, 0), total_cents=850),
        booking(site_id="Site d'Épinal: hall/2 %"),
    ],
    ids=["confirmed", "multi-day", "waitlisted", "request", "pickup", "ready", "odd-site-id"],
)
def test_a_signed_payload_verifies_and_states_the_voucher(voucher):
    payload = encode_payload(voucher, KEY)
    result = verify_payload(payload, PUBLIC)
    assert result.valid, result.message_en
    assert result.reason is None
    assert result.claims.matches(voucher)
    assert result.claims.key_id == key_id(KEY.public_key())
    assert result.claims.short_code == voucher.short_code
    assert result.claims.participant_count == len(voucher.participants)


def test_the_payload_is_compact_and_holds_no_names():
    assert PAYLOAD.startswith(PAYLOAD_VERSION + ":")
    assert len(PAYLOAD) <= 210
    for name in booking().participants:
        for part in name.split():
            assert part.upper() not in PAYLOAD.upper()
    assert booking().title.split()[0] not in PAYLOAD
    # Everything but the site id is upper case, digits and ':' (compact in a QR code).
    assert set(PAYLOAD) <= set(string.ascii_uppercase + string.digits + ":-")


def test_the_payload_is_deterministic_for_a_voucher_and_key():
    assert encode_payload(booking(), KEY) == PAYLOAD
    assert encode_payload(booking(total_cents=13600), KEY) != PAYLOAD


def test_surrounding_whitespace_is_ignored():
    assert verify_payload(f"  {PAYLOAD}\n", PUBLIC).valid


def test_several_known_keys_pick_the_right_one():
    assert verify_payload(PAYLOAD, [OTHER_KEY.public_key(), KEY.public_key()]).valid


# --- Any change is refused ----------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_single_character_change_is_rejected(data):
    position = data.draw(st.integers(0, len(PAYLOAD) - 1), label="position")
    original = PAYLOAD[position]
    replacement = data.draw(
        st.one_of(
            st.sampled_from(string.ascii_uppercase + string.digits + ":-% ").filter(lambda c: c != original),
            st.characters().filter(lambda c: c != original),
        ),
        label="replacement",
    )
    changed = PAYLOAD[:position] + replacement + PAYLOAD[position + 1 :]
    result = verify_payload(changed, PUBLIC)
    assert not result.valid
    assert result.reason in set(Reason)
    assert result.message_fr and result.message_en


def test_every_position_changed_to_a_neighbouring_symbol_is_rejected():
    # Exhaustive companion to the property test: each character, replaced by the next
    # symbol of its own alphabet (the hardest change to spot: still well formed).
    alphabet = string.ascii_uppercase + "234567" + string.digits
    for position, original in enumerate(PAYLOAD):
        replacement = alphabet[(alphabet.index(original) + 1) % len(alphabet)] if original in alphabet else "A"
        changed = PAYLOAD[:position] + replacement + PAYLOAD[position + 1 :]
        assert not verify_payload(changed, PUBLIC).valid, position


def test_every_deleted_or_inserted_character_is_rejected():
    for position in range(len(PAYLOAD)):
        assert not verify_payload(PAYLOAD[:position] + PAYLOAD[position + 1 :], PUBLIC).valid, position
    for position in range(1, len(PAYLOAD)):
        assert not verify_payload(PAYLOAD[:position] + "A" + PAYLOAD[position:], PUBLIC).valid, position


def test_a_truncated_payload_says_so():
    for length in range(1, len(PAYLOAD)):
        result = verify_payload(PAYLOAD[:length], PUBLIC)
        assert not result.valid
        assert result.reason is Reason.TRUNCATED, (length, result.message_en)
    assert "tronqué" in verify_payload(PAYLOAD[:150], PUBLIC).message_fr
    assert "truncated" in verify_payload(PAYLOAD[:150], PUBLIC).message_en


def test_an_unknown_key_is_named():
    result = verify_payload(PAYLOAD, [OTHER_KEY.public_key()])
    assert not result.valid
    assert result.reason is Reason.UNKNOWN_KEY
    assert key_id(KEY.public_key()) in result.message_fr
    assert key_id(KEY.public_key()) in result.message_en
    assert not verify_payload(PAYLOAD, []).valid


def test_a_signature_from_another_voucher_is_a_bad_signature():
    other = encode_payload(booking(total_cents=1), KEY)
    spliced = PAYLOAD.rsplit(":", 1)[0] + ":" + other.rsplit(":", 1)[1]
    result = verify_payload(spliced, PUBLIC)
    assert result.reason is Reason.BAD_SIGNATURE
    assert "signature" in result.message_fr and "signature" in result.message_en


def test_a_signature_by_another_key_under_this_key_id_is_a_bad_signature():
    forged = encode_payload(booking(), OTHER_KEY).split(":")
    forged[1] = key_id(KEY.public_key())
    result = verify_payload(":".join(forged), PUBLIC)
    assert result.reason is Reason.BAD_SIGNATURE


def test_a_non_canonical_signature_encoding_is_refused():
    # The last base32 symbol carries 2 bits of the signature and 3 unused bits: changing only
    # the unused bits must not give a second valid spelling of the same signature.
    last = PAYLOAD[-1]
    value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(last)
    twin = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[value ^ 0b00001]
    result = verify_payload(PAYLOAD[:-1] + twin, PUBLIC)
    assert not result.valid
    assert result.reason is Reason.BAD_FORMAT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "https://example.org/voucher",
        "SLV2:AAAA",
        PAYLOAD + ":EXTRA",
        PAYLOAD.lower(),
        "SLV1" + "\x00" * 5,
        PAYLOAD.replace(":B:", ":X:"),
    ],
)
def test_other_text_is_a_bad_format(text):
    result = verify_payload(text, PUBLIC)
    assert not result.valid
    assert result.reason in (Reason.BAD_FORMAT, Reason.TRUNCATED)
    assert result.message_fr != result.message_en


def test_a_malformed_field_is_named_in_each_language():
    bad_key_id = verify_payload("SLV1:abc:", PUBLIC)
    assert bad_key_id.message_fr.endswith("(champ « identifiant de clé »)")
    assert bad_key_id.message_en.endswith("(field 'key id')")
    bad_kind = verify_payload(PAYLOAD.replace(":B:", ":X:"), PUBLIC)
    assert bad_kind.message_fr.endswith("(champ « type »)") and bad_kind.message_en.endswith("(field 'kind')")


def test_decode_reads_the_fields_without_a_key():
    claims, signed, signature = decode_payload(PAYLOAD)
    assert claims.reference == booking().reference
    assert claims.issued_at == datetime(2026, 11, 23, 16, 42)  # to the minute
    assert signed.endswith(b":") and len(signature) == 64


# --- The voucher itself -------------------------------------------------------------------------


def test_a_voucher_normalises_its_fields():
    voucher = booking(reference="3F2C8A1E5B7D4C2A9E410D6F3B8A7C15", participants=["A B"])
    assert voucher.reference == "3f2c8a1e-5b7d-4c2a-9e41-0d6f3b8a7c15"
    assert voucher.kind is VoucherKind.BOOKING and voucher.state is VoucherState.CONFIRMED
    assert voucher.participants == ("A B",)


@pytest.mark.parametrize(
    "changes",
    [
        {"end": None},
        {"participants": ("x",) * 100},
        {"end": datetime(2026, 12, 5, 19, 0)},
        {"total_cents": -1},
        {"total_cents": 12.5},
        {"reference": "not-a-uuid"},
        {"state": "lost"},
        {"site_id": " "},
        {"title": ""},
    ],
)
def test_an_impossible_voucher_is_refused(changes):
    with pytest.raises(ValueError):
        booking(**changes)


# --- Short code ---------------------------------------------------------------------------------


def test_the_short_code_is_eight_crockford_symbols_derived_from_the_reference():
    code = short_code(booking().reference)
    assert len(code) == 9 and code[4] == "-"
    assert all(c in CROCKFORD_ALPHABET for c in code.replace("-", ""))
    assert code == booking().short_code == short_code(booking().reference.upper())
    assert is_valid_short_code(code)


def test_short_codes_differ_between_references():
    codes = {short_code(str(uuid.UUID(int=n * 7919 + 1))) for n in range(2000)}
    assert len(codes) == 2000


def test_a_misread_character_in_a_short_code_is_detected():
    for n in range(50):
        code = short_code(str(uuid.UUID(int=n + 12345))).replace("-", "")
        for position in range(8):
            for symbol in CROCKFORD_ALPHABET:
                if symbol != code[position]:
                    wrong = code[:position] + symbol + code[position + 1 :]
                    assert not is_valid_short_code(wrong), (code, wrong)


def test_two_swapped_neighbours_in_a_short_code_are_detected():
    for n in range(200):
        code = short_code(str(uuid.UUID(int=n + 777))).replace("-", "")
        for position in range(7):
            if code[position] != code[position + 1]:
                swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                assert not is_valid_short_code(swapped), (code, swapped)


def test_a_short_code_is_read_the_way_people_type_it():
    code = short_code(booking().reference)
    spoken = code.lower().replace("-", " ")
    assert normalize_short_code(spoken) == code
    assert normalize_short_code(code.replace("0", "O").replace("1", "l")) == code
    assert normalize_short_code("ABC") is None
    assert normalize_short_code("ABCD-EFGU") is None  # U is not a Crockford symbol


# --- Keys ---------------------------------------------------------------------------------------


def test_key_ids_are_short_and_distinct():
    assert len(key_id(KEY.public_key())) == 8
    assert key_id(KEY.public_key()) != key_id(OTHER_KEY.public_key())


def test_the_signing_key_is_created_once_private_and_reloaded(tmp_path):
    assert load_signing_key(tmp_path) is None
    key = load_or_create_signing_key(tmp_path)
    path = signing_key_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_signing_key(tmp_path)
    assert public_key_pem(again) == public_key_pem(key)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    exported = tmp_path / "public.pem"
    exported.write_text(public_key_pem(key))
    assert key_id(read_public_key(exported)) == key_id(key.public_key())
    assert verify_payload(encode_payload(booking(), key), [read_public_key(exported)]).valid


def test_a_damaged_signing_key_is_reported_and_left_alone(tmp_path):
    path = signing_key_path(tmp_path)
    path.parent.mkdir()
    path.write_text("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    before = path.read_bytes()
    with pytest.raises(SigningKeyError) as caught:
        load_or_create_signing_key(tmp_path)
    assert isinstance(caught.value, KioskError)
    assert "abîmée" in caught.value.fr and "damaged" in caught.value.en
    assert path.read_bytes() == before


def test_a_signing_key_readable_by_others_is_restricted(tmp_path):
    load_or_create_signing_key(tmp_path)
    path = signing_key_path(tmp_path)
    os.chmod(path, 0o644)
    load_signing_key(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_public_key_file_that_is_not_one_is_explained(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text("not a key")
    with pytest.raises(SigningKeyError) as caught:
        read_public_key(path)
    assert "Ed25519" in caught.value.fr and "Ed25519" in caught.value.en
    with pytest.raises(SigningKeyError):
        read_public_key(tmp_path / "missing.pem")


# --- Bounds and what a damaged payload is said to be (mutation survivors) -----------------------


def test_a_voucher_at_its_bounds_is_made_and_one_past_them_refused():
    assert booking(site_id="S" * 40).site_id == "S" * 40
    assert booking(end=datetime(2026, 12, 5, 20, 0)).end == booking().start  # over the moment it starts
    assert booking(participants=("x",) * 99).participant_count == 99
    assert (
        booking(start=datetime(2000, 1, 1), end=datetime(2000, 1, 1), issued_at=datetime(2000, 1, 1)).start.year == 2000
    )
    assert booking(end=datetime(9999, 12, 31), issued_at=datetime(9999, 1, 1)).issued_at.year == 9999
    for changes in (
        {"site_id": "S" * 41},
        {"start": datetime(1999, 12, 31, 23, 0)},
        {"issued_at": datetime(1999, 1, 1)},
    ):
        with pytest.raises(ValueError):
            booking(**changes)


def test_a_pickup_ticket_prints_no_deadline_nothing_paid_and_nothing_to_bring():
    assert (pickup().cancel_until, pickup().paid_cents, pickup().bring) == (None, 0, "")


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "pickup"},
        {"state": "provisional"},
        {"reference": "9d0b7e52-1c44-4a8e-b7f3-2a61c0d95e08"},
        {"site_id": "DEMO-MARSEILLE"},
        {"start": datetime(2026, 12, 5, 20, 1)},
        {"end": datetime(2026, 12, 5, 22, 31)},
        {"participants": ("Camille Lefèvre",)},
        {"total_cents": 13501},
        {"issued_at": datetime(2026, 11, 23, 16, 43)},
    ],
)
def test_a_payload_states_one_voucher_and_no_other(changes):
    claims, _signed, _signature = decode_payload(PAYLOAD)
    assert claims.matches(booking())
    assert not claims.matches(booking(**changes))


def test_a_valid_voucher_is_said_so_in_each_language():
    result = verify_payload(PAYLOAD, PUBLIC)
    assert (result.valid, result.reason) == (True, None)
    assert result.message_fr == "Bon valide : signature vérifiée."
    assert result.message_en.startswith("Valid voucher")


def test_what_is_cut_short_and_what_is_wrong_are_told_apart():
    assert verify_payload("", PUBLIC).reason is Reason.BAD_FORMAT  # nothing read is not a code cut short
    assert verify_payload("SLV", PUBLIC).reason is Reason.TRUNCATED
    wrong_kind = verify_payload("SLV1:ABCDEFGH:Z:", PUBLIC)  # the last whole field is wrong, not cut
    assert wrong_kind.reason is Reason.BAD_FORMAT
    assert wrong_kind.message_fr == "ce n'est pas un bon SLVie lisible (champ « type »)"
    signed, signature = PAYLOAD.rsplit(":", 1)
    assert len(signature) == 103
    assert verify_payload(f"{signed}:{signature[:102]}", PUBLIC).reason is Reason.TRUNCATED
    assert verify_payload(f"{signed}:{signature}A", PUBLIC).reason is Reason.BAD_FORMAT


def test_a_site_id_that_is_not_utf8_is_refused_never_raised():
    fields = PAYLOAD.split(":")
    fields[5] = "%FF"
    result = verify_payload(":".join(fields), PUBLIC)
    assert (result.valid, result.reason) == (False, Reason.BAD_FORMAT)


def test_a_key_id_ending_in_x_is_kept_whole():
    key = Ed25519PrivateKey.from_private_bytes(bytes([13]) * 32)
    assert key_id(key.public_key()) == "337GGMHX"
    assert verify_payload(encode_payload(booking(), key), [key.public_key()]).valid


def test_a_voucher_ending_the_moment_it_starts_reads_back():
    instant = booking(end=datetime(2026, 12, 5, 20, 0))
    claims, _, _ = decode_payload(encode_payload(instant, KEY))
    assert (claims.start, claims.end) == (datetime(2026, 12, 5, 20, 0), datetime(2026, 12, 5, 20, 0))


def test_a_payload_of_another_version_is_told_so_even_across_lines():
    for text in ("SLV9:ABC", "SLV9:AB\nCD"):
        result = verify_payload(text, PUBLIC)
        assert result.reason is Reason.BAD_FORMAT and "unsupported version" in result.message_en


def test_a_payload_with_a_state_no_voucher_has_or_ending_before_it_starts_is_refused_saying_so():
    parts = PAYLOAD.split(":")
    unknown_state = verify_payload(":".join([*parts[:3], "X", *parts[4:]]), PUBLIC)
    assert unknown_state.reason is Reason.BAD_FORMAT and "state" in unknown_state.message_en
    backwards = verify_payload(":".join([*parts[:7], "200001010000", *parts[8:]]), PUBLIC)
    assert backwards.reason is Reason.BAD_FORMAT and "end before start" in backwards.message_en
