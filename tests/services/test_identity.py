from datetime import timedelta

import pytest

from kiosk.domain.household import CardError
from kiosk.services.actor import BENEFICIARY
from kiosk.services.identity import IdentificationError
from tests.factories import CLAIRE_CARD, JULIEN_CARD


def test_a_card_holder_is_identified_with_the_household(services):
    found = services.identity.identify(BENEFICIARY, f"ACTIV:{CLAIRE_CARD}", "1234")
    assert found.person.first_name == "Claire"
    assert [m.first_name for m in found.household.members] == ["Claire", "Julien", "Léa"]
    assert found.household.tier == 3


def test_wrong_pins_count_down_then_lock_that_card_only(services, clock):
    for left in (4, 3, 2, 1):
        with pytest.raises(IdentificationError) as caught:
            services.identity.identify(BENEFICIARY, CLAIRE_CARD, "0000")
        assert f"Il vous reste {left} essai" in caught.value.fr
    with pytest.raises(IdentificationError) as caught:
        services.identity.identify(BENEFICIARY, CLAIRE_CARD, "0000")
    assert "bloquée 15 minutes" in caught.value.fr
    with pytest.raises(IdentificationError) as caught:
        services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")  # even the right PIN, while locked
    assert "Réessayez dans 15 minutes" in caught.value.fr
    assert services.identity.identify(BENEFICIARY, JULIEN_CARD, "1234").person.first_name == "Julien"
    clock.now += timedelta(minutes=15)
    assert services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").person.first_name == "Claire"


def test_a_right_pin_clears_the_count(services):
    with pytest.raises(IdentificationError):
        services.identity.identify(BENEFICIARY, CLAIRE_CARD, "9999")
    services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    assert services.db.execute("SELECT count(*) FROM pin_failures").fetchone()[0] == 0


@pytest.mark.parametrize("pin", ["", "12", "abcd", "1234567", "１２３４"])
def test_a_malformed_pin_is_a_wrong_pin(services, pin):
    with pytest.raises(IdentificationError) as caught:
        services.identity.identify(BENEFICIARY, CLAIRE_CARD, pin)
    assert "Code faux" in caught.value.fr


def test_unknown_and_garbage_cards(services):
    with pytest.raises(IdentificationError) as caught:
        services.identity.identify(BENEFICIARY, "1000000000124", "1234")
    assert "pas connue" in caught.value.fr
    with pytest.raises(CardError):
        services.identity.identify(BENEFICIARY, "x" * 5000, "1234")
    assert services.db.execute("SELECT count(*) FROM pin_failures").fetchone()[0] == 0
