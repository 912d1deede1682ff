from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.household import CardError, hash_pin, parse_card_input, verify_pin
from kiosk.domain.lockout import FailureRecord
from tests.factories import CLAIRE_CARD, pin_hash


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
    assert stored.startswith("scrypt$") and "1234" not in stored
    assert verify_pin("1234", stored)
    assert not verify_pin("1235", stored)
    assert not verify_pin("1234", "scrypt$garbage")
    assert not verify_pin("1234", "")
    assert hash_pin("1234") != hash_pin("1234")  # salted


def test_five_wrong_pins_lock_the_card_for_fifteen_minutes():
    now = datetime(2026, 11, 23, 10, 0)
    record = FailureRecord()
    assert not record.is_locked(now) and record.attempts_left() == 5
    for expected_left in (4, 3, 2, 1):
        record = record.after_failure(now)
        assert not record.is_locked(now) and record.attempts_left() == expected_left
    record = record.after_failure(now)
    assert record.is_locked(now)
    fifteen_minutes = timedelta(minutes=15)  # the rule as people are told it, not the code's constant
    assert record.is_locked(now + fifteen_minutes - timedelta(seconds=1))
    assert not record.is_locked(now + fifteen_minutes)
    assert record.attempts_left() == 5


def test_age_is_counted_on_the_day():
    from kiosk.domain.household import Person, Role

    lea = Person("P3", "Léa", "Martin", date(2016, 6, 21), Role.ENFANT, None, None)
    assert lea.age_on(date(2027, 6, 20)) == 10
    assert lea.age_on(date(2027, 6, 21)) == 11
