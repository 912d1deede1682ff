"""What is owed and paid: a correspondent takes payments at the desk; every entry is audited and sent to the
centre; a mistake is put right by a new entry; the day's takings add up by means and match the audit log."""

from __future__ import annotations

import pytest

from kiosk.domain.payment import Means, PaymentRefused, SubjectKind
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.staff import StaffSessionExpired
from kiosk.store import audit as audit_store
from kiosk.store import connection
from kiosk.store.database import transaction
from kiosk.store.outbox import pending_operations


@pytest.fixture
def booked(desk, lina):
    who = desk.identity.identify(Actor(lina), "1000000000017", person_present=True, person_agrees=True)
    return desk.bookings.book(Actor(lina), who, "T1", "T1-S1", ["P1", "P3"])  # 2 × 11 € at tier 3


def payment_ops(desk):
    return [op for op in pending_operations(desk.db) if op["kind"] == "payment.record"]


def test_a_priced_booking_is_to_pay_until_settled_in_two_payments(desk, lina, booked):
    assert desk.payments.balance_of_booking(booked).owed_cents == 2200
    first = desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "10", Means.CASH)
    owed = desk.payments.balance_of_booking(booked)
    assert (owed.paid_cents, owed.owed_cents, owed.settled) == (1000, 1200, False)
    desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "12,00", Means.CARD, "TPE-1 ticket 0042")
    assert desk.payments.balance_of_booking(booked).settled
    # Audited: who, for which household, what (no name, no card data), in the action's transaction.
    entries = [e for e in desk.audit.entries() if e.action == "payment.record"]
    assert (entries[0].staff_id, entries[0].subject, entries[0].target) == ("S1", "H1", first.payment_id)
    assert entries[1].details == {
        "kind": "booking",
        "of": booked.booking_id,
        "amount_cents": 1200,
        "means": "card",
        "reference": "TPE-1 ticket 0042",
        "corrects": "",
    }
    # Sent to the centre, each once.
    assert [op["payload"]["amount_cents"] for op in payment_ops(desk)] == [1000, 1200]
    # The reprinted voucher says it is paid.
    assert desk.vouchers.voucher(booked).paid_cents == 2200


def test_bad_payments_are_refused_and_change_nothing(desk, lina, booked):
    before = (len(desk.audit.entries()), len(pending_operations(desk.db)))
    for amount, means, reference, french in (
        ("-5", Means.CASH, "", "négatif"),
        ("abc", Means.CASH, "", "nombre"),
        ("22,01", Means.CASH, "", "dépasse"),
        ("5", Means.CARD, "", "ticket"),
        ("5", Means.ELSEWHERE, "", "Choisissez"),
    ):
        with pytest.raises(PaymentRefused) as caught:
            desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, amount, means, reference)
        assert french in caught.value.fr
    assert (len(desk.audit.entries()), len(pending_operations(desk.db))) == before
    assert desk.payments.payments(SubjectKind.BOOKING, booked.booking_id) == []
    with pytest.raises(StaffSessionExpired):  # the person alone never records a payment
        desk.payments.record(BENEFICIARY, SubjectKind.BOOKING, booked.booking_id, "5", Means.CASH)
    desk.staff.sign_out()
    with pytest.raises(StaffSessionExpired):
        desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "5", Means.CASH)


def test_a_payment_is_corrected_only_by_a_new_audited_entry(desk, lina, booked):
    wrong = desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "22", Means.CHEQUE, "0001234")
    with pytest.raises(connection.DatabaseError), transaction(desk.db):
        desk.db.execute("UPDATE payments SET amount_cents = 1200")
    with pytest.raises(connection.DatabaseError), transaction(desk.db):
        desk.db.execute("DELETE FROM payments")
    correction = desk.payments.correct(Actor(lina), wrong.payment_id, "10")
    assert (correction.amount_cents, correction.corrects, correction.means) == (-1000, wrong.payment_id, Means.CHEQUE)
    with pytest.raises(PaymentRefused):
        desk.payments.correct(Actor(lina), wrong.payment_id, "12,01")  # more than is left of it
    entries = desk.payments.payments(SubjectKind.BOOKING, booked.booking_id)
    assert [p.amount_cents for p in entries] == [2200, -1000]  # the original stays as it was
    assert desk.payments.balance_of_booking(booked).owed_cents == 1000
    assert desk.audit.entries()[-1].details["corrects"] == wrong.payment_id


def test_a_concierge_request_is_to_pay_at_its_estimate(desk, lina):
    who = desk.identity.identify(Actor(lina), "1000000000017", person_present=True, person_agrees=True)
    day = desk.concierge.form("pressing").form.field("day").options[0].code
    request = desk.concierge.submit(Actor(lina), who, "pressing", {"garments": ["veste"], "quantity": 2, "day": day})
    owed = desk.payments.balance_of_request(request)
    assert owed.total_cents == request.estimate_cents > 0
    desk.payments.record(Actor(lina), SubjectKind.REQUEST, request.request_id, str(owed.total_cents / 100), Means.ANCV)
    assert desk.payments.balance_of_request(request).settled
    assert desk.vouchers.pickup_voucher(request).paid_cents == owed.total_cents


def test_the_days_takings_by_means_match_the_audit_log(desk, lina, booked, clock):
    desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "5", Means.CASH)
    cheque = desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "10", Means.CHEQUE)
    desk.payments.correct(Actor(lina), cheque.payment_id, "4")
    takings = desk.payments.takings(Actor(lina))
    assert takings.day == clock.now.date()
    assert [(t.means, t.count, t.cents) for t in takings.by_means] == [(Means.CASH, 1, 500), (Means.CHEQUE, 2, 600)]
    assert takings.total_cents == 1100
    assert (takings.audit.matched, takings.audit.with_centre, takings.audit.problems) == (3, 0, ())
    # Once the centre acknowledges the entries, they are purged here: the centre holds them.
    with transaction(desk.db):
        seq, digest = audit_store.head(desk.db)
        chain, _, _ = audit_store.chain_state(desk.db)
        audit_store.acknowledge(desk.db, chain, seq, digest)
    again = desk.payments.takings(Actor(lina))
    assert (again.audit.matched, again.audit.with_centre, again.audit.holds) == (0, 3, True)


def test_the_takings_find_an_audit_entry_that_says_otherwise(desk, lina, booked):
    paid = desk.payments.record(Actor(lina), SubjectKind.BOOKING, booked.booking_id, "5", Means.CASH)
    with transaction(desk.db):  # a payment with no entry of its own (as if written behind the audit's back)
        desk.db.execute("DROP TRIGGER payments_never_edited")
        desk.db.execute("UPDATE payments SET amount_cents = 2000 WHERE payment_id = ?", [paid.payment_id])
    takings = desk.payments.takings(Actor(lina))
    assert takings.audit.problems == (paid.payment_id,) and not takings.audit.holds
