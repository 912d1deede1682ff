"""Mutation testing: do the tests notice when the code is changed? A command beside the benchmark.

    .venv/bin/python tests/bench/mutation.py                       # every module listed in TARGETS
    .venv/bin/python tests/bench/mutation.py kiosk/domain/booking.py

Not part of the normal test run (it takes minutes per module). It needs mutmut 2
(`pip install -e '.[mutation]'`). The checkout is copied to a temporary directory and the
mutants are made there, never in the working tree, so other test runs on this machine
are not disturbed. For each module it runs the tests that cover it against every mutant
and prints the score and the surviving mutants; survivors are either killed by a new test
or explained in tests/mutation-survivors.md.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Module -> the tests that are meant to pin its behaviour.
TARGETS = {
    "kiosk/domain/booking.py": ["tests/unit/test_booking_rules.py", "tests/services/test_booking.py"],
    "kiosk/domain/voucher.py": ["tests/unit/test_voucher.py", "tests/unit/test_voucher_golden.py"],
}


def _copy_checkout(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def mutate(module: str, tests: list[str], workdir: Path) -> dict:
    mutmut = Path(sys.executable).with_name("mutmut")
    # mutmut 2 counts only exit code 1 as "killed": a mutant that breaks the import (pytest exits
    # with 2) would pass for a survivor, so any failure of the run is reported as 1.
    runner = f"{sys.executable} -m pytest -x -q -p no:cacheprovider {' '.join(tests)} || exit 1"
    subprocess.run(
        [
            str(mutmut),
            "run",
            "--paths-to-mutate",
            module,
            "--tests-dir",
            "tests",
            "--runner",
            f"bash -c '{runner}'",
            "--no-progress",
        ],
        cwd=workdir,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(workdir)},
        capture_output=True,
        text=True,
        check=False,
    )
    with sqlite3.connect(workdir / ".mutmut-cache") as db:
        rows = db.execute(
            "SELECT m.id, m.status FROM Mutant m JOIN Line l ON m.line = l.id "
            "JOIN SourceFile f ON l.sourcefile = f.id WHERE f.filename = ?",
            (module,),
        ).fetchall()
    survivors = [i for i, status in rows if status in ("bad_survived", "bad_timeout", "ok_suspicious")]
    killed = sum(1 for _, status in rows if status == "ok_killed")
    shown = [
        subprocess.run([str(mutmut), "show", str(i)], cwd=workdir, capture_output=True, text=True, check=False).stdout
        for i in survivors
    ]
    return {"module": module, "mutants": len(rows), "killed": killed, "survivors": shown}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(TARGETS), help="modules listed in TARGETS")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"no tests are listed for {', '.join(unknown)} (see TARGETS)")
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None:
        parser.error("mutmut is not installed in this environment: pip install -e '.[mutation]'")
    for module in args.modules:
        with tempfile.TemporaryDirectory(prefix="slvie-mutation-") as temp:
            workdir = Path(temp)
            _copy_checkout(workdir)
            result = mutate(module, TARGETS[module], workdir)
        score = result["killed"] / result["mutants"] if result["mutants"] else 0.0
        print(
            f"{module}: {result['killed']}/{result['mutants']} mutants killed ({score:.0%}), "
            f"{len(result['survivors'])} survived"
        )
        for diff in result["survivors"]:
            print(diff.rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
