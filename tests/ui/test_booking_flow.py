"""A beneficiary identifies, books for the family and leaves with a voucher; then cancels it."""

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QScroller

from kiosk.domain.voucher import short_code
from kiosk.services.actor import BENEFICIARY
from kiosk.services.vouchers import VOUCHER_DIR
from kiosk.store.database import transaction
from kiosk.store.state import write_state
from sync.client import CentralClient
from sync.top_up import CentreTopUp
from tests.factories import CLAIRE_CARD, KARIM_CARD, holder
from tests.ui.conftest import tap


def button_named(widget, text):
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text and not b.isHidden())


def identify(qtbot, window, card=f"ACTIV:{CLAIRE_CARD}", pin="1234"):
    screen = window.screens["identify"]
    qtbot.keyClicks(screen.card, card)
    qtbot.keyClick(screen.card, Qt.Key.Key_Return)  # what a card scanner sends at the end
    assert screen.pin.hasFocus() or not window.isActiveWindow()
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)


def test_a_simple_booking_takes_three_taps_once_the_card_is_scanned(qtbot, window, services):
    taps = 0

    def tap_at(widget, position=None):
        nonlocal taps
        taps += 1
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=position or widget.rect().center())

    # The card scanned on the home screen (the scanner types, then Enter), and the PIN.
    window.show()
    qtbot.keyClicks(window, f"ACTIV:{CLAIRE_CARD}")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.current_screen() == "identify"
    screen = window.screens["identify"]
    qtbot.keyClicks(screen.pin, "1234")
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert window.current_screen() == "home" and window.identified is not None

    tap_at(window.screens["home"].tiles["offers"])
    offers = window.screens["offers"]
    # Offscreen, the kinetic scroller cannot replay a synthetic tap (the real window's test,
    # tests/e2e, taps through it): here the tap goes to the list itself.
    QScroller.ungrabGesture(offers.list.viewport())
    row = next(i for i, o in enumerate(offers.model.offers) if o.row_session_id and not o.row_waitlist)
    index = offers.model.index(row)
    offers.list.scrollTo(index)
    book = offers.delegate.book_rect(offers.list.visualRect(index), offers.model.offers[row])
    tap_at(offers.list.viewport(), book.center())
    qtbot.waitUntil(lambda: window.current_screen() == "booking", timeout=2000)
    tap_at(window.screens["booking"].confirm)
    assert window.current_screen() == "booking_done"
    assert window.screens["booking_done"].headline.text() == "C'est réservé !"
    assert taps <= 3


def test_identify_book_for_two_and_get_the_voucher(qtbot, window, services):
    window.show_screen("offers", False)
    window.show_screen("detail", "T1")
    # The detail scrolls (its photo and "Imprimer cette offre" make it taller than the window): offscreen,
    # kinetic scrolling cannot replay a synthetic tap inside it, so the button is clicked (tests/e2e taps real ones).
    button_named(window.screens["detail"].content, "Réserver").click()
    assert window.current_screen() == "identify"

    identify(qtbot, window)
    assert window.current_screen() == "booking"
    assert window.hello.text() == "Bonjour Claire" and window.end_session.isVisible()
    booking_screen = window.screens["booking"]
    assert booking_screen.chosen() == ["P1"]
    assert booking_screen.price.text() == "Prix par personne : 11\xa0€ (tranche 3)"
    tap(qtbot, booking_screen.people_buttons["P2"])
    assert booking_screen.total.text() == "Total : 22\xa0€"
    assert booking_screen.outcome.text() == "Vos 2 places sont confirmées tout de suite."

    tap(qtbot, booking_screen.confirm)
    done = window.screens["booking_done"]
    assert window.current_screen() == "booking_done"
    assert done.headline.text() == "C'est réservé !"
    (booking,) = services.bookings.bookings(window.identified.household)
    assert done.code.text() == f"Votre code : {short_code(booking.booking_id)}"
    # No printer is configured here: the person is told, and the voucher waits to be printed again.
    qtbot.waitUntil(lambda: "Aucune imprimante" in done.status.text(), timeout=10_000)
    assert "Mes réservations" in done.status.text()
    assert "/" not in done.status.text()  # no file path for the person at the screen
    assert (services.data_dir / VOUCHER_DIR / f"{booking.booking_id}.pdf").stat().st_size > 1000
    # Not printed: printing stays the next step.
    assert done.print_button.text() == "Imprimer mon bon" and done.print_button.objectName() == "primary"
    # What, when, where, who and what it costs, recapped.
    recap = [w.text() for w in done.recap_card.findChildren(type(done.headline))]
    assert recap[recap.index("Pour") + 1] == "Claire Martin\nJulien Martin"
    assert recap[recap.index("Prix") + 1] == "22\xa0€, à régler à l'accueil de votre SLVie"
    assert {"Activité", "Quand", "Où"} <= set(recap)

    tap(qtbot, window.back_button)
    assert window.current_screen() == "detail"
    texts = [w.text() for w in window.screens["detail"].content.findChildren(type(window.top_bar.site))]
    assert any(t.startswith("38 places libres") for t in texts)  # the two places are taken at once


def test_a_request_is_labelled_as_such(qtbot, window):
    window.with_identity(("booking", "S1", "S1-S1"))
    identify(qtbot, window)
    booking_screen = window.screens["booking"]
    assert "Votre demande sera envoyée" in booking_screen.outcome.text()
    assert booking_screen.confirm.text() == "Envoyer ma demande"
    tap(qtbot, booking_screen.confirm)
    assert window.screens["booking_done"].headline.text() == "Votre demande est enregistrée"


def test_a_rule_broken_is_explained_and_blocks_the_button(qtbot, window):
    window.with_identity(("booking", "T1", "T1-S1"))
    identify(qtbot, window)
    booking_screen = window.screens["booking"]
    tap(qtbot, booking_screen.people_buttons["P1"])  # nobody chosen any more
    assert booking_screen.outcome.text() == "Choisissez au moins une personne."
    assert not booking_screen.confirm.isEnabled()


def test_wrong_pin_and_bad_scans_are_explained(qtbot, window):
    window.with_identity(("my_bookings",))
    screen = window.screens["identify"]
    identify(qtbot, window, pin="0000")
    assert window.current_screen() == "identify"
    assert screen.error.text() == "Code faux. Il vous reste 4 essais."
    assert screen.pin.text() == ""
    screen.card.clear()
    screen.card.setText("x" * 5000)
    assert len(screen.card.text()) <= 65
    tap(qtbot, screen.submit)
    assert "trop long" in screen.error.text()
    screen.card.setText("10000000000")
    tap(qtbot, screen.submit)
    assert "13 chiffres" in screen.error.text()


def test_my_bookings_cancel_with_confirmation(qtbot, window, services):
    tap(qtbot, window.screens["home"].tiles["bookings"])
    identify(qtbot, window)
    mine = window.screens["my_bookings"]
    assert window.current_screen() == "my_bookings"
    assert "pas encore de réservation" in next(w.text() for w in mine.content.findChildren(type(window.top_bar.site)))
    services.bookings.book(BENEFICIARY, holder(window.identified.household), "T1", "T1-S1", ["P1"])
    mine.refresh()
    texts = [w.text() for w in mine.content.findChildren(type(window.top_bar.site))]
    assert "Théâtre : Le Malade imaginaire" in texts and "Confirmée" in texts

    tap(qtbot, button_named(mine.content, "Annuler"))
    assert window.notice.isVisible() and window.notice.title.text() == "Annuler cette réservation ?"
    tap(qtbot, window.notice.action)  # "Non, garder"
    assert services.bookings.bookings(window.identified.household)[0].state.value == "confirmed"
    tap(qtbot, button_named(mine.content, "Annuler"))
    tap(qtbot, window.notice.secondary)  # "Oui, annuler"
    texts = [w.text() for w in mine.content.findChildren(type(window.top_bar.site))]
    assert "Annulée" in texts and "La réservation est annulée." in texts


def test_cancel_is_offered_only_until_the_deadline_then_says_whom_to_ask(qtbot, window, services, clock):
    window.with_identity(("my_bookings",))
    identify(qtbot, window)
    # in 5 days, 2 days' notice
    services.bookings.book(BENEFICIARY, holder(window.identified.household), "T1", "T1-S1", ["P1"])
    mine = window.screens["my_bookings"]
    clock.now += timedelta(days=3, hours=1)
    mine.refresh()
    assert button_named(mine.content, "Imprimer le bon") is not None
    assert not any(b.text() == "Annuler" for b in mine.content.findChildren(QPushButton))
    texts = [w.text() for w in mine.content.findChildren(type(window.top_bar.site))]
    assert any(t.startswith("On pouvait annuler jusqu'au ") and "correspondant SLVie" in t for t in texts)


def test_finishing_or_walking_away_forgets_the_person(qtbot, window, monotonic):
    window.with_identity(("my_bookings",))
    identify(qtbot, window)
    assert window.identified is not None
    monotonic.now += 10_000
    window.idle.check()
    assert window.identified is None and window.current_screen() == "home"
    assert not window.hello.isVisible()
    assert window.screens["my_bookings"].household is None
    window.with_identity(("my_bookings",))
    assert window.current_screen() == "identify"  # identification is asked again
    identify(qtbot, window)
    tap(qtbot, window.end_session)
    assert window.identified is None and window.current_screen() == "home"


def test_a_free_activity_says_so_beside_confirmer(qtbot, window):
    window.with_identity(("booking", "E1", "E1-S1"))
    identify(qtbot, window)
    booking_screen = window.screens["booking"]
    assert booking_screen.total.text() == "Total : gratuit"
    assert booking_screen.price.text() == "C'est gratuit."


def scan(qtbot, target, code):
    """What a card scanner does: types the code into whatever has the focus (`target` at first),
    key after key, then Enter."""
    target.setFocus()
    for character in code:
        qtbot.keyClick(QApplication.focusWidget() or target, character)
    qtbot.keyClick(QApplication.focusWidget() or target, Qt.Key.Key_Return)


def test_a_second_card_scanned_ends_the_first_persons_session(qtbot, window):
    window.show()
    scan(qtbot, window, f"ACTIV:{CLAIRE_CARD}")
    screen = window.screens["identify"]
    scan(qtbot, screen.pin, "1234")
    assert window.hello.text() == "Bonjour Claire"
    window.with_identity(("my_bookings",))
    scan(qtbot, window, f"ACTIV:{KARIM_CARD}")  # Karim arrives while Claire's session is still open
    assert window.identified is None and window.current_screen() == "identify"
    assert screen.card.text() == f"ACTIV:{KARIM_CARD}" and screen.pin.hasFocus() or not window.isActiveWindow()
    scan(qtbot, screen.pin, "1234")
    assert window.hello.text() == "Bonjour Karim" and window.current_screen() == "home"
    assert window.screens["my_bookings"].household is None  # nothing of Claire's is left to see


def test_a_card_scanned_into_the_search_field_identifies_and_searches_nothing(qtbot, window):
    window.show_screen("offers", False)
    offers = window.screens["offers"]
    scan(qtbot, offers.search, f"ACTIV:{CLAIRE_CARD}")
    assert offers.search.text() == ""
    assert window.current_screen() == "identify"
    assert window.screens["identify"].card.text() == f"ACTIV:{CLAIRE_CARD}"


def test_a_card_scanned_again_after_a_wrong_number_starts_over(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.with_identity(("my_bookings",))
    screen = window.screens["identify"]
    scan(qtbot, screen.card, "ACTIV:1000000000018")  # misread: a wrong check digit
    scan(qtbot, screen.pin, "1234")
    assert screen.error.text()
    scan(qtbot, screen.pin, f"ACTIV:{CLAIRE_CARD}")  # the focus is in the PIN: the scanner types there
    assert screen.card.text() == f"ACTIV:{CLAIRE_CARD}" and screen.pin.text() == "" and not screen.error.text()
    scan(qtbot, screen.pin, "1234")
    assert window.hello.text() == "Bonjour Claire"


def test_after_a_correspondent_leaves_no_hidden_field_keeps_the_focus_and_the_next_scan_identifies(qtbot, window):
    from kiosk.demo.staff import badge_number

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tap(qtbot, window.top_bar.staff)
    sign_in = window.screens["staff_sign_in"]
    scan(qtbot, sign_in.badge, badge_number(1))
    scan(qtbot, sign_in.pin, "2468")
    assert window.staff_session is not None
    window.assisted_mode.sign_out("user")
    focused = QApplication.focusWidget()
    assert focused is None or focused.isVisible()
    scan(qtbot, window, f"ACTIV:{CLAIRE_CARD}")
    assert window.current_screen() == "identify"


def test_booking_past_the_cancellation_deadline_is_said_before_confirming(qtbot, window, clock):
    from datetime import timedelta as days

    clock.now += days(days=4)  # T1-S1 is in 5 days, cancellable up to 2 days before
    window.with_identity(("booking", "T1", "T1-S1"))
    identify(qtbot, window)
    outcome = window.screens["booking"].outcome.text()
    assert outcome.endswith("Cette réservation ne pourra pas être annulée ici.")


def test_without_lease_seats_the_screen_says_whether_the_centre_will_be_asked(qtbot, window, services):
    with transaction(services.db):  # this kiosk holds no seat of its own on the date
        services.db.execute("UPDATE sessions SET site_allocation = 0, site_taken = 0 WHERE id = 'T1-S1'")
    # Offline (never synced): it will be a request, and the screen says so.
    services.bookings.top_up = CentreTopUp(services.db, CentralClient("http://127.0.0.1:9"))
    window.with_identity(("booking", "T1", "T1-S1"))
    identify(qtbot, window)
    booking_screen = window.screens["booking"]
    assert "Votre demande sera envoyée" in booking_screen.outcome.text()
    # The centre answered the last sync: the kiosk will ask it for the place while the person waits.
    with transaction(services.db):
        write_state(services.db, "sync_last_success", "2026-11-23T10:40:00")
    tap(qtbot, booking_screen.people_buttons["P2"])
    assert "La borne demande la place au centre" in booking_screen.outcome.text()
    assert booking_screen.confirm.text() == "Confirmer la réservation"
    tap(qtbot, booking_screen.confirm)  # the centre does not answer: a request, said plainly
    assert window.screens["booking_done"].headline.text() == "Votre demande est enregistrée"
