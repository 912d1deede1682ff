"""Correspondents signing in: badge + PIN or login + a strong password, lockout, inactivity and sign-out."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from kiosk.domain.idle import IdlePhase
from kiosk.domain.staff import STAFF_WARNING_AFTER_SECONDS, STAFF_WARNING_SECONDS, SignInMethod
from kiosk.services.actor import Actor
from kiosk.services.staff import StaffSessionExpired, StaffSignInError
from kiosk.store import lockout
from kiosk.store import staff as staff_store
from kiosk.store.database import transaction
from kiosk.store.lockout import STAFF_ACCOUNTS
from tests.factories import (
    CLAIRE_CARD,
    LINA_BADGE,
    LINA_LOGIN,
    LINA_PASSWORD,
    LINA_PIN,
    MARC_BADGE,
    MARC_PIN,
)


def actions(desk) -> list[str]:
    return [e.action for e in desk.audit.entries()]


def test_a_badge_and_its_pin_or_a_login_and_its_password(desk):
    session = desk.staff.sign_in_with_badge(f"ACTIV:{LINA_BADGE}", LINA_PIN)  # scanned like a card
    assert (session.staff_id, session.display_name, session.method) == ("S1", "Lina Morel", SignInMethod.BADGE_PIN)
    assert desk.staff.current() == session
    desk.staff.sign_out()
    assert desk.staff.current() is None
    session = desk.staff.sign_in_with_password(f"  {LINA_LOGIN.upper()} ", LINA_PASSWORD)
    assert session.method is SignInMethod.PASSWORD
    assert actions(desk) == ["staff.sign_in", "staff.sign_out", "staff.sign_in"]
    assert [e.details for e in desk.audit.entries()] == [
        {"method": "badge_pin"},
        {"cause": "user"},
        {"method": "password"},
    ]
    assert desk.staff.recognises_badge(MARC_BADGE) and not desk.staff.recognises_badge(CLAIRE_CARD)
    assert not desk.staff.recognises_badge("garbage")


def test_secrets_are_kept_only_as_hashes_and_those_sealed(desk):
    stored = repr(desk.db.execute("SELECT * FROM correspondents").fetchall())
    assert LINA_BADGE not in stored and "$argon2id$" not in stored and "s1:" in stored  # sealed on disk
    hashes = repr(
        desk.db.execute(
            "SELECT unseal(pin_hash, staff_id), unseal(password_hash, staff_id) FROM correspondents"
        ).fetchall()
    )
    assert LINA_PIN not in hashes and LINA_PASSWORD not in hashes and "$argon2id$" in hashes


@pytest.mark.parametrize(
    "badge, pin, words",
    [
        ("1234", LINA_PIN, "pas lisible"),
        (CLAIRE_CARD, "1234", "pas connu de cette borne"),  # a beneficiary card is not a badge
        (LINA_BADGE, "0000", "Code faux. Il vous reste 4 essais"),
        (LINA_BADGE, "", "Code faux"),
        (LINA_BADGE, "2468' OR '1'='1", "Code faux"),
    ],
)
def test_a_wrong_badge_or_pin_says_why(desk, badge, pin, words):
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_badge(badge, pin)
    assert words in caught.value.fr and caught.value.en
    assert desk.staff.current() is None


def test_five_wrong_pins_lock_the_badge_at_this_kiosk_for_fifteen_minutes(desk, clock):
    for left in (4, 3, 2, 1):
        with pytest.raises(StaffSignInError) as caught:
            desk.staff.sign_in_with_badge(LINA_BADGE, "9999")
        assert f"reste {left} essai" in caught.value.fr
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_badge(LINA_BADGE, "9999")
    assert "bloqué 15 minutes" in caught.value.fr
    assert actions(desk) == ["staff.locked"] and desk.audit.entries()[0].details == {"method": "badge_pin"}
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)  # even the right PIN
    assert "Réessayez dans 15 minutes" in caught.value.fr
    assert desk.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN).staff_id == "S2"  # other accounts are not locked
    clock.now += timedelta(minutes=14, seconds=59)
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    assert "1 minute." in caught.value.fr
    clock.now += timedelta(seconds=1)
    assert desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN).staff_id == "S1"
    assert (
        lockout.read_failures(desk.db, STAFF_ACCOUNTS, "badge_pin:S1").failures == 0
    )  # a success starts the count again


def test_a_passer_by_typing_a_login_five_times_locks_the_login_not_the_badge(desk):
    for _ in range(5):
        with pytest.raises(StaffSignInError):
            desk.staff.sign_in_with_password(LINA_LOGIN, "Wrong-Password-2026!")
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_password(LINA_LOGIN, LINA_PASSWORD)
    assert "Réessayez dans 15 minutes" in caught.value.fr
    assert desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN).staff_id == "S1"  # her badge still works
    desk.staff.sign_out()
    for _ in range(5):  # and the other way round: a lost badge tried five times leaves the login alone
        with pytest.raises(StaffSignInError):
            desk.staff.sign_in_with_badge(MARC_BADGE, "0000")
    with pytest.raises(StaffSignInError):
        desk.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN)
    assert lockout.read_failures(desk.db, STAFF_ACCOUNTS, "password:S2").failures == 0


def test_an_unknown_login_is_refused_like_a_wrong_password(desk):
    answers = []
    for login in ("nobody.here", LINA_LOGIN):
        with pytest.raises(StaffSignInError) as caught:
            desk.staff.sign_in_with_password(login, "Not-The-Password-99")
        answers.append(caught.value.fr)
    assert answers[0] == answers[1] == "Identifiant ou mot de passe incorrect. Il vous reste 4 essais."
    for _ in range(4):
        with pytest.raises(StaffSignInError):
            desk.staff.sign_in_with_password("nobody.here", "Not-The-Password-99")
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_password("nobody.here", "Not-The-Password-99")
    assert "Réessayez dans" in caught.value.fr  # an unknown login locks the same way
    assert "staff.locked" not in actions(desk)  # no account, nobody to record


@pytest.mark.parametrize("password", ["1234", "short", "alllowercaseletters", "Abcdefgh1!", "x" * 5000])
def test_a_password_too_weak_to_stand_alone_never_signs_in(desk, password):
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_password(LINA_LOGIN, password)
    assert "ne suffit pas seul" in caught.value.fr and "badge" in caught.value.fr


def test_a_weak_password_stored_by_mistake_is_refused_even_when_right(desk):
    from kiosk.domain.household import hash_pin

    with transaction(desk.db):
        desk.db.execute(
            "UPDATE correspondents SET password_hash = seal(?, staff_id) WHERE staff_id = 'S1'", [hash_pin("azerty12")]
        )
    with pytest.raises(StaffSignInError) as caught:
        desk.staff.sign_in_with_password(LINA_LOGIN, "azerty12")
    assert "ne suffit pas seul" in caught.value.fr


def test_inactivity_signs_the_correspondent_out(desk, lina, monotonic):
    assert desk.staff.idle_phase() is IdlePhase.ACTIVE
    monotonic.now += STAFF_WARNING_AFTER_SECONDS - 1
    desk.concierge.queue(Actor(lina))  # an action counts as activity
    monotonic.now += STAFF_WARNING_AFTER_SECONDS - 1
    assert desk.staff.idle_phase() is IdlePhase.ACTIVE
    monotonic.now += 1
    assert desk.staff.idle_phase() is IdlePhase.WARNING
    assert desk.staff.seconds_left() == STAFF_WARNING_SECONDS
    desk.staff.touch()  # "I'm still here"
    assert desk.staff.idle_phase() is IdlePhase.ACTIVE
    monotonic.now += STAFF_WARNING_AFTER_SECONDS + STAFF_WARNING_SECONDS
    assert desk.staff.current() is None
    with pytest.raises(StaffSessionExpired) as caught:
        desk.concierge.queue(Actor(lina))
    assert "Reconnectez-vous" in caught.value.fr
    assert actions(desk)[-1] == "staff.sign_out" and desk.audit.entries()[-1].details == {"cause": "inactivity"}


def test_a_new_sign_in_replaces_the_previous_session(desk, lina):
    marc = desk.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN)
    with pytest.raises(StaffSessionExpired):
        desk.concierge.queue(Actor(lina))
    assert desk.concierge.queue(Actor(marc)) is not None
    assert [(e.staff_id, e.action, e.details) for e in desk.audit.entries()] == [
        ("S1", "staff.sign_in", {"method": "badge_pin"}),
        ("S1", "staff.sign_out", {"cause": "replaced"}),
        ("S2", "staff.sign_in", {"method": "badge_pin"}),
    ]


def test_an_account_removed_by_the_centre_ends_its_session(desk, lina):
    with transaction(desk.db):
        staff_store.remove_correspondent(desk.db, "S1")
    with pytest.raises(StaffSessionExpired):
        desk.concierge.queue(Actor(lina))
    assert desk.audit.entries()[-1].details == {"cause": "account_removed"}
    with pytest.raises(StaffSignInError):
        desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)


def test_leaving_assisted_mode(desk, lina):
    desk.staff.leave(lina)
    assert desk.staff.current() is None
    with pytest.raises(StaffSessionExpired):
        desk.sync_state.state(Actor(lina))
    with pytest.raises(StaffSessionExpired):
        desk.sync_state.state(Actor(None))


def test_a_correspondents_older_hashes_become_argon2id_at_sign_in_and_stay(desk):
    from tests.services.test_identity import legacy_scrypt_hash

    lina = staff_store.load_correspondent(desk.db, "S1")
    older = dataclasses.replace(
        lina, pin_hash=legacy_scrypt_hash(LINA_PIN), password_hash=legacy_scrypt_hash(LINA_PASSWORD)
    )
    with transaction(desk.db):
        staff_store.upsert_correspondent(desk.db, older)
    desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    desk.staff.sign_in_with_password(LINA_LOGIN, LINA_PASSWORD)
    with transaction(desk.db):
        staff_store.upsert_correspondent(desk.db, older)  # pulled again, unchanged at the centre
    now = staff_store.load_correspondent(desk.db, "S1")
    assert now.pin_hash.startswith("$argon2id$") and now.password_hash.startswith("$argon2id$")
    desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
