import base64
import hashlib
from datetime import date, datetime

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from kiosk.domain.household import (
    CardError,
    hash_pin,
    parse_card_input,
    pin_hash_outdated,
    verify_pin,
)
from kiosk.domain.lockout import LOCK_DURATION, FailureRecord
from tests.factories import CLAIRE_CARD, light_hasher, pin_hash


def test_a_card_is_typed_or_scanned():
    assert parse_card_input(CLAIRE_CARD) == CLAIRE_CARD
    assert parse_card_input(f"  ACTIV:{CLAIRE_CARD}\n") == CLAIRE_CARD
    assert parse_card_input("1000 0000 0001 7") == CLAIRE_CARD


@pytest.mark.parametrize(
    "scan, words",
    [
        ("", "Tapez les 13 chiffres"),
        ("100000000001", "13 chiffres"),  # truncated scan
        ("1000000000018", "mal tapé"),  # one digit misread: the check digit catches it
        ("ACTIV:#!?%%", "que des chiffres"),
        ("x" * 5000, "trop long"),
        ("１０００００００００１７", "que des chiffres"),  # full-width digits from an odd keyboard layout
        ("'; DROP TABLE persons; --", "que des chiffres"),
    ],
)
def test_a_bad_scan_says_what_is_wrong(scan, words):
    with pytest.raises(CardError) as caught:
        parse_card_input(scan)
    assert words in caught.value.fr
    assert caught.value.en


def test_pins_are_checked_against_their_hash_only():
    stored = pin_hash("1234")
    assert stored.startswith("$argon2id$") and "1234" not in stored
    assert verify_pin("1234", stored)
    assert not verify_pin("1235", stored)
    assert not verify_pin("1234", "scrypt$garbage")
    assert not verify_pin("1234", "$argon2id$garbage")
    assert not verify_pin("1234", "")
    assert pin_hash("1234") != hash_pin("1234", hasher=light_hasher())  # salted


def test_a_pin_hash_is_argon2id_with_128_mib_and_three_passes():
    stored = hash_pin("1234")
    cost = extract_parameters(stored)
    assert stored.startswith("$argon2id$v=19$") and (cost.memory_cost, cost.time_cost) == (128 * 1024, 3)
    assert verify_pin("1234", stored) and not pin_hash_outdated(stored)


def test_an_older_scrypt_hash_still_signs_in_and_is_marked_for_replacement():
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"1234", salt=salt, n=2**14, r=8, p=1, dklen=32)
    legacy = f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert verify_pin("1234", legacy) and not verify_pin("4321", legacy)
    assert pin_hash_outdated(legacy)
    huge = f"scrypt$4194304$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert not verify_pin("1234", huge)  # a cost from a broken centre is refused, not tried


def test_an_argon2id_hash_asking_more_than_a_kiosk_can_give_is_refused_not_tried():
    greedy = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash("1234")
    assert verify_pin("1234", greedy)
    assert not verify_pin("1234", greedy.replace("m=8192", "m=4194304"))  # 4 GiB: never allocated


def test_five_wrong_pins_lock_the_card_for_fifteen_minutes():
    now = datetime(2026, 11, 23, 10, 0)
    record = FailureRecord()
    for expected_left in (4, 3, 2, 1):
        record = record.after_failure(now)
        assert not record.is_locked(now) and record.attempts_left() == expected_left
    record = record.after_failure(now)
    assert record.is_locked(now)
    assert record.is_locked(now + LOCK_DURATION - (LOCK_DURATION / 900))
    assert not record.is_locked(now + LOCK_DURATION)
    assert record.attempts_left() == 5


def test_age_is_counted_on_the_day():
    from kiosk.domain.household import Person, Role

    lea = Person("P3", "Léa", "Martin", date(2016, 6, 21), Role.ENFANT, None, None)
    assert lea.age_on(date(2027, 6, 20)) == 10
    assert lea.age_on(date(2027, 6, 21)) == 11
