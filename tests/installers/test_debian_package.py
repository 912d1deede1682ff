"""The Debian package, for real: built by installers/debian/build-deb.sh, installed into this
machine with apt-get, the kiosk started as its service starts it (offscreen, since there is no
screen and systemd is often not PID 1 where tests run), then upgraded, removed and purged.

It installs into the machine itself (a throw-away root would need a whole Debian system
bootstrapped inside it for the maintainer scripts), so it needs root, apt-get and Debian's
python3.11-venv, and skips, saying which is missing, where they are not. CI runs as root on
Debian, with what run.sh installs, so there it runs. It never touches a kiosk installed by
someone else: when the package is already installed it fails, saying so, rather than replace it
or skip quietly; it purges what it installed.

Cost, on the CI machine: about 45 s to build (pip's cache reused, zstd -1), 10-15 s for each
install, upgrade and purge; the package is built once for the module.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kiosk.store.connection import sqlcipher
from kiosk.store.migrations import MIGRATIONS
from sync.server.admin import DEFAULT_SITE
from tests.machine import machine_lock
from tests.server.central import CentralServer

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "installers" / "debian" / "build-deb.sh"
PACKAGE = "slvie-kiosk"
DATA = Path("/var/lib/slvie-kiosk")
LOGS = Path("/var/log/slvie-kiosk")
ETC = Path("/etc/slvie-kiosk")
APP = Path("/opt/slvie-kiosk")
KIOSK = "/usr/bin/slvie-kiosk"
INSTALLED_PYTHON = APP / "venv" / "bin" / "python"
# What the unit (installers/debian/slvie-kiosk.service) gives the kiosk, less the compositor.
SERVICE_ENV = {
    "SLVIE_KIOSK_DATA_DIR": str(DATA),
    "SLVIE_KIOSK_CONFIG": str(ETC / "site.toml"),
    "SLVIE_KIOSK_LOG_DIR": str(LOGS),
    "QT_QPA_PLATFORM": "offscreen",
    "HOME": str(DATA),
}
# The keys the unit has systemd open for the kiosk (LoadCredentialEncrypted=), made and sealed by postinst.
UNIT_CREDENTIALS = {
    "slvie-data-key": DATA / "data-key.cred",
    "slvie-signing-key": DATA / "signing-key.cred",
    "slvie-database-key": DATA / "database-key.cred",
}
# Installs in the test never start the service: on a machine where systemd runs, it would
# start cage on tty7.
NO_START = {"SLVIE_KIOSK_NO_START": "1"}


def _missing_requirement() -> str | None:
    if not sys.platform.startswith("linux") or not Path("/etc/debian_version").exists():
        return "not a Debian machine"
    if os.geteuid() != 0:
        return "needs root: the test installs the package into this machine"
    for tool in ("apt-get", "dpkg", "dpkg-deb", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is missing"
    python = Path("/usr/bin/python3.11")
    if (
        not python.exists()
        or subprocess.run([python, "-c", "import ensurepip, venv"], capture_output=True, check=False).returncode != 0
    ):
        return "Debian's python3.11-venv is missing (apt-get install python3.11-venv)"
    return None


def _installed_version() -> str | None:
    answer = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE], capture_output=True, text=True, check=False
    )
    words = answer.stdout.split()
    return words[-1] if answer.returncode == 0 and "installed" in words[:3] else None


pytestmark = pytest.mark.skipif(_missing_requirement() is not None, reason=str(_missing_requirement()))


def run(
    command: list, env: dict | None = None, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", **(env or {})}
    result = subprocess.run(
        [str(part) for part in command], env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def apt_install(package: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    env = {**NO_START, **(env or {})}
    result = run(command, env, check=False)
    if result.returncode != 0:  # a dependency not found: package lists never fetched, or stale
        run(["apt-get", "update", "-qq"])
        result = run(command, env, check=False)
    assert result.returncode == 0, f"apt-get install failed:\n{result.stdout}\n{result.stderr}"
    return result


def purge() -> None:
    run(["apt-get", "purge", "-y", "-q", PACKAGE], check=False)


def owner(path: Path) -> tuple[str, str, int]:
    info = path.stat()
    return pwd.getpwuid(info.st_uid).pw_name, grp.getgrgid(info.st_gid).gr_name, stat.S_IMODE(info.st_mode)


def database_key() -> bytes:
    """The database key, unsealed as root can (systemd-creds, with the TPM2 chip or the host key)."""
    sealed = DATA / "database-key.cred"
    unsealed = subprocess.run(
        ["systemd-creds", "decrypt", "--name=slvie-database-key", sealed, "-"], capture_output=True, check=True
    )
    return unsealed.stdout


def read(database: Path, query: str) -> list[tuple]:
    """A query on the kiosk's encrypted database (or a backup of it), with the machine's key."""
    # immutable: root reading must not leave -wal or -shm files the kiosk's user cannot write.
    with contextlib.closing(sqlcipher.connect(f"file:{database}?immutable=1", uri=True)) as conn:
        conn.execute(f"PRAGMA key = \"x'{database_key().hex()}'\"")
        return conn.execute(query).fetchall()


def unreadable_without_the_machine(database: Path) -> None:
    """The file is SQLCipher's: plain SQLite refuses it, and it holds no schema or name in clear."""
    content = database.read_bytes()
    assert not content.startswith(b"SQLite format 3") and b"CREATE TABLE" not in content
    plain = contextlib.closing(sqlite3.connect(f"file:{database}?immutable=1", uri=True))
    with plain as conn, pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def as_kiosk_user() -> dict:
    """Popen arguments running a command as the unit's User=, Group= and SupplementaryGroups= do."""
    user = pwd.getpwnam(PACKAGE)
    groups = [g.gr_gid for g in grp.getgrall() if PACKAGE in g.gr_mem]
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": groups, "cwd": DATA}


def doctor() -> dict:
    result = run([KIOSK, "doctor", "--json"], check=False)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {check["id"]: check for check in report["checks"]}


def site_config(tmp: Path, central_url: str) -> Path:
    text = (REPO / "installers" / "debian" / "site.toml").read_text(encoding="utf-8")
    text = text.replace('id = "CHANGE-ME"', f'id = "{DEFAULT_SITE}"')
    text = text.replace('url = "https://central.example/v1"', f'url = "{central_url}/v1"')
    path = tmp / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """(first build, a newer build of the same tree): built once for the module."""
    reason = _missing_requirement()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("deb")
    started = time.monotonic()
    run(
        ["bash", BUILD, "--fast", "--version", "0.1.0+test1", "--out", out],
        env={"SLVIE_DEB_WORK": str(out / "work")},
        timeout=900,
    )
    first = next(out.glob("slvie-kiosk_0.1.0+test1_*.deb"))
    print(f"built {first.name} ({first.stat().st_size // 2**20} MiB) in {time.monotonic() - started:.0f} s")
    # The newer build: the same files under a higher version, repacked rather than rebuilt
    # (what an upgrade exercises is the maintainer scripts, not the contents).
    tree = out / "work" / "root"
    control = tree / "DEBIAN" / "control"
    control.write_text(control.read_text().replace("Version: 0.1.0+test1", "Version: 0.1.0+test2"))
    second = first.with_name(first.name.replace("test1", "test2"))
    run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z1", "--build", tree, second])
    shutil.rmtree(out / "work")
    # From the first install to the purge, this module has the machine's dpkg to itself: the centre's package
    # test (another worker) and other checkouts' runs wait.
    with machine_lock("dpkg"):
        installed = _installed_version()
        if installed is not None:
            # Not a quiet skip: a machine meant to run this test cannot, and must be told why.
            pytest.fail(
                f"{PACKAGE} {installed} is already installed on this machine: this test installs, upgrades "
                f"and purges the package, so it refuses to touch that kiosk. Run it where the package is not "
                f"installed, or remove it first (apt-get purge {PACKAGE}).",
                pytrace=False,
            )
        try:
            yield first, second
        finally:
            purge()


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    server = CentralServer(tmp_path_factory.mktemp("central") / "central.sqlite3")
    server.start()
    yield server
    server.stop()


def service_env() -> dict:
    """SERVICE_ENV and the sealed keys, opened as the unit's LoadCredentialEncrypted= lines open them."""
    credentials = Path(tempfile.mkdtemp(prefix="slvie-credentials-", dir="/run"))
    shutil.chown(credentials, PACKAGE, PACKAGE)
    for name, sealed in UNIT_CREDENTIALS.items():
        run(["systemd-creds", "decrypt", f"--name={name}", sealed, credentials / name])
        shutil.chown(credentials / name, PACKAGE, PACKAGE)
    return {**SERVICE_ENV, "CREDENTIALS_DIRECTORY": str(credentials)}


def start_kiosk_as_service(notify_socket: Path) -> subprocess.Popen:
    """The unit's ExecStart without cage: /usr/bin/slvie-kiosk run as the kiosk's user."""
    env = {**os.environ, **service_env(), "NOTIFY_SOCKET": str(notify_socket), "WATCHDOG_USEC": "4000000"}
    return subprocess.Popen(
        [KIOSK, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **as_kiosk_user()
    )


@pytest.fixture
def shared_dir():
    """A folder the kiosk's user can reach (pytest's own are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="slvie-deb-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_install_with_site_config_and_code_then_the_service_runs(packages, central, tmp_path, shared_dir):
    first, _ = packages
    config = site_config(tmp_path, central.url)
    result = apt_install(
        first, {"SLVIE_KIOSK_SITE_CONFIG": str(config), "SLVIE_KIOSK_ENROL_CODE": central.enroll_code()}
    )
    assert "Kiosk enrolled" in result.stdout + result.stderr

    # The user, the folders and their rights; the site configuration given to the installer.
    assert run(["id", "-nG", PACKAGE]).stdout.split()[0] == PACKAGE
    assert owner(DATA) == (PACKAGE, PACKAGE, 0o700)
    # The personal data key and the database key, sealed by systemd-creds for this machine; no key file in the
    # clear; the unit has systemd open both for the kiosk.
    for sealed in UNIT_CREDENTIALS.values():
        assert owner(sealed) == ("root", "root", 0o600)
    assert not (DATA / "data-key").exists()
    assert len(database_key()) == 32
    unit = Path("/lib/systemd/system/slvie-kiosk.service").read_text()
    for name, sealed in UNIT_CREDENTIALS.items():
        assert f"\nLoadCredentialEncrypted={name}:{sealed}\n" in unit
    # The key signing vouchers and audit entries: none in the clear, in the data folder or beside it.
    assert not (DATA / "voucher-signing-key.pem").exists() and not Path(f"{DATA}-keys").exists()
    assert owner(LOGS) == (PACKAGE, "adm", 0o2750)
    assert (ETC / "site.toml").read_text() == config.read_text()
    assert owner(ETC / "site.toml") == ("root", "root", 0o644)
    assert Path("/lib/systemd/system/slvie-kiosk.service").exists()
    assert Path("/etc/systemd/system/multi-user.target.wants/slvie-kiosk.service").is_symlink()
    credential = json.loads((DATA / "central-credential.json").read_text())
    assert credential["site_id"] == DEFAULT_SITE and credential["server"].startswith(central.url)
    assert credential["token"].startswith("s1:")  # sealed with the machine's data key: a copy of the folder is no token
    assert owner(DATA / "central-credential.json")[0] == PACKAGE

    # Started as the unit starts it; systemd's notify socket is ours here.
    address = shared_dir / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(address))
        os.chmod(address, 0o777)
        listener.settimeout(60)
        kiosk = start_kiosk_as_service(address)
        try:
            messages = [listener.recv(256).decode()]
            assert messages == ["READY=1"], kiosk.stdout.read() if kiosk.poll() is not None else messages
            messages.append(listener.recv(256).decode())  # the GUI thread pings the watchdog
            assert messages[-1] == "WATCHDOG=1"
            assert kiosk.poll() is None, "the kiosk stopped by itself"
            assert "kiosk started" in (LOGS / "kiosk.log").read_text()
            checks = doctor()
            assert checks["config"]["status"] == "ok"
            assert checks["central"]["status"] == "ok"
            assert checks["credential"]["status"] == "ok"
            assert checks["database"]["status"] == "ok"
            assert checks["personal_data"]["status"] == "ok" and checks["personal_data"]["details"]["key"] == "machine"
            assert checks["signing_key"]["status"] == "ok" and checks["signing_key"]["details"]["key"] == "machine"
            assert checks["encryption"]["status"] == "ok", checks["encryption"]
        finally:
            kiosk.terminate()  # what systemctl stop sends
            output, _ = kiosk.communicate(timeout=30)
    assert kiosk.returncode == 0, output
    log = (LOGS / "kiosk.log").read_text()
    assert log.rstrip().endswith("kiosk stopped"), log[-2000:]
    assert owner(LOGS / "kiosk.log")[:2] == (PACKAGE, "adm")
    assert owner(DATA / "kiosk.sqlite3") == (PACKAGE, PACKAGE, 0o600)
    unreadable_without_the_machine(DATA / "kiosk.sqlite3")
    assert read(DATA / "kiosk.sqlite3", "PRAGMA user_version") == [(len(MIGRATIONS),)]


def test_upgrade_backs_up_then_migrates_the_database_and_keeps_the_data(packages):
    _, second = packages
    assert _installed_version() == "0.1.0+test1", "the install test did not run first"
    # The database as an older release left it: schema 2, plain, with a row of its own.
    script = """
import sqlite3, sys
from kiosk.store.migrations import MIGRATIONS
conn = sqlite3.connect(sys.argv[1])
for script in MIGRATIONS[:2]:
    for statement in script:
        conn.execute(statement)
conn.execute("INSERT INTO categories VALUES ('kept', 1, 'Gardée', 'Kept', 'x.svg')")
conn.execute("PRAGMA user_version = 2")
conn.commit()
"""
    for leftover in DATA.glob("kiosk.sqlite3*"):
        leftover.unlink()
    subprocess.run([INSTALLED_PYTHON, "-I", "-c", script, DATA / "kiosk.sqlite3"], check=True, **as_kiosk_user())

    result = apt_install(second)
    assert "Backup" in result.stdout + result.stderr

    assert _installed_version() == "0.1.0+test2"
    backups = list((DATA / "backups").glob("kiosk-*-from-0.1.0_test1.sqlite3"))
    assert len(backups) == 1, list((DATA / "backups").iterdir())
    assert read(backups[0], "PRAGMA user_version") == [(2,)]
    assert read(DATA / "kiosk.sqlite3", "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert read(DATA / "kiosk.sqlite3", "SELECT name_en FROM categories WHERE id = 'kept'") == [("Kept",)]
    # Encrypted once by the upgrade, the backup too; nothing plain is left beside them.
    unreadable_without_the_machine(DATA / "kiosk.sqlite3")
    unreadable_without_the_machine(backups[0])
    assert not list(DATA.glob("kiosk.sqlite3.*"))
    assert owner(DATA / "kiosk.sqlite3")[0] == PACKAGE
    assert (DATA / "central-credential.json").exists()  # still enrolled
    assert doctor()["database"]["status"] == "ok"
    assert doctor()["encryption"]["status"] == "ok"


def test_remove_keeps_the_data_and_purge_deletes_it(packages):
    assert _installed_version() is not None, "the install test did not run first"
    run(["apt-get", "remove", "-y", "-q", PACKAGE])
    assert not APP.exists() and not Path(KIOSK).exists()
    assert (DATA / "kiosk.sqlite3").exists() and (DATA / "central-credential.json").exists()
    assert (LOGS / "kiosk.log").exists() and (ETC / "site.toml").exists()
    assert run(["id", PACKAGE], check=False).returncode == 0  # the data's owner stays too

    run(["apt-get", "purge", "-y", "-q", PACKAGE])
    for path in (DATA, LOGS, ETC, APP):
        assert not path.exists(), path
    assert run(["id", PACKAGE], check=False).returncode != 0
    assert run(["getent", "group", PACKAGE], check=False).returncode != 0


def test_install_while_the_centre_is_unreachable_enrols_at_a_later_start(packages, central, tmp_path):
    first, _ = packages
    assert _installed_version() is None
    # The other way to pass a code: a file written before the install.
    ETC.mkdir()
    (ETC / "enrolment-code").write_text(central.enroll_code() + "\n")
    central.stop()
    try:
        result = apt_install(first, {"SLVIE_KIOSK_SITE_CONFIG": str(site_config(tmp_path, central.url))})
    finally:
        central.start()
    said = result.stdout + result.stderr
    assert "enrolment not done yet" in said and "inscription non faite" in said
    assert not (ETC / "enrolment-code").exists()  # the secret is not left readable in /etc
    pending = DATA / "enrolment-pending.json"
    assert owner(pending) == (PACKAGE, PACKAGE, 0o600)
    assert not (DATA / "central-credential.json").exists()
    assert "tried again at every start" in doctor()["central"]["en"]

    # What the unit runs before the kiosk (ExecStartPre), now that the centre answers.
    result = run([KIOSK, "enroll-pending"], env=service_env())
    assert "Kiosk enrolled" in result.stdout
    assert not pending.exists()
    assert doctor()["credential"]["status"] == "ok"
