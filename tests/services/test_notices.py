"""Consent to e-mail notices at the kiosk: the address checked, kept masked, sent whole to the centre only;
taken back at any time, the address gone from the kiosk with the consent."""

from __future__ import annotations

import pytest

from kiosk.domain.notices import AddressRefused
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.staff import StaffSessionExpired
from kiosk.store.notices import opened
from kiosk.store.outbox import pending_operations


def everything_stored(desk) -> str:
    """Every value of every table of the kiosk's database, as one text."""
    tables = [row[0] for row in desk.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    return "\n".join(repr(row) for table in tables for row in desk.db.execute(f'SELECT * FROM "{table}"').fetchall())


def notice_operations(desk) -> list[dict]:
    """The notice operations as they are pushed (a consent's address unsealed)."""
    return [opened(desk.db, op) for op in pending_operations(desk.db) if op["kind"].startswith("notice.")]


def test_consent_keeps_the_address_masked_and_sends_it_whole_to_the_centre(desk, claire):
    address = desk.notices.consent(BENEFICIARY, claire, "  Claire.Martin@Orange.FR ", "en")

    assert address == "Claire.Martin@orange.fr"
    consent = desk.notices.consent_of(claire)
    assert consent is not None
    assert (consent.masked_address, consent.language, consent.given_by) == ("C•••@orange.fr", "en", None)
    [operation] = notice_operations(desk)
    assert operation["kind"] == "notice.consent"
    assert operation["payload"]["address"] == "Claire.Martin@orange.fr"
    assert operation["payload"]["person_id"] == claire.person.person_id
    assert desk.audit.entries() == []  # the person alone: nothing audited
    stored = everything_stored(desk)
    assert "orange.fr" not in stored.lower() and "Claire.Martin" not in stored  # sealed, masked address too


@pytest.mark.parametrize(
    ("typed", "french", "english"),
    [
        ("", "Tapez votre adresse", "Type your e-mail address"),
        ("claire.martin.orange.fr", "il manque le « @ »", 'the "@" is missing'),
        ("claire@@orange.fr", "plus d'un « @ »", 'more than one "@"'),
        ("@orange.fr", "il manque votre nom", "your name is missing"),
        ("claire@orange", "il faut un domaine", "comes a domain"),
        ("clé@orange.fr", "lettre accentuée", "accented letter"),
        ("cl aire@orange.fr", "un espace", "a space"),
        ("claire@exa_mple.fr", "pas une adresse e-mail valable", "not a valid e-mail address"),
        ("c" * 120 + "@orange.fr", "trop longue", "too long"),
    ],
)
def test_what_is_not_an_address_is_refused_plainly_and_changes_nothing(desk, claire, typed, french, english):
    with pytest.raises(AddressRefused) as refused:
        desk.notices.consent(BENEFICIARY, claire, typed, "fr")

    assert french in refused.value.fr and english in refused.value.en
    assert desk.notices.consent_of(claire) is None
    assert notice_operations(desk) == []


def test_taking_consent_back_forgets_the_address_here_and_asks_the_centre_to(desk, claire):
    desk.notices.consent(BENEFICIARY, claire, "claire.martin@orange.fr", "fr")
    desk.notices.consent(BENEFICIARY, claire, "claire.m@gmail.com", "fr")  # a new address replaces the one not yet sent
    assert [op["payload"]["address"] for op in notice_operations(desk)] == ["claire.m@gmail.com"]

    desk.notices.withdraw(BENEFICIARY, claire)

    assert desk.notices.consent_of(claire) is None
    [operation] = notice_operations(desk)
    assert operation["kind"] == "notice.withdraw"
    assert operation["payload"] == {
        "person_id": claire.person.person_id,
        "household_id": claire.household.household_id,
        "staff_id": None,
    }
    stored = everything_stored(desk)
    assert "claire.m@gmail.com" not in stored and "claire.martin@orange.fr" not in stored and "•••" not in stored


def test_a_correspondent_gives_the_address_for_the_person_audited_without_it(desk, claire, lina):
    desk.notices.consent(Actor(lina), claire, "claire.martin@orange.fr", "fr")
    desk.notices.withdraw(Actor(lina), claire)

    entries = [e for e in desk.audit.entries() if e.action.startswith("notice.")]
    assert [(e.action, e.subject, e.staff_id) for e in entries] == [
        ("notice.consent", claire.person.person_id, lina.staff_id),
        ("notice.withdraw", claire.person.person_id, lina.staff_id),
    ]
    assert "orange.fr" not in repr([e.details for e in entries])
    desk.staff.sign_out()
    with pytest.raises(StaffSessionExpired):
        desk.notices.consent(Actor(lina), claire, "claire.martin@orange.fr", "fr")
    assert desk.notices.consent_of(claire) is None
