"""Writing a file whole or not at all: a crash or a power cut mid-write never leaves half a file."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(path: Path, data: bytes) -> Path:
    """Write `data` beside `path`, then put it in place in one rename (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
