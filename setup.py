"""The build compiles the translation catalogs, so an installed kiosk never compiles them itself.

Everything else about the package is in pyproject.toml.
"""

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithCatalogs(build_py):
    """build_py, after writing every kiosk/locale/<language>/LC_MESSAGES/kiosk.mo from its .po."""

    def run(self) -> None:
        # kiosk/i18n.py needs only Babel: load it alone, not the kiosk package and its dependencies.
        spec = importlib.util.spec_from_file_location("_kiosk_i18n", HERE / "kiosk" / "i18n.py")
        assert spec is not None and spec.loader is not None
        i18n = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = i18n  # its dataclasses look their module up there
        spec.loader.exec_module(i18n)
        i18n.compile_catalogs(HERE / "kiosk" / "locale")
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
