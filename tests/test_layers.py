"""The inner layers stay free of Qt (DESIGN.md section 2): importing them must not load PySide6."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import kiosk

ROOT = Path(kiosk.__file__).parent
INNER_PACKAGES = ("kiosk.domain", "kiosk.store", "kiosk.services")


def inner_modules() -> list[str]:
    names = []
    for package in INNER_PACKAGES:
        path = ROOT / package.split(".")[1]
        names.append(package)
        names += [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]
    # The sync engine, its client and commands run without Qt; only sync/worker.py is the thin Qt side.
    return names + ["kiosk.config", "kiosk.i18n", "kiosk.errors", "sync.engine", "sync.client", "sync.backoff",
                    "sync.credential", "sync.cli", "sync.enrolment", "sync.wire", "sync.answers"]


def test_domain_store_and_services_do_not_import_qt():
    modules = inner_modules()
    assert len(modules) > 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert not any(m.startswith('PySide6') for m in sys.modules), name\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_domain_does_not_touch_sql_or_http():
    script = (
        "import importlib, pkgutil, sys\n"
        "import kiosk.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('kiosk.domain.' + m.name)\n"
        "bad = [m for m in ('sqlite3', 'sqlite_utils', 'requests', 'PySide6') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
