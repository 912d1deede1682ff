"""Offer photos: the centre serves them by SHA-256, the kiosk fetches them after a pull, checks each one,
keeps a scaled copy within its disk budget, and shows the category's pictogram for any it does not have."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from kiosk.store.photos import KEPT_SIDE, PhotoStore
from sync.photos import KEPT_SIZE_GUESS, PhotoFetcher
from tests.factories import catalog, offer, session


def picture(colour: str, size: tuple[int, int] = (1600, 1000), kind: str = "JPEG") -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, bytes]:
    """Three photos in a folder, as IT hands them to the centre."""
    files = {
        "lake.jpg": picture("steelblue"),
        "hills.png": picture("olivedrab", kind="PNG"),
        "snow.webp": picture("white", (900, 1400), "WEBP"),
    }
    folder = tmp_path / "photos-in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_photos(centre, photos, tmp_path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The centre takes the folder, and a catalog whose offers name the photos (one offer each)."""
    code, out, _ = centre.cli("import-photos", str(tmp_path / "photos-in"))
    assert code == 0
    imported = dict(line.split("  ")[::-1] for line in out.splitlines())
    assert imported == {name: sha(data) for name, data in photos.items()}
    named = {**{f"O{i}": imported[name] for i, name in enumerate(sorted(photos))}, **(extra or {})}
    centre.load_catalog(
        catalog(
            [
                offer(
                    offer_id,
                    f"Sortie {offer_id}",
                    sessions=[session(f"{offer_id}-S1", days=10)],
                    photo={"sha256": digest, "credit": "Photo : test — CC0"},
                )
                for offer_id, digest in named.items()
            ]
        )
    )
    return named


def fetcher_for(kiosk, budget: int = 50 * 1024 * 1024) -> PhotoFetcher:
    kiosk.engine.photos = PhotoFetcher(PhotoStore(kiosk.services.db, kiosk.services.data_dir), budget)
    return kiosk.engine.photos


def test_a_kiosk_fetches_checks_and_shows_the_photos_scaled_down(centre, make_kiosk, photos, tmp_path):
    named = with_photos(centre, photos, tmp_path)
    kiosk = make_kiosk()
    fetcher_for(kiosk)
    report = kiosk.sync()
    assert report.photos == 3
    for offer_id in named:
        path = kiosk.services.catalog.photo_path(kiosk.services.catalog.offer(offer_id))
        assert path is not None
        with Image.open(path) as kept:
            assert kept.format == "JPEG" and max(kept.size) <= KEPT_SIDE
    assert kiosk.sync().photos == 0  # kept: not fetched again


def test_a_photo_that_is_not_the_named_file_or_not_a_picture_is_refused_and_the_offer_keeps_its_pictogram(
    centre, make_kiosk, photos, tmp_path
):
    named = with_photos(centre, photos, tmp_path)
    served = centre.photos
    (served / named["O0"]).write_bytes(picture("red"))  # swapped at the centre: not the file the catalog names
    text = b"<html>not a picture</html>"
    (served / sha(text)).write_bytes(text)  # the right bytes, but no picture
    named = with_photos(centre, photos, tmp_path, extra={"TXT": sha(text), "GONE": "f" * 64})
    kiosk = make_kiosk()
    fetcher_for(kiosk)
    report = kiosk.sync()
    assert report.photos == 2 and report.problem is None  # the cycle's work stands
    catalog = kiosk.services.catalog
    for offer_id in ("O0", "TXT", "GONE"):
        assert catalog.photo_path(catalog.offer(offer_id)) is None
    assert kiosk.sync().photos == 0  # refused ones are not asked for again and again


def test_the_disk_budget_holds_and_photos_no_offer_uses_go(centre, make_kiosk, photos, tmp_path):
    named = with_photos(centre, photos, tmp_path)
    kiosk = make_kiosk()
    budget = KEPT_SIZE_GUESS + 1000  # room for one photo: the next could take up to the guess
    fetcher = fetcher_for(kiosk, budget=budget)
    kiosk.sync()
    store = fetcher.store
    assert len(store.kept()) == 1 and sum(store.kept().values()) <= budget
    centre.withdraw_offer(next(o for o, digest in named.items() if digest in store.kept()))
    kiosk.sync()  # the withdrawn offer's photo goes, and makes room for the next one
    assert len(store.kept()) == 1 and set(store.kept()) <= set(named.values())


def test_the_centre_serves_photos_only_to_kiosks_and_only_by_their_hash(centre, photos, tmp_path):
    named = with_photos(centre, photos, tmp_path)
    kiosk = centre.enroll()
    answer = kiosk.get(f"/v1/photos/{named['O0']}")
    assert answer.status_code == 200 and sha(answer.content) == named["O0"]
    assert kiosk.get(f"/v1/photos/{'0' * 64}").json()["error"]["code"] == "photo_not_found"
    assert kiosk.get("/v1/photos/..%2Fcentral.sqlite3").status_code == 404
    import requests

    assert requests.get(f"{centre.url}/v1/photos/{named['O0']}", timeout=5).status_code == 401


def test_a_small_file_of_too_many_pixels_is_refused_before_it_is_decoded(tmp_path):
    from kiosk.store.photos import PhotoRefused, checked_photo

    bomb = picture("white", (5000, 5000), "PNG")  # a few dozen KB on disk, 100 MB once decoded
    assert len(bomb) < 200_000
    with pytest.raises(PhotoRefused, match="more than"):
        checked_photo(sha(bomb), bomb)


def test_a_budget_lowered_since_is_held_at_once_and_zero_means_no_photos(centre, make_kiosk, photos, tmp_path):
    named = with_photos(centre, photos, tmp_path)
    kiosk = make_kiosk()
    fetcher = fetcher_for(kiosk)
    kiosk.sync()
    assert len(fetcher.store.kept()) == 3
    fetcher.budget_bytes = 0  # the site file now says photo_budget_mb = 0
    kiosk.sync()
    assert fetcher.store.kept() == {}
    catalog = kiosk.services.catalog
    assert all(catalog.photo_path(catalog.offer(offer_id)) is None for offer_id in named)
