"""The demo: generators of its data files, seeding a demo kiosk, and its central server on loopback.

None of it runs on a kiosk in service; `slvie-kiosk run --demo`, the screenshots, the tests and
the benchmarks use it. The demo's data files are read from here and nowhere else.
"""

from kiosk.config import ASSETS_DIR

DEMO_DIR = ASSETS_DIR / "demo"
DEMO_CATALOG = DEMO_DIR / "catalog.json"
DEMO_HOUSEHOLDS = DEMO_DIR / "households.json"
DEMO_STAFF = DEMO_DIR / "staff.json"
DEMO_PHOTOS = DEMO_DIR / "photos"  # freely licensed photos for the demo's offers, credited in its CREDITS.md
