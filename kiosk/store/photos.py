"""Offer photos kept on the kiosk: checked, scaled down, named by the SHA-256 the catalog gives.

A photo is taken only if the bytes are that file, a JPEG, PNG or WebP picture of sensible
dimensions, and no larger than MAX_PHOTO_BYTES; the kiosk keeps a JPEG scaled down to what the
screen shows, so that its disk budget holds many. sync/photos.py fetches them from the centre.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import sqlite_utils
from PIL import Image, UnidentifiedImageError

from kiosk.files import write_whole

PHOTO_DIR = "photos"
MAX_PHOTO_BYTES = 3 * 1024 * 1024
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MIN_SIDE, MAX_SIDE = 64, 8000
# Decoded, a picture takes 4 bytes a pixel whatever its file's size: a 100 KB file of 8000x8000 pixels of one
# colour would take a gigabyte. 16 megapixels (64 MB decoded) is more than any camera photo needs.
MAX_PIXELS = 16_000_000
KEPT_SIDE = 960  # the longest side kept: the detail screen shows it at most this large


class PhotoRefused(ValueError):
    """These bytes are not the photo the catalog names, or not a picture the kiosk shows."""


def checked_photo(sha256: str, data: bytes) -> bytes:
    """The photo as the kiosk keeps it (JPEG, longest side at most KEPT_SIDE), or PhotoRefused."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRefused(f"larger than {MAX_PHOTO_BYTES} bytes")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PhotoRefused("not the file the catalog names (SHA-256 differs)")
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoRefused(f"format {image.format} is not JPEG, PNG or WebP")
            width, height = image.size
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise PhotoRefused(f"{width}x{height} is outside {MIN_SIDE}-{MAX_SIDE} pixels a side")
            if width * height > MAX_PIXELS:
                raise PhotoRefused(f"{width}x{height} is more than {MAX_PIXELS} pixels")
            image.draft("RGB", (KEPT_SIDE, KEPT_SIDE))  # a JPEG is decoded already scaled down
            image.thumbnail((KEPT_SIDE, KEPT_SIDE))
            kept = BytesIO()
            image.convert("RGB").save(kept, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise PhotoRefused(f"not a readable picture ({type(error).__name__})") from None
    return kept.getvalue()


class PhotoStore:
    def __init__(self, db: sqlite_utils.Database, data_dir: Path):
        self._db = db
        self.folder = data_dir / PHOTO_DIR

    def path(self, sha256: str) -> Path | None:
        """The kept photo, if the kiosk has it."""
        path = self.folder / f"{sha256}.jpg"
        return path if path.is_file() else None

    def used(self) -> set[str]:
        """The photos the offers name."""
        return {
            row[0]
            for row in self._db.execute("SELECT DISTINCT photo_sha256 FROM offers WHERE photo_sha256 IS NOT NULL")
        }

    def kept(self) -> dict[str, int]:
        """The photos on disk and their sizes."""
        if not self.folder.is_dir():
            return {}
        return {p.stem: p.stat().st_size for p in self.folder.glob("*.jpg")}

    def remove(self, sha256: str) -> None:
        (self.folder / f"{sha256}.jpg").unlink(missing_ok=True)

    def remove_unused(self) -> int:
        """Photos no offer names any more go (a withdrawn offer, a new photo): how many went."""
        unused = set(self.kept()) - self.used()
        for sha256 in unused:
            (self.folder / f"{sha256}.jpg").unlink(missing_ok=True)
        return len(unused)

    def keep(self, sha256: str, data: bytes) -> int:
        """Check and keep a photo's file (PhotoRefused if it is not that photo); returns the bytes kept."""
        photo = checked_photo(sha256, data)
        write_whole(self.folder / f"{sha256}.jpg", photo)
        return len(photo)
