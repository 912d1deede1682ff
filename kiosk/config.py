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
from kiosk.i18n import LANGUAGES, Text

APP_NAME = "slvie-kiosk"
# Icons, pictograms and the demo's data (kiosk.demo); a packaged install may put them elsewhere.
ASSETS_DIR = Path(os.environ.get("SLVIE_ASSETS_DIR", Path(__file__).resolve().parent.parent / "assets"))
# The reviewed everyday vocabulary the search reads (kiosk.domain.search_language).
SEARCH_SYNONYMS = ASSETS_DIR / "search" / "synonyms-fr.txt"
SEARCH_FILTER_WORDS = ASSETS_DIR / "search" / "filter-words-fr.txt"
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
    a4_queue: str = ""  # where A4 pages go (the programme, the day's takings); empty: `queue`

    @property
    def a4_target(self) -> str:
        return self.a4_queue or self.queue


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
        raise ConfigError("error.config.configuration_file_does_exist", path=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError("error.config.configuration_file_read", path=path, error=error) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("error.config.configuration_file_valid_toml", path=path, error=error) from None
    return parse_config(raw, source=str(path))


def parse_config(raw: dict[str, object], source: str = "configuration") -> KioskConfig:
    config = KioskConfig()
    sections = {f.name: f for f in fields(KioskConfig)}
    for section_name, values in raw.items():
        if section_name not in sections:
            raise _bad(source, section_name, "error.config.unknown_section")
        if not isinstance(values, dict):
            raise _bad(source, section_name, "error.config.table")
        current = getattr(config, section_name)
        known = {f.name: f for f in fields(current)}
        updates = {}
        for key, value in values.items():
            where = f"{section_name}.{key}"
            if key not in known:
                raise _bad(source, where, "error.config.unknown_setting")
            expected = type(getattr(current, key))
            if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise _bad(source, where, "error.config.whole_number")
            if expected is str and not isinstance(value, str):
                raise _bad(source, where, "error.config.quoted_text")
            if expected is float:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _bad(source, where, "error.config.number")
                value = float(value)
            updates[key] = value
        config = replace(config, **{section_name: replace(current, **updates)})
    _check_values(config, source)
    return config


def _check_values(config: KioskConfig, source: str) -> None:
    if config.site.language not in LANGUAGES:
        raise _bad(source, "site.language", "error.config.language", languages=", ".join(LANGUAGES))
    if not SITE_ID.match(config.site.id):
        raise _bad(source, "site.id", "error.config.1_to_40_letters_digits")
    if config.idle.warning_after_seconds < 10:
        raise _bad(source, "idle.warning_after_seconds", "error.config.at_least", minimum=10)
    if config.idle.warning_duration_seconds < MIN_WARNING_SECONDS:
        raise _bad(source, "idle.warning_duration_seconds", "error.config.at_least", minimum=MIN_WARNING_SECONDS)
    if config.printer.layout not in PRINTER_LAYOUTS:
        raise _bad(source, "printer.layout", "error.config.thermal80_a4")
    if not 200 <= config.display.viewing_distance_mm <= 3000:
        raise _bad(source, "display.viewing_distance_mm", "error.config.between_200_and_3000")
    if not 0.05 <= config.display.pixel_pitch_mm <= 2:
        raise _bad(source, "display.pixel_pitch_mm", "error.config.between_0_05_and_2")
    if not 0 <= config.display.photo_budget_mb <= 10_000:
        raise _bad(source, "display.photo_budget_mb", "error.config.between_0_and_10000")
    if config.display.speech not in SPEECH_ENGINES:
        raise _bad(source, "display.speech", "error.config.auto_speechd_none")
    if config.display.keyboard not in KEYBOARD_MODES:
        raise _bad(source, "display.keyboard", "error.config.auto_on_off")
    if config.logging.level not in LOG_LEVELS:
        raise _bad(source, "logging.level", "error.config.debug_info_warning_error")
    if not 1 <= config.central.request_deadline_seconds <= 3600:
        raise _bad(source, "central.request_deadline_seconds", "error.config.between_1_and_3600")
    if not config.central.url.startswith(("http://", "https://")):
        raise _bad(source, "central.url", "error.config.start_with_https")


def _bad(source: str, where: str, problem: str, **values: object) -> ConfigError:
    return ConfigError("error.config.configuration", source=source, where=where, what=Text(problem, **values))


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
            "error.config.data_directory_used_check",
            path=path,
            reason=error.strerror or error,
        ) from None
    if not os.access(path, os.R_OK | os.X_OK):
        raise DataDirError("error.config.data_directory_read", path=path)
    return path
