"""The centre's Debian package (slvie-central), for real: built by installers/debian/build-deb.sh --central,
installed into this machine with apt-get and a configuration pointing at a throwaway PostgreSQL cluster,
the centre started with the command and settings of its systemd unit (systemd is often not PID 1 where
tests run), administered through /usr/bin/slvie-central, stopped, then removed and purged.

Like the kiosk's package test (test_debian_package.py, whose requirements it shares), it needs root, apt-get
and Debian's python3.11-venv, and skips saying which is missing; it refuses to touch a centre installed by
someone else. Cost: about 60-100 s to build (pip's cache reused, zstd -1), 10 s for each install and purge.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from sync.server.admin import DEFAULT_SITE
from tests.installers.test_debian_package import _missing_requirement, owner, run
from tests.machine import machine_lock
from tests.postgres import PostgresCluster, postgres_bin
from tests.server.central import free_port

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "installers" / "debian" / "build-deb.sh"
PACKAGE = "slvie-central"
STATE = Path("/var/lib/slvie-central")
CONFIG = Path("/etc/slvie-central/central.env")
APP = Path("/opt/slvie-central")
UNIT = Path("/lib/systemd/system/slvie-central.service")
COMMAND = "/usr/bin/slvie-central"
WORKERS = 2

pytestmark = pytest.mark.skipif(_missing_requirement() is not None, reason=str(_missing_requirement()))


def _installed_version() -> str | None:
    answer = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE], capture_output=True, text=True, check=False
    )
    words = answer.stdout.split()
    return words[-1] if answer.returncode == 0 and "installed" in words[:3] else None


def purge() -> None:
    run(["apt-get", "purge", "-y", "-q", PACKAGE], check=False)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("deb")
    started = time.monotonic()
    run(
        ["bash", BUILD, "--central", "--fast", "--version", "0.1.0+test1", "--out", out],
        env={"SLVIE_DEB_WORK": str(out / "work")},
        timeout=900,
    )
    built = next(out.glob("slvie-central_0.1.0+test1_*.deb"))
    print(f"built {built.name} ({built.stat().st_size // 2**20} MiB) in {time.monotonic() - started:.0f} s")
    with machine_lock("dpkg"):  # to the purge: the kiosk's package test and other checkouts' runs wait
        installed = _installed_version()
        if installed is not None:
            pytest.fail(
                f"{PACKAGE} {installed} is already installed on this machine: this test installs and purges the "
                f"package, so it refuses to touch that centre (apt-get purge {PACKAGE} first).",
                pytrace=False,
            )
        try:
            yield built
        finally:
            purge()


@pytest.fixture(scope="module")
def database():
    bin_dir = postgres_bin()
    assert bin_dir is not None, "./run.sh test installs Debian's postgresql package"
    cluster = PostgresCluster(bin_dir)
    yield cluster.new_database(empty=True)  # the package's centre makes its schema itself
    cluster.destroy()


def unit_command(settings: dict[str, str]) -> list[str]:
    """The unit's ExecStart, its ${VARIABLES} taken from the settings as systemd's EnvironmentFile= does."""
    text = UNIT.read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    return [re.sub(r"\$\{(\w+)\}", lambda m: settings[m.group(1)], word) for word in line.split("=", 1)[1].split()]


def read_settings(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    )


def test_install_configure_serve_administer_remove_and_purge(package, database, tmp_path):
    port = free_port()
    given = tmp_path / "central.env"
    given.write_text(
        f"SLVIE_CENTRAL_DB={database}\nSLVIE_CENTRAL_WORKERS={WORKERS}\nSLVIE_CENTRAL_HOST=127.0.0.1\n"
        f"SLVIE_CENTRAL_PORT={port}\nSLVIE_CENTRAL_PHOTOS={STATE}/photos\n"
    )
    environment = {"SLVIE_CENTRAL_CONFIG": str(given), "SLVIE_CENTRAL_NO_START": "1"}
    installed = run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], environment, check=False)
    if installed.returncode != 0:  # a dependency not found: package lists never fetched, or stale
        run(["apt-get", "update", "-qq"])
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], environment)

    # Its own system user, its state folder, its settings (readable by root and the centre only), its unit.
    assert run(["id", "-nG", PACKAGE]).stdout.split() == [PACKAGE]
    assert int(run(["id", "-u", PACKAGE]).stdout) < 1000
    assert owner(STATE) == (PACKAGE, PACKAGE, 0o750)
    assert owner(CONFIG) == ("root", PACKAGE, 0o640)
    assert read_settings(CONFIG) == read_settings(given)
    assert "EnvironmentFile=/etc/slvie-central/central.env" in UNIT.read_text()
    assert not (APP / "venv" / "lib" / "python3.11" / "site-packages" / "PySide6").exists()  # no Qt in a centre

    # Started as the unit starts it: its user, its folder, its settings, its command.
    settings = read_settings(CONFIG)
    command = unit_command(settings)
    assert command[0] == COMMAND and command[-3:] == ["serve", "--workers", str(WORKERS)]
    service = subprocess.Popen(
        command,
        env={"PATH": os.environ["PATH"], **settings},
        cwd=STATE,
        user=PACKAGE,
        group=PACKAGE,
        extra_groups=[],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert service.poll() is None, service.communicate()[0]
            try:
                if requests.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            raise AssertionError("the centre did not answer within 90 s")

        # Administered through the package's command, as root: it runs as the centre's user, with its settings.
        code = run([COMMAND, "enroll-code", "--site", DEFAULT_SITE]).stdout.split()[-1]
        enrolled = requests.post(f"{url}/v1/enroll", json={"code": code, "kiosk_name": "Borne du hall"}, timeout=30)
        assert enrolled.status_code == 200, enrolled.text
        assert "Borne du hall" in run([COMMAND, "kiosks"]).stdout
    finally:
        os.killpg(service.pid, signal.SIGTERM)  # what systemd sends on stop
        out = service.communicate(timeout=20)[0]
    assert service.returncode == 0, out

    # Remove keeps the settings and the state; purge deletes them, and the user.
    run(["apt-get", "remove", "-y", "-q", PACKAGE])
    assert not APP.exists() and not Path(COMMAND).exists()
    assert CONFIG.exists() and STATE.exists()
    run(["apt-get", "purge", "-y", "-q", PACKAGE])
    assert not CONFIG.parent.exists() and not STATE.exists()
    assert run(["id", PACKAGE], check=False).returncode != 0
