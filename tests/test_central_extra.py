"""The reference central server is an optional extra: a kiosk installed without it runs, enrols and
syncs, and the demo, which needs it, says how to install it.

"Without it" is real here: the kiosk runs in a Python that sees this environment's packages less
FastAPI and uvicorn (and their dependencies that only they need), not a patched import.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from kiosk.store.database import DATABASE_FILE

ROOT = Path(__file__).resolve().parents[1]
# jinja2, prometheus_client: the fleet page; sqlalchemy, alembic, psycopg: the centre's database
CENTRAL_ONLY = ("fastapi", "uvicorn", "starlette", "jinja2", "prometheus_client", "sqlalchemy", "alembic", "psycopg")


def test_the_base_install_does_not_ask_for_the_central_server():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = " ".join(project["dependencies"]).lower()
    assert not any(name in base for name in CENTRAL_ONLY)
    central = " ".join(project["optional-dependencies"]["central"]).lower()
    assert "fastapi" in central and "uvicorn" in central


@pytest.fixture(scope="module")
def without_central(tmp_path_factory) -> dict[str, str]:
    """An environment whose packages are this one's, less the central server's."""
    site = tmp_path_factory.mktemp("site-packages")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(CENTRAL_ONLY) and entry.suffix != ".pth":
            (site / entry.name).symlink_to(entry)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "QT_QPA_PLATFORM": "offscreen"}


def run_without_central(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages of this environment, only the filtered copy above.
    return subprocess.run(
        [sys.executable, "-S", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_environment_really_lacks_the_central_server(without_central):
    result = run_without_central(without_central, "-c", "import fastapi")
    assert result.returncode != 0 and "No module named 'fastapi'" in result.stderr


def test_every_kiosk_module_and_the_sync_engine_import_without_the_central_server(without_central):
    script = (
        "import importlib, pkgutil, sys\n"
        "import kiosk, sync\n"
        "names = [m.name for m in pkgutil.walk_packages(kiosk.__path__, 'kiosk.') if not m.name.endswith('__main__')]\n"
        "names += ['sync.' + m.name for m in pkgutil.iter_modules(sync.__path__) if m.name != 'server']\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        f"assert not [m for m in sys.modules if m.startswith({CENTRAL_ONLY!r})]\n"
        "print(len(names))\n"
    )
    result = run_without_central(without_central, "-c", script)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 60


def test_the_kiosk_command_works_without_the_central_server(without_central):
    result = run_without_central(without_central, "-m", "kiosk", "--help")
    assert result.returncode == 0, result.stderr
    assert "enroll" in result.stdout and "sync" in result.stdout


def test_the_demo_without_the_central_server_says_how_to_install_it(without_central, tmp_path):
    result = run_without_central(
        without_central, "-m", "kiosk", "run", "--demo", "--windowed", "--data-dir", str(tmp_path / "data")
    )
    assert result.returncode == 2
    assert_says_how_to_install_the_central_server(result)
    assert not (tmp_path / "data" / DATABASE_FILE).exists()  # stopped before opening the kiosk


def test_serving_the_centre_without_it_installed_says_how_to_install_it(without_central, tmp_path):
    result = run_without_central(without_central, "-m", "sync.server.cli", "--db", str(tmp_path / "c.sqlite3"))
    assert_says_how_to_install_the_central_server(result)


def assert_says_how_to_install_the_central_server(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2
    assert "pip install 'slvie-kiosk[central]'" in result.stderr
    assert "serveur central de référence" in result.stderr and "reference central server" in result.stderr
    assert "Traceback" not in result.stderr
