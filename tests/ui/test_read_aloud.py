"""Read aloud: the screen's content first, then each button the person presses; and a kiosk
with no speech engine says so plainly instead of pretending."""

from dataclasses import replace

import pytest

from kiosk.config import DisplaySettings, KioskConfig
from kiosk.services.context import open_services
from kiosk.ui.app import create_application
from kiosk.ui.main_window import MainWindow
from kiosk.ui.speech import Narrator
from tests.ui.conftest import tap


@pytest.fixture
def spoken(monkeypatch):
    said: list[str] = []
    original = Narrator.say

    def record(self, text):
        said.append(text)
        original(self, text)

    monkeypatch.setattr(Narrator, "say", record)
    return said


def make_window(qtbot, tmp_path, catalog_file, households_file, speech):
    config = replace(KioskConfig(), display=DisplaySettings(speech=speech))
    services = open_services(
        tmp_path / speech, config, demo=True, demo_catalog=catalog_file, demo_households=households_file
    )
    create_application(config)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    return window, services


def test_read_aloud_reads_the_screen_then_follows_what_is_pressed(
    qtbot, tmp_path, catalog_file, households_file, spoken
):
    window, services = make_window(qtbot, tmp_path, catalog_file, households_file, "mock")
    assert window.narrator.available
    tap(qtbot, window.access_bar.read_aloud)
    assert window.narrator.active
    screen_text = spoken[-1]
    assert screen_text.startswith("Bonjour ! Que voulez-vous faire ?")
    assert "Bons plans" in screen_text and "Mes réservations" in screen_text
    tap(qtbot, window.screens["home"].tiles["offers"])
    assert "L'offre" in spoken  # the tile pressed, by its name
    assert "5 activités" in spoken[-1] and "Piscine et aquagym" in spoken[-1]  # then the new screen
    tap(qtbot, window.access_bar.read_aloud)
    assert not window.narrator.active
    count = len(spoken)
    tap(qtbot, window.back_button)
    assert len(spoken) == count  # silent again
    window.close()
    services.close()


def test_no_speech_engine_is_said_plainly(qtbot, tmp_path, catalog_file, households_file):
    window, services = make_window(qtbot, tmp_path, catalog_file, households_file, "none")
    tap(qtbot, window.access_bar.read_aloud)
    assert not window.access_bar.read_aloud.isChecked()
    assert window.notice.isVisible() and "voix haute" in window.notice.message.text()
    window.close()
    services.close()


def test_the_display_returns_to_standard_for_the_next_person(qtbot, window, monotonic):
    tap(qtbot, window.access_bar.contrast)
    tap(qtbot, window.access_bar.larger)
    assert window.theme.high_contrast and window.theme.scale > 1
    window.show_screen("offers", False)
    monotonic.now += 10_000
    window.idle.check()
    assert not window.theme.high_contrast and window.theme.scale == 1
    assert not window.access_bar.contrast.isChecked() and not window.access_bar.larger.isChecked()
