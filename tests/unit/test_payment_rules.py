"""What a correspondent may type as a payment, and how a correction is bounded."""

from datetime import datetime

import pytest

from kiosk.domain.payment import (
    Balance,
    Means,
    Payment,
    PaymentRefused,
    SubjectKind,
    balance,
    check_correction,
    check_payment,
    check_reference,
    parse_amount,
    totals_by_means,
)

AT = datetime(2026, 11, 23, 10, 0)


def payment(amount: int, means: Means = Means.CASH, corrects: str | None = None, pid: str = "p1") -> Payment:
    return Payment(pid, SubjectKind.BOOKING, "b1", "H1", amount, means, "", AT, "SITE", "S1", corrects)


@pytest.mark.parametrize(
    "typed, cents", [("12", 1200), ("12,50", 1250), ("12.5", 1250), (" 8,05 € ", 805), ("1 250", 125000), ("0,01", 1)]
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
