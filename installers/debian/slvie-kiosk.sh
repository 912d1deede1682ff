#!/bin/sh
# /usr/bin/slvie-kiosk — the SLVie kiosk as the Debian package installs it: its own Python
# environment in /opt/slvie-kiosk, the site configuration in /etc/slvie-kiosk/site.toml, the
# data in /var/lib/slvie-kiosk and the logs in /var/log/slvie-kiosk. Every command takes those
# by default ("slvie-kiosk doctor", "slvie-kiosk sync --once"…).
#
# Run by root, it runs as the kiosk's own user, so that the files it writes stay the kiosk's
# (set SLVIE_KIOSK_AS_ROOT=1 to really run as root), with the machine's sealed keys, which the
# encrypted database needs ("sudo slvie-kiosk doctor" reads it as the service does).
: "${SLVIE_KIOSK_DATA_DIR:=/var/lib/slvie-kiosk}"
: "${SLVIE_KIOSK_CONFIG:=/etc/slvie-kiosk/site.toml}"
: "${SLVIE_KIOSK_LOG_DIR:=/var/log/slvie-kiosk}"
: "${SLVIE_ASSETS_DIR:=/opt/slvie-kiosk/assets}"
export SLVIE_KIOSK_DATA_DIR SLVIE_KIOSK_CONFIG SLVIE_KIOSK_LOG_DIR SLVIE_ASSETS_DIR

if [ "$(id -u)" = 0 ] && [ -z "${SLVIE_KIOSK_AS_ROOT:-}" ] && id slvie-kiosk >/dev/null 2>&1; then
    # Stay in the current folder (relative paths keep working) unless that user cannot enter it.
    runuser -u slvie-kiosk -- test -x . 2>/dev/null || cd /
    if [ -z "${CREDENTIALS_DIRECTORY:-}" ] && ls "$SLVIE_KIOSK_DATA_DIR"/*.cred >/dev/null 2>&1; then
        # The machine's sealed keys (NAME.cred, made by postinst), opened for this one command as the
        # unit's LoadCredentialEncrypted= opens them for the service, in a folder of its own under /run
        # (memory, never the disk), removed when it ends (kiosk/credentials.py).
        CREDENTIALS_DIRECTORY=$(mktemp -d /run/slvie-kiosk-credentials.XXXXXX)
        export CREDENTIALS_DIRECTORY
        trap 'rm -rf "$CREDENTIALS_DIRECTORY"' EXIT
        trap 'exit 130' INT TERM HUP
        for sealed in "$SLVIE_KIOSK_DATA_DIR"/*.cred; do
            name=slvie-$(basename "$sealed" .cred)
            systemd-creds decrypt --name="$name" "$sealed" "$CREDENTIALS_DIRECTORY/$name" || exit 1
        done
        chown -R slvie-kiosk:slvie-kiosk "$CREDENTIALS_DIRECTORY"
        status=0
        runuser -u slvie-kiosk -- "$0" "$@" || status=$?
        exit $status
    fi
    exec runuser -u slvie-kiosk -- "$0" "$@"
fi
# -I: nothing from the environment or the current folder gets into the kiosk's Python.
exec /opt/slvie-kiosk/venv/bin/python -I -m kiosk "$@"
