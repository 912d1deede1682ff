"""Help asked at the kiosk: which screens a ticket can bring back, and how long a call or a ticket lasts."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.help import HelpKind, Place, new_help_request

NOW = datetime(2026, 12, 2, 10, 0, 0, 500)


def test_a_ticket_brings_back_an_offer_a_date_or_a_concierge_form_but_not_a_bare_screen():
    assert Place("detail", "O-1").resumable
    assert Place("booking", "O-1", "S-1").resumable
    assert Place("concierge_request", "PRESSING").resumable
    assert not Place("detail").resumable
    assert not Place("home", "O-1").resumable


def test_the_screen_brought_back_is_the_one_the_person_left():
    assert Place("booking", "O-1", "S-1").screen_params() == ("booking", "O-1", "S-1")
    assert Place("booking", "O-1").screen_params() == ("detail", "O-1")  # no date chosen yet: the offer
    assert Place("detail", "O-1").screen_params() == ("detail", "O-1")
    assert Place("concierge_request", "PRESSING").screen_params() == ("concierge_request", "PRESSING")
    assert Place("home").screen_params() == ("home",)
    assert Place("detail", session_id="S-1").screen_params() == ("detail",)


def test_the_same_place_asked_twice_is_one_place():
    given = {(HelpKind.CALL, Place("detail", "O-1")): "first call"}
    assert given[(HelpKind.CALL, Place("detail", "O-1"))] == "first call"
    assert (HelpKind.TICKET, Place("detail", "O-1")) not in given


def test_a_call_is_open_for_an_hour_and_a_ticket_for_two_weeks():
    call = new_help_request(HelpKind.CALL, Place("home"), NOW)
    assert call.made_at == NOW.replace(microsecond=0)
    assert call.is_open(call.made_at + timedelta(minutes=59, seconds=59))
    assert not call.is_open(call.made_at + timedelta(hours=1))
    ticket = new_help_request(HelpKind.TICKET, Place("detail", "O-1"), NOW)
    assert ticket.is_open(ticket.made_at + timedelta(days=13, hours=23))
    assert not ticket.is_open(ticket.made_at + timedelta(days=14))


def test_a_request_taken_over_is_no_longer_open():
    call = new_help_request(HelpKind.CALL, Place("home"), NOW)
    taken = type(call)(call.help_id, call.kind, call.place, call.made_at, NOW, "STAFF-1")
    assert not taken.is_open(NOW)


def test_the_kinds_keep_the_values_saved_in_the_kiosks_database():
    assert [kind.value for kind in HelpKind] == ["call", "ticket"]
