"""What a correspondent may type as a payment, and how a correction is bounded."""

from datetime import datetime

import pytest

from kiosk.domain.booking import Booking, BookingState
from kiosk.domain.concierge import ConciergeRequest, RequestState
from kiosk.domain.document import DocumentReader
from kiosk.domain.payment import (
    DESK_MEANS,
    AuditMatch,
    Balance,
    Means,
    Payment,
    PaymentRefused,
    SubjectKind,
    Takings,
    amount_due,
    balance,
    check_correction,
    check_payment,
    check_reference,
    parse_amount,
    parse_payment,
    totals_by_means,
)

AT = datetime(2026, 11, 23, 10, 0)


def payment(amount: int, means: Means = Means.CASH, corrects: str | None = None, pid: str = "p1") -> Payment:
    return Payment(pid, SubjectKind.BOOKING, "b1", "H1", amount, means, "", AT, "SITE", "S1", corrects)


@pytest.mark.parametrize(
    "typed, cents",
    [
        ("12", 1200),
        ("12,50", 1250),
        ("12.5", 1250),
        (" 8,05 € ", 805),
        ("1 250", 125000),
        ("0,01", 1),
        ("1\u202f250,00\u00a0€", 125000),  # as the kiosk writes euros in French, copied back
        ("1\u00a0250", 125000),  # a non-breaking space between thousands
    ],
)
def test_amounts_as_people_type_them(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize(
    "typed, french, english",
    [
        ("-5", "négatif", "negative"),
        ("douze", "pas un nombre", "not a number"),
        ("12,505", "pas un nombre", "not a number"),
        ("", "pas un nombre", "not a number"),
        ("1e3", "pas un nombre", "not a number"),
        ("0", "supérieur à zéro", "more than zero"),
    ],
)
def test_bad_amounts_are_refused_in_both_languages(typed, french, english):
    with pytest.raises(PaymentRefused) as caught:
        parse_amount(typed)
    assert french in caught.value.fr and english in caught.value.en


def test_a_payment_takes_at_most_what_is_owed():
    owed = balance(3300, [payment(1000)])
    assert (owed.paid_cents, owed.owed_cents, owed.settled) == (1000, 2300, False)
    check_payment(2300, owed)
    with pytest.raises(PaymentRefused) as caught:
        check_payment(2301, owed)
    assert "dépasse" in caught.value.fr and "more than" in caught.value.en
    with pytest.raises(PaymentRefused):
        check_payment(100, Balance(3300, 3300))  # already settled
    assert Balance(3300, 3300).settled and not Balance(0, 0).settled


def test_a_card_payment_needs_the_terminal_reference_and_never_a_card_number():
    with pytest.raises(PaymentRefused):
        check_reference(Means.CARD, "  ")
    assert check_reference(Means.CARD, " TPE 0042  ticket 17 ") == "TPE 0042 ticket 17"
    assert check_reference(Means.CASH, "") == ""
    with pytest.raises(PaymentRefused) as caught:
        check_reference(Means.CARD, "4970 1012 3456 7890")
    assert "numéro de carte" in caught.value.fr and "card number" in caught.value.en
    with pytest.raises(PaymentRefused):
        check_reference(Means.CHEQUE, "<script>")


def test_a_correction_takes_back_at_most_what_is_left_of_its_payment():
    original = payment(2000)
    check_correction(original, [original], 2000)
    first = payment(-1500, corrects="p1", pid="c1")
    check_correction(original, [original, first], 500)
    with pytest.raises(PaymentRefused):
        check_correction(original, [original, first], 501)
    with pytest.raises(PaymentRefused):
        check_correction(first, [original, first], 100)  # a correction is not corrected


def test_totals_by_means_net_out_corrections():
    lines = totals_by_means(
        [
            payment(2000),
            payment(-500, corrects="p1", pid="c1"),
            payment(1500, Means.ANCV, pid="p2"),
            payment(900, Means.CARD, pid="p3"),
        ]
    )
    assert [(line.means, line.count, line.cents) for line in lines] == [
        (Means.CASH, 2, 1500),
        (Means.ANCV, 1, 1500),
        (Means.CARD, 1, 900),
    ]


PAID_ELSEWHERE = {
    "payment_id": "6f1c0e7a-2b1d-4c5e-9a7b-0d3e4f5a6b7c",
    "subject_kind": "booking",
    "subject_id": "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d",
    "household_id": "H1",
    "amount_cents": 2500,
    "means": "elsewhere",
    "reference": "CMCAS Lyon 42",
    "recorded_at": "2026-11-23T10:42:05",
    "site_id": "SITE",
    "staff_id": None,
    "corrects": None,
}


def read(**changes: object) -> Payment:
    return parse_payment(
        DocumentReader(PAID_ELSEWHERE | changes, "page", PaymentRefused, "error.document.refused.page")
    )


def test_a_payment_reported_by_the_centre_is_read_whole():
    assert read() == Payment(
        "6f1c0e7a-2b1d-4c5e-9a7b-0d3e4f5a6b7c",
        SubjectKind.BOOKING,
        "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d",
        "H1",
        2500,
        Means.ELSEWHERE,
        "CMCAS Lyon 42",
        datetime(2026, 11, 23, 10, 42, 5),
        "SITE",
        None,
        None,
    )
    correction = read(amount_cents=-500, corrects=PAID_ELSEWHERE["payment_id"], staff_id="S1", subject_kind="request")
    assert (correction.amount_cents, correction.corrects, correction.staff_id) == (
        -500,
        PAID_ELSEWHERE["payment_id"],
        "S1",
    )
    assert correction.subject_kind is SubjectKind.REQUEST
    assert read(reference="").reference == ""
    assert read(amount_cents=100_000_000).amount_cents == 100_000_000


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"payment_id": "6f1c0e7a-2b1d-4c5e-9a7b-0d3e4f5a6bZZ"}, "payment_id is not a valid identifier"),
        ({"subject_id": "x" * 36}, "subject_id is not a valid identifier"),
        ({"payment_id": "6f1c0e7a"}, "payment_id must be 36 to 36 characters long"),
        ({"amount_cents": 0}, "amount_cents is neither a payment nor a correction"),
        ({"amount_cents": -500}, "amount_cents is neither a payment nor a correction"),  # negative, correcting nothing
        ({"corrects": PAID_ELSEWHERE["payment_id"]}, "amount_cents is neither a payment nor a correction"),
        ({"corrects": "short", "amount_cents": -1}, "corrects must be 36 to 36 characters long"),
        ({"amount_cents": 100_000_001}, "amount_cents must be between -100000000 and 100000000"),
        ({"reference": "<b>"}, "reference is malformed"),
        ({"reference": "x" * 41}, "reference must be 0 to 40 characters long"),
        ({"recorded_at": "2026-11-23 10:42:05"}, "recorded_at must be a YYYY-MM-DDTHH:MM:SS moment"),
        ({"recorded_at": "2026-11-23T10:42"}, "recorded_at must be 19 to 19 characters long"),
        ({"means": "bitcoin"}, "means must be one of cash, cheque, ancv, card, elsewhere"),
        ({"subject_kind": "gift"}, "subject_kind must be one of booking, request"),
        ({"staff_id": "no spaces"}, "staff_id is not a valid identifier"),
    ],
)
def test_a_malformed_payment_from_the_centre_refuses_the_page(changes, problem):
    with pytest.raises(PaymentRefused) as refused:
        read(**changes)
    assert refused.value.en == f"Page from the centre refused: page.{problem}."


def test_what_is_owed_and_when_it_is_settled():
    assert balance(None, []) == Balance(0, 0)
    assert balance(3000, [payment(1000), payment(500, pid="p2")]) == Balance(3000, 1500)
    assert Balance(3000, 1500).owed_cents == 1500 and not Balance(3000, 1500).settled
    assert Balance(3000, 3000).settled and Balance(3000, 3500).owed_cents == 0
    assert not Balance(0, 0).settled  # nothing to pay is not "réglé"


@pytest.mark.parametrize(
    ("state", "due"),
    [("confirmed", 3000), ("requested", 3000), ("waitlisted", 3000), ("cancelled", 0), ("refused", 0)],
)
def test_a_booking_owes_its_price_while_it_stands(state, due):
    booking = Booking("b1", "O1", "S1", "H1", ("P1", "P2"), 3, 3000, BookingState(state), False, AT)
    assert amount_due(booking) == due


@pytest.mark.parametrize(
    ("state", "estimate", "due"),
    [
        ("submitted", 1350, 1350),
        ("ready", 1350, 1350),
        ("cancelled", 1350, 0),
        ("refused", 1350, 0),
        ("taken", None, 0),
    ],
)
def test_a_concierge_request_owes_its_estimate_while_it_stands(state, estimate, due):
    request = ConciergeRequest(
        "r1", "SITE", "pressing", "H1", "P1", {}, 3, estimate, None, "", RequestState(state), AT, AT, None
    )
    assert amount_due(request) == due


def test_the_last_cent_owed_can_be_paid_and_nothing_else():
    owed = Balance(1000, 999)
    check_payment(1, owed)
    with pytest.raises(PaymentRefused):
        check_payment(0, owed)
    assert Balance(1, 1).settled  # one cent paid of one cent due: "réglé"


def test_a_reference_has_at_most_forty_characters():
    assert check_reference(Means.CHEQUE, "C" * 40) == "C" * 40
    with pytest.raises(PaymentRefused):
        check_reference(Means.CHEQUE, "C" * 41)


def test_a_one_cent_payment_can_be_corrected():
    check_correction(payment(1), [payment(1)], 1)


def test_the_means_offered_at_the_desk():
    assert [means.value for means in DESK_MEANS] == ["cash", "cheque", "ancv", "card"]  # "elsewhere": the centre's


def test_a_correction_of_nothing_is_refused():
    with pytest.raises(PaymentRefused):
        check_correction(payment(2000), [payment(2000)], 0)


def test_the_days_takings_add_up_and_hold_when_the_audit_log_agrees():
    lines = totals_by_means([payment(2000), payment(1500, Means.ANCV, pid="p2")])
    agreed = AuditMatch(matched=2, with_centre=0, elsewhere=0, problems=())
    takings = Takings(AT.date(), "SITE", lines, (payment(2000), payment(1500, Means.ANCV, pid="p2")), agreed)
    assert takings.total_cents == 3500 and takings.audit.holds
    assert not AuditMatch(matched=1, with_centre=0, elsewhere=0, problems=("p2",)).holds
