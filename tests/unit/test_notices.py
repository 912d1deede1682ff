"""The notices' address rules, and the domain shortcuts of the notices screen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.notices import COMMON_DOMAINS, AddressRefused, NoticeKind, check_address, masked, with_domain


def test_an_address_is_kept_as_typed_with_its_domain_in_lower_case_and_shown_masked():
    assert check_address(" Claire.Martin@Orange.FR ") == "Claire.Martin@orange.fr"
    assert masked("Claire.Martin@orange.fr") == "C•••@orange.fr"


def test_a_domain_shortcut_replaces_whatever_follows_the_at_sign():
    assert with_domain("claire.martin", "orange.fr") == "claire.martin@orange.fr"
    assert with_domain("claire.martin@gmai", "gmail.com") == "claire.martin@gmail.com"
    assert with_domain("  claire@free.fr ", "laposte.net") == "claire@laposte.net"


@given(st.text(max_size=60))
def test_anything_typed_is_an_address_or_refused_in_plain_words(typed):
    try:
        address = check_address(typed)
    except AddressRefused as refused:
        assert refused.fr and refused.en
        return
    assert address.count("@") == 1 and masked(address).endswith(address.rpartition("@")[2])


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("   ", "error.notices.address_empty"),
        (None, "error.notices.address_empty"),
        ("claire.martin", "error.notices.address_needs_at"),
        ("claire@martin@orange.fr", "error.notices.address_one_at"),
        ("@orange.fr", "error.notices.address_name_before_at"),
        ("claire@orange", "error.notices.address_domain_after_at"),
        ("claire@.orange.fr", "error.notices.address_domain_after_at"),
        ("claire@orange.fr.", "error.notices.address_domain_after_at"),
        ("clé@orange.fr", "error.notices.address_plain_letters"),
        ("claire martin@orange.fr", "error.notices.address_plain_letters"),
        ("cl\x80ire@orange.fr", "error.notices.address_plain_letters"),  # the first sign past plain ASCII
        ("cl\x7fire@orange.fr", "error.notices.address_not_valid"),  # a control sign, not a letter from afar
        ("claire..martin@orange.fr", "error.notices.address_not_valid"),
    ],
)
def test_an_address_refused_says_what_to_fix(typed, key):
    with pytest.raises(AddressRefused) as refused:
        check_address(typed)
    assert refused.value.key == key


def test_an_address_of_120_characters_is_taken_and_one_more_is_refused_as_too_long():
    longest = "a" * 64 + "@" + "b" * 52 + ".fr"
    assert len(longest) == 120 and check_address(longest) == longest
    with pytest.raises(AddressRefused) as refused:
        check_address("a" * 64 + "@" + "b" * 53 + ".fr")
    assert refused.value.key == "error.notices.address_too_long" and refused.value.values == {"limit": 120}


def test_the_domain_buttons_and_the_kinds_of_notice_the_centre_keeps():
    # one tap each, most common first
    assert COMMON_DOMAINS == (
        "orange.fr",
        "gmail.com",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "hotmail.fr",
        "wanadoo.fr",
        "yahoo.fr",
        "outlook.fr",
    )
    # stored in the centre's notices table: a changed value would leave its rows unreadable
    assert [kind.value for kind in NoticeKind] == ["ready", "reminder", "holiday_outcome"]
