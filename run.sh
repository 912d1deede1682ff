#!/usr/bin/env bash
# One entry point for people and CI: installs what is missing, then acts.
#   ./run.sh demo    start the kiosk on its demo data
#   ./run.sh test    run the whole test suite
#   ./run.sh bench   print the benchmark figures as JSON
#   ./run.sh check   the static checks alone (ruff, mypy, import-linter)
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(
  python3 python3-venv python3-pip
  # Qt's xcb platform, fonts and speech for a real window
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-image0 libxcb-xinerama0 libxcb-xkb1 libpulse0 fonts-dejavu-core
  # tests: a virtual screen, a real print queue, an independent QR decoder, PDF rendering
  xvfb cups cups-ipp-utils printer-driver-cups-pdf zbar-tools poppler-utils
  # the end-to-end test: real input events, and eyes that read the screen (OCR)
  xdotool tesseract-ocr tesseract-ocr-fra
  # the Debian package test: Debian's own Python for the package's environment, its compositor
  python3.11-venv cage
  # a real browser for the centre's fleet page (driven by Playwright; its own download is not used)
  chromium
  # a real PostgreSQL for the centre's tests: each run starts a throwaway cluster (tests/postgres.py)
  postgresql
)
VENV=.venv

install_system_packages() {
  local missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python_packages() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev,central]"
    touch "$stamp"
  fi
}

# Lint, formatting, types and the layer rules (pyproject.toml): any of them failing fails the tests.
static_checks() {
  "$VENV/bin/ruff" check kiosk sync tests setup.py
  "$VENV/bin/ruff" format --check kiosk sync tests setup.py
  "$VENV/bin/mypy"
  "$VENV/bin/lint-imports"
}

command="${1:-}"
case "$command" in
  demo)
    install_system_packages
    install_python_packages
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "Pas d'écran sur cette machine : lancez ./run.sh demo depuis un bureau graphique."
      echo "No display on this machine: run ./run.sh demo from a graphical desktop."
      echo "(Screens as PNG files: $VENV/bin/slvie-kiosk screenshots out/screens)"
      exit 1
    fi
    shift
    exec "$VENV/bin/slvie-kiosk" run --demo --windowed --data-dir "${SLVIE_DEMO_DATA:-out/demo-data}" "$@"
    ;;
  test)
    install_system_packages
    install_python_packages
    shift
    static_checks
    # Worker processes (pytest-xdist), each running whole test files in order; what the machine has once
    # (CUPS, dpkg) is shared under locks (tests/machine.py). SLVIE_TEST_WORKERS=0: all in this one process.
    QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" -m pytest \
      --numprocesses "${SLVIE_TEST_WORKERS:-3}" --dist loadfile "$@"
    ;;
  check)
    install_python_packages
    static_checks
    ;;
  bench)
    install_system_packages
    install_python_packages
    shift
    QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" tests/bench/bench.py --json "$@"
    ;;
  *)
    echo "usage: ./run.sh demo | test | bench | check" >&2
    exit 2
    ;;
esac
