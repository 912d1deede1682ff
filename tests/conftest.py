import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import KioskConfig
from kiosk.services.context import open_services
from tests.factories import NOW, households_document, sample_catalog


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(sample_catalog(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def households_file(tmp_path: Path) -> Path:
    path = tmp_path / "households.json"
    path.write_text(json.dumps(households_document(), ensure_ascii=False), encoding="utf-8")
    return path


class Clock:
    """A settable wall clock for the services."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def services(tmp_path: Path, catalog_file: Path, households_file: Path, clock: Clock):
    opened = open_services(
        tmp_path / "data",
        KioskConfig(),
        demo=True,
        clock=clock,
        demo_catalog=catalog_file,
        demo_households=households_file,
    )
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def no_log_handler_outlives_its_test():
    """Commands run in-process install the kiosk's log handlers (kiosk.logs): a console handler
    left on a test's captured stderr would fail every later record once that stream is closed."""
    yield
    from kiosk.logs import stop_logging

    stop_logging()


# --- the centre's database: SQLite (the embedded default) and a real PostgreSQL -------------------
CENTRAL_DATABASES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`central_database` runs on both databases in tests/server and in modules marked `both_databases`
    (the sync tests chosen to run twice), on SQLite alone elsewhere and where marked `sqlite_only`."""
    if "central_database" not in metafunc.fixturenames:
        return
    definition = metafunc.definition
    both = "server" in definition.path.parts or definition.get_closest_marker("both_databases") is not None
    if definition.get_closest_marker("sqlite_only") is not None:
        both = False
    metafunc.parametrize("central_database", CENTRAL_DATABASES if both else ("sqlite",), indirect=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run (tests/postgres.py)."""
    from tests.postgres import PostgresCluster, postgres_bin

    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL is not installed: ./run.sh test installs Debian's postgresql package")
    cluster = PostgresCluster(bin_dir)
    yield cluster
    cluster.destroy()


@pytest.fixture
def central_database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's centre keeps its data: a SQLite file, or a fresh PostgreSQL database's URL."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_cluster").new_database()
    return tmp_path / "central.sqlite3"


# --- running on every core (pytest-xdist, ./run.sh test) ------------------------------------------
# Each test file runs whole, in order, on one worker (--dist loadfile). Tests own their folders and ports;
# what the machine has once — CUPS, dpkg — is shared under machine-wide locks (tests/machine.py).
WORKER_NICENESS = 10
# The files that take minutes, handed out first: one started last would make the whole run wait for it.
LONGEST_FILES = (
    "installers/test_debian_package.py",
    "installers/test_central_package.py",
    "sync/test_sync_properties.py",
    "e2e/test_kiosk_as_deployed.py",
    "sync/test_fleet_health.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """Workers yield the processor to the end-to-end test's kiosk, which takes the normal priority
    back (tests/e2e): a deployed kiosk does not share its machine with a test suite."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        os.nice(WORKER_NICENESS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, each file's tests still in their order (a stable sort)."""
    here = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        path = item.path.relative_to(here).as_posix()
        return LONGEST_FILES.index(path) if path in LONGEST_FILES else len(LONGEST_FILES)

    items.sort(key=rank)
