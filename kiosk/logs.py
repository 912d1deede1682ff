"""The kiosk's log files: rotating, in the data directory or /var/log/slvie-kiosk, with no personal data.

What IT reads from afar. The level comes from the site configuration (`[logging] level`);
the folder is `SLVIE_KIOSK_LOG_DIR` when set (an installed kiosk sets it to
/var/log/slvie-kiosk), else `logs/` in the data directory. Files rotate at
`MAX_BYTES`, `BACKUP_COUNT` of them kept, so a kiosk left for months never fills its disk.

The code logs identifiers (booking and operation ids, error class names), never a name,
a card number, a PIN or a token. As a second line of defence, every record goes through
`redact()`, which blanks anything shaped like a bearer token, a card number or a secret
passed as a parameter, whoever wrote the line (a library at debug level, say).
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kiosk.config import KioskConfig

LOG_FILE = "kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 10
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
# Libraries that repeat at debug level what the kiosk already says, or worse.
QUIET_LIBRARIES = ("urllib3", "PIL", "asyncio", "multipart", "httpx", "httpcore")

_SECRETS = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [secret]"),
    (re.compile(r"(?i)\b(token|pin|password|code|secret)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&]+"), r"\1\2[secret]"),
    # Beneficiary card numbers (13 digits) and anything as long: no id the kiosk logs is all digits.
    (re.compile(r"(?<![\w.-])\d{10,19}(?![\w-])"), "[number]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_dir(data_dir: Path) -> Path:
    return Path(os.environ.get("SLVIE_KIOSK_LOG_DIR") or data_dir / "logs")


_installed: list[logging.Handler] = []


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log readable by the kiosk's user only (0600 whatever the umask): it names kiosks,
    sites and operations, and a log file is the first thing copied off a machine."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(descriptor, 0o600)
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(config: KioskConfig, data_dir: Path, console_level: int | None = None) -> Path | None:
    """Send the application's records to a rotating file, and those from `console_level` up to stderr.

    Returns the log file, or None when its folder cannot be written: the kiosk then
    logs to stderr (the journal, when it runs as a service) and still starts.
    """
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    level = getattr(logging, config.logging.level.upper(), logging.INFO)
    formatter = RedactingFormatter(FORMAT)
    log_file = log_dir(data_dir) / LOG_FILE
    path: Path | None = log_file
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        file_handler = PrivateRotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        _installed.append(file_handler)
    except OSError as error:
        path = None
        console_level = level
        unwritable = error
    if console_level is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(console_level)
        _installed.append(stream)
    for handler in _installed:
        root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    if path is None:
        logging.getLogger(__name__).warning(
            "log folder %s cannot be written (%s); logging to stderr",
            log_dir(data_dir),
            unwritable.strerror or unwritable,
        )
    return path


def log_uncaught_exceptions() -> None:
    """A crash leaves its traceback in the log before the service manager restarts the kiosk."""
    previous = sys.excepthook
    if getattr(previous, "kiosk_logs", False):
        return

    def hook(kind, value, traceback):
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("kiosk.crash").critical("uncaught %s", kind.__name__, exc_info=(kind, value, traceback))
        previous(kind, value, traceback)

    hook.kiosk_logs = True  # type: ignore[attr-defined]  # a mark on the function, read back above
    sys.excepthook = hook


def stop_logging() -> None:
    """Remove the handlers setup_logging installed (tests, and a clean exit)."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()


# Qt writes each message as one line "type|category|message" (QT_MESSAGE_PATTERN).
QT_MESSAGE_PATTERN = "%{type}|%{category}|%{message}"
QT_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "critical": logging.ERROR,
    "fatal": logging.CRITICAL,
}
PIPE_BYTES = 1024 * 1024


@contextlib.contextmanager
def qt_messages_in_log() -> Iterator[None]:
    """While inside, Qt's own warnings (a plug-in that does not load, a screen that goes away)
    go to the log, without ever running Python in the thread that emits them.

    Qt emits messages from any thread: the QML loader's, while the GUI thread waits for it
    holding Python's GIL. A Python message handler (qInstallMessageHandler) waits for that
    GIL there, and the kiosk froze at start-up as soon as the on-screen keyboard's QML
    printed a warning. So Qt keeps its own handler, which writes to the process's stderr,
    and that file descriptor becomes a pipe Qt writes to without blocking: a full pipe loses
    a message, never the GUI. A daemon thread reads the pipe into the log. Python's own
    stderr (and the console handler) keeps the real stderr; all is put back on the way out.
    """
    if sys.platform == "win32":
        yield  # Qt there sends its messages to the debugger output, not to stderr
        return
    import fcntl

    from PySide6.QtCore import qSetMessagePattern

    os.environ["QT_FORCE_STDERR_LOGGING"] = "1"
    qSetMessagePattern(QT_MESSAGE_PATTERN)
    previous = sys.stderr
    saved_fd = os.dup(2)
    real_stderr = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    # Qt's last words before an abort stay in the pipe: a crash at least leaves where it was.
    crash_dumps = faulthandler.is_enabled()
    faulthandler.enable(file=real_stderr)
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass  # the kernel's default size (64 KiB) is still far more than a start-up's messages
    os.set_blocking(write_end, False)
    previous.flush()
    os.dup2(write_end, 2)
    os.close(write_end)
    _restream(previous, real_stderr)
    sys.stderr = real_stderr
    reader = threading.Thread(target=_log_qt_lines, args=(read_end,), name="qt-messages", daemon=True)
    reader.start()
    try:
        yield
    finally:
        os.dup2(saved_fd, 2)  # the pipe's last writer goes: the reader sees its end and stops
        os.close(saved_fd)
        reader.join(timeout=2)
        _restream(real_stderr, previous)
        sys.stderr = previous
        faulthandler.disable()
        if crash_dumps:
            with contextlib.suppress(ValueError, OSError):  # a stream with no file behind it (a test's capture)
                faulthandler.enable(file=previous)
        real_stderr.close()


def _restream(old: TextIO, new: TextIO) -> None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is old:
            handler.setStream(new)


def _log_qt_lines(read_end: int) -> None:
    qt_log = logging.getLogger("qt")
    with os.fdopen(read_end, "r", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            kind, category, message = _split_qt_line(line.rstrip("\n"))
            qt_log.log(QT_LEVELS.get(kind, logging.WARNING), "%s: %s", category, message)


def _split_qt_line(line: str) -> tuple[str, str, str]:
    """Lines Qt wrote with the pattern split into their parts; anything else (a library
    writing to stderr on its own) is logged whole as a warning."""
    parts = line.split("|", 2)
    if len(parts) == 3 and parts[0] in QT_LEVELS:
        return parts[0], parts[1] or "default", parts[2]
    return "warning", "stderr", line
