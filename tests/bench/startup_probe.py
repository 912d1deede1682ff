"""Run by bench.py in a fresh process: start the kiosk as `slvie-kiosk run` does, report
when home is first painted, then time screen switches and report the peak memory."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest

from kiosk.ui.app import start_kiosk

SWITCH_ROUNDS = 20


class FirstPaint(QObject):
    def __init__(self, then):
        super().__init__()
        self.then = then
        self.seen = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.then)
        return False


def peak_rss_mb() -> float:
    """This process's high-water mark since exec (getrusage's ru_maxrss would include the
    parent's memory copied at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def timed(window, action) -> float:
    start = time.perf_counter()
    action()
    window.repaint()  # synchronous: the new screen is on the backing store when this returns
    return (time.perf_counter() - start) * 1000


def switch_figures(app, window) -> dict:
    home = window.screens["home"]
    samples: list[float] = []
    for _ in range(SWITCH_ROUNDS):
        samples.append(timed(window, lambda: QTest.mouseClick(home.tiles["offers"], Qt.MouseButton.LeftButton)))
        offers = window.screens["offers"]
        first = offers.list.visualRect(offers.model.index(0)).center()
        samples.append(
            timed(
                window,
                lambda offers=offers, first=first: QTest.mouseClick(
                    offers.list.viewport(), Qt.MouseButton.LeftButton, pos=first
                ),
            )
        )
        samples.append(timed(window, lambda: QTest.mouseClick(window.back_button, Qt.MouseButton.LeftButton)))
        samples.append(timed(window, lambda: QTest.mouseClick(window.home_button, Qt.MouseButton.LeftButton)))
        samples.append(timed(window, lambda: QTest.mouseClick(home.tiles["concierge"], Qt.MouseButton.LeftButton)))
        samples.append(timed(window, lambda: QTest.mouseClick(window.home_button, Qt.MouseButton.LeftButton)))
        app.processEvents()
    samples.sort()
    return {
        "screen_switch_p50_ms": round(statistics.median(samples), 2),
        "screen_switch_p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "screen_switch_samples": len(samples),
    }


def main() -> None:
    data_dir = Path(sys.argv[1])
    app, window, services = start_kiosk(data_dir, None, demo=False, windowed=False)

    def after_first_paint() -> None:
        print("PAINTED", flush=True)
        figures = switch_figures(app, window)
        figures["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(figures), flush=True)
        app.exit(0)  # quit() would be refused by the kiosk lockdown

    probe = FirstPaint(after_first_paint)
    window.screens["home"].installEventFilter(probe)
    app.exec()
    services.close()


if __name__ == "__main__":
    main()
