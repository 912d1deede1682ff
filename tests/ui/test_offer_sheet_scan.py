"""An offer sheet brought back to the kiosk: its QR code, scanned, opens the offer as it stands now."""

from PySide6.QtCore import Qt

from kiosk.domain.paper import offer_code


def test_an_offer_sheet_scanned_at_the_kiosk_opens_its_offer(qtbot, window):
    """The sheet says "scan this code at the kiosk: it opens this offer"; it does, from any screen."""
    window.show()
    qtbot.keyClicks(window, offer_code("P1"))
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.current_screen() == "detail" and window.screens["detail"].offer.id == "P1"
    qtbot.keyClicks(window, "OFFRE:<gone>")  # not an offer code: nothing happens
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.screens["detail"].offer.id == "P1"
