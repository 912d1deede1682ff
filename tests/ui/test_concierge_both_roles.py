"""One request across both roles: a beneficiary asks for dry cleaning at the kiosk and takes the ticket;
a correspondent works it through the queue; the kiosk tells the person it is ready; the correspondent
scans the printed ticket and hands it over. Everything the correspondent did is in the audit log."""

from PySide6.QtCore import Qt

from kiosk.domain.concierge import RequestState
from kiosk.printing.qr_reader import read_payload
from kiosk.services.vouchers import VOUCHER_DIR
from tests.factories import KARIM_CARD
from tests.ui.conftest import tap
from tests.ui.test_assisted_mode import card_for, shown_button, sign_in
from tests.ui.test_booking_flow import identify


def test_a_request_from_submission_to_hand_over(qtbot, window, services):
    # The beneficiary, alone.
    tap(qtbot, window.screens["home"].tiles["concierge"])
    next(
        b
        for b in window.screens["concierge"].findChildren(type(window.back_button))
        if b.accessibleName() == "Demander : Pressing"
    ).click()
    identify(qtbot, window, card=KARIM_CARD)
    form = window.screens["concierge_request"]
    form.controls["garments"].buttons()[0].click()
    form.controls["day"].buttons()[0].click()
    form.send.click()
    done = window.screens["concierge_done"]
    request = services.concierge.request(
        next(
            r.request_id
            for r in services.concierge.requests_for(window.identified.household)
            if r.short_code in done.code.text()
        )
    )
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    ticket = services.data_dir / VOUCHER_DIR / f"{request.request_id}.pdf"
    tap(qtbot, window.end_session)
    assert window.identified is None and not done.code.text()

    # The correspondent takes it in hand and, back from the provider, marks it ready.
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["queue"].click()
    queue = window.screens["queue"]
    for move in ("Prendre en charge", "Confier au prestataire", "Marquer prête"):
        shown_button(card_for(queue, request.request_id), move).click()
    assert services.concierge.request(request.request_id).state is RequestState.READY
    tap(qtbot, window.assisted_mode.banner.leave)
    assert window.staff_session is None

    # The beneficiary comes back: a banner says it is ready, without stopping them.
    window.with_identity(("my_bookings",))
    identify(qtbot, window, card=KARIM_CARD)
    assert window.news.isVisible() and window.news.message.text() == "Votre pressing est prêt."
    assert not window.notice.isVisible() and window.current_screen() == "my_bookings"
    tap(qtbot, window.news.close_button)
    assert not window.news.isVisible()
    tap(qtbot, window.end_session)

    # The correspondent scans the printed ticket and hands the clothes over.
    sign_in(qtbot, window)
    window.screens["staff_home"].tiles["queue"].click()
    qtbot.keyClicks(queue.pickup, read_payload(ticket))
    qtbot.keyClick(queue.pickup, Qt.Key.Key_Return)
    found = queue.found.itemAt(1).widget()
    assert found.request_id == request.request_id
    shown_button(found, "Remettre à la personne").click()
    assert services.concierge.request(request.request_id).state is RequestState.HANDED_OVER

    moves = [
        e.details["to"]
        for e in services.audit.entries()
        if e.action == "concierge.move" and e.target == request.request_id
    ]
    assert moves == ["taken", "at_provider", "ready", "handed_over"]
    assert services.audit.verify() is None  # the chain is whole
