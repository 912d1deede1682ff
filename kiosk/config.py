"""Site configuration (a TOML file) and where the kiosk keeps its data."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs

from kiosk.errors import ConfigError, DataDirError

APP_NAME = "slvie-kiosk"
# Icons, pictograms and the demo's data (kiosk.demo); a packaged install may put them elsewhere.
ASSETS_DIR = Path(os.environ.get("SLVIE_ASSETS_DIR", Path(__file__).resolve().parent.parent / "assets"))
LANGUAGES = ("fr", "en")
PRINTER_LAYOUTS = ("thermal80", "a4")
KEYBOARD_MODES = ("auto", "on", "off")
LOG_LEVELS = ("debug", "info", "warning", "error")
SPEECH_ENGINES = ("auto", "speechd", "mock", "none")
# DESIGN.md section 4: the warning before an inactivity reset leaves at least 20 seconds.
MIN_WARNING_SECONDS = 20
# The site id is printed in every voucher's signed payload.
SITE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True)
class SiteSettings:
    id: str = "DEMO-LYON-PARTDIEU"
    name: str = "Point conciergerie SLVie — Lyon Part-Dieu"
    slvie: str = "SLVie Lyon Part-Dieu"
    cmcas: str = "CMCAS Lyon"
    language: str = "fr"


@dataclass(frozen=True)
class IdleSettings:
    warning_after_seconds: int = 90
    warning_duration_seconds: int = 30


@dataclass(frozen=True)
class PrinterSettings:
    queue: str = ""
    layout: str = "thermal80"


@dataclass(frozen=True)
class CentralSettings:
    url: str = "http://127.0.0.1:8765"
    ca_bundle: str = ""
    request_deadline_seconds: float = 120.0  # a whole exchange with the centre, however slowly it answers


@dataclass(frozen=True)
class DisplaySettings:
    keyboard: str = "auto"
    # For the larger-text mode (EN 301 549 5.1.4): how far people stand, and the screen's
    # pixel size (a 24-inch 1920x1080 panel: 0.2745 mm).
    viewing_distance_mm: float = 500.0
    pixel_pitch_mm: float = 0.2745
    speech: str = "auto"  # read-aloud engine: "auto" (speech-dispatcher if it answers), "speechd", "none"
    photo_budget_mb: int = 200  # disk the offers' photos may take (sync/photos.py); 0: no photos


@dataclass(frozen=True)
class LoggingSettings:
    level: str = "info"  # "debug", "info", "warning" or "error"


@dataclass(frozen=True)
class KioskConfig:
    site: SiteSettings = field(default_factory=SiteSettings)
    idle: IdleSettings = field(default_factory=IdleSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    central: CentralSettings = field(default_factory=CentralSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)


def default_data_dir() -> Path:
    # An installed kiosk (installers/) sets these for every command, so IT types no paths.
    if os.environ.get("SLVIE_KIOSK_DATA_DIR"):
        return Path(os.environ["SLVIE_KIOSK_DATA_DIR"])
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    if os.environ.get("SLVIE_KIOSK_CONFIG"):
        return Path(os.environ["SLVIE_KIOSK_CONFIG"])
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "site.toml"


def load_config(path: Path | None) -> KioskConfig:
    """Read the site configuration; a missing default file means built-in defaults."""
    if path is None:
        path = default_config_path()
        if not path.exists():
            return KioskConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Le fichier de configuration {path} est introuvable.",
            f"The configuration file {path} does not exist.",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"Le fichier de configuration {path} ne peut pas être lu ({error}).",
            f"The configuration file {path} cannot be read ({error}).",
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"Le fichier de configuration {path} est mal écrit : {error}.",
            f"The configuration file {path} is not valid TOML: {error}.",
        ) from None
    return parse_config(raw, source=str(path))


def parse_config(raw: dict, source: str = "configuration") -> KioskConfig:
    config = KioskConfig()
    sections = {f.name: f for f in fields(KioskConfig)}
    for section_name, values in raw.items():
        if section_name not in sections:
            raise _bad(source, section_name, "section inconnue", "unknown section")
        if not isinstance(values, dict):
            raise _bad(source, section_name, "doit être une section [..]", "must be a [..] table")
        current = getattr(config, section_name)
        known = {f.name: f for f in fields(current)}
        updates = {}
        for key, value in values.items():
            where = f"{section_name}.{key}"
            if key not in known:
                raise _bad(source, where, "réglage inconnu", "unknown setting")
            expected = type(getattr(current, key))
            if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise _bad(source, where, "doit être un nombre entier", "must be a whole number")
            if expected is str and not isinstance(value, str):
                raise _bad(source, where, "doit être un texte entre guillemets", "must be a quoted text")
            if expected is float:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _bad(source, where, "doit être un nombre", "must be a number")
                value = float(value)
            updates[key] = value
        config = replace(config, **{section_name: replace(current, **updates)})
    _check_values(config, source)
    return config


def _check_values(config: KioskConfig, source: str) -> None:
    if config.site.language not in LANGUAGES:
        raise _bad(source, "site.language", "doit valoir \"fr\" ou \"en\"", 'must be "fr" or "en"')
    if not SITE_ID.match(config.site.id):
        raise _bad(source, "site.id", "doit faire 1 à 40 lettres, chiffres, « - », « _ » ou « . »",
                   "must be 1 to 40 letters, digits, '-', '_' or '.'")
    if config.idle.warning_after_seconds < 10:
        raise _bad(source, "idle.warning_after_seconds", "doit valoir au moins 10", "must be at least 10")
    if config.idle.warning_duration_seconds < MIN_WARNING_SECONDS:
        raise _bad(
            source,
            "idle.warning_duration_seconds",
            f"doit valoir au moins {MIN_WARNING_SECONDS}",
            f"must be at least {MIN_WARNING_SECONDS}",
        )
    if config.printer.layout not in PRINTER_LAYOUTS:
        raise _bad(source, "printer.layout", "doit valoir \"thermal80\" ou \"a4\"", 'must be "thermal80" or "a4"')
    if not 200 <= config.display.viewing_distance_mm <= 3000:
        raise _bad(source, "display.viewing_distance_mm", "doit être entre 200 et 3000", "must be between 200 and 3000")
    if not 0.05 <= config.display.pixel_pitch_mm <= 2:
        raise _bad(source, "display.pixel_pitch_mm", "doit être entre 0,05 et 2", "must be between 0.05 and 2")
    if not 0 <= config.display.photo_budget_mb <= 10_000:
        raise _bad(source, "display.photo_budget_mb", "doit être entre 0 et 10000", "must be between 0 and 10000")
    if config.display.speech not in SPEECH_ENGINES:
        raise _bad(source, "display.speech", "doit valoir auto, speechd ou none", "must be auto, speechd or none")
    if config.display.keyboard not in KEYBOARD_MODES:
        raise _bad(source, "display.keyboard", "doit valoir auto, on ou off", "must be auto, on or off")
    if config.logging.level not in LOG_LEVELS:
        raise _bad(source, "logging.level", "doit valoir debug, info, warning ou error",
                   "must be debug, info, warning or error")
    if not 1 <= config.central.request_deadline_seconds <= 3600:
        raise _bad(source, "central.request_deadline_seconds", "doit être entre 1 et 3600", "must be between 1 and 3600")
    if not config.central.url.startswith(("http://", "https://")):
        raise _bad(source, "central.url", "doit commencer par https://", "must start with https://")


def _bad(source: str, where: str, fr: str, en: str) -> ConfigError:
    return ConfigError(
        f"Configuration {source} : « {where} » {fr}.",
        f"Configuration {source}: '{where}' {en}.",
    )


def prepare_data_dir(path: Path) -> Path:
    """Create the data directory if needed (0700: it holds personal data and keys, whatever the umask)
    and prove it is writable before anything else runs."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o700)
        probe = path / ".write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        raise DataDirError(
            f"Le dossier de données {path} n'est pas utilisable ({error.strerror or error}). "
            "Vérifiez qu'il existe et que le kiosque a le droit d'y écrire.",
            f"The data directory {path} cannot be used ({error.strerror or error}). "
            "Check that it exists and that the kiosk may write to it.",
        ) from None
    if not os.access(path, os.R_OK | os.X_OK):
        raise DataDirError(
            f"Le dossier de données {path} ne peut pas être lu.",
            f"The data directory {path} cannot be read.",
        )
    return path
