"""What is owed and paid, on screen: "à régler" after booking and in My bookings; in assisted mode the
correspondent takes it in two payments and corrects one by a new entry; the reprinted voucher says what is
left; the concierge queue offers the same at the hand-over; the day's takings add up by means."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLabel

from kiosk.domain.payment import Means, SubjectKind
from kiosk.services.context import assemble_services
from tests.ui.test_assisted_mode import card_for, identify_beside, shown_button, sign_in, submitted_request


@pytest.fixture
def services(services, clock, monotonic):
    """The demo kiosk, with the correspondents' inactivity limit on the test's monotonic clock."""
    return assemble_services(services.db, services.config, services.data_dir, clock, monotonic)


def shown_texts(widget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) if not w.isHidden()]


def voucher_words(path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u202f", " ").split())


def test_a_priced_booking_is_settled_at_the_desk_and_the_reprinted_voucher_says_so(qtbot, window, services):
    sign_in(qtbot, window)
    identify_beside(qtbot, window)
    window.show_screen("detail", "T1")
    shown_button(window.screens["detail"], "Réserver").click()
    window.screens["booking"].confirm.click()
    (booking,) = services.bookings.bookings(window.identified.household)
    price = services.bookings.booking(booking.booking_id).total_cents
    assert price > 500
    done = window.screens["booking_done"]
    assert any("à régler à l'accueil de votre SLVie" in text for text in shown_texts(done))

    window.show_screen("my_bookings")
    mine = window.screens["my_bookings"]
    assert any("à régler" in text for text in shown_texts(mine))
    shown_button(mine, "Encaisser").click()
    pay = window.screens["payment"]
    assert window.current_screen() == "payment" and pay.amount.text() == f"{price // 100}"  # what is owed
    for amount, means, reference, error in (
        ("abc", Means.CASH, "", "pas un nombre d'euros"),
        ("-3", Means.CASH, "", "négatif"),
        (f"{price}", Means.CASH, "", "dépasse ce qui reste"),
        ("5", Means.CARD, "", "référence du ticket"),
    ):
        pay.amount.setText(amount)
        pay.means.set_value(means)
        pay.reference.setText(reference)
        pay.submit.click()
        assert error in pay.error.text()
    assert services.payments.payments(SubjectKind.BOOKING, booking.booking_id) == []  # nothing written

    pay.amount.setText("5")
    pay.means.set_value(Means.CASH)
    pay.submit.click()
    assert pay.message.text() == "Paiement enregistré : 5\xa0€, Espèces." and pay.error.text() == ""
    assert pay.amount.text() == str((price - 500) // 100)  # the rest, ready for the next payment
    qtbot.wait(20)  # buttons added to a shown screen appear once events run
    shown_button(pay, "Corriger").click()  # 5 € was a mistake: 2 € of it taken back by a new entry
    pay.amount.setText("2")
    pay.submit.click()
    assert pay.message.text() == "Correction enregistrée : 2\xa0€ repris."
    assert [p.amount_cents for p in services.payments.payments(SubjectKind.BOOKING, booking.booking_id)] == [500, -200]
    assert f"Reste à régler : {(price - 300) // 100}\xa0€" in pay.summary.text()
    assert [e.action for e in services.audit.entries()][-2:] == ["payment.record", "payment.record"]

    window.go_back()
    assert window.current_screen() == "my_bookings"
    assert any(f"3\xa0€ réglés, reste {(price - 300) // 100}\xa0€ à régler" in text for text in shown_texts(mine))
    shown_button(mine, "Imprimer le bon").click()  # no printer in the test kiosk: the PDF is kept
    qtbot.waitUntil(lambda: (services.data_dir / "vouchers" / f"{booking.booking_id}.pdf").exists(), timeout=10_000)
    QThreadPool.globalInstance().waitForDone(10_000)
    if shutil.which("pdftotext"):
        assert f"3 € réglés, reste {(price - 300) // 100} € à régler" in voucher_words(
            services.data_dir / "vouchers" / f"{booking.booking_id}.pdf"
        )

    window.reset_session()
    window.screens["staff_home"].tiles["takings"].click()
    takings = window.screens["takings"]
    lines = shown_texts(takings)
    assert "Espèces : 2 paiement(s), 3\xa0€" in lines and "Total : 3\xa0€" in lines
    assert any(line.startswith("Rapproché du journal d'audit : 2 paiement(s) vérifié(s) ici") for line in lines)


def test_the_queue_offers_to_take_what_is_owed_at_the_hand_over(qtbot, window, services):
    request = submitted_request(services)
    window.show_screen("concierge_done", request, remember=False)  # what the person saw once it was sent
    assert any(
        text.endswith("à régler à l'accueil de votre SLVie") for text in shown_texts(window.screens["concierge_done"])
    )
    window.reset_session()
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["queue"].click()
    queue = window.screens["queue"]
    card = card_for(queue, request.request_id)
    assert any("à régler" in text for text in shown_texts(card))
    shown_button(card, "Encaisser").click()
    pay = window.screens["payment"]
    assert window.current_screen() == "payment" and pay.subject_id == request.request_id
    pay.means.set_value(Means.ANCV)
    pay.submit.click()
    assert pay.message.text().endswith("Chèques-Vacances.")
    assert services.payments.balance_of_request(services.concierge.request(request.request_id)).settled


@pytest.fixture(autouse=True)
def _no_worker_left():
    yield
    QThreadPool.globalInstance().waitForDone(10_000)
