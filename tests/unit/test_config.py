from pathlib import Path

import pytest

from kiosk.config import KioskConfig, load_config, prepare_data_dir
from kiosk.errors import ConfigError, DataDirError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_file_overrides_the_defaults(tmp_path):
    config = load_config(
        write(tmp_path, '[site]\nname = "Borne Cattenom"\nlanguage = "en"\n[idle]\nwarning_after_seconds = 45\n')
    )
    assert config.site.name == "Borne Cattenom"
    assert config.site.language == "en"
    assert config.idle.warning_after_seconds == 45
    assert config.idle.warning_duration_seconds == KioskConfig().idle.warning_duration_seconds


@pytest.mark.parametrize(
    "text, where",
    [
        ('[site]\nlanguage = "de"\n', "site.language"),
        ("[idle]\nwarning_duration_seconds = 5\n", "idle.warning_duration_seconds"),
        ('[idle]\nwarning_after_seconds = "soon"\n', "idle.warning_after_seconds"),
        ("[printer]\ncolour = 1\n", "printer.colour"),
        ("[network]\nproxy = 1\n", "network"),
        ('[central]\nurl = "ftp://x"\n', "central.url"),
    ],
)
def test_a_bad_setting_is_named_in_both_languages(tmp_path, text, where):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert where in caught.value.fr and where in caught.value.en


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[site\nname = \n"))
    assert "TOML" in caught.value.en


def test_a_missing_named_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError):
        load_config(tmp_path / "absent.toml")


def test_a_data_dir_that_cannot_exist_is_reported(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirError) as caught:
        prepare_data_dir(blocker / "data")
    assert "dossier de données" in caught.value.fr


def test_a_site_id_that_cannot_go_into_a_voucher_is_refused(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[site]\nid = "' + "x" * 41 + '"\n'))
    assert "site.id" in caught.value.en
