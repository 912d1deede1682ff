"""`slvie-kiosk doctor`: is this kiosk fit to run unattended? Each check says what it found, in
French and English, for a person at a terminal or (`--json`) for a monitoring tool.

Checks: site configuration, data directory, database (integrity, schema version, a past
rebuild), disk space, log folder, printer, central API (reachable, credential accepted,
clock skew), last successful sync, operations waiting or parked. Nothing is changed,
except with `--acknowledge-recovery`. A check is "ok", "warning" (worth a look, the kiosk
works) or "problem" (something a beneficiary will notice, or soon will): any problem makes
the exit code 1.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.config import KioskConfig, default_config_path, load_config
from kiosk.data_key import SEALED_CREDENTIAL_FILE, KeySource, find_data_key
from kiosk.errors import KioskError, PrinterError
from kiosk.logs import log_dir
from kiosk.signing_key import load_signing_key
from kiosk.store import audit as audit_store
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
    fr: str
    en: str
    details: dict = field(default_factory=dict)


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
        document = {"ok": self.ok, **asdict(self)}
        return json.dumps(document, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        marks = {OK: "[ OK ]", WARNING: "[ ?? ]", PROBLEM: "[ !! ]", SKIPPED: "[ -- ]"}
        lines = [f"Borne SLVie {self.version} — diagnostic du {self.checked_at}",
                 f"SLVie kiosk {self.version} — health check of {self.checked_at}", ""]
        for check in self.checks:
            lines.append(f"{marks[check.status]} {check.fr}")
            lines.append(f"       {check.en}")
        problems = sum(c.status == PROBLEM for c in self.checks)
        warnings = sum(c.status == WARNING for c in self.checks)
        lines.append("")
        if problems:
            lines.append(f"{problems} problème(s), {warnings} point(s) à surveiller. / "
                         f"{problems} problem(s), {warnings} warning(s).")
        elif warnings:
            lines.append(f"Aucun problème, {warnings} point(s) à surveiller. / No problem, {warnings} warning(s).")
        else:
            lines.append("Aucun problème. / No problem.")
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
    facts = _read_facts(database)
    checks.append(_check_recovery(facts))
    checks.append(_check_audit_log(database, data_dir))
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
    return Report(checks, local_now().isoformat(timespec="seconds"), kiosk_version(), str(data_dir),
                  str(config_path or default_config_path()))


# --- configuration and files --------------------------------------------------------------------


def _check_config(path: Path | None) -> tuple[KioskConfig, Check]:
    shown = path or default_config_path()
    try:
        config = load_config(path)
    except KioskError as error:
        return KioskConfig(), Check("config", PROBLEM, error.fr, error.en, {"path": str(shown)})
    if path is None and not shown.exists():
        return config, Check("config", WARNING,
                             f"Pas de fichier de configuration ({shown}) : réglages par défaut (site {config.site.id}).",
                             f"No configuration file ({shown}): built-in defaults (site {config.site.id}).",
                             {"path": str(shown), "site": config.site.id})
    return config, Check("config", OK, f"Configuration {shown} valide (site {config.site.id}).",
                         f"Configuration {shown} is valid (site {config.site.id}).",
                         {"path": str(shown), "site": config.site.id, "log_level": config.logging.level})


def _check_data_dir(data_dir: Path) -> Check:
    details = {"path": str(data_dir)}
    if not data_dir.is_dir():
        return Check("data_dir", PROBLEM,
                     f"Le dossier de données {data_dir} n'existe pas (le kiosque n'a jamais démarré ?).",
                     f"The data directory {data_dir} does not exist (has the kiosk never started?).", details)
    if not os.access(data_dir, os.R_OK | os.W_OK | os.X_OK):
        return Check("data_dir", PROBLEM,
                     f"Le dossier de données {data_dir} n'est pas accessible en écriture pour cet utilisateur.",
                     f"The data directory {data_dir} is not writable by this user.", details)
    exposed = [str(path) for path in (data_dir, *data_dir.glob(f"{DATABASE_FILE}*"), *data_dir.glob("*.pem"))
               if stat.S_IMODE(path.stat().st_mode) & 0o077]
    if exposed:
        return Check("data_dir", WARNING,
                     f"Lisible par d'autres utilisateurs que le kiosque : {', '.join(exposed)}. Le kiosque les "
                     "restreint à son prochain démarrage.",
                     f"Readable by users other than the kiosk's: {', '.join(exposed)}. The kiosk restricts them "
                     "at its next start.", details | {"exposed": exposed})
    return Check("data_dir", OK, f"Dossier de données {data_dir} accessible, à l'usage du kiosque seul.",
                 f"Data directory {data_dir} is usable, by the kiosk's user only.", details)


def _check_database(path: Path) -> Check:
    latest = latest_schema_version()
    details: dict = {"path": str(path), "latest_schema": latest}
    if not path.exists():
        return Check("database", WARNING, "Pas encore de base de données : elle sera créée au démarrage.",
                     "No database yet: it will be created at start.", details)
    try:
        problem = check_database(path, full=True)
        version = None if problem else file_schema_version(path)
    except (KioskError, sqlite3.Error) as error:
        fr, en = (error.fr, error.en) if isinstance(error, KioskError) else (str(error), str(error))
        return Check("database", PROBLEM, fr, en, details)
    details["size_bytes"] = path.stat().st_size
    if problem:
        details["integrity"] = problem
        return Check("database", PROBLEM,
                     f"La base de données est endommagée ({problem}) : elle sera mise de côté et reconstruite "
                     "depuis le serveur central au prochain démarrage.",
                     f"The database is damaged ({problem}): it will be set aside and rebuilt from the centre "
                     "at the next start.", details)
    details.update(integrity="ok", schema=version)
    if version > latest:
        return Check("database", PROBLEM,
                     f"La base vient d'une version plus récente du kiosque (schéma {version} > {latest}).",
                     f"The database comes from a newer kiosk (schema {version} > {latest}).", details)
    if version < latest:
        return Check("database", WARNING,
                     f"Base intègre, schéma {version} : elle sera sauvegardée puis mise à jour ({latest}) au démarrage.",
                     f"Database sound, schema {version}: it will be backed up and migrated to {latest} at start.",
                     details)
    return Check("database", OK, f"Base de données intègre, schéma {version} (à jour).",
                 f"Database sound, schema {version} (up to date).", details)


def _read_facts(path: Path) -> dict:
    """What the database says about sync and recovery, read without changing anything."""
    facts: dict = {}
    if not path.exists():
        return facts
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return facts
    try:
        state = dict(conn.execute("SELECT key, value FROM kiosk_state").fetchall())
        facts["state"] = state
        db = sqlite_utils.Database(conn)
        facts["outbox"] = counts(db)
        facts["oldest_pending"] = oldest_pending_at(db)
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    return facts


def _check_recovery(facts: dict) -> Check:
    state = facts.get("state", {})
    text = state.get("recovery_last")
    if not text:
        return Check("recovery", OK, "Aucune reconstruction de la base.", "The database was never rebuilt.")
    try:
        recovery = Recovery.from_json(text)
    except (ValueError, KeyError, TypeError):
        return Check("recovery", WARNING, "Trace de reconstruction illisible.", "Unreadable rebuild record.")
    details = asdict(recovery) | {"acknowledged": state.get("recovery_acknowledged") == recovery.at}
    aside = ", ".join(recovery.set_aside) or "?"
    if details["acknowledged"]:
        return Check("recovery", OK, f"Base reconstruite le {recovery.at} (vu par l'informatique).",
                     f"Database rebuilt on {recovery.at} (acknowledged by IT).", details)
    if recovery.complete:
        return Check("recovery", WARNING,
                     f"La base endommagée a été reconstruite le {recovery.at} ; {recovery.recovered} opération(s) "
                     f"non envoyée(s) récupérée(s). Ancien fichier : {aside}. "
                     "« slvie-kiosk doctor --acknowledge-recovery » une fois vu.",
                     f"The damaged database was rebuilt on {recovery.at}; {recovery.recovered} unsent operation(s) "
                     f"recovered. Old file: {aside}. Run 'slvie-kiosk doctor --acknowledge-recovery' once seen.",
                     details)
    return Check("recovery", PROBLEM,
                 f"La base endommagée a été reconstruite le {recovery.at}, mais ses opérations non envoyées n'ont "
                 f"pas toutes pu être lues ({recovery.unreadable}) ; {recovery.recovered} récupérée(s). "
                 f"Ancien fichier conservé : {aside}. Signalez-le au centre, puis "
                 "« slvie-kiosk doctor --acknowledge-recovery ».",
                 f"The damaged database was rebuilt on {recovery.at}, but not all of its unsent operations could "
                 f"be read ({recovery.unreadable}); {recovery.recovered} recovered. Old file kept: {aside}. "
                 "Tell the centre, then run 'slvie-kiosk doctor --acknowledge-recovery'.", details)


def _check_audit_log(path: Path, data_dir: Path) -> Check:
    """The audit entries kept here: chained, and signed by this kiosk's key (read only)."""
    if not path.exists():
        return Check("audit_log", SKIPPED, "Pas encore de journal d'audit.", "No audit log yet.")
    try:
        key = load_signing_key(data_dir)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except (KioskError, sqlite3.Error) as error:
        fr, en = (error.fr, error.en) if isinstance(error, KioskError) else (str(error), str(error))
        return Check("audit_log", PROBLEM, f"Journal d'audit non vérifié : {fr}", f"Audit log not checked: {en}")
    try:
        db = sqlite_utils.Database(conn)
        broken = audit_store.verify(db, key.public_key() if key else None)
        waiting = audit_store.waiting_count(db)
    except sqlite3.Error as error:
        return Check("audit_log", PROBLEM, f"Journal d'audit illisible ({error}).", f"Audit log unreadable ({error}).")
    finally:
        conn.close()
    if broken is not None:
        fr, en = broken.message
        return Check("audit_log", PROBLEM, f"{fr} Ne l'effacez pas : prévenez le centre.",
                     f"{en} Do not delete it: tell the centre.", {"seq": broken.seq, "reason": broken.reason})
    return Check("audit_log", OK, f"Journal d'audit intègre et signé ({waiting} entrée(s) à envoyer).",
                 f"Audit log intact and signed ({waiting} entr{'y' if waiting == 1 else 'ies'} to send).",
                 {"waiting": waiting})


def _check_personal_data(path: Path, data_dir: Path) -> Check:
    """Personal data is sealed with a key bound to this machine, and that key opens what is stored."""
    try:
        key = find_data_key(data_dir)
    except KioskError as error:
        if (data_dir / SEALED_CREDENTIAL_FILE).exists():  # run outside the service: the key is not given here
            return Check("personal_data", OK,
                         "Données personnelles chiffrées, clé scellée pour cette machine (vérifiée par le service).",
                         "Personal data encrypted, its key sealed for this machine (checked by the service).",
                         {"key": "machine"})
        return Check("personal_data", PROBLEM, error.fr, error.en)
    if key is None:
        return Check("personal_data", SKIPPED, "Pas encore de clé des données personnelles.",
                     "No personal data key yet.")
    if path.exists():
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
            Sealer(key).install(conn)
            opens = can_unseal(conn)
            conn.close()
        except sqlite3.Error:
            opens = True  # an unreadable database is the database check's to report
        if not opens:
            return Check("personal_data", PROBLEM,
                         "La clé de cette machine n'ouvre pas les données personnelles de la base (base venue "
                         "d'une autre machine ?). Les foyers reviendront du centre après remise à zéro de la base.",
                         "This machine's key does not open the database's personal data (a database from another "
                         "machine?). Households come back from the centre once the database is reset.")
    if key.source is KeySource.FILE:
        return Check("personal_data", WARNING,
                     "Données personnelles chiffrées, mais leur clé est un fichier du dossier de données : elle "
                     "n'est pas liée à la machine (installez le paquet Debian, qui la scelle par le TPM).",
                     "Personal data is encrypted, but its key is a file in the data folder: it is not bound to "
                     "the machine (install the Debian package, which seals it with the TPM).",
                     {"key": "file"})
    return Check("personal_data", OK, "Données personnelles chiffrées, clé liée à cette machine.",
                 "Personal data encrypted, with a key bound to this machine.", {"key": "machine"})


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
        return Check("disk", PROBLEM, f"Disque presque plein : {megabytes} Mo libres pour {least_place}.",
                     f"Disk almost full: {megabytes} MB free for {least_place}.", details)
    if least < DISK_WARNING_BYTES:
        return Check("disk", WARNING, f"Peu d'espace disque : {megabytes} Mo libres pour {least_place}.",
                     f"Low disk space: {megabytes} MB free for {least_place}.", details)
    return Check("disk", OK, f"Espace disque suffisant ({megabytes} Mo libres).",
                 f"Enough disk space ({megabytes} MB free).", details)


def _check_logs(data_dir: Path) -> Check:
    folder = log_dir(data_dir)
    details = {"path": str(folder)}
    probe = folder if folder.exists() else folder.parent
    if os.access(probe, os.W_OK | os.X_OK):
        return Check("logs", OK, f"Journaux dans {folder}.", f"Logs in {folder}.", details)
    return Check("logs", WARNING, f"Le dossier des journaux {folder} n'est pas accessible en écriture.",
                 f"The log folder {folder} is not writable.", details)


# --- printer ------------------------------------------------------------------------------------


def _check_printer(config: KioskConfig, printer_status) -> Check:
    queue = config.printer.queue
    if not queue:
        return Check("printer", PROBLEM,
                     "Aucune imprimante configurée ([printer] queue) : les bons ne peuvent pas être imprimés.",
                     "No printer configured ([printer] queue): vouchers cannot be printed.", {"state": "not_configured"})
    from kiosk.printing.printer import condition_of

    if printer_status is None:
        from kiosk.printing.printer import printer_status
    details: dict = {"queue": queue}
    try:
        status = printer_status(queue)
    except PrinterError as error:
        return Check("printer", PROBLEM, error.fr, error.en, details | {"state": "unknown"})
    details.update(exists=status.exists, enabled=status.enabled, accepting=status.accepting,
                   reasons=list(status.reasons), message=status.message, state=condition_of(status))
    if not status.exists:
        return Check("printer", PROBLEM, f"L'imprimante « {queue} » n'existe pas dans CUPS.",
                     f"The printer '{queue}' does not exist in CUPS.", details)
    if not status.enabled or not status.accepting:
        why = f" ({status.message})" if status.message else ""
        return Check("printer", PROBLEM, f"L'imprimante « {queue} » est arrêtée ou refuse les impressions{why}.",
                     f"The printer '{queue}' is stopped or not accepting jobs{why}.", details)
    blocking = [r for r in status.reasons if not r.endswith("-warning") and r not in ("none",)]
    if blocking:
        return Check("printer", PROBLEM, f"L'imprimante « {queue} » signale : {', '.join(blocking)}.",
                     f"The printer '{queue}' reports: {', '.join(blocking)}.", details)
    if status.reasons:
        return Check("printer", WARNING, f"L'imprimante « {queue} » signale : {', '.join(status.reasons)}.",
                     f"The printer '{queue}' reports: {', '.join(status.reasons)}.", details)
    return Check("printer", OK, f"Imprimante « {queue} » prête.", f"Printer '{queue}' is ready.", details)


# --- centre -------------------------------------------------------------------------------------


def _enrolled(data_dir: Path) -> bool:
    from sync.credential import load_credential

    return load_credential(data_dir) is not None


def _check_central(config: KioskConfig, data_dir: Path, now, client_factory) -> list[Check]:
    from sync.client import CentralClient, CentralError, CredentialRefused
    from sync.credential import load_credential

    credential = load_credential(data_dir)
    if credential is None:
        if (data_dir / PENDING_ENROLMENT_FILE).exists():
            fr = ("Borne pas encore inscrite : l'inscription prévue à l'installation n'a pas encore réussi "
                  "(elle est retentée à chaque démarrage ; voir les journaux).")
            en = ("Kiosk not enrolled yet: the enrolment planned at install has not succeeded yet "
                  "(it is tried again at every start; see the logs).")
        else:
            fr = "Borne non inscrite auprès du serveur central : lancez « slvie-kiosk enroll »."
            en = "Kiosk not enrolled with the central server: run 'slvie-kiosk enroll'."
        return [Check("central", PROBLEM, fr, en, {"url": config.central.url}),
                Check("credential", SKIPPED, "Pas d'identifiant à vérifier.", "No credential to check."),
                Check("clock", SKIPPED, "Horloge non comparée (pas de serveur central).",
                      "Clock not compared (no central server).")]
    details = {"url": credential.server, "kiosk_id": credential.kiosk_id, "site_id": credential.site_id}
    factory = client_factory or (lambda url, token: CentralClient(url, token, ca_bundle=config.central.ca_bundle or None,
                                                                  timeout=(5, 10)))
    client = factory(credential.server, credential.token)
    checks = []
    try:
        try:
            health = client.health()
        except CentralError as error:
            return [Check("central", PROBLEM, f"Serveur central {credential.server} injoignable : {error.fr}",
                          f"Central server {credential.server} unreachable: {error.en}", details),
                    Check("credential", SKIPPED, "Identifiant non vérifié (serveur injoignable).",
                          "Credential not checked (server unreachable)."),
                    Check("clock", SKIPPED, "Horloge non comparée (serveur injoignable).",
                          "Clock not compared (server unreachable).")]
        checks.append(Check("central", OK, f"Serveur central {credential.server} joignable.",
                            f"Central server {credential.server} reachable.", details))
        try:
            me = client.me()
        except CredentialRefused as error:
            checks.append(Check("credential", PROBLEM,
                                f"Identifiant de la borne refusé : {error.fr} Réinscrivez la borne.",
                                f"Kiosk credential refused: {error.en} Enrol the kiosk again.", details))
        except CentralError as error:
            checks.append(Check("credential", PROBLEM, f"Identifiant non vérifié : {error.fr}",
                                f"Credential not checked: {error.en}", details))
        else:
            site = str(me.get("site_id", credential.site_id))
            if site != config.site.id:
                checks.append(Check(
                    "credential", PROBLEM,
                    f"Identifiant valide (borne {me.get('kiosk_id')}), mais inscrit pour le site {site} alors que "
                    f"la configuration dit {config.site.id}.",
                    f"Credential valid (kiosk {me.get('kiosk_id')}), but enrolled for site {site} while the "
                    f"configuration says {config.site.id}.", details))
            else:
                checks.append(Check("credential", OK, f"Identifiant valide (borne {me.get('kiosk_id')}, site {site}).",
                                    f"Credential valid (kiosk {me.get('kiosk_id')}, site {site}).", details))
        checks.append(_check_clock(health.get("time"), now()))
    finally:
        client.close()
    return checks


def _check_clock(centre_time, local: datetime) -> Check:
    try:
        theirs = datetime.strptime(str(centre_time), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return Check("clock", WARNING, "L'heure du serveur central est illisible.", "The centre's time is unreadable.",
                     {"centre_time": str(centre_time)})
    skew = local - theirs
    seconds = round(skew.total_seconds())
    details = {"skew_seconds": seconds, "centre_time": str(centre_time), "kiosk_time": local.isoformat(timespec="seconds")}
    way_fr, way_en = ("en avance", "ahead") if seconds > 0 else ("en retard", "behind")
    if abs(skew) >= SKEW_PROBLEM:
        return Check("clock", PROBLEM,
                     f"L'horloge de la borne est {way_fr} de {abs(seconds)} s sur le serveur central : réglez NTP.",
                     f"The kiosk's clock is {abs(seconds)} s {way_en} of the centre: set up NTP.", details)
    if abs(skew) >= SKEW_WARNING:
        return Check("clock", WARNING, f"L'horloge de la borne est {way_fr} de {abs(seconds)} s.",
                     f"The kiosk's clock is {abs(seconds)} s {way_en} of the centre.", details)
    return Check("clock", OK, f"Horloge à l'heure ({seconds:+d} s avec le serveur central).",
                 f"Clock in time ({seconds:+d} s from the centre).", details)


def _check_last_sync(facts: dict, now: datetime, enrolled: bool) -> Check:
    last = facts.get("state", {}).get("sync_last_success")
    if not last:
        status = PROBLEM if enrolled else SKIPPED
        return Check("last_sync", status, "Aucune synchronisation réussie pour l'instant.",
                     "No successful sync yet.")
    try:
        when = datetime.fromisoformat(last)
    except ValueError:
        return Check("last_sync", WARNING, "Date de dernière synchronisation illisible.", "Unreadable last sync time.")
    age = now - when
    minutes = max(int(age.total_seconds() // 60), 0)
    details = {"last_success": last, "age_minutes": minutes}
    if age >= SYNC_PROBLEM_AGE:
        return Check("last_sync", PROBLEM, f"Dernière synchronisation réussie il y a {minutes // 60} h ({last}).",
                     f"Last successful sync {minutes // 60} h ago ({last}).", details)
    if age >= SYNC_WARNING_AGE:
        return Check("last_sync", WARNING, f"Dernière synchronisation réussie il y a {minutes} min ({last}).",
                     f"Last successful sync {minutes} min ago ({last}).", details)
    return Check("last_sync", OK, f"Dernière synchronisation réussie à {last}.",
                 f"Last successful sync at {last}.", details)


def _check_outbox(facts: dict) -> Check:
    waiting = facts.get("outbox")
    if waiting is None:
        return Check("outbox", SKIPPED, "File d'envoi non lue.", "Outbox not read.")
    pending, parked = waiting["pending"], waiting["parked"]
    details = {"pending": pending, "parked": parked, "oldest_pending": facts.get("oldest_pending")}
    if parked:
        return Check("outbox", WARNING,
                     f"{parked} opération(s) refusée(s) par le centre attendent un correspondant ; "
                     f"{pending} en attente d'envoi.",
                     f"{parked} operation(s) refused by the centre wait for a correspondent; {pending} waiting to be sent.",
                     details)
    return Check("outbox", OK, f"{pending} opération(s) en attente d'envoi.", f"{pending} operation(s) waiting to be sent.",
                 details)


def _check_pulled_pages(facts: dict) -> Check:
    """A page from the centre the kiosk keeps refusing (sync/engine.py records it in sync_page_trouble)."""
    text = facts.get("state", {}).get("sync_page_trouble")
    if not text:
        return Check("pulled_pages", OK, "Les pages reçues du centre sont acceptées.",
                     "Pages received from the centre are accepted.")
    try:
        trouble = json.loads(text)
        details = {key: trouble[key] for key in ("cursor", "failures", "since")}
        fr, en, stuck = str(trouble["fr"]), str(trouble["en"]), trouble["stuck"] is True
    except (ValueError, KeyError, TypeError):
        return Check("pulled_pages", WARNING, "État de réception illisible.", "Unreadable pull state.")
    return Check("pulled_pages", PROBLEM if stuck else WARNING, fr, en, details)


def _check_timezone() -> Check:
    local = datetime.now()
    centre = centre_now()
    offset = round((local - centre).total_seconds() / 60)
    if abs(offset) >= 1:
        return Check("timezone", WARNING,
                     f"Le fuseau horaire de la borne diffère de celui du centre (Europe/Paris) de {offset} min : "
                     "les heures affichées et envoyées sont celles de la borne.",
                     f"The kiosk's time zone differs from the centre's (Europe/Paris) by {offset} min: "
                     "times shown and sent are the kiosk's.", {"offset_minutes": offset})
    return Check("timezone", OK, "Fuseau horaire identique à celui du centre.", "Same time zone as the centre.")
