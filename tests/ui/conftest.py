import pytest
from PySide6.QtCore import Qt, QThreadPool

from kiosk.ui.app import create_application
from kiosk.ui.main_window import MainWindow


class FakeMonotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def monotonic():
    return FakeMonotonic()


@pytest.fixture
def window(qtbot, services, monotonic):
    create_application(services.config)
    win = MainWindow(services, monotonic=monotonic)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    win.start()
    yield win
    win.close()
    QThreadPool.globalInstance().waitForDone(30_000)  # no worker outlives the store it reads


def tap(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
