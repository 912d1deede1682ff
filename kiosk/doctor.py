"""`slvie-kiosk doctor`: is this kiosk fit to run unattended? Each check says what it found, in
French and English, for a person at a terminal or (`--json`) for a monitoring tool.

Checks: site configuration, data directory, database (integrity, schema version, a past
rebuild, encryption at rest), disk space, log folder, printer, central API (reachable, credential accepted,
clock skew), last successful sync, operations waiting or parked. Nothing is changed,
except with `--acknowledge-recovery`. A check is "ok", "warning" (worth a look, the kiosk
works) or "problem" (something a beneficiary will notice, or soon will): any problem makes
the exit code 1.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.config import KioskConfig, default_config_path, load_config
from kiosk.data_key import SEALED_CREDENTIAL_FILE, KeySource, find_data_key
from kiosk.database_key import find_database_key
from kiosk.errors import KioskError, PrinterError
from kiosk.i18n import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, Message, Said, Text, in_both_languages
from kiosk.logs import log_dir
from kiosk.signing_key import SEALED_CREDENTIAL_FILE as SEALED_SIGNING_KEY
from kiosk.signing_key import KeySource as SigningKeySource
from kiosk.signing_key import find_signing_key, key_in_data_folder, load_signing_key
from kiosk.store import audit as audit_store
from kiosk.store import connection
from kiosk.store.database import DATABASE_FILE, latest_schema_version
from kiosk.store.outbox import counts, oldest_pending_at
from kiosk.store.recovery import Recovery, check_database, file_schema_version
from kiosk.store.sealing import Sealer, can_unseal

OK, WARNING, PROBLEM, SKIPPED = "ok", "warning", "problem", "skipped"
# The centre speaks the sites' local time (France) without a zone.
CENTRE_ZONE = ZoneInfo("Europe/Paris")
DISK_PROBLEM_BYTES = 200 * 1024 * 1024
DISK_WARNING_BYTES = 1024 * 1024 * 1024
SKEW_WARNING = timedelta(seconds=60)
SKEW_PROBLEM = timedelta(minutes=5)
SYNC_WARNING_AGE = timedelta(hours=1)
SYNC_PROBLEM_AGE = timedelta(hours=24)
PENDING_ENROLMENT_FILE = "enrolment-pending.json"


@dataclass
class Check:
    id: str
    status: str
    text: Message  # what was found, in plain words, read in any language
    details: Mapping[str, object] = field(default_factory=dict)

    @property
    def fr(self) -> str:
        return self.text.message("fr")

    @property
    def en(self) -> str:
        return self.text.message("en")

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "status": self.status, "fr": self.fr, "en": self.en, "details": self.details}


@dataclass
class Report:
    checks: list[Check]
    checked_at: str
    version: str
    data_dir: str
    config: str

    @property
    def ok(self) -> bool:
        return all(check.status != PROBLEM for check in self.checks)

    def to_json(self) -> str:
        document = {
            "ok": self.ok,
            "checked_at": self.checked_at,
            "version": self.version,
            "data_dir": self.data_dir,
            "config": self.config,
            "checks": [check.as_dict() for check in self.checks],
        }
        return json.dumps(document, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        marks = {OK: "[ OK ]", WARNING: "[ ?? ]", PROBLEM: "[ !! ]", SKIPPED: "[ -- ]"}
        title = Text("doctor.report.title", version=self.version, at=self.checked_at)
        lines = [title.message(SOURCE_LANGUAGE), title.message(FALLBACK_LANGUAGE), ""]
        for check in self.checks:
            lines.append(f"{marks[check.status]} {check.fr}")
            lines.append(f"       {check.en}")
        problems = sum(c.status == PROBLEM for c in self.checks)
        warnings = sum(c.status == WARNING for c in self.checks)
        key = "doctor.report.problems" if problems else "doctor.report.warnings" if warnings else "doctor.report.fine"
        counted = {"problems": problems, "warnings": warnings}
        lines += ["", in_both_languages(Text(key, **counted))]
        return "\n".join(lines)


def centre_now() -> datetime:
    """Now in the centre's time (naive, as the protocol writes it)."""
    return datetime.now(CENTRE_ZONE).replace(tzinfo=None)


def kiosk_version() -> str:
    try:
        return metadata.version("slvie-kiosk")
    except metadata.PackageNotFoundError:
        return "dev"


def run_checks(
    config_path: Path | None,
    data_dir: Path,
    *,
    now: Callable[[], datetime] = centre_now,
    local_now: Callable[[], datetime] = datetime.now,
    client_factory=None,
    printer_status=None,
) -> Report:
    """Every check, in the order a person reads them; none raises.

    `now` is the centre's time as this kiosk's clock gives it (for the skew), `local_now`
    the kiosk's own local time (which stamps its last sync)."""
    checks: list[Check] = []
    config, check = _check_config(config_path)
    checks.append(check)
    checks.append(_check_data_dir(data_dir))
    database = data_dir / DATABASE_FILE
    checks.append(_check_database(database))
    checks.append(_check_encryption(database))
    facts = _read_facts(database)
    checks.append(_check_recovery(facts))
    checks.append(_check_audit_log(database, data_dir))
    checks.append(_check_signing_key(data_dir))
    checks.append(_check_personal_data(database, data_dir))
    checks.append(_check_disk(data_dir))
    checks.append(_check_logs(data_dir))
    checks.append(_check_printer(config, printer_status))
    checks.extend(_check_central(config, data_dir, now, client_factory))
    # The kiosk stamps its last sync with its own clock: measure its age with the same one.
    checks.append(_check_last_sync(facts, local_now(), enrolled=_enrolled(data_dir)))
    checks.append(_check_outbox(facts))
    checks.append(_check_pulled_pages(facts))
    checks.append(_check_timezone())
    return Report(
        checks,
        local_now().isoformat(timespec="seconds"),
        kiosk_version(),
        str(data_dir),
        str(config_path or default_config_path()),
    )


# --- configuration and files --------------------------------------------------------------------


def _check_config(path: Path | None) -> tuple[KioskConfig, Check]:
    shown = path or default_config_path()
    try:
        config = load_config(path)
    except KioskError as error:
        return KioskConfig(), Check("config", PROBLEM, error, {"path": str(shown)})
    if path is None and not shown.exists():
        return config, Check(
            "config",
            WARNING,
            Text("doctor.configuration_file_built_defaults", shown=shown, id=config.site.id),
            {"path": str(shown), "site": config.site.id},
        )
    return config, Check(
        "config",
        OK,
        Text("doctor.configuration_valid_site", shown=shown, id=config.site.id),
        {"path": str(shown), "site": config.site.id, "log_level": config.logging.level},
    )


def _check_data_dir(data_dir: Path) -> Check:
    details = {"path": str(data_dir)}
    if not data_dir.is_dir():
        return Check("data_dir", PROBLEM, Text("doctor.data_directory_does_exist", data_dir=data_dir), details)
    if not os.access(data_dir, os.R_OK | os.W_OK | os.X_OK):
        return Check("data_dir", PROBLEM, Text("doctor.data_directory_writable_by", data_dir=data_dir), details)
    exposed = [
        str(path)
        for path in (data_dir, *data_dir.glob(f"{DATABASE_FILE}*"), *data_dir.glob("*.pem"))
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    ]
    if exposed:
        return Check(
            "data_dir",
            WARNING,
            Text("doctor.data_directory_exposed", exposed=", ".join(exposed)),
            details | {"exposed": exposed},
        )
    return Check("data_dir", OK, Text("doctor.data_directory_usable", data_dir=data_dir), details)


def _check_database(path: Path) -> Check:
    latest = latest_schema_version()
    details: dict = {"path": str(path), "latest_schema": latest}
    if not path.exists():
        return Check("database", WARNING, Text("doctor.database_yet_will_created"), details)
    try:
        problem = check_database(path, full=True)
        version = None if problem else file_schema_version(path)
    except connection.Error + (KioskError,) as error:
        said = error if isinstance(error, KioskError) else Said(str(error), str(error))
        return Check("database", PROBLEM, said, details)
    details["size_bytes"] = path.stat().st_size
    if problem:
        details["integrity"] = problem
        return Check("database", PROBLEM, Text("doctor.database_damaged_will_set", problem=problem), details)
    if version is None:  # the file went away while it was being checked
        return Check("database", WARNING, Text("doctor.database_yet_will_created"), details)
    details.update(integrity="ok", schema=version)
    if version > latest:
        return Check(
            "database", PROBLEM, Text("doctor.database_comes_from_newer", version=version, latest=latest), details
        )
    if version < latest:
        return Check(
            "database", WARNING, Text("doctor.database_sound_schema_will", version=version, latest=latest), details
        )
    return Check("database", OK, Text("doctor.database_sound_schema_up", version=version), details)


def _check_encryption(path: Path) -> Check:
    """The database file is encrypted at rest with this machine's key, or says plainly that it is not."""
    try:
        key = find_database_key(path.parent)
    except KioskError as error:
        return Check("encryption", PROBLEM, error)
    plain = connection.is_plain(path)
    if key is None:
        return Check("encryption", WARNING, Text("doctor.database_not_encrypted"), {"encrypted": False})
    if plain:
        return Check("encryption", WARNING, Text("doctor.database_encrypted_at_next_start"), {"encrypted": False})
    return Check("encryption", OK, Text("doctor.database_encrypted"), {"encrypted": path.exists()})


def _read_facts(path: Path) -> dict:
    """What the database says about sync and recovery, read without changing anything."""
    facts: dict = {}
    if not path.exists():
        return facts
    try:
        conn = connection.connect(path, read_only=True, timeout=5)
    except connection.Error + (KioskError,):
        return facts
    try:
        state = dict(conn.execute("SELECT key, value FROM kiosk_state").fetchall())
        facts["state"] = state
        db = sqlite_utils.Database(conn)
        facts["outbox"] = counts(db)
        facts["oldest_pending"] = oldest_pending_at(db)
    except connection.Error:
        pass
    finally:
        conn.close()
    return facts


def _check_recovery(facts: dict) -> Check:
    state = facts.get("state", {})
    text = state.get("recovery_last")
    if not text:
        return Check("recovery", OK, Text("doctor.database_was_never_rebuilt"))
    try:
        recovery = Recovery.from_json(text)
    except (ValueError, KeyError, TypeError):
        return Check("recovery", WARNING, Text("doctor.unreadable_rebuild_record"))
    details = asdict(recovery) | {"acknowledged": state.get("recovery_acknowledged") == recovery.at}
    aside = ", ".join(recovery.set_aside) or "?"
    if details["acknowledged"]:
        return Check("recovery", OK, Text("doctor.database_rebuilt_on_acknowledged", at=recovery.at), details)
    if recovery.complete:
        return Check(
            "recovery",
            WARNING,
            Text("doctor.damaged_database_was_rebuilt_2", at=recovery.at, recovered=recovery.recovered, aside=aside),
            details,
        )
    return Check(
        "recovery",
        PROBLEM,
        Text(
            "doctor.damaged_database_was_rebuilt",
            at=recovery.at,
            unreadable=recovery.unreadable,
            recovered=recovery.recovered,
            aside=aside,
        ),
        details,
    )


def _check_audit_log(path: Path, data_dir: Path) -> Check:
    """The audit entries kept here: chained, and signed by this kiosk's key (read only)."""
    if not path.exists():
        return Check("audit_log", SKIPPED, Text("doctor.audit_log_none"))
    try:
        # Run outside the service, a sealed key is not given here: the chain is checked, its signatures by the service.
        key = None if (data_dir / SEALED_SIGNING_KEY).exists() else load_signing_key(data_dir)
        conn = connection.connect(path, read_only=True, timeout=5)
    except connection.Error + (KioskError,) as error:
        said = error if isinstance(error, KioskError) else Said(str(error), str(error))
        return Check("audit_log", PROBLEM, Text("doctor.audit_log_not_checked", problem=said))
    try:
        db = sqlite_utils.Database(conn)
        broken = audit_store.verify(db, key.public_key() if key else None)
        waiting = audit_store.waiting_count(db)
    except connection.Error as error:
        return Check("audit_log", PROBLEM, Text("doctor.audit_log_unreadable", problem=str(error)))
    finally:
        conn.close()
    if broken is not None:
        return Check(
            "audit_log",
            PROBLEM,
            Text("doctor.audit_log_altered", altered=broken),
            {"seq": broken.seq, "reason": broken.reason},
        )
    return Check("audit_log", OK, Text("doctor.audit_log_intact", count=waiting), {"waiting": waiting})


def _check_signing_key(data_dir: Path) -> Check:
    """The key signing vouchers and audit entries is bound to the machine, or at least out of the data folder:
    whoever holds a copy of the data folder must not be able to sign as this kiosk."""
    if key_in_data_folder(data_dir).exists():
        return Check(
            "signing_key",
            WARNING,
            Text("doctor.signing_key_in_data_folder", path=key_in_data_folder(data_dir)),
            {"key": "data_folder"},
        )
    try:
        found = find_signing_key(data_dir)
    except KioskError as error:
        if (data_dir / SEALED_SIGNING_KEY).exists():  # run outside the service: the key is not given here
            return Check("signing_key", OK, Text("doctor.signing_key_sealed"), {"key": "machine"})
        return Check("signing_key", PROBLEM, error)
    if found is None:
        return Check("signing_key", SKIPPED, Text("doctor.signing_key_none"))
    if found.source is SigningKeySource.MACHINE:
        return Check("signing_key", OK, Text("doctor.signing_key_bound"), {"key": "machine"})
    assert found.path is not None
    details = {"key": "file", "path": str(found.path)}
    held = found.path.stat()
    if stat.S_IMODE(held.st_mode) & 0o077 or held.st_uid != os.geteuid():
        return Check("signing_key", WARNING, Text("doctor.signing_key_not_private", path=found.path), details)
    return Check("signing_key", WARNING, Text("doctor.signing_key_in_file", path=found.path), details)


def _check_personal_data(path: Path, data_dir: Path) -> Check:
    """Personal data is sealed with a key bound to this machine, and that key opens what is stored."""
    try:
        key = find_data_key(data_dir)
    except KioskError as error:
        if (data_dir / SEALED_CREDENTIAL_FILE).exists():  # run outside the service: the key is not given here
            return Check("personal_data", OK, Text("doctor.personal_data_key_sealed"), {"key": "machine"})
        return Check("personal_data", PROBLEM, error)
    if key is None:
        return Check("personal_data", SKIPPED, Text("doctor.personal_data_no_key"))
    if path.exists():
        try:
            conn = connection.connect(path, read_only=True, timeout=5)
            Sealer(key).install(conn)
            opens = can_unseal(conn)
            conn.close()
        except connection.Error + (KioskError,):
            opens = True  # an unreadable database is the database check's to report
        if not opens:
            return Check("personal_data", PROBLEM, Text("doctor.personal_data_key_does_not_open"))
    if key.source is KeySource.FILE:
        return Check("personal_data", WARNING, Text("doctor.personal_data_key_in_file"), {"key": "file"})
    return Check("personal_data", OK, Text("doctor.personal_data_key_bound"), {"key": "machine"})


def free_space(data_dir: Path) -> dict[str, int]:
    """Free bytes where the kiosk writes: its data folder and its log folder (maybe not on the same disk)."""
    free: dict[str, int] = {}
    for place in {data_dir, log_dir(data_dir)}:
        existing = place
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        free[str(place)] = shutil.disk_usage(existing).free
    return free


def _check_disk(data_dir: Path) -> Check:
    free = free_space(data_dir)
    least_place, least = min(free.items(), key=lambda item: item[1])
    megabytes = least // (1024 * 1024)
    details = {"free_bytes": free}
    if least < DISK_PROBLEM_BYTES:
        return Check(
            "disk", PROBLEM, Text("doctor.disk_almost_full_mb", megabytes=megabytes, place=least_place), details
        )
    if least < DISK_WARNING_BYTES:
        return Check("disk", WARNING, Text("doctor.low_disk_space_mb", megabytes=megabytes, place=least_place), details)
    return Check("disk", OK, Text("doctor.enough_disk_space_mb", megabytes=megabytes), details)


def _check_logs(data_dir: Path) -> Check:
    folder = log_dir(data_dir)
    details = {"path": str(folder)}
    probe = folder if folder.exists() else folder.parent
    if os.access(probe, os.W_OK | os.X_OK):
        return Check("logs", OK, Text("doctor.logs", folder=folder), details)
    return Check("logs", WARNING, Text("doctor.log_folder_writable", folder=folder), details)


# --- printer ------------------------------------------------------------------------------------


def _check_printer(config: KioskConfig, printer_status) -> Check:
    queue = config.printer.queue
    if not queue:
        return Check("printer", PROBLEM, Text("doctor.printer_configured_printer_queue"), {"state": "not_configured"})
    from kiosk.printing.printer import condition_of

    if printer_status is None:
        from kiosk.printing.printer import printer_status
    details: dict = {"queue": queue}
    try:
        status = printer_status(queue)
    except PrinterError as error:
        return Check("printer", PROBLEM, error, details | {"state": "unknown"})
    details.update(
        exists=status.exists,
        enabled=status.enabled,
        accepting=status.accepting,
        reasons=list(status.reasons),
        message=status.message,
        state=condition_of(status),
    )
    if not status.exists:
        return Check("printer", PROBLEM, Text("doctor.printer_does_exist_cups", queue=queue), details)
    if not status.enabled or not status.accepting:
        why = f" ({status.message})" if status.message else ""
        return Check("printer", PROBLEM, Text("doctor.printer_stopped_accepting_jobs", queue=queue, why=why), details)
    blocking = [r for r in status.reasons if not r.endswith("-warning") and r not in ("none",)]
    if blocking:
        return Check(
            "printer", PROBLEM, Text("doctor.printer_reports", queue=queue, reasons=", ".join(blocking)), details
        )
    if status.reasons:
        return Check(
            "printer",
            WARNING,
            Text("doctor.printer_reports_2", queue=queue, reasons=", ".join(status.reasons)),
            details,
        )
    return Check("printer", OK, Text("doctor.printer_ready", queue=queue), details)


# --- centre -------------------------------------------------------------------------------------


def _enrolled(data_dir: Path) -> bool:
    from sync.credential import CREDENTIAL_FILE, load_credential

    try:
        return load_credential(data_dir) is not None
    except KioskError:  # run outside the service: the key that opens the token is not given here
        return (data_dir / CREDENTIAL_FILE).exists()


def _check_central(config: KioskConfig, data_dir: Path, now, client_factory) -> list[Check]:
    from sync.client import CentralClient, CentralError, CredentialRefused
    from sync.credential import CREDENTIAL_FILE, load_credential

    try:
        credential = load_credential(data_dir)
    except KioskError as error:
        return [
            Check("central", PROBLEM, error, {"url": config.central.url}),
            Check("credential", SKIPPED, Text("doctor.credential_check")),
            Check("clock", SKIPPED, Text("doctor.clock_compared_central_server")),
        ]
    if credential is None:
        pending = (data_dir / PENDING_ENROLMENT_FILE).exists()
        damaged = (data_dir / CREDENTIAL_FILE).exists()
        key = (
            "doctor.credential_unusable"
            if damaged
            else "doctor.enrolment_pending"
            if pending
            else "doctor.not_enrolled"
        )
        not_enrolled = Text(key)
        return [
            Check("central", PROBLEM, not_enrolled, {"url": config.central.url}),
            Check("credential", SKIPPED, Text("doctor.credential_check")),
            Check("clock", SKIPPED, Text("doctor.clock_compared_central_server")),
        ]
    details = {"url": credential.server, "kiosk_id": credential.kiosk_id, "site_id": credential.site_id}
    factory = client_factory or (
        lambda url, token: CentralClient(url, token, ca_bundle=config.central.ca_bundle or None, timeout=(5, 10))
    )
    client = factory(credential.server, credential.token)
    checks = []
    try:
        try:
            health = client.health()
        except CentralError as error:
            return [
                Check(
                    "central",
                    PROBLEM,
                    Text("doctor.central_server_unreachable", server=credential.server, error=error),
                    details,
                ),
                Check("credential", SKIPPED, Text("doctor.credential_checked_server_unreachable")),
                Check("clock", SKIPPED, Text("doctor.clock_compared_server_unreachable")),
            ]
        checks.append(Check("central", OK, Text("doctor.central_server_reachable", server=credential.server), details))
        try:
            me = client.me()
        except CredentialRefused as error:
            checks.append(
                Check("credential", PROBLEM, Text("doctor.kiosk_credential_refused_enrol", error=error), details)
            )
        except CentralError as error:
            checks.append(Check("credential", PROBLEM, Text("doctor.credential_checked", error=error), details))
        else:
            site = str(me.get("site_id", credential.site_id))
            if site != config.site.id:
                checks.append(
                    Check(
                        "credential",
                        PROBLEM,
                        Text(
                            "doctor.credential_valid_kiosk_but", kiosk=me.get("kiosk_id"), site=site, id=config.site.id
                        ),
                        details,
                    )
                )
            else:
                checks.append(
                    Check(
                        "credential",
                        OK,
                        Text("doctor.credential_valid_kiosk_site", kiosk=me.get("kiosk_id"), site=site),
                        details,
                    )
                )
        checks.append(_check_clock(health.get("time"), now()))
    finally:
        client.close()
    return checks


def _check_clock(centre_time, local: datetime) -> Check:
    try:
        theirs = datetime.strptime(str(centre_time), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return Check("clock", WARNING, Text("doctor.centre_s_time_unreadable"), {"centre_time": str(centre_time)})
    skew = local - theirs
    seconds = round(skew.total_seconds())
    details = {
        "skew_seconds": seconds,
        "centre_time": str(centre_time),
        "kiosk_time": local.isoformat(timespec="seconds"),
    }
    ahead = seconds > 0
    if abs(skew) >= SKEW_PROBLEM:
        far = "doctor.clock_far_ahead" if ahead else "doctor.clock_far_behind"
        return Check("clock", PROBLEM, Text(far, seconds=abs(seconds)), details)
    if abs(skew) >= SKEW_WARNING:
        return Check(
            "clock",
            WARNING,
            Text("doctor.clock_ahead" if ahead else "doctor.clock_behind", seconds=abs(seconds)),
            details,
        )
    return Check("clock", OK, Text("doctor.clock_time_s_from", seconds=seconds), details)


def _check_last_sync(facts: dict, now: datetime, enrolled: bool) -> Check:
    last = facts.get("state", {}).get("sync_last_success")
    if not last:
        status = PROBLEM if enrolled else SKIPPED
        return Check("last_sync", status, Text("doctor.successful_sync_yet"))
    try:
        when = datetime.fromisoformat(last)
    except ValueError:
        return Check("last_sync", WARNING, Text("doctor.unreadable_last_sync_time"))
    age = now - when
    minutes = max(int(age.total_seconds() // 60), 0)
    details = {"last_success": last, "age_minutes": minutes}
    if age >= SYNC_PROBLEM_AGE:
        return Check(
            "last_sync", PROBLEM, Text("doctor.last_successful_sync_h", hours=minutes // 60, last=last), details
        )
    if age >= SYNC_WARNING_AGE:
        return Check("last_sync", WARNING, Text("doctor.last_successful_sync_min", minutes=minutes, last=last), details)
    return Check("last_sync", OK, Text("doctor.last_successful_sync_at", last=last), details)


def _check_outbox(facts: dict) -> Check:
    waiting = facts.get("outbox")
    if waiting is None:
        return Check("outbox", SKIPPED, Text("doctor.outbox_read"))
    pending, parked = waiting["pending"], waiting["parked"]
    details = {"pending": pending, "parked": parked, "oldest_pending": facts.get("oldest_pending")}
    if parked:
        return Check("outbox", WARNING, Text("doctor.operation_s_refused_by", parked=parked, pending=pending), details)
    return Check("outbox", OK, Text("doctor.operation_s_waiting_sent", pending=pending), details)


def _check_pulled_pages(facts: dict) -> Check:
    """A page from the centre the kiosk keeps refusing (sync/engine.py records it in sync_page_trouble)."""
    text = facts.get("state", {}).get("sync_page_trouble")
    if not text:
        return Check("pulled_pages", OK, Text("doctor.pages_received_from_centre"))
    try:
        trouble = json.loads(text)
        details = {key: trouble[key] for key in ("cursor", "failures", "since")}
        said, stuck = Said(str(trouble["fr"]), str(trouble["en"])), trouble["stuck"] is True
    except (ValueError, KeyError, TypeError):
        return Check("pulled_pages", WARNING, Text("doctor.unreadable_pull_state"))
    return Check("pulled_pages", PROBLEM if stuck else WARNING, said, details)


def _check_timezone() -> Check:
    local = datetime.now()
    centre = centre_now()
    offset = round((local - centre).total_seconds() / 60)
    if abs(offset) >= 1:
        return Check("timezone", WARNING, Text("doctor.kiosk_s_time_zone", offset=offset), {"offset_minutes": offset})
    return Check("timezone", OK, Text("doctor.same_time_zone_as"))
