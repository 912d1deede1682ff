"""Offer photos at the centre: files named by their SHA-256, in a folder (`--photos`, or beside the database file).

IT adds a folder of photos (`slvie-central import-photos DIR`, and `load-demo` adds the demo's); the
catalog names each offer's photo by that SHA-256; kiosks fetch `GET /v1/photos/{sha256}` and check it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kiosk.files import write_whole
from sync.server.db import Database

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
MAX_PHOTO_BYTES = 3 * 1024 * 1024  # what a kiosk accepts (sync/photos.py): larger ones are not imported


def photos_dir(db: Database) -> Path:
    """`--photos DIR`, else beside a SQLite file, or `central.photos` in the folder the centre runs in."""
    if db.photos is not None:
        return db.photos
    if db.path is None:
        return Path("central.photos").resolve()
    return db.path.with_name(db.path.name + ".photos")


def photo_file(db: Database, sha256: str) -> Path | None:
    path = photos_dir(db) / sha256
    return path if path.is_file() else None


def import_photos(db: Database, folder: Path) -> dict[str, str]:
    """Copy the folder's photos under their SHA-256; returns {file name: sha256} of those taken."""
    target = photos_dir(db)
    target.mkdir(parents=True, exist_ok=True)
    taken = {}
    for source in sorted(folder.iterdir()):
        if source.suffix.lower() not in PHOTO_SUFFIXES or source.stat().st_size > MAX_PHOTO_BYTES:
            continue
        data = source.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        path = target / sha256
        if not path.exists():
            write_whole(path, data)
        taken[source.name] = sha256
    return taken
