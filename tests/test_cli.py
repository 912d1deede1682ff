"""What IT and developers see from the command line when something is wrong."""

from kiosk.cli import main


def test_an_unusable_data_directory_is_explained_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", "--demo", "--data-dir", str(blocker / "data")]) == 2
    err = capsys.readouterr().err
    assert "Le dossier de données" in err and "The data directory" in err
    assert "Traceback" not in err


def test_a_bad_configuration_is_explained(tmp_path, capsys):
    config = tmp_path / "site.toml"
    config.write_text('[site]\nlanguage = "klingon"\n')
    assert main(["run", "--config", str(config), "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "site.language" in err and "Configuration" in err
