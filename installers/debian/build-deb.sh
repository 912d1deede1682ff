#!/usr/bin/env bash
# Build the Debian package of the SLVie kiosk, or with --central the one of its reference central server
# (slvie-central, from the same source), on a Debian 12 (bookworm) machine:
#
#     installers/debian/build-deb.sh [--central] [--version VERSION] [--out DIR] [--fast]
#
# Writes DIR/PACKAGE_VERSION_ARCH.deb (DIR defaults to dist/); --fast packs with zstd -1
# (a larger file, built sooner: for the tests). VERSION defaults to the
# version in pyproject.toml followed by "+" and the build's UTC date and time, so that each
# build upgrades the one before it. What it needs: python3.11 and python3.11-venv (Debian's),
# dpkg-deb, and PyPI for the Python packages. Nothing is downloaded at install time: the
# application's Python environment is built here, with Debian's own Python, into
# /opt/PACKAGE/venv inside the package. The kiosk's files are in installers/debian/, the centre's in
# installers/central/.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=/usr/bin/python3.11
OUT=$ROOT/dist
VERSION=""
PACKAGE_NAME=slvie-kiosk
# zstd (dpkg >= 1.21.18, Debian 12): level 9 packs in about 20 s what level 19 packs 12 % smaller in 5 min.
COMPRESSION=(-Zzstd -z9)

while [ $# -gt 0 ]; do
    case "$1" in
        --version) VERSION=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --fast) COMPRESSION=(-Zzstd -z1); shift ;;
        --central) PACKAGE_NAME=slvie-central; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "build-deb: option inconnue / unknown option: $1 (--help)" >&2; exit 2 ;;
    esac
done

# fail FRENCH ENGLISH: the build stops, saying why in both languages.
fail() { printf 'build-deb: %s\nbuild-deb: %s\n' "$1" "$2" >&2; exit 1; }
[ -x "$PYTHON" ] || fail "$PYTHON manque : apt-get install python3.11 python3.11-venv" \
    "$PYTHON is missing: apt-get install python3.11 python3.11-venv"
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || fail "python3.11-venv manque : apt-get install python3.11-venv" \
    "python3.11-venv is missing: apt-get install python3.11-venv"
command -v dpkg-deb >/dev/null || fail "dpkg-deb manque (paquet dpkg)" "dpkg-deb is missing (package dpkg)"

UPSTREAM=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/pyproject.toml" | head -n 1)
[ -n "$UPSTREAM" ] || fail "pas de version dans pyproject.toml" "no version in pyproject.toml"
VERSION=${VERSION:-$UPSTREAM+$(date -u +%Y%m%d%H%M%S)}
ARCH=$(dpkg --print-architecture)
WORK=${SLVIE_DEB_WORK:-$ROOT/build/$PACKAGE_NAME-deb}
STAGE=$WORK/root
APP=/opt/$PACKAGE_NAME
FILES=$HERE
[ "$PACKAGE_NAME" = slvie-central ] && FILES=$ROOT/installers/central
started=$(date +%s)

echo "== $PACKAGE_NAME $VERSION ($ARCH)"
rm -rf "$WORK"
mkdir -p "$WORK/src" "$STAGE$APP" "$OUT"

# 1. The sources, copied so that the build never writes into the working tree (no stale build/lib).
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' --exclude='*.mo' -cf - pyproject.toml setup.py README.md LICENSE kiosk sync \
    | tar -C "$WORK/src" -xf -

# 2. The Python environment, built where it will live (the staging prefix is stripped below).
"$PYTHON" -m venv "$STAGE$APP/venv"
VENV_PY="$STAGE$APP/venv/bin/python"
PIP=("$VENV_PY" -m pip install --quiet --disable-pip-version-check --no-compile --no-warn-script-location)
if [ "$PACKAGE_NAME" = slvie-kiosk ]; then
    "${PIP[@]}" "$WORK/src"
else
    # The centre: the application's requirements and its [central] extra, less Qt, which only the kiosk's
    # screens import (the layer rules): a third of the kiosk's size.
    "$VENV_PY" - "$WORK/src/pyproject.toml" > "$WORK/central-requirements.txt" <<'PY'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
for requirement in project["dependencies"] + project["optional-dependencies"]["central"]:
    if re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower() not in ("pyside6", "slvie-kiosk"):
        print(requirement)
PY
    "${PIP[@]}" -r "$WORK/central-requirements.txt"
    "${PIP[@]}" --no-deps "$WORK/src"
fi
"$VENV_PY" -m pip uninstall --quiet --yes pip setuptools >/dev/null 2>&1 || true
if [ "$PACKAGE_NAME" = slvie-kiosk ]; then
    # Qt WebEngine (a whole Chromium, two fifths of PySide6) is never loaded by the kiosk.
    QT="$STAGE$APP/venv/lib/python3.11/site-packages/PySide6"
    find "$QT" -iname '*webengine*' -prune -exec rm -rf {} +
    rm -f "$QT/Qt/resources/icudtl.dat" "$QT/Qt/resources/v8_context_snapshot.bin"
    "$VENV_PY" - <<'PY'
# What the package runs must import: fail the build here rather than on a kiosk.
import PySide6.QtWidgets, PySide6.QtQuickWidgets, PySide6.QtNetwork  # noqa: F401
import kiosk.cli, kiosk.ui.app, sync.engine  # noqa: F401
# SQLCipher, which encrypts the database with the machine's key: no kiosk of the package runs without it.
from kiosk.store import connection
assert connection.sqlcipher is not None, "sqlcipher3 is missing: no SQLCipher wheel for this machine"
# The reference central server (the [central] extra) stays out of a kiosk.
import importlib.util
assert importlib.util.find_spec("fastapi") is None, "FastAPI would be in the package"
# The translation catalogs are compiled by the build (setup.py): the kiosk's folders are not writable.
from kiosk.i18n import LANGUAGES, catalog_path
assert all(catalog_path(language).with_suffix(".mo").exists() for language in LANGUAGES), "catalogs not compiled"
PY
else
    "$VENV_PY" - <<'PY'
# What the service runs must import: the API, its migrations, uvicorn's fast parser and loop; no Qt.
import httptools, uvloop  # noqa: F401
import sync.server.app, sync.server.cli, sync.server.migrations  # noqa: F401
import importlib.util
assert importlib.util.find_spec("PySide6") is None, "Qt would be in the package"
from kiosk.i18n import LANGUAGES, catalog_path
assert all(catalog_path(language).with_suffix(".mo").exists() for language in LANGUAGES), "catalogs not compiled"
PY
fi

# 3. Relocate: no path of this build machine may stay in the environment.
grep -rlIF "$STAGE" "$STAGE$APP/venv" 2>/dev/null | while read -r file; do
    sed -i "s|$STAGE||g" "$file"
done
if grep -rqIF "$STAGE" "$STAGE$APP/venv"; then
    fail "le chemin de construction reste écrit dans l'environnement" "the staging path is still written in the environment"
fi
# Bytecode compiled now, with the installed paths in it (dpkg then owns and removes it).
"$VENV_PY" -m compileall -q -j 0 -s "$STAGE" -p / "$STAGE$APP/venv/lib" >/dev/null || true

# 4. The application's other files.
if [ "$PACKAGE_NAME" = slvie-kiosk ]; then
    cp -r "$ROOT/assets" "$STAGE$APP/assets"
    find "$STAGE$APP/assets" -name __pycache__ -prune -exec rm -rf {} +
    install -D -m 0644 "$FILES/site.toml" "$STAGE/usr/share/slvie-kiosk/site.toml"
else
    install -D -m 0644 "$FILES/central.env" "$STAGE/usr/share/slvie-central/central.env"
fi
install -D -m 0755 "$FILES/$PACKAGE_NAME.sh" "$STAGE/usr/bin/$PACKAGE_NAME"
install -D -m 0644 "$FILES/$PACKAGE_NAME.service" "$STAGE/lib/systemd/system/$PACKAGE_NAME.service"
install -D -m 0644 "$ROOT/installers/README.md" "$STAGE/usr/share/doc/$PACKAGE_NAME/README.md"
install -D -m 0644 "$ROOT/LICENSE" "$STAGE/usr/share/doc/$PACKAGE_NAME/copyright"

# 5. Control files.
mkdir -p "$STAGE/DEBIAN"
for script in postinst prerm postrm; do
    install -m 0755 "$FILES/$script" "$STAGE/DEBIAN/$script"
done
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" "$FILES/control.in" > "$STAGE/DEBIAN/control"

# 6. The package, owned by root whoever builds it.
PACKAGE="$OUT/${PACKAGE_NAME}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group "${COMPRESSION[@]}" --build "$STAGE" "$PACKAGE" >/dev/null
echo "== $PACKAGE ($(du -h "$PACKAGE" | cut -f1), built in $(( $(date +%s) - started )) s)"
