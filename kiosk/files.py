"""Files of the kiosk and the centre: written whole or not at all (a crash or a power cut mid-write never
leaves half a file), and readable by their own user only, whatever the umask (they hold people's names)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

OWNER_ONLY = 0o600


def write_whole(path: Path, data: bytes) -> Path:
    """Write `data` beside `path`, on disk, then put it in place in one rename (its folder made if need be);
    mode 0600. The partial file is this call's own (two writers at once never share one; a file or link
    left there by someone else is never written through), and removed if anything fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, OWNER_ONLY)
    try:
        with os.fdopen(descriptor, "wb") as out:
            os.fchmod(out.fileno(), OWNER_ONLY)  # whatever the umask
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def restrict_database_files(path: Path) -> None:
    """An SQLite database file, created if missing, and its -wal, -shm and -journal: readable by their owner
    only (SQLite gives the files it creates beside a database the database file's mode)."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
    try:
        os.fchmod(descriptor, OWNER_ONLY)
    finally:
        os.close(descriptor)
    for suffix in ("-wal", "-shm", "-journal"):
        try:
            os.chmod(f"{path}{suffix}", OWNER_ONLY)
        except FileNotFoundError:
            pass
