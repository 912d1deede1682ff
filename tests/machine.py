"""What the machine has once — its CUPS scheduler, its package manager — shared by the test processes that
run at the same time: pytest-xdist's workers (./run.sh test), and other checkouts' runs on the same machine.
Each has a lock file in /tmp (machine-wide, as what it guards is), held only while a test uses that thing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

MACHINE_WIDE = Path("/tmp")


def machine_lock(name: str) -> FileLock:
    """A lock every test process on this machine sees: readable and writable by every user."""
    return FileLock(MACHINE_WIDE / f"slvie-tests-{name}.lock", mode=0o666)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def shared_use(name: str) -> Iterator[dict]:
    """Under `name`'s lock, its record of who uses it (`users`, process ids, the dead ones dropped) and any
    notes the users keep beside; saved when the block ends. The last user out is the one to tidy up."""
    record_path = MACHINE_WIDE / f"slvie-tests-{name}.json"
    with machine_lock(name):
        record = json.loads(record_path.read_text()) if record_path.exists() else {}
        record["users"] = [pid for pid in record.get("users", []) if _alive(pid)]
        yield record
        record_path.write_text(json.dumps(record))
        if record_path.stat().st_uid == os.geteuid():
            record_path.chmod(0o666)
