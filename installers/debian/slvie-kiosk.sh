#!/bin/sh
# /usr/bin/slvie-kiosk — the SLVie kiosk as the Debian package installs it: its own Python
# environment in /opt/slvie-kiosk, the site configuration in /etc/slvie-kiosk/site.toml, the
# data in /var/lib/slvie-kiosk and the logs in /var/log/slvie-kiosk. Every command takes those
# by default ("slvie-kiosk doctor", "slvie-kiosk sync --once"…).
#
# Run by root, it runs as the kiosk's own user, so that the files it writes stay the kiosk's
# (set SLVIE_KIOSK_AS_ROOT=1 to really run as root).
: "${SLVIE_KIOSK_DATA_DIR:=/var/lib/slvie-kiosk}"
: "${SLVIE_KIOSK_CONFIG:=/etc/slvie-kiosk/site.toml}"
: "${SLVIE_KIOSK_LOG_DIR:=/var/log/slvie-kiosk}"
: "${SLVIE_ASSETS_DIR:=/opt/slvie-kiosk/assets}"
export SLVIE_KIOSK_DATA_DIR SLVIE_KIOSK_CONFIG SLVIE_KIOSK_LOG_DIR SLVIE_ASSETS_DIR

if [ "$(id -u)" = 0 ] && [ -z "${SLVIE_KIOSK_AS_ROOT:-}" ] && id slvie-kiosk >/dev/null 2>&1; then
    # Stay in the current folder (relative paths keep working) unless that user cannot enter it.
    runuser -u slvie-kiosk -- test -x . 2>/dev/null || cd /
    exec runuser -u slvie-kiosk -- "$0" "$@"
fi
# -I: nothing from the environment or the current folder gets into the kiosk's Python.
exec /opt/slvie-kiosk/venv/bin/python -I -m kiosk "$@"
