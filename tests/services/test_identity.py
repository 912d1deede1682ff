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


def legacy_scrypt_hash(pin: str) -> str:
    """A PIN hash as the centre sent them before argon2id (scrypt, N=2^14)."""
    import base64
    import hashlib

    salt = b"legacy-salt-0001"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_an_older_pin_hash_becomes_argon2id_at_the_next_sign_in_and_a_pull_does_not_bring_it_back(services):
    from kiosk.domain.document import DocumentReader
    from kiosk.domain.household import HouseholdDataError, parse_household
    from kiosk.store import households as household_store
    from kiosk.store.database import transaction
    from tests.factories import households_document

    document = households_document()["households"][0]
    document["members"][0]["pin_hash"] = legacy_scrypt_hash("1234")

    def pulled(doc):
        household = parse_household(DocumentReader(doc, "h", HouseholdDataError, "error.document.refused.households"))
        with transaction(services.db):
            household_store.upsert_household(services.db, household)

    def stored() -> str:
        return services.db.execute("SELECT unseal(pin_hash, person_id) FROM persons WHERE person_id = 'P1'").fetchone()[
            0
        ]

    pulled(document)
    assert stored().startswith("scrypt$")
    with pytest.raises(IdentificationError):
        services.identity.identify(BENEFICIARY, CLAIRE_CARD, "4321")  # a wrong PIN changes nothing
    assert stored().startswith("scrypt$")
    services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    assert stored().startswith("$argon2id$v=19$m=131072,t=3,")
    pulled(document)  # the centre still has the older hash: the stronger one stays
    assert stored().startswith("$argon2id$") and services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    document["members"][0]["pin_hash"] = legacy_scrypt_hash("9876")  # a new PIN from the centre wins
    pulled(document)
    assert stored().startswith("scrypt$") and services.identity.identify(BENEFICIARY, CLAIRE_CARD, "9876")
