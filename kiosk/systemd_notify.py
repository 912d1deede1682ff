"""Telling the service manager how the kiosk is doing (systemd's notify protocol, no library needed).

Under the Debian package's unit (installers/debian/slvie-kiosk.service), systemd gives
NOTIFY_SOCKET and WATCHDOG_USEC. The kiosk says READY=1 once its first screen is up, then
WATCHDOG=1 regularly from its GUI thread: if that thread freezes, the pings stop and systemd
restarts the kiosk. Elsewhere (a developer's machine, Windows) notify() does nothing.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qt is imported when the heartbeat starts, in the Qt application alone
    from PySide6.QtCore import QCoreApplication, QObject, QTimer


def notify(message: str) -> bool:
    """Send one notification ("READY=1", "WATCHDOG=1", "STOPPING=1"…); False when nobody listens."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as channel:
            # Never wait: a listener that stopped reading must not freeze the GUI thread that pings.
            channel.setblocking(False)
            channel.connect(address)
            channel.send(message.encode())
    except OSError:  # BlockingIOError included: that ping is lost, the next one will do
        return False
    return True


def watchdog_interval_ms() -> int | None:
    """How often to ping (half the watchdog's timeout), or None when there is no watchdog."""
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0 or not os.environ.get("NOTIFY_SOCKET"):
        return None
    return max(usec // 2000, 1000)


def start_heartbeat(app: QCoreApplication, parent: QObject) -> QTimer | None:
    """READY=1 now, a watchdog ping from the GUI thread's event loop, and SIGTERM (the service
    stopping) ending that loop cleanly, so the database is closed and the stop is logged.

    Returns the watchdog QTimer, or None when no watchdog is asked for."""
    import signal

    from PySide6.QtCore import QTimer

    # exit(), not quit(): Qt delivers quit() as a quit request from the system, which the
    # lockdown (kiosk/ui/lockdown.py) refuses; a stop asked by the service manager must end it.
    signal.signal(signal.SIGTERM, lambda *_: app.exit(0))
    # Python runs signal handlers between bytecodes only: wake it now and then while Qt waits.
    wake = QTimer(parent)
    wake.timeout.connect(lambda: None)
    wake.start(500)
    notify("READY=1")
    interval = watchdog_interval_ms()
    if interval is None:
        return None
    timer = QTimer(parent)
    timer.timeout.connect(lambda: notify("WATCHDOG=1"))
    timer.start(interval)
    return timer
