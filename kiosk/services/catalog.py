"""Browsing the offer: what the offer screens ask for."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.config import SEARCH_FILTER_WORDS, SEARCH_SYNONYMS, SiteSettings
from kiosk.domain.catalog import Catalog, Category, ConciergeService, Offer, parse_catalog
from kiosk.domain.search import OfferQuery, SearchResult, Site, plan_search, spelling_suggestions
from kiosk.domain.search_language import Synonyms, Vocabulary, parse_synonyms
from kiosk.errors import CatalogError, ConfigError, KioskError
from kiosk.i18n import Text
from kiosk.store import catalog as catalog_store
from kiosk.store.photos import PhotoStore
from kiosk.store.state import read_state

# A document larger than this is refused before it is parsed (the 50,000-offer benchmark catalog is ~85 MB).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


@functools.cache
def everyday_vocabulary() -> Synonyms:
    """The reviewed synonyms and filter words (assets/search/), read once; ConfigError if they cannot be."""
    try:
        return parse_synonyms(
            SEARCH_SYNONYMS.read_text(encoding="utf-8"), SEARCH_FILTER_WORDS.read_text(encoding="utf-8")
        )
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        raise ConfigError("error.search.word_lists", folder=SEARCH_SYNONYMS.parent, problem=problem) from None


class CatalogService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        clock: Callable[[], datetime] = datetime.now,
        site: SiteSettings | None = None,
        photos: PhotoStore | None = None,
    ):
        self._db = db
        self._clock = clock
        self._photos = photos
        self._synonyms = everyday_vocabulary()
        self._vocabulary = Vocabulary([])
        self._vocabulary_stamp = -1
        site = site or SiteSettings()  # the demo's site
        catalog_store.prepare_search(db, Site(site.slvie, site.cmcas))

    def photo_path(self, offer: Offer) -> Path | None:
        """The offer's photo as the kiosk keeps it, or None (no photo, or not fetched yet): the screen
        then shows the category's pictogram."""
        if offer.photo is None or self._photos is None:
            return None
        return self._photos.path(offer.photo.sha256)

    def categories(self) -> list[Category]:
        return catalog_store.list_categories(self._db)

    def search(self, query: OfferQuery, limit: int = 100) -> SearchResult:
        """Offers for what a person typed and chose; when nothing matches, queries that would find something."""
        vocabulary = self._current_vocabulary()
        plan = plan_search(query, self._clock(), self._synonyms, vocabulary)
        result = catalog_store.search_offers(self._db, plan, limit)
        if result.total or not query.text.strip():
            return result
        found = [
            text
            for text in spelling_suggestions(query.text, vocabulary)
            if catalog_store.search_offers(
                self._db, plan_search(replace(query, text=text), plan.now, self._synonyms, vocabulary), 1
            ).total
        ]
        return replace(result, suggestions=tuple(found))

    def _current_vocabulary(self) -> Vocabulary:
        """The words the offer uses, read again only after new ones came in."""
        stamp = catalog_store.search_vocabulary_stamp(self._db)
        if stamp != self._vocabulary_stamp:
            self._vocabulary = catalog_store.search_vocabulary(self._db)
            self._vocabulary_stamp = stamp
        return self._vocabulary

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
