"""`slvie-kiosk enroll` and `slvie-kiosk sync --once`: what IT runs to join a kiosk to the centre."""

from __future__ import annotations

import argparse
import logging
import socket
from collections.abc import Callable

from kiosk.config import default_data_dir, load_config, prepare_data_dir
from kiosk.errors import KioskError
from kiosk.i18n import Said, Text, in_both_languages
from kiosk.signing_key import load_or_create_signing_key, public_key_pem
from kiosk.store.database import DATABASE_FILE, open_database
from kiosk.store.outbox import counts
from sync.client import CentralClient, CentralError
from sync.credential import load_credential
from sync.engine import SyncEngine
from sync.enrolment import enrol
from sync.heartbeat import KioskProbe
from sync.photos import photo_fetcher

log = logging.getLogger(__name__)


class SyncCommandError(KioskError):
    """A sync command could not do its work; the message says why."""


def add_sync_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    enroll = commands.add_parser("enroll", help="join this kiosk to the central server with a one-time code")
    add_common_options(enroll)
    enroll.add_argument("--server", required=True, help="central API address, e.g. https://central.example")
    enroll.add_argument("--code", required=True, help="one-time enrolment code from slvie-central enroll-code")
    enroll.add_argument("--name", default=socket.gethostname(), help="a name for this kiosk")
    enroll.set_defaults(handler=_enroll)

    sync = commands.add_parser("sync", help="exchange with the central server")
    add_common_options(sync)
    sync.add_argument("--once", action="store_true", required=True, help="run one cycle and say what it did")
    sync.set_defaults(handler=_sync_once)


def _enroll(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    data_dir = prepare_data_dir(args.data_dir or default_data_dir())
    try:
        enrolment = enrol(data_dir, args.server, args.code, args.name, ca_bundle=config.central.ca_bundle or None)
    except CentralError as error:
        raise SyncCommandError("error.sync.cli.enrolment_refused", error=error) from None
    print(in_both_languages(Text("admin.enrolled", kiosk=enrolment.kiosk_id, site=enrolment.site_id)))
    return 0


def _sync_once(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    data_dir = prepare_data_dir(args.data_dir or default_data_dir())
    credential = load_credential(data_dir)
    if credential is None:
        raise SyncCommandError("error.sync.cli.kiosk_enrolled_run_slvie")
    db = open_database(data_dir / DATABASE_FILE)
    client = CentralClient(
        credential.server,
        credential.token,
        ca_bundle=config.central.ca_bundle or None,
        deadline=config.central.request_deadline_seconds,
    )
    try:
        key = public_key_pem(load_or_create_signing_key(data_dir))
        report = SyncEngine(
            db,
            client,
            voucher_key=key,
            probe=KioskProbe(data_dir, config.printer.queue),
            photos=photo_fetcher(db, data_dir, config),
        ).run_cycle()
    except CentralError as error:
        raise SyncCommandError("error.sync.cli.sync_failed", error=error) from None
    finally:
        client.close()
    waiting = counts(db)
    db.close()
    print(report.summary())
    print(f"outbox: {waiting['pending']} waiting, {waiting['parked']} parked")
    if report.problem:
        print(in_both_languages(Said(*report.problem)))
        return 1
    return 0
