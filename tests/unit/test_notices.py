"""The notices' address rules, and the domain shortcuts of the notices screen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.notices import AddressRefused, check_address, masked, with_domain


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
