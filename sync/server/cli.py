"""The `slvie-central` command: serve the central API, and administer its database.

slvie-central --db PATH|postgresql://… [--host 127.0.0.1] [--port 8765]   serve
slvie-central --db postgresql://… serve --workers 4             serve with 4 worker processes
slvie-central --db PATH enroll-code --site SITE                print a one-time enrolment code
slvie-central --db PATH revoke KIOSK_ID                        revoke a kiosk
slvie-central --db PATH load-catalog FILE [--shift-to-today] [--site SITE]
slvie-central --db PATH load-households FILE [--site SITE]
slvie-central --db PATH load-staff FILE [--site SITE]           the site's correspondents (slvie-staff/1)
slvie-central --db PATH load-demo [--site SITE]
slvie-central --db PATH import-photos FOLDER                   offer photos, named by their SHA-256
slvie-central --db PATH generate --offers 50000 [--seed N] [--site SITE]
slvie-central --db PATH set-allocation --session S --site SITE --seats N [--until T]
slvie-central --db PATH set-capacity --session S --capacity N
slvie-central --db PATH withdraw-offer OFFER_ID
slvie-central --db PATH decide-request BOOKING_ID confirmed|waitlisted|refused
slvie-central --db PATH refuse-concierge REQUEST_ID --reason-fr TEXT --reason-en TEXT
slvie-central --db PATH report-payment booking|request ID --amount EUROS [--reference TEXT]
slvie-central --db PATH publish-consultation FILE               a consultation (docs/sync-protocol.md)
slvie-central --db PATH results CONSULTATION_ID                 its counts, once counting has ended
slvie-central --db PATH ideas [--site SITE] [--unanswered]      the ideas box
slvie-central --db PATH answer-idea ID_OR_CODE --text TEXT --by "SLVie Lyon Part-Dieu"
slvie-central --db PATH appreciations [--pending]              appreciations received, comments to moderate
slvie-central --db PATH moderate ID publish|refuse [--reason-fr TEXT --reason-en TEXT]
slvie-central --db PATH appreciation-results [--offer OFFER_ID] [--csv FILE]   per offer and session
slvie-central --db PATH allocate-stays CAMPAIGN [--answer-days N]   allocate a closed campaign of stay wishes
slvie-central --db PATH record-past-stay HOUSEHOLD_ID YYYY-MM-DD    a national stay a household had
slvie-central --db PATH kiosks | check
slvie-central --db PATH fleet [--kiosk KIOSK_ID]              every kiosk's health: red / amber / green, and why
slvie-central --db PATH admin-credential NAME [--remove]       a secret for /admin/fleet and /metrics
slvie-central --db PATH backup FILE                            a consistent copy, safe to restore as is
slvie-central --db PATH reset-epoch                            after restoring the file by other means
slvie-central --db PATH --smtp-host H --smtp-from A send-notices   send the e-mail notices due, once
slvie-central --db PATH notices                                every notice's state (no address)
slvie-central --db PATH record-bounce [FILE]                   a bounce of a notice (stdin: an MTA's pipe)
slvie-central openapi [--out FILE]                             the OpenAPI document of /v1
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from limits import parse

from kiosk.errors import KioskError
from kiosk.i18n import Said, Text, in_both_languages
from sync.server import require_central_server
from sync.server.limits import ENROL_PER_ADDRESS, ENROL_PER_CODE, KIOSK_CALLS, RateLimits

if TYPE_CHECKING:  # imported where used: the administration commands run without the web server's packages
    from sync.server.db import Database
    from sync.server.mailer import MailSettings

ID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
DEFAULT_PORT = 8765
MAIL_ARGUMENTS = ("smtp_host", "smtp_from", "smtp_port", "smtp_security", "smtp_user", "smtp_ca_file")
DB_VARIABLE = "SLVIE_CENTRAL_DB"
PHOTOS_VARIABLE = "SLVIE_CENTRAL_PHOTOS"
SERVE_ENVIRONMENT = "SLVIE_CENTRAL_SERVE"  # how `serve --workers N` hands its settings to each worker
OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"
SMTP_PASSWORD_VARIABLE = "SLVIE_SMTP_PASSWORD"
SMTP_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def _identifier(text: str) -> str:
    if not ID.match(text):
        raise argparse.ArgumentTypeError("1 to 40 characters among letters, digits and _ . : -")
    return text


def _moment(text: str) -> datetime:
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError("expected YYYY-MM-DDTHH:MM[:SS] (site local time)")


def build_parser() -> argparse.ArgumentParser:
    from sync.server.admin import DEFAULT_SITE

    parser = argparse.ArgumentParser(
        prog="slvie-central",
        description=in_both_languages(Text("cli.central.description")),
    )
    parser.add_argument(
        "--db",
        default=os.environ.get(DB_VARIABLE) or None,
        help="the central SQLite database file (created if missing), or a PostgreSQL URL: postgresql://user@host/name"
        f" (default: the environment variable {DB_VARIABLE}, which the Debian package's configuration sets)",
    )
    parser.add_argument(
        "--photos",
        type=Path,
        default=os.environ.get(PHOTOS_VARIABLE) or None,
        help=f"the offers' photos' folder (default: {PHOTOS_VARIABLE}, else beside the SQLite file, or central.photos)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    parser.add_argument("--now", type=_moment, help="freeze the server's clock at this local time (tests only)")
    parser.add_argument(
        "--enrol-limit",
        default=ENROL_PER_ADDRESS,
        type=_rate,
        help=f"enrolment attempts per address (default {ENROL_PER_ADDRESS})",
    )
    parser.add_argument(
        "--enrol-code-limit",
        default=ENROL_PER_CODE,
        type=_rate,
        help=f"enrolment attempts per code (default {ENROL_PER_CODE})",
    )
    parser.add_argument(
        "--kiosk-limit", default=KIOSK_CALLS, type=_rate, help=f"calls per kiosk (default {KIOSK_CALLS})"
    )
    mail = parser.add_argument_group(
        "e-mail notices", "the SMTP server the notices go through (served with the API, or by send-notices)"
    )
    mail.add_argument("--smtp-host", help="without it, no notice is sent: they wait in the database")
    mail.add_argument("--smtp-port", type=int, help="default: 587 (starttls), 465 (tls), 25 (none)")
    mail.add_argument(
        "--smtp-security",
        choices=("starttls", "tls", "none"),
        default="starttls",
        help="STARTTLS (default), TLS from the start, or none (a relay on loopback only)",
    )
    mail.add_argument("--smtp-user", default="", help="the SMTP login, if the server asks for one")
    mail.add_argument(
        "--smtp-password-file",
        type=Path,
        help=f"a file holding the SMTP password (or the environment variable {SMTP_PASSWORD_VARIABLE})",
    )
    mail.add_argument("--smtp-from", help="the notices' sender address, e.g. notices@slvie.example")
    mail.add_argument("--smtp-ca-file", default="", help="a CA bundle to verify the SMTP server with")
    mail.add_argument(
        "--notices-every", type=float, default=60.0, help="seconds between two passes of the sender (default 60)"
    )
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the central API (what runs when no command is given)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes sharing the database (default 1; PostgreSQL for more)"
    )

    code = commands.add_parser("enroll-code", help="print a one-time enrolment code for a kiosk of SITE")
    code.add_argument("--site", required=True, type=_identifier)
    code.add_argument("--days", type=int, default=7, help="days the code stays valid")
    commands.add_parser("revoke", help="revoke a kiosk's credential").add_argument("kiosk_id")
    commands.add_parser("kiosks", help="list enrolled kiosks")
    commands.add_parser("audit-flags", help="list refused audit entries (forged, forked, gaps) and restarted chains")
    commands.add_parser("integrity", help="what kiosks sent that the centre could not take as it was (for IT)")
    fleet = commands.add_parser("fleet", help="every kiosk's health from its heartbeats: red / amber / green, and why")
    fleet.add_argument("--kiosk", help="this kiosk's kept heartbeats instead (30 days), oldest first")
    administrator = commands.add_parser(
        "admin-credential",
        help="print a new secret for administrator NAME (HTTP Basic on /admin/fleet and /metrics), or remove it",
    )
    administrator.add_argument("name", type=_identifier)
    administrator.add_argument("--remove", action="store_true", help="remove this administrator's credential")

    catalog = commands.add_parser("load-catalog", help="load a slvie-catalog/1 file (upsert)")
    catalog.add_argument("file", type=Path)
    catalog.add_argument("--shift-to-today", action="store_true", help="move every date by today - reference_date")
    catalog.add_argument(
        "--site",
        default=DEFAULT_SITE,
        type=_identifier,
        help="site that receives the catalog's site_allocation/site_taken",
    )
    households = commands.add_parser("load-households", help="load a slvie-households/1 file (upsert)")
    households.add_argument("file", type=Path)
    households.add_argument("--site", default=DEFAULT_SITE, type=_identifier)
    staff = commands.add_parser("load-staff", help="load a slvie-staff/1 file: the whole list of SITE's correspondents")
    staff.add_argument("file", type=Path)
    staff.add_argument("--site", default=DEFAULT_SITE, type=_identifier)
    demo = commands.add_parser(
        "load-demo",
        help="the demo catalog shifted to today, the demo households, "
        "correspondents, concierge requests and open consultations",
    )
    demo.add_argument("--site", default=DEFAULT_SITE, type=_identifier)
    photos = commands.add_parser(
        "import-photos",
        help="add a folder's photos (JPEG, PNG, WebP up to 3 MB); prints "
        "each one's SHA-256, which the catalog names as the offer's photo",
    )
    photos.add_argument("folder", type=Path)
    generate = commands.add_parser("generate", help="load a large generated catalog (benchmarks)")
    generate.add_argument("--offers", type=int, required=True)
    generate.add_argument("--seed", type=int, default=None)
    generate.add_argument("--site", default=DEFAULT_SITE, type=_identifier)

    allocation = commands.add_parser("set-allocation", help="set a site's seats on a session")
    allocation.add_argument("--session", required=True)
    allocation.add_argument("--site", required=True, type=_identifier)
    allocation.add_argument("--seats", required=True, type=int)
    allocation.add_argument("--until", type=_moment, help="cut-off for unused seats (default: session start)")
    capacity = commands.add_parser("set-capacity", help="change a session's capacity")
    capacity.add_argument("--session", required=True)
    capacity.add_argument("--capacity", required=True, type=int)
    commands.add_parser("withdraw-offer", help="withdraw an offer (kiosks get a tombstone)").add_argument("offer_id")
    decide = commands.add_parser("decide-request", help="settle a requested or waitlisted booking")
    decide.add_argument("booking_id")
    decide.add_argument("state", choices=("confirmed", "waitlisted", "refused"))
    refuse = commands.add_parser("refuse-concierge", help="refuse a concierge request (kiosks pull the refusal)")
    refuse.add_argument("request_id")
    refuse.add_argument("--reason-fr", required=True)
    refuse.add_argument("--reason-en", required=True)
    payment = commands.add_parser(
        "report-payment",
        help="a payment made elsewhere for a booking or concierge request (kiosks of its site pull it)",
    )
    payment.add_argument("kind", choices=("booking", "request"))
    payment.add_argument("subject_id")
    payment.add_argument("--amount", required=True, help="euros, e.g. 12,50")
    payment.add_argument("--reference", default="", help="where it was paid (a receipt number…)")
    publish = commands.add_parser(
        "publish-consultation", help="publish a consultation (a JSON file); every kiosk pulls it"
    )
    publish.add_argument("file", type=Path)
    commands.add_parser(
        "results", help="a consultation's counts and participation, once counting has ended"
    ).add_argument("consultation_id", type=_identifier)
    ideas = commands.add_parser("ideas", help="list the ideas received, with their receipt code and answer")
    ideas.add_argument("--site", type=_identifier)
    ideas.add_argument("--unanswered", action="store_true")
    answer = commands.add_parser(
        "answer-idea", help="answer an idea (by id or receipt code); the author sees it at the kiosk"
    )
    answer.add_argument("idea")
    answer.add_argument("--text", required=True)
    answer.add_argument("--by", required=True, help="who answers, as the person will read it")
    commands.add_parser(
        "appreciations", help="list the appreciations received (comments to moderate with --pending)"
    ).add_argument("--pending", action="store_true")
    moderate = commands.add_parser(
        "moderate", help="publish a comment, or refuse it with a reason its author reads at the kiosk"
    )
    moderate.add_argument("appreciation_id")
    moderate.add_argument("decision", choices=("publish", "refuse"))
    moderate.add_argument("--reason-fr")
    moderate.add_argument("--reason-en")
    results = commands.add_parser("appreciation-results", help="organisers' results per offer and session, as CSV")
    results.add_argument("--offer", type=_identifier)
    results.add_argument("--csv", type=Path, help="write the CSV to this file (default: standard output)")
    allocate = commands.add_parser(
        "allocate-stays",
        help="allocate a closed campaign of holiday-stay wishes by the rule of docs/stay-wishes.md (once: "
        "a second run changes nothing and prints the same outcomes)",
    )
    allocate.add_argument("campaign", type=_identifier)
    allocate.add_argument("--answer-days", type=int, help="how many days a proposal holds (default 10)")
    past = commands.add_parser("record-past-stay", help="a national stay a household had (ranks it after others)")
    past.add_argument("household_id", type=_identifier)
    past.add_argument("started_on", type=_day, help="YYYY-MM-DD")
    commands.add_parser("check", help="recount every session's seats from the bookings")
    commands.add_parser(
        "backup",
        help="write a consistent copy of the database, with a feed epoch of its own "
        "(restoring it makes every kiosk pull again from 0)",
    ).add_argument("file", type=Path)
    commands.add_parser(
        "reset-epoch",
        help="start a new feed epoch (run it after restoring the database file "
        "by other means than a copy made by backup): every kiosk pulls again from 0",
    )
    commands.add_parser("send-notices", help="send the e-mail notices due now, once (--smtp-host is needed)")
    commands.add_parser("notices", help="every e-mail notice's state and its last error (no address, no name)")
    commands.add_parser(
        "record-bounce", help="record a bounce (a delivery status notification) of a notice: FILE, or standard input"
    ).add_argument("file", nargs="?", type=Path)
    openapi = commands.add_parser("openapi", help="write the OpenAPI document of /v1")
    openapi.add_argument("--out", type=Path, help=f"default: standard output (committed as {OPENAPI_FILE.name})")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        require_central_server()  # every command opens the database (SQLAlchemy, Alembic) or serves
    except KioskError as error:
        print(error.bilingual(), file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "openapi":
            return _openapi(args)
        if args.db is None:
            parser.error("--db PATH is required")
        if args.smtp_host and not args.smtp_from:
            parser.error("--smtp-from ADDRESS is needed with --smtp-host")
        if args.smtp_host and args.smtp_security == "none" and args.smtp_host not in ("127.0.0.1", "::1", "localhost"):
            parser.error("--smtp-security none is for a relay on this machine only: use starttls or tls")
        if args.command == "send-notices" and not args.smtp_host:
            parser.error("send-notices needs --smtp-host and --smtp-from")
        if args.command in ("serve", None) and getattr(args, "workers", 1) > 1:
            return _serve_workers(args)
        for name in ("seats", "capacity", "offers", "days"):
            if getattr(args, name, 0) is not None and getattr(args, name, 0) < 0:
                parser.error(f"--{name} must be >= 0")
        from sync.server.db import Database

        db = Database(args.db, photos=args.photos)
        try:
            return COMMANDS[args.command](db, args)
        finally:
            db.close()
    except KioskError as error:
        print(error.bilingual(), file=sys.stderr)
        return 2


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text}") from None


def _now(args: argparse.Namespace) -> datetime:
    from sync.server.clock import local_now

    return args.now or local_now()


def _rate(text: str) -> str:
    """A rate as the `limits` library reads it: `N/second|minute|hour|day`."""
    try:
        parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a rate (N/minute, N/hour…): {text}") from None
    return text


def _serve(db: Database, args: argparse.Namespace) -> int:
    """Without uvicorn's access log (a line a request, most of the centre's log): /metrics counts the requests
    by route and status, and the reverse proxy in front keeps who asked what."""
    import uvicorn

    from sync.server.app import create_app
    from sync.server.clock import frozen_clock, local_now

    app = create_app(
        db,
        frozen_clock(args.now) if args.now else local_now,
        rates=RateLimits(args.enrol_limit, args.enrol_code_limit, args.kiosk_limit),
        mail=_mail_settings(args),
        send_every=args.notices_every,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


def _mail_settings(args: argparse.Namespace) -> MailSettings | None:
    """The SMTP server from the command line; the password from its file or the environment, never an argument."""

    from sync.server.mailer import MailSettings

    if not args.smtp_host:
        return None
    password = os.environ.get(SMTP_PASSWORD_VARIABLE, "")
    if args.smtp_password_file:
        password = args.smtp_password_file.read_text(encoding="utf-8").strip()
    return MailSettings(
        host=args.smtp_host,
        sender=args.smtp_from,
        port=args.smtp_port or SMTP_PORTS[args.smtp_security],
        security=args.smtp_security,
        username=args.smtp_user,
        password=password,
        ca_file=args.smtp_ca_file,
    )


def _send_notices(db: Database, args: argparse.Namespace) -> int:
    from sync.server.clock import frozen_clock, local_now
    from sync.server.mailer import send_due

    settings = _mail_settings(args)
    assert settings is not None  # main() asks for --smtp-host first
    report = send_due(db, settings, frozen_clock(args.now) if args.now else local_now)
    print(
        in_both_languages(Text("notices.sent_report", sent=report.sent, waiting=report.waiting, refused=report.refused))
    )
    return 0


def _notices(db: Database, args: argparse.Namespace) -> int:
    from sync.server.notices import summary

    for row in summary(db):
        print(
            f"{row['state']:<8} {row['kind']:<15} {row['subject_id']}	essais / tries: {row['attempts']}	"
            f"{row['done_at'] or 'next ' + row['next_attempt_at']}	{row['last_error'] or ''}"
        )
    return 0


def _serve_workers(args: argparse.Namespace) -> int:
    """Several uvicorn worker processes, each building its application from SERVE_ENVIRONMENT; the database
    is migrated once here first. Their /metrics add up through PROMETHEUS_MULTIPROC_DIR (sync/server/metrics.py)."""
    import json
    import tempfile

    import uvicorn

    from sync.server.db import Database

    Database(args.db, pooled=False).close()
    os.environ[SERVE_ENVIRONMENT] = json.dumps(
        {
            "db": str(args.db),
            "photos": str(args.photos) if args.photos else None,
            "now": args.now.isoformat() if args.now else None,
            "rates": [args.enrol_limit, args.enrol_code_limit, args.kiosk_limit],
            # The SMTP settings without the password: each worker reads it from its file or the environment.
            "mail": {name: getattr(args, name) for name in MAIL_ARGUMENTS},
            "password_file": str(args.smtp_password_file) if args.smtp_password_file else None,
            "notices_every": args.notices_every,
        }
    )
    with tempfile.TemporaryDirectory(prefix="slvie-metrics-") as metrics_dir:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        uvicorn.run(
            "sync.server.cli:worker_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=False,
        )
    return 0


def _record_bounce(db: Database, args: argparse.Namespace) -> int:
    """Exits 0 even for what it cannot use: a mail server piping bounces here must not bounce them again."""
    from sync.server.mailer import read_bounce
    from sync.server.notices import record_bounce

    raw = args.file.read_bytes() if args.file else sys.stdin.buffer.read()
    bounce = read_bounce(raw)
    if bounce is None:
        print(in_both_languages(Text("notices.bounce.ignored")))
    elif record_bounce(db, bounce.notice_id, bounce.said, _now(args)):
        print(in_both_languages(Text("notices.bounce.recorded", notice=bounce.notice_id, said=bounce.said)))
    else:
        print(in_both_languages(Text("notices.bounce.unknown", notice=bounce.notice_id)))
    return 0


def worker_app() -> object:
    """The application of one worker process started by `serve --workers N`."""
    import json

    from sync.server.app import create_app
    from sync.server.clock import frozen_clock, local_now
    from sync.server.db import Database

    settings = json.loads(os.environ[SERVE_ENVIRONMENT])
    now = settings["now"]
    password_file = Path(settings["password_file"]) if settings["password_file"] else None
    return create_app(
        Database(settings["db"], photos=Path(settings["photos"]) if settings["photos"] else None),
        frozen_clock(datetime.fromisoformat(now)) if now else local_now,
        rates=RateLimits(*settings["rates"]),
        mail=_mail_settings(argparse.Namespace(**settings["mail"], smtp_password_file=password_file)),
        send_every=settings["notices_every"],
    )


def _enroll_code(db: Database, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from sync.server.auth import create_enrolment_code

    print(create_enrolment_code(db, args.site, _now(args), timedelta(days=args.days)))
    return 0


def _revoke(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.auth import revoke

    if not revoke(db, args.kiosk_id, _now(args)):
        raise AdminError("error.central.cli.unknown_kiosk", kiosk_id=args.kiosk_id)
    print(in_both_languages(Text("central.cli.revoked", kiosk=args.kiosk_id)))
    return 0


def _kiosks(db: Database, args: argparse.Namespace) -> int:
    from sync.server.auth import list_kiosks

    for row in list_kiosks(db):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        print(f"{row['id']}\t{row['site_id']}\t{row['name']}\tenrolled {row['enrolled_at']}\t{state}")
    return 0


def _audit_flags(db: Database, args: argparse.Namespace) -> int:
    from sync.server.audit import flags

    with db.read() as conn:
        rows = flags(conn)
    for row in rows:
        print(f"{row['flagged_at']}\t{row['kiosk_id']}\t{row['chain']}\tseq {row['seq']}\t{row['code']}")
    return 0


def _integrity(db: Database, args: argparse.Namespace) -> int:
    for row in db.query("SELECT at, kiosk_id, kind, subject, details FROM integrity_events ORDER BY at"):
        print(f"{row['at']}\t{row['kiosk_id']}\t{row['kind']}\t{row['subject']}\t{row['details']}")
    return 0


def _fleet(db: Database, args: argparse.Namespace) -> int:
    from sync.server.fleet import Duration, count_by_state, fleet

    if args.kiosk:
        return _fleet_history(db, args.kiosk)
    now = _now(args)
    kiosks = fleet(db, now)
    for kiosk in kiosks:
        heard = (
            Text("fleet.page.never")
            if kiosk.received_at is None
            else Text("fleet.page.ago", span=Duration(now - kiosk.received_at))
        )
        print(
            f"{kiosk.state.upper():<6} {kiosk.kiosk_id}\t{kiosk.site_id}\t{kiosk.name}\t"
            + in_both_languages(Text("fleet.cli.heard", when=heard))
        )
        for reason in kiosk.reasons:
            print("       " + in_both_languages(reason.text))
    counts = count_by_state(kiosks)
    print(in_both_languages(Text("fleet.cli.counts", kiosks=len(kiosks), **counts)))
    return 0


def _fleet_history(db: Database, kiosk_id: str) -> int:
    from sync.server.admin import AdminError
    from sync.server.fleet import history
    from sync.wire import Heartbeat

    rows = history(db, kiosk_id)
    if not rows:
        raise AdminError("error.central.cli.heartbeat_kept_for_kiosk", kiosk_id=kiosk_id)
    print("received_at\tstate\tprinter\twaiting\toldest_s\tparked\tdisk_free_MB\tskew_s\tlast_sync_s\tlast_error")
    for row in rows:
        beat = Heartbeat.model_validate_json(row["heartbeat"])
        error = beat.last_error.code if beat.last_error else "-"
        print(
            f"{row['received_at']}\t{row['state']}\t{beat.printer}\t{beat.waiting}\t"
            f"{_or_dash(beat.oldest_waiting_seconds)}\t{beat.parked}\t{beat.disk_free_bytes // (1024 * 1024)}\t"
            f"{row['skew_seconds']}\t{_or_dash(beat.last_sync_seconds)}\t{error}"
        )
    return 0


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)


def _admin_credential(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.auth import remove_administrator, set_administrator

    if args.remove:
        if not remove_administrator(db, args.name):
            raise AdminError("error.central.cli.unknown_administrator", name=args.name)
        print(in_both_languages(Text("central.cli.administrator_removed", name=args.name)))
        return 0
    print(set_administrator(db, args.name, _now(args)))
    return 0


def _load_catalog(db: Database, args: argparse.Namespace) -> int:
    from sync.server.loading import load_catalog, load_json_file

    now = _now(args)
    summary = load_catalog(db, load_json_file(args.file), args.site, now if args.shift_to_today else None, now)
    _print_summary(summary)
    return 0


def _load_households(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.loading import load_households

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AdminError("error.central.cli.file_read", file=args.file, error=error) from None
    _print_summary(load_households(db, text, args.site))
    return 0


def _load_staff(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.loading import load_staff

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AdminError("error.central.cli.file_read", file=args.file, error=error) from None
    _print_summary(load_staff(db, text, args.site))
    return 0


def _load_demo(db: Database, args: argparse.Namespace) -> int:
    from kiosk.demo import DEMO_CATALOG, DEMO_HOUSEHOLDS, DEMO_PHOTOS, DEMO_STAFF
    from sync.server.loading import (
        load_catalog,
        load_demo_consultations,
        load_demo_past_outing,
        load_demo_requests,
        load_households,
        load_json_file,
        load_staff,
    )
    from sync.server.photos import import_photos

    now = _now(args)
    _print_summary({"photos": len(import_photos(db, DEMO_PHOTOS))})
    _print_summary(load_catalog(db, load_json_file(DEMO_CATALOG), args.site, now, now))
    _print_summary(load_demo_consultations(db, now))
    if DEMO_HOUSEHOLDS.exists():
        _print_summary(load_households(db, DEMO_HOUSEHOLDS.read_text(encoding="utf-8"), args.site))
        _print_summary(load_demo_requests(db, args.site, now))
        _print_summary(load_demo_past_outing(db, args.site, now))
    else:
        print(in_both_languages(Text("central.cli.no_demo_households", path=DEMO_HOUSEHOLDS)))
    if DEMO_STAFF.exists():
        _print_summary(load_staff(db, DEMO_STAFF.read_text(encoding="utf-8"), args.site))
    else:
        print(in_both_languages(Text("central.cli.no_demo_staff", path=DEMO_STAFF)))
    return 0


def _import_photos(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.photos import import_photos

    if not args.folder.is_dir():
        raise AdminError("error.central.cli.folder_does_exist", folder=args.folder)
    for name, sha256 in import_photos(db, args.folder).items():
        print(f"{sha256}  {name}")
    return 0


def _generate(db: Database, args: argparse.Namespace) -> int:
    from kiosk.demo.catalog import DEMO_SEED, generate_catalog
    from sync.server.loading import load_catalog

    now = _now(args)
    document = generate_catalog(args.offers, DEMO_SEED if args.seed is None else args.seed)
    _print_summary(load_catalog(db, document, args.site, now, now))
    return 0


def _set_allocation(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import set_allocation

    set_allocation(db, args.session, args.site, args.seats, args.until, _now(args))
    print(in_both_languages(Text("central.cli.allocation", session=args.session, count=args.seats, site=args.site)))
    return 0


def _set_capacity(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import set_capacity

    set_capacity(db, args.session, args.capacity, _now(args))
    print(in_both_languages(Text("central.cli.capacity", session=args.session, capacity=args.capacity)))
    return 0


def _withdraw(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import withdraw_offer

    withdrawn = withdraw_offer(db, args.offer_id)
    print(
        in_both_languages(
            Text("central.cli.withdrawn" if withdrawn else "central.cli.already_withdrawn", offer=args.offer_id)
        )
    )
    return 0


def _decide(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import decide_request

    decide_request(db, args.booking_id, args.state, _now(args))
    print(f"{args.booking_id}: {args.state}")
    return 0


def _refuse_concierge(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import refuse_concierge

    refuse_concierge(db, args.request_id, args.reason_fr, args.reason_en, _now(args))
    print(in_both_languages(Text("central.cli.concierge_refused", request=args.request_id)))
    return 0


def _report_payment(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import report_payment

    payment_id = report_payment(db, args.kind, args.subject_id, args.amount, args.reference, _now(args))
    print(in_both_languages(Text("central.cli.payment_recorded", subject=args.subject_id, payment=payment_id)))
    return 0


def _publish_consultation(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import publish_consultation
    from sync.server.loading import load_json_file

    print(
        in_both_languages(
            Text(
                "central.cli.consultation_published",
                consultation=publish_consultation(db, load_json_file(args.file), _now(args)),
            )
        )
    )
    return 0


def _results(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import consultation_results

    _print_summary(consultation_results(db, args.consultation_id, _now(args)))
    return 0


def _ideas(db: Database, args: argparse.Namespace) -> int:
    from kiosk.domain.voucher import short_code
    from sync.server.ideas import listing

    with db.read() as conn:
        rows = listing(conn, args.site, args.unanswered)
    for row in rows:
        answer = f"answered by {row['answered_by']}: {row['answer']}" if row["answer"] else "not answered"
        print(
            f"{short_code(row['id'])}\t{row['id']}\t{row['site_id']}\t{row['created_at']}\t{row['theme']}\t"
            f"{row['text']}\t{answer}"
        )
    return 0


def _answer_idea(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import answer_idea

    print(
        in_both_languages(
            Text("central.cli.idea_answered", idea=answer_idea(db, args.idea, args.text, args.by, _now(args)))
        )
    )
    return 0


def _appreciations(db: Database, args: argparse.Namespace) -> int:
    from sync.server.appreciation import listing

    with db.read() as conn:
        rows = listing(conn, args.pending)
    for row in rows:
        print(
            f"{row['id']}\t{row['offer_id']}\t{row['session_id']}\t{row['author']}\t{row['ratings']}\t"
            f"{row['moderation']}\t{row['comment']}"
        )
    return 0


def _moderate(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import moderate_appreciation

    moderate_appreciation(
        db, args.appreciation_id, args.decision == "publish", args.reason_fr, args.reason_en, _now(args)
    )
    said = Text(
        "central.cli.appreciation_published" if args.decision == "publish" else "central.cli.appreciation_refused",
        appreciation=args.appreciation_id,
    )
    print(in_both_languages(said))
    return 0


def _appreciation_results(db: Database, args: argparse.Namespace) -> int:
    from sync.server.appreciation import results_csv

    with db.read() as conn:
        text = results_csv(conn, args.offer)
    if args.csv is None:
        sys.stdout.write(text)
    else:
        args.csv.write_text(text, encoding="utf-8")
        print(in_both_languages(Text("central.cli.wrote", path=args.csv)))
    return 0


def _allocate_stays(db: Database, args: argparse.Namespace) -> int:
    from sync.server.stays import ANSWER_DAYS, allocate_campaign

    run = allocate_campaign(db, args.campaign, _now(args), args.answer_days or ANSWER_DAYS)
    said = Text(
        "central.cli.stays_allocated" if run.changed else "central.cli.stays_already_allocated",
        campaign=run.campaign,
        when=run.allocated_at,
    )
    print(in_both_languages(said))
    for item in run.outcomes:
        reason = in_both_languages(Said(item["reason"]["fr"], item["reason"]["en"]))
        print(f"{item['ranking']:>4}  {item['household_id']}  {item['state']:<10}  {reason}")
    return 0


def _record_past_stay(db: Database, args: argparse.Namespace) -> int:
    from sync.server.stays import record_past_stay

    record_past_stay(db, args.household_id, args.started_on)
    print(in_both_languages(Text("central.cli.past_stay_recorded", household=args.household_id, day=args.started_on)))
    return 0


def _check(db: Database, args: argparse.Namespace) -> int:
    from sync.server.admin import seat_problems

    problems = seat_problems(db)
    for problem in problems:
        print(problem)
    if problems:
        print(in_both_languages(Text("central.cli.seat_problems", count=len(problems))))
    else:
        print(in_both_languages(Text("central.cli.seats_ok")))
    return 1 if problems else 0


def _backup(db: Database, args: argparse.Namespace) -> int:
    from sync.server.epoch import backup

    print(in_both_languages(Text("central.cli.backup_written", path=args.file, epoch=backup(db, args.file))))
    return 0


def _reset_epoch(db: Database, args: argparse.Namespace) -> int:
    from sync.server.epoch import reset

    print(in_both_languages(Text("central.cli.new_epoch", epoch=reset(db))))
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from sync.server.app import openapi_text

    text = openapi_text()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(in_both_languages(Text("central.cli.wrote", path=args.out)))
    return 0


def _print_summary(summary: Mapping[str, object]) -> None:
    print(", ".join(f"{key}: {value}" for key, value in summary.items()))


COMMANDS = {
    None: _serve,
    "serve": _serve,
    "enroll-code": _enroll_code,
    "revoke": _revoke,
    "kiosks": _kiosks,
    "audit-flags": _audit_flags,
    "integrity": _integrity,
    "load-catalog": _load_catalog,
    "load-households": _load_households,
    "load-demo": _load_demo,
    "generate": _generate,
    "set-allocation": _set_allocation,
    "set-capacity": _set_capacity,
    "withdraw-offer": _withdraw,
    "decide-request": _decide,
    "check": _check,
    "load-staff": _load_staff,
    "refuse-concierge": _refuse_concierge,
    "backup": _backup,
    "reset-epoch": _reset_epoch,
    "fleet": _fleet,
    "admin-credential": _admin_credential,
    "report-payment": _report_payment,
    "import-photos": _import_photos,
    "publish-consultation": _publish_consultation,
    "results": _results,
    "ideas": _ideas,
    "answer-idea": _answer_idea,
    "appreciations": _appreciations,
    "moderate": _moderate,
    "appreciation-results": _appreciation_results,
    "allocate-stays": _allocate_stays,
    "record-past-stay": _record_past_stay,
    "send-notices": _send_notices,
    "notices": _notices,
    "record-bounce": _record_bounce,
}


if __name__ == "__main__":
    raise SystemExit(main())
