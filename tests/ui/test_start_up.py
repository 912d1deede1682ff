"""The program starts as the Debian unit starts it: Qt's messages routed to the log and the
on-screen keyboard loaded. It froze there once: the keyboard's QML printed a warning from
Qt's loader thread while the GUI thread waited for it, and the Python message handler
waited for the GUI thread's lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

START_UP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kiosk.config import KioskConfig, DisplaySettings
    from kiosk.logs import qt_messages_in_log, setup_logging
    import logging

    data_dir = Path(sys.argv[1])
    config = KioskConfig(display=DisplaySettings(keyboard="on"))
    setup_logging(config, data_dir, console_level=logging.WARNING)
    with qt_messages_in_log():  # as `slvie-kiosk run` does
        from kiosk.services.context import open_services
        from kiosk.ui.app import build_window, create_application

        services = open_services(data_dir, config)
        app, keyboard = create_application(config)
        window = build_window(services, keyboard)
        window.show()
        app.processEvents()
        print("keyboard" if keyboard else "no keyboard", "window shown", flush=True)
    logging.shutdown()
""")


def test_start_up_with_the_keyboard_and_qt_messages_routed_to_the_log_does_not_freeze(tmp_path: Path):
    try:
        result = subprocess.run(
            [sys.executable, "-c", START_UP, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**_environment(), "QT_QPA_PLATFORM": "offscreen"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("the kiosk froze while loading the on-screen keyboard") from None
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "keyboard window shown"
    log = (tmp_path / "logs" / "kiosk.log").read_text()
    # The keyboard's QML warning reached the log file, with its level and Qt category.
    assert "WARNING qt [qt-messages] qt.qml" in log
    assert "overrides a member" in log
    # Python's own console output still goes to the real stderr, not back into the log.
    assert "overrides a member" not in result.stdout


def _environment() -> dict[str, str]:
    import os

    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("QT_IM_MODULE", "QT_VIRTUALKEYBOARD", "QT_MESSAGE_PATTERN"))
    }
