"""The whole walk on a real print queue: identify, book, and the voucher comes out of CUPS,
its QR code readable by an independent decoder at thermal-printer resolution."""

import shutil
import subprocess
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from kiosk.config import KioskConfig, PrinterSettings
from kiosk.domain.voucher import short_code, verify_payload
from kiosk.services.context import open_services
from kiosk.signing_key import load_signing_key
from kiosk.ui.app import create_application
from kiosk.ui.main_window import MainWindow
from tests.factories import CLAIRE_CARD, NOW
from tests.integration.test_printing_cups import cups, pdf_queue, printed_files, wait_for_printed  # noqa: F401

pytestmark = pytest.mark.skipif(
    shutil.which("cupsd") is None or shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="needs CUPS, zbar-tools and poppler-utils (Debian packages)",
)


def test_a_booking_prints_its_voucher_on_the_site_printer(qtbot, tmp_path, catalog_file, households_file, pdf_queue):
    config = replace(KioskConfig(), printer=PrinterSettings(queue=pdf_queue, layout="thermal80"))
    services = open_services(
        tmp_path / "data",
        config,
        demo=True,
        clock=lambda: NOW,
        demo_catalog=catalog_file,
        demo_households=households_file,
    )
    create_application(config)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    window.with_identity(("booking", "T1", "T1-S1"))
    identify = window.screens["identify"]
    qtbot.keyClicks(identify.card, CLAIRE_CARD)
    qtbot.keyClick(identify.card, Qt.Key.Key_Return)
    qtbot.keyClicks(identify.pin, "1234")
    qtbot.keyClick(identify.pin, Qt.Key.Key_Return)
    qtbot.mouseClick(window.screens["booking"].confirm, Qt.MouseButton.LeftButton)
    (booking,) = services.bookings.bookings(window.identified.household)
    title = f"SLVie-{short_code(booking.booking_id)}"
    before = printed_files(pdf_queue, title)
    done = window.screens["booking_done"]
    qtbot.waitUntil(lambda: done.status.text() == "Votre bon est imprimé. Prenez-le.", timeout=30_000)
    # Printed: a second copy is no longer the next step, only a quieter "Réimprimer".
    assert done.print_button.text() == "Réimprimer" and done.print_button.objectName() != "primary"

    printed = wait_for_printed(pdf_queue, title, before)
    image = tmp_path / "printed"
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(printed), str(image)], check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", f"{image}.png"], capture_output=True, text=True, check=True)
    result = verify_payload(decoded.stdout.strip(), [load_signing_key(services.data_dir).public_key()])
    assert result.valid, result
    assert result.claims.short_code == short_code(booking.booking_id)
    window.close()
    services.close()
