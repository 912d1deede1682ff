"""The committed demo households and correspondents are exactly what their generators write again."""

from __future__ import annotations

import pytest

from kiosk.config import ASSETS_DIR
from kiosk.demo import households as demo_households
from kiosk.demo import staff as demo_staff


@pytest.mark.parametrize("module, name", [(demo_households, "households.json"), (demo_staff, "staff.json")])
def test_writing_a_demo_file_again_gives_the_committed_file(module, name, tmp_path, capsys):
    out = tmp_path / name
    assert module.main(["--out", str(out)]) == 0
    committed = (ASSETS_DIR / "demo" / name).read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed
    assert module.main([]) == 0
    assert capsys.readouterr().out == committed
