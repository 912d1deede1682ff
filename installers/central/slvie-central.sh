#!/bin/sh
# /usr/bin/slvie-central — the SLVie centre as the Debian package installs it: its own Python environment in
# /opt/slvie-central, its settings in /etc/slvie-central/central.env (the database, the photos' folder), so
# that "slvie-central kiosks", "slvie-central fleet", "slvie-central enroll-code --site S"… work as they are.
#
# Run by root, it runs as the centre's own user (who owns the database over peer authentication, and the
# photos); set SLVIE_CENTRAL_AS_ROOT=1 to really run as root.
CONFIG=/etc/slvie-central/central.env

if [ "$(id -u)" = 0 ] && [ -z "${SLVIE_CENTRAL_AS_ROOT:-}" ] && id slvie-central >/dev/null 2>&1; then
    runuser -u slvie-central -- test -x . 2>/dev/null || cd /
    exec runuser -u slvie-central -- "$0" "$@"
fi
if [ -r "$CONFIG" ]; then
    set -a
    . "$CONFIG"
    set +a
fi
# -I: nothing from the environment or the current folder gets into the centre's Python.
exec /opt/slvie-central/venv/bin/python -I -m sync.server.cli "$@"
