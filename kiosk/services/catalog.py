"""Browsing the offer: what the offer screens ask for."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.domain.catalog import Catalog, Category, ConciergeService, Offer, parse_catalog
from kiosk.domain.search import MAX_QUERY_CHARS, OfferQuery, SearchResult
from kiosk.errors import CatalogError, KioskError
from kiosk.i18n import Text
from kiosk.store import catalog as catalog_store
from kiosk.store.photos import PhotoStore
from kiosk.store.state import read_state

# A document larger than this is refused before it is parsed (the 50,000-offer benchmark catalog is ~85 MB).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


class CatalogService:
    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], datetime] = datetime.now,
                 photos: PhotoStore | None = None):
        self._db = db
        self._clock = clock
        self._photos = photos

    def photo_path(self, offer: Offer) -> Path | None:
        """The offer's photo as the kiosk keeps it, or None (no photo, or not fetched yet): the screen
        then shows the category's pictogram."""
        if offer.photo is None or self._photos is None:
            return None
        return self._photos.path(offer.photo.sha256)

    def categories(self) -> list[Category]:
        return catalog_store.list_categories(self._db)

    def search(self, query: OfferQuery, limit: int = 100) -> SearchResult:
        if len(query.text) > MAX_QUERY_CHARS:
            query = OfferQuery(**{**query.__dict__, "text": query.text[:MAX_QUERY_CHARS]})
        return catalog_store.search_offers(self._db, query, self._clock(), limit)

    def offer(self, offer_id: str) -> Offer | None:
        return catalog_store.load_offer(self._db, offer_id)

    def concierge_services(self) -> list[ConciergeService]:
        return catalog_store.list_concierge_services(self._db)

    def offer_count(self) -> int:
        return catalog_store.count_offers(self._db)

    def catalog_as_of(self) -> datetime | None:
        stamp = read_state(self._db, "catalog_as_of")
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M") if stamp else None

    def now(self) -> datetime:
        return self._clock()


def read_json_file(path: Path, error: type[KioskError], what: str) -> object:
    """A JSON document from disk, or `error` saying plainly what is wrong with it (`what`: its kind's text key)."""
    kind = Text(what)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise error("error.file.too_large", what=kind, path=path, megabytes=size // 1_000_000)
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise error("error.file.missing", what=kind, path=path) from None
    except OSError as problem:
        raise error("error.file.unreadable", what=kind, path=path, reason=problem.strerror or problem) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        raise error("error.file.damaged", what=kind, path=path, problem=problem) from None


def read_catalog_file(path: Path) -> Catalog:
    """Read and validate a catalog document; any problem raises CatalogError and writes nothing."""
    return parse_catalog(read_json_file(path, CatalogError, "file.catalog"))
