"""What IT and the installers run on a kiosk: `doctor`, `check-config`, `migrate`, `enroll-pending`.

- `doctor [--json]` checks and reports (kiosk.doctor); exit code 1 on a problem.
- `check-config FILE` says whether a site configuration is valid (exit code 2 if not).
- `migrate [--label L]` backs the database up, then checks it (rebuilding it if corrupt) and
  brings its schema up to date; the Debian package runs it on upgrade, before the kiosk restarts.
- `enroll-pending [--server URL] [--code CODE]` enrols with a one-time code given at install
  (the code may also come from SLVIE_KIOSK_ENROL_CODE, so it never shows in a process list).
  The code is saved first (readable by the kiosk's user only) and tried again at every start
  until it works, so an install made while the network is down still ends enrolled.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from pathlib import Path

from kiosk.config import default_data_dir, load_config, prepare_data_dir
from kiosk.doctor import PENDING_ENROLMENT_FILE, run_checks
from kiosk.errors import KioskError
from kiosk.i18n import Text, in_both_languages

log = logging.getLogger(__name__)

# Commands whose work is worth a line in the kiosk's log files (kiosk/cli.py sets logging up for them).
LOGGED_COMMANDS = ("run", "sync", "enroll", "enroll-pending", "migrate")


class AdminCommandError(KioskError):
    """An IT command could not do its work; the message says why."""


def add_admin_commands(commands, add_common_options) -> None:
    doctor = commands.add_parser("doctor", help="check this kiosk and report (exit code 1 on a problem)")
    add_common_options(doctor)
    doctor.add_argument("--json", action="store_true", help="one JSON document instead of text")
    doctor.add_argument(
        "--acknowledge-recovery", action="store_true", help="mark the last database rebuild as seen by IT, then check"
    )
    doctor.set_defaults(handler=_doctor)

    migrate = commands.add_parser("migrate", help="back up the database, then check and migrate it")
    add_common_options(migrate)
    migrate.add_argument("--label", default="manual", help="a word in the backup's name (e.g. the old version)")
    migrate.set_defaults(handler=_migrate)

    check = commands.add_parser("check-config", help="check a site configuration file (exit code 2 if invalid)")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=_check_config)

    pending = commands.add_parser("enroll-pending", help="enrol with a code given at install, now or at a later start")
    add_common_options(pending)
    pending.add_argument("--server", help="central API address (default: [central] url of the site configuration)")
    pending.add_argument("--code", help="one-time enrolment code (default: $SLVIE_KIOSK_ENROL_CODE)")
    pending.add_argument("--name", default=socket.gethostname(), help="a name for this kiosk")
    pending.set_defaults(handler=_enroll_pending)


def _doctor(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or default_data_dir()
    if args.acknowledge_recovery:
        _acknowledge(data_dir)
    report = run_checks(args.config, data_dir)
    print(report.to_json() if args.json else report.to_text())
    return 0 if report.ok else 1


def _acknowledge(data_dir: Path) -> None:
    from kiosk.store.database import DATABASE_FILE, open_database
    from kiosk.store.recovery import acknowledge_recovery

    path = data_dir / DATABASE_FILE
    if not path.exists():
        return
    db = open_database(path)
    try:
        if acknowledge_recovery(db):
            print(in_both_languages(Text("admin.rebuild_acknowledged")), file=sys.stderr)
    finally:
        db.close()


def _check_config(args: argparse.Namespace) -> int:
    config = load_config(args.file)  # a KioskError says what is wrong, in both languages
    print(in_both_languages(Text("admin.config_valid", site=config.site.id)))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from kiosk.store.database import DATABASE_FILE, latest_schema_version, open_database, schema_version
    from kiosk.store.recovery import backup_database, check_database, file_schema_version, open_kiosk_database

    data_dir = prepare_data_dir(args.data_dir or default_data_dir())
    path = data_dir / DATABASE_FILE
    before, recovery = None, None
    if path.exists() and check_database(path) is None:
        before = file_schema_version(path)
        # No migration without its backup: a failure here (disk full…) stops the command.
        backup = backup_database(path, args.label)
        print(in_both_languages(Text("admin.backup", path=backup)))
        db = open_database(path)
    else:
        # A damaged file is not copied: it is set aside whole, under a new name, and rebuilt.
        db, recovery = open_kiosk_database(path)
    after = schema_version(db)
    db.close()
    if recovery is not None:
        print(in_both_languages(Text("admin.set_aside", files=", ".join(recovery.set_aside))))
    log.info("database schema %s -> %s (latest %s)", before, after, latest_schema_version())
    print(in_both_languages(Text("admin.schema", before=before if before is not None else "-", after=after)))
    return 0


def _enroll_pending(args: argparse.Namespace) -> int:
    from kiosk.files import write_whole
    from sync.client import CentralError, RequestRefused
    from sync.credential import load_credential
    from sync.enrolment import enrol

    config = load_config(args.config)
    data_dir = prepare_data_dir(args.data_dir or default_data_dir())
    pending_path = data_dir / PENDING_ENROLMENT_FILE
    code = args.code or os.environ.get("SLVIE_KIOSK_ENROL_CODE", "")
    if code.strip():
        document = {"server": args.server or config.central.url, "code": code.strip(), "name": args.name}
        write_whole(pending_path, json.dumps(document).encode("utf-8"))
    if load_credential(data_dir) is not None:
        if pending_path.exists():
            pending_path.unlink()
            log.info("already enrolled: the pending enrolment code was discarded")
        print(in_both_languages(Text("admin.already_enrolled")))
        return 0
    try:
        pending = json.loads(pending_path.read_text(encoding="utf-8"))
        server, code, name = str(pending["server"]), str(pending["code"]), str(pending.get("name") or args.name)
    except FileNotFoundError:
        print(in_both_languages(Text("admin.no_enrolment_pending")))
        return 0
    except (OSError, ValueError, KeyError, TypeError):
        raise AdminCommandError("error.admin.file_unreadable_give_enrolment", pending_path=pending_path) from None
    try:
        enrolment = enrol(data_dir, server, code, name, ca_bundle=config.central.ca_bundle or None, timeout=(5, 15))
    except RequestRefused as error:
        log.error("enrolment refused by the centre (%s): ask IT for a new code", error.code or error.status)
        raise AdminCommandError("error.admin.enrolment_refused", error=error) from None
    except CentralError as error:
        log.warning("enrolment not done yet (%s); it will be tried again at the next start", type(error).__name__)
        raise AdminCommandError("error.admin.enrolment_postponed", error=error) from None
    pending_path.unlink(missing_ok=True)
    print(in_both_languages(Text("admin.enrolled", kiosk=enrolment.kiosk_id, site=enrolment.site_id)))
    return 0


def setup_command_logging(args: argparse.Namespace) -> None:
    """File logging for the commands in LOGGED_COMMANDS (kiosk.logs); a bad configuration is
    reported by the command itself, logging then runs on the defaults."""
    if getattr(args, "command", None) not in LOGGED_COMMANDS:
        return
    from kiosk.config import KioskConfig
    from kiosk.logs import log_uncaught_exceptions, setup_logging

    try:
        config = load_config(getattr(args, "config", None))
    except KioskError:
        config = KioskConfig()
    data_dir = getattr(args, "data_dir", None) or default_data_dir()
    setup_logging(config, data_dir, console_level=logging.WARNING)
    if args.command == "run":
        log_uncaught_exceptions()
