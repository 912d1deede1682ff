"""Checks that need their own process: the input method is chosen before Qt starts."""

import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KEYBOARD_SCRIPT = """
import os, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from kiosk.config import DisplaySettings, KioskConfig
from kiosk.services.context import open_services
from kiosk.ui.app import build_window, create_application
from kiosk.ui.keyboard import KeyboardDock

config = KioskConfig(display=DisplaySettings(keyboard="on"))
services = open_services(Path(tempfile.mkdtemp()), config, demo=True)
app, keyboard = create_application(config)
window = build_window(services, keyboard)
window.resize(1920, 1080)
window.show()
window.show_screen("offers", False)
offers = window.screens["offers"]
dock = window.findChild(KeyboardDock)
assert keyboard and dock is not None and not dock.isVisible()
QTest.mouseClick(offers.search, Qt.MouseButton.LeftButton, pos=QPoint(40, 20))
for _ in range(20):
    app.processEvents()
assert dock.isVisible(), "the keyboard did not open for the search field"
field_bottom = offers.search.mapTo(window, QPoint(0, offers.search.height())).y()
dock_top = dock.mapTo(window, QPoint(0, 0)).y()
assert field_bottom <= dock_top, (field_bottom, dock_top)
assert window.height() == 1080, window.height()
print("OK", field_bottom, dock_top)
"""


def test_the_on_screen_keyboard_opens_below_the_field_without_hiding_it(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", KEYBOARD_SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("OK")


IDEA_KEYBOARD_SCRIPT = """
import tempfile
from pathlib import Path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from kiosk.config import DisplaySettings, KioskConfig
from kiosk.services.context import open_services
from kiosk.ui.app import build_window, create_application
from kiosk.ui.keyboard import KeyboardDock

config = KioskConfig(display=DisplaySettings(keyboard="on"))
services = open_services(Path(tempfile.mkdtemp()), config, demo=True)
app, keyboard = create_application(config)
window = build_window(services, keyboard)
window.resize(1366, 768)
window.show()
window.activateWindow()
assert QTest.qWaitForWindowActive(window, 5000)
window.show_screen("idea")
field = window.screens["idea"].words
QTest.mouseClick(field.edit.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, 20))
for _ in range(40):
    app.processEvents()
dock = window.findChild(KeyboardDock)
assert dock.isVisible(), "the keyboard did not open for the idea's field"
top, bottom = (field.mapTo(window, QPoint(0, y)).y() for y in (0, field.height()))
dock_top = dock.mapTo(window, QPoint(0, 0)).y()
assert 0 < top and bottom <= dock_top, (top, bottom, dock_top)
print("OK", top, bottom, dock_top)
"""


def test_the_keyboard_never_hides_the_ideas_field_of_several_lines_on_a_short_screen(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", IDEA_KEYBOARD_SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("OK")


def test_screenshots_renders_every_screen_in_english(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "screenshots", str(tmp_path), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = sorted(p.stem for p in tmp_path.glob("*.png"))
    screens = [
        "home",
        "offer_list",
        "offer_list_search",
        "offer_list_partial",
        "offer_list_nothing",
        "offer_list_filters",
        "offer_list_keyboard",
        "bons_plans",
        "offer_detail",
        "help",
        "help_called",
        "concierge",
        "idle_warning",
        "identify",
        "identify_error",
        "booking",
        "booking_done",
        "my_bookings",
        "stay_detail",
        "wishes_details",
        "wishes_list",
        "wishes_stays",
        "wishes_refused",
        "wishes_done",
        "my_bookings_stay_proposed",
        "stay_accept_question",
        "notices",
        "notices_error",
        "notices_given",
        "concierge_request",
        "concierge_request_error",
        "concierge_done",
        "participate",
        "idea",
        "idea_error",
        "idea_done",
        "idea_lookup",
        "consultations",
        "vote_ranking",
        "vote",
        "vote_done",
        "appreciate",
        "appreciation",
        "appreciation_error",
        "offer_detail_past",
        "staff_sign_in",
        "staff_home",
        "staff_queue",
        "staff_queue_reason",
        "staff_queue_filters",
        "staff_help_queue",
        "staff_sync",
        "staff_payment",
        "staff_payment_error",
        "staff_payment_recorded",
        "staff_payment_correction",
        "staff_takings",
        "assisted_identify",
        "assisted_booking_home",
        "staff_exit_question",
    ]
    assert names == sorted(screens + [f"{s}-high-contrast" for s in screens] + [f"{s}-larger-text" for s in screens])
    for path in tmp_path.glob("*.png"):
        width, height = struct.unpack(">II", path.read_bytes()[16:24])
        assert (width, height) == (1920, 1080), path.name
