"""Every use case takes its actor, and the service alone decides what is audited: called by a correspondent
for a person, each leaves exactly one audit entry (theirs, written with the change); called by the person
alone, none. The table must list every service method that takes an actor."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta

import pytest

from kiosk.demo.seeding import show_demo_stay_proposal
from kiosk.domain.audit import Action
from kiosk.domain.concierge import RequestState
from kiosk.domain.help import Place
from kiosk.domain.payment import Means, SubjectKind
from kiosk.domain.stay_wishes import Wish
from kiosk.services.actor import BENEFICIARY, Actor, AuditNoteMissing
from kiosk.services.appreciation import Appreciations
from kiosk.services.booking import BookingService
from kiosk.services.concierge import ConciergeRequests
from kiosk.services.consultations import Consultations
from kiosk.services.help import HelpService
from kiosk.services.ideas import IdeaBox
from kiosk.services.identity import IdentityService
from kiosk.services.notices import NoticeService
from kiosk.services.payments import PaymentService
from kiosk.services.staff import StaffSessionExpired
from kiosk.services.stay_wishes import StayWishesService
from kiosk.services.sync_state import SyncStateService
from kiosk.services.vouchers import VoucherService
from kiosk.store.outbox import pending_operations
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_LOGIN, LINA_PASSWORD, LINA_PIN, NOW

SERVICES = (
    IdentityService,
    BookingService,
    VoucherService,
    ConciergeRequests,
    SyncStateService,
    HelpService,
    PaymentService,
    IdeaBox,
    Consultations,
    Appreciations,
    StayWishesService,
    NoticeService,
)

Case = Callable[[object, object, object, object], Callable[[Actor], object]]


def pressing(desk) -> dict:
    day = desk.concierge.form("pressing").form.field("day").options[0].code
    return {"garments": ["chemise"], "quantity": 1, "day": day}


def a_request(desk, who):
    return desk.concierge.submit(BENEFICIARY, who, "pressing", pressing(desk))


def a_booking(desk, who):
    return desk.bookings.book(BENEFICIARY, who, "T1", "T1-S1", ["P1"])


def ready_request(desk, who, staff):
    request = a_request(desk, who)
    for state in (RequestState.TAKEN, RequestState.READY):
        desk.concierge.move(Actor(staff), request.request_id, state)
    return request


# Each case prepares what the use case needs (as the person alone, or by the correspondent for a move
# to "ready"), then returns the call under test; only that call's audit entries are counted.
def identify(desk, who, staff, clock):
    return lambda actor: desk.identity.identify(actor, CLAIRE_CARD, "1234", person_present=True, person_agrees=True)


def book(desk, who, staff, clock):
    return lambda actor: desk.bookings.book(actor, who, "T1", "T1-S1", ["P1"])


def cancel_booking(desk, who, staff, clock):
    booking = a_booking(desk, who)
    return lambda actor: desk.bookings.cancel(actor, who, booking.booking_id)


def reprint_booking(desk, who, staff, clock):
    booking = a_booking(desk, who)
    return lambda actor: desk.vouchers.reprint_booking(actor, booking.booking_id)


def reprint_pickup(desk, who, staff, clock):
    request = a_request(desk, who)
    return lambda actor: desk.vouchers.reprint_pickup(actor, request.request_id)


def submit(desk, who, staff, clock):
    return lambda actor: desk.concierge.submit(actor, who, "pressing", pressing(desk))


def cancel_request(desk, who, staff, clock):
    request = a_request(desk, who)
    return lambda actor: desk.concierge.cancel(actor, who, request.request_id)


def move(desk, who, staff, clock):
    request = a_request(desk, who)
    return lambda actor: desk.concierge.move(actor, request.request_id, RequestState.TAKEN)


def hand_over(desk, who, staff, clock):
    request = ready_request(desk, who, staff)
    return lambda actor: desk.concierge.hand_over(actor, request.request_id)


def request_sync(desk, who, staff, clock):
    return lambda actor: desk.sync_state.request_sync(actor)


def take_help(desk, who, staff, clock):
    ticket = desk.help.ticket(Place("booking", "T1", "T1-S1"))
    return lambda actor: desk.help.take(actor, ticket.code)


def record_payment(desk, who, staff, clock):
    booking = a_booking(desk, who)
    return lambda actor: desk.payments.record(actor, SubjectKind.BOOKING, booking.booking_id, "5", Means.CASH)


def correct_payment(desk, who, staff, clock):
    booking = a_booking(desk, who)
    paid = desk.payments.record(Actor(staff), SubjectKind.BOOKING, booking.booking_id, "5", Means.CASH)
    return lambda actor: desk.payments.correct(actor, paid.payment_id, "2")


def leave_idea(desk, who, staff, clock):
    return lambda actor: desk.ideas.leave(actor, "site_life", "Des bancs à l'ombre près de l'entrée", who)


def vote(desk, who, staff, clock):
    consultation = next(c for c in desk.consultations.open_for(who) if c.consultation_id == "DEMO-SORTIE-ETE")
    return lambda actor: desk.consultations.vote(actor, consultation.consultation_id, who, ["annecy"], "1234")


def appreciate(desk, who, staff, clock):
    booking = a_booking(desk, who)
    clock.now += timedelta(days=6)  # the activity has taken place
    ratings = {"overall": 5, "organisation": 4, "place": 3, "value": 4}
    return lambda actor: desk.appreciations.give(actor, booking.booking_id, who, ratings, [], "")


def send_wishes(desk, who, staff, clock):
    return lambda actor: desk.wishes.send(actor, who, [Wish("V1", "V1-S1", ("P1",))])


def answer_proposal(desk, who, staff, clock):
    request = desk.wishes.send(BENEFICIARY, who, [Wish("V1", "V1-S1", ("P1",))])
    show_demo_stay_proposal(desk.db, request.request_id, NOW + timedelta(days=10))
    return lambda actor: desk.wishes.answer(actor, who, request.request_id, accept=True)


def give_notice_consent(desk, who, staff, clock):
    return lambda actor: desk.notices.consent(actor, who, "claire.martin@orange.fr", "fr")


def withdraw_notice_consent(desk, who, staff, clock):
    desk.notices.consent(BENEFICIARY, who, "claire.martin@orange.fr", "fr")
    return lambda actor: desk.notices.withdraw(actor, who)


USE_CASES: dict[str, tuple[Action, Case]] = {
    "IdentityService.identify": (Action.IDENTIFY, identify),
    "BookingService.book": (Action.BOOKING_CREATE, book),
    "BookingService.cancel": (Action.BOOKING_CANCEL, cancel_booking),
    "VoucherService.reprint_booking": (Action.REPRINT, reprint_booking),
    "VoucherService.reprint_pickup": (Action.REPRINT, reprint_pickup),
    "ConciergeRequests.submit": (Action.CONCIERGE_CREATE, submit),
    "ConciergeRequests.cancel": (Action.CONCIERGE_MOVE, cancel_request),
    "ConciergeRequests.move": (Action.CONCIERGE_MOVE, move),
    "ConciergeRequests.hand_over": (Action.CONCIERGE_MOVE, hand_over),
    "SyncStateService.request_sync": (Action.SYNC_FORCED, request_sync),
    "HelpService.take": (Action.HELP_TAKEN, take_help),
    "PaymentService.record": (Action.PAYMENT, record_payment),
    "PaymentService.correct": (Action.PAYMENT, correct_payment),
    "IdeaBox.leave": (Action.IDEA_CREATE, leave_idea),
    "Consultations.vote": (Action.VOTE_GUIDED, vote),
    "Appreciations.give": (Action.APPRECIATION_CREATE, appreciate),
    "StayWishesService.send": (Action.STAY_REQUEST, send_wishes),
    "StayWishesService.answer": (Action.STAY_ANSWER, answer_proposal),
    "NoticeService.consent": (Action.NOTICE_CONSENT, give_notice_consent),
    "NoticeService.withdraw": (Action.NOTICE_WITHDRAW, withdraw_notice_consent),
}
# The correspondents' own work: a person alone is asked to sign in (StaffSessionExpired), nothing is written.
CORRESPONDENTS_ONLY = {
    "ConciergeRequests.move",
    "ConciergeRequests.hand_over",
    "SyncStateService.request_sync",
    "HelpService.take",
    "PaymentService.record",
    "PaymentService.correct",
}
# Reading for a correspondent changes nothing and is not audited.
READS = {
    "ConciergeRequests.queue",
    "ConciergeRequests.find_by_pickup",
    "SyncStateService.state",
    "HelpService.open_requests",
    "PaymentService.takings",
}


def methods_taking_an_actor() -> set[str]:
    found = set()
    for service in SERVICES:
        for name, method in inspect.getmembers(service, inspect.isfunction):
            if not name.startswith("_") and any(
                p.annotation in ("Actor", Actor) for p in inspect.signature(method).parameters.values()
            ):
                found.add(f"{service.__name__}.{name}")
    return found


def test_the_table_covers_every_method_that_takes_an_actor():
    assert methods_taking_an_actor() == set(USE_CASES) | READS


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_a_correspondent_leaves_exactly_one_audit_entry(desk, claire, lina, clock, name):
    action, case = USE_CASES[name]
    call = case(desk, claire, lina, clock)
    before = desk.audit.entries()
    call(Actor(lina))
    added = desk.audit.entries()[len(before) :]
    assert [(e.action, e.staff_id) for e in added] == [(action, "S1")]
    shipped = [op["payload"]["entries"][0]["seq"] for op in pending_operations(desk.db) if op["kind"] == "audit.append"]
    assert added[0].seq in shipped  # on its way to the centre with the change
    assert desk.audit.verify() is None


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_a_beneficiary_alone_leaves_no_audit_entry(desk, claire, lina, clock, name):
    _, case = USE_CASES[name]
    call = case(desk, claire, lina, clock)
    before = desk.audit.entries()
    if name in CORRESPONDENTS_ONLY:
        with pytest.raises(StaffSessionExpired):
            call(BENEFICIARY)
    else:
        call(BENEFICIARY)
    assert desk.audit.entries() == before


def test_reads_for_a_correspondent_are_not_audited(desk, claire, lina):
    request = a_request(desk, claire)
    before = desk.audit.entries()
    desk.concierge.queue(Actor(lina))
    desk.concierge.find_by_pickup(Actor(lina), request.short_code)
    desk.sync_state.state(Actor(lina))
    desk.help.open_requests(Actor(lina))
    desk.payments.takings(Actor(lina))
    assert desk.audit.entries() == before
    for read in (
        lambda: desk.concierge.queue(BENEFICIARY),
        lambda: desk.sync_state.state(BENEFICIARY),
        lambda: desk.help.open_requests(BENEFICIARY),
        lambda: desk.concierge.find_by_pickup(BENEFICIARY, request.short_code),
        lambda: desk.payments.takings(BENEFICIARY),
    ):
        with pytest.raises(StaffSessionExpired):
            read()


def test_a_correspondents_sign_in_and_sign_out_are_one_entry_each(desk):
    for sign_in in (
        lambda: desk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN),
        lambda: desk.staff.sign_in_with_password(LINA_LOGIN, LINA_PASSWORD),
    ):
        before = desk.audit.entries()
        session = sign_in()
        assert [e.action for e in desk.audit.entries()[len(before) :]] == [Action.SIGN_IN]
        before = desk.audit.entries()
        desk.staff.leave(session)
        assert [e.action for e in desk.audit.entries()[len(before) :]] == [Action.SIGN_OUT]


def test_an_assisted_change_that_does_not_say_what_to_audit_is_not_kept(desk, claire, lina):
    """The write a use case makes for a correspondent cannot end without its audit entry."""
    acts = desk.bookings._acts  # the one every service writes through
    before = desk.audit.entries()
    with pytest.raises(AuditNoteMissing), acts.write(Actor(lina), Action.BOOKING_CREATE):
        desk.db.execute("UPDATE sessions SET site_taken = site_taken + 1 WHERE id = 'T1-S1'")
    assert desk.db.execute("SELECT site_taken FROM sessions WHERE id = 'T1-S1'").fetchone()[0] == 0
    assert desk.audit.entries() == before
