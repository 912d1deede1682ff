"""The kiosk tells systemd it is ready and alive (NOTIFY_SOCKET), and does nothing without it."""

import socket

from kiosk.systemd_notify import notify, watchdog_interval_ms


def test_notifications_reach_the_socket(tmp_path, monkeypatch):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        listener.settimeout(2)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        monkeypatch.setenv("WATCHDOG_USEC", "120000000")
        assert notify("READY=1")
        assert listener.recv(100) == b"READY=1"
        assert watchdog_interval_ms() == 60_000


def test_without_a_service_manager_nothing_happens(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.setenv("WATCHDOG_USEC", "120000000")
    assert notify("READY=1") is False
    assert watchdog_interval_ms() is None


def test_a_listener_that_stops_reading_never_blocks_the_pinging_thread(tmp_path, monkeypatch):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        sent = [notify("WATCHDOG=1") for _ in range(5000)]  # far more than its queue holds
        assert sent[0] and not all(sent)  # once its queue is full, a ping is dropped, not waited on
        assert listener.recv(100) == b"WATCHDOG=1"
