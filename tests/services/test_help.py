"""Help for a person who is stuck: a call or a ticket lands in the correspondents' queue with where the
person was (never who they are), is taken over once, and lapses when the person has surely gone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.domain.help import HelpKind, Place
from kiosk.errors import KioskError
from kiosk.services.actor import Actor
from kiosk.services.help import HelpNotFound
from kiosk.services.staff import StaffSessionExpired


def test_calls_come_before_tickets_and_each_is_taken_over_once_with_an_audit_entry(desk, lina, clock):
    ticket = desk.help.ticket(Place("booking", "T1", "T1-S1"))
    clock.now += timedelta(minutes=5)
    call = desk.help.call(Place("offers"))
    assert [r.kind for r in desk.help.open_requests(Actor(lina))] == [HelpKind.CALL, HelpKind.TICKET]
    taken = desk.help.take(Actor(lina), ticket.code.lower().replace("-", ""))
    assert taken.place.screen_params() == ("booking", "T1", "T1-S1")
    entry = desk.audit.entries()[-1]
    assert (entry.action, entry.staff_id, entry.target) == ("help.take", lina.staff_id, ticket.help_id)
    with pytest.raises(HelpNotFound):
        desk.help.take(Actor(lina), ticket.code)  # a second correspondent, or the same ticket again
    assert [r.help_id for r in desk.help.open_requests(Actor(lina))] == [call.help_id]


def test_a_call_lapses_after_an_hour_and_a_ticket_after_two_weeks(desk, lina, clock):
    desk.help.call(Place("home"))
    ticket = desk.help.ticket(Place("detail", "T1"))
    clock.now += timedelta(hours=1)
    assert [r.help_id for r in desk.help.open_requests(Actor(lina))] == [ticket.help_id]
    clock.now += timedelta(days=14)
    assert desk.help.open_requests(Actor(lina)) == []
    with pytest.raises(HelpNotFound) as refused:
        desk.help.take(Actor(lina), ticket.code)
    assert "vaut 14 jours" in refused.value.message("fr")


def test_a_ticket_needs_something_to_resume_and_the_queue_needs_a_correspondent(desk):
    with pytest.raises(KioskError) as refused:
        desk.help.ticket(Place("offers"))
    assert refused.value.message("en") == "There is nothing to resume on this screen."
    with pytest.raises(StaffSessionExpired):
        desk.help.open_requests(Actor(None))
    assert desk.db.execute("SELECT count(*) FROM help_requests").fetchone()[0] == 0


def test_nothing_about_the_person_is_kept(desk, claire):
    desk.help.ticket(Place("booking", "T1", "T1-S1"))
    columns = {row[1] for row in desk.db.execute("PRAGMA table_info(help_requests)")}
    assert columns == {
        "help_id",
        "kind",
        "screen",
        "subject_id",
        "session_id",
        "made_at",
        "expires_at",
        "closed_at",
        "closed_by",
    }
    stored = " ".join(str(v) for row in desk.db.execute("SELECT * FROM help_requests") for v in row)
    assert claire.person.person_id not in stored and claire.household.household_id not in stored


def test_a_passer_by_pressing_again_and_again_is_sent_to_the_desk_before_the_queue_fills(desk, lina, clock):
    calls = [desk.help.call(Place("home")) for _ in range(5)]
    with pytest.raises(KioskError) as refused:
        desk.help.call(Place("home"))
    assert "Allez au point conciergerie" in refused.value.message("fr")
    tickets = [desk.help.ticket(Place("detail", f"T{i}")) for i in range(10)]
    with pytest.raises(KioskError):
        desk.help.ticket(Place("detail", "T1"))
    assert len(desk.help.open_requests(Actor(lina))) == len(calls) + len(tickets)
    clock.now += timedelta(minutes=11)
    desk.help.call(Place("home"))  # later, someone else asking is heard
