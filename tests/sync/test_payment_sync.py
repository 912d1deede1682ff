"""Payments between kiosks and the real reference centre on loopback: sent once whatever the network does,
re-checked by the centre, reported by the centre, and seen at every kiosk of the site."""

from __future__ import annotations

import json

import pytest

from kiosk.domain.payment import Means, SubjectKind
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, enqueue, parked_operations
from kiosk.store.state import read_state
from sync.client import TransientError
from sync.engine import PageRejected
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_PIN, staff_document

pytestmark = pytest.mark.both_databases  # the centre's payments, on SQLite and PostgreSQL


@pytest.fixture
def desk(centre, make_kiosk):
    centre.load_staff(staff_document())
    kiosk = make_kiosk("desk")
    kiosk.sync()
    return kiosk


def booked(kiosk):
    who = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    return kiosk.services.bookings.book(BENEFICIARY, who, "T1", "T1-S1", ["P1", "P3"])  # 22 € at tier 3


def centre_payments(centre) -> list[dict]:
    return centre.query("SELECT payment_id, amount_cents, means, source, corrects FROM payments ORDER BY payment_id")


@pytest.mark.parametrize("fault", ["drop_response", "error500"])
def test_a_payment_reaches_the_centre_once_whatever_the_network_does(centre, proxy, desk, fault):
    booking = booked(desk)
    desk.sync()
    lina = desk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    paid = desk.services.payments.record(Actor(lina), SubjectKind.BOOKING, booking.booking_id, "10", Means.CASH)
    proxy.inject(fault)
    with pytest.raises(TransientError):
        desk.sync()
    desk.sync()
    assert counts(desk.services.db) == {"pending": 0, "parked": 0}, parked_operations(desk.services.db)
    assert centre_payments(centre) == [
        {"payment_id": paid.payment_id, "amount_cents": 1000, "means": "cash", "source": "kiosk", "corrects": None}
    ]
    audited = [json.loads(row["entry"]) for row in centre.query("SELECT entry FROM audit_entries ORDER BY seq")]
    assert [e["target"] for e in audited if e["action"] == "payment.record"] == [paid.payment_id]


def test_the_centre_reports_a_payment_made_elsewhere_and_every_kiosk_of_the_site_sees_it(centre, make_kiosk, desk):
    lobby = make_kiosk("lobby")
    booking = booked(desk)
    lina = desk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    desk.services.payments.record(Actor(lina), SubjectKind.BOOKING, booking.booking_id, "10", Means.CHEQUE, "0012345")
    desk.sync()
    code, _, err = centre.cli(
        "report-payment", "booking", booking.booking_id, "--amount", "12", "--reference", "CMCAS virement 77"
    )
    assert code == 0, err
    code, _, err = centre.cli("report-payment", "booking", booking.booking_id, "--amount", "0,01")
    assert code == 2 and "dépasse ce qui reste" in err and "more than what is left" in err
    for kiosk in (desk, lobby):
        kiosk.sync()
        local = kiosk.services.bookings.booking(booking.booking_id)
        owed = kiosk.services.payments.balance_of_booking(local)
        assert (owed.paid_cents, owed.settled) == (2200, True)
        means = [p.means for p in kiosk.services.payments.payments(SubjectKind.BOOKING, booking.booking_id)]
        assert means == [Means.CHEQUE, Means.ELSEWHERE]
    desk.sync()  # pulled twice, kept once
    assert len(desk.services.payments.payments(SubjectKind.BOOKING, booking.booking_id)) == 2


def test_the_centre_refuses_more_than_is_owed_by_its_own_count(centre, make_kiosk, desk):
    """Two kiosks each take the whole price offline: the centre keeps the first, the second is parked with
    its reason for a correspondent to see."""
    lobby = make_kiosk("lobby")
    booking = booked(desk)
    desk.sync()
    lobby.sync()
    for kiosk in (desk, lobby):
        staff = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
        kiosk.services.payments.record(Actor(staff), SubjectKind.BOOKING, booking.booking_id, "22", Means.CASH)
    desk.sync()
    lobby.sync()
    assert [row["amount_cents"] for row in centre_payments(centre)] == [2200]
    (parked,) = [op for op in parked_operations(lobby.services.db) if op["kind"] == "payment.record"]
    assert parked["reason"]["code"] == "payment_too_much"
    # What the lobby shows is what the centre kept: paid once, not twice. (Its takings still list the cash
    # taken, which the correspondent gives back, seeing the reason on the sync screen.)
    local = lobby.services.bookings.booking(booking.booking_id)
    assert lobby.services.payments.balance_of_booking(local).paid_cents == 2200


def test_the_centre_checks_every_field_of_a_pushed_payment(centre, desk):
    booking = booked(desk)
    desk.sync()
    wrong = {
        "payment_id": "5b0f3c5e-2f8e-4a55-9d1b-5a2f7c9f3b10",
        "subject_kind": "booking",
        "subject_id": booking.booking_id,
        "household_id": "H2",
        "amount_cents": 500,
        "means": "cash",
        "reference": "",
        "recorded_at": "2026-11-23T10:42:00",
        "site_id": "DEMO-LYON-PARTDIEU",
        "staff_id": "S1",
        "corrects": None,
    }
    negative = {
        **wrong,
        "payment_id": "6b0f3c5e-2f8e-4a55-9d1b-5a2f7c9f3b10",
        "household_id": "H1",
        "amount_cents": -500,
    }
    card_number = {
        **wrong,
        "payment_id": "7b0f3c5e-2f8e-4a55-9d1b-5a2f7c9f3b10",
        "household_id": "H1",
        "means": "card",
        "reference": "<4970101234567890>",
    }
    with transaction(desk.services.db):
        for payload in (wrong, negative, card_number):
            enqueue(desk.services.db, "payment.record", payload, desk.services.catalog.now())
    desk.sync()
    codes = [op["reason"]["code"] for op in parked_operations(desk.services.db)]
    assert codes == ["payment_other_household", "invalid_payload", "invalid_payload"]
    assert centre_payments(centre) == []


@pytest.mark.parametrize(
    "change, why",
    [
        ({"amount_cents": 0}, "neither a payment nor a correction"),
        ({"amount_cents": -500}, "neither a payment nor a correction"),  # negative without naming a payment
        ({"reference": "<script>"}, "reference"),
        ({"means": "bitcoin"}, "means"),
        ({"subject_id": "not-a-uuid-but-36-characters-long-xx"}, "subject_id"),
    ],
)
def test_a_payment_the_centre_sends_is_checked_before_anything_is_written(centre, proxy, desk, change, why):
    cursor = int(read_state(desk.services.db, "sync_cursor"))
    good = {
        "payment_id": "5b0f3c5e-2f8e-4a55-9d1b-5a2f7c9f3b10",
        "subject_kind": "booking",
        "subject_id": "6b0f3c5e-2f8e-4a55-9d1b-5a2f7c9f3b10",
        "household_id": "H1",
        "amount_cents": 500,
        "means": "cash",
        "reference": "",
        "recorded_at": "2026-11-23T10:42:00",
        "site_id": "DEMO-LYON-PARTDIEU",
        "staff_id": "S1",
        "corrects": None,
    }
    page = {
        "changes": [{"seq": cursor + 1, "kind": "payment", "id": good["payment_id"], "data": {**good, **change}}],
        "cursor": cursor + 1,
        "more": False,
        "price_tiers": 7,
        "epoch": read_state(desk.services.db, "sync_epoch"),
    }
    proxy.inject(None, ("replace", json.dumps(page).encode()))  # nothing to push: the leases' renewal, then the pull
    with pytest.raises(PageRejected) as refused:
        desk.sync()
    assert why in refused.value.en
    assert int(read_state(desk.services.db, "sync_cursor")) == cursor
    assert desk.services.db.execute("SELECT count(*) FROM payments").fetchone()[0] == 0
