"""Mutation testing: do the tests notice when the code is changed? A command beside the benchmark.

    .venv/bin/python tests/bench/mutation.py                       # every module listed in TARGETS
    .venv/bin/python tests/bench/mutation.py kiosk/domain/booking.py

Not part of the normal test run (it takes minutes per module). It needs mutmut 2
(`pip install -e '.[mutation]'`). The checkout (its tracked files) is copied to a temporary
directory and the mutants are made there, never in the working tree, so other test runs on this
machine are not disturbed. Modules are mutated one at a time; for each, it runs the tests listed
for it in TARGETS against every mutant and prints the score and the surviving mutants; survivors
are either killed by a new test or explained in tests/mutation-survivors.md.

To keep a run short on a shared machine, the tests of each module are the smallest set that pins
it (unit and service tests, no screens), pytest's plugins for Qt, Hypothesis and AnyIO are not
loaded, and each mutant's run is stopped after a few times the unmutated run: a mutant that makes
the tests hang is counted as killed.

A mutant that changes nothing but a type annotation is skipped and left out of the score: every
module mutated starts with `from __future__ import annotations`, so annotations are strings that
nothing reads at run time, and no test could ever tell (mutmut 3 does not make those mutants).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Module -> the tests that are meant to pin its behaviour.
TARGETS = {
    "kiosk/domain/audit.py": ["tests/unit/test_staff_and_audit_rules.py"],
    "kiosk/domain/booking.py": ["tests/unit/test_booking_rules.py", "tests/services/test_booking.py"],
    "kiosk/domain/catalog.py": ["tests/unit/test_catalog_format.py", "tests/unit/test_booking_rules.py"],
    "kiosk/domain/concierge.py": ["tests/unit/test_concierge_rules.py", "tests/services/test_concierge.py"],
    "kiosk/domain/document.py": ["tests/unit/test_document_reader.py", "tests/unit/test_document_moment.py"],
    "kiosk/domain/help.py": ["tests/unit/test_help_rules.py", "tests/services/test_help.py"],
    "kiosk/domain/household.py": ["tests/unit/test_household.py"],
    "kiosk/domain/idle.py": ["tests/unit/test_idle.py"],
    "kiosk/domain/lockout.py": ["tests/unit/test_household.py"],
    "kiosk/domain/paper.py": ["tests/unit/test_paper.py"],
    "kiosk/domain/payment.py": ["tests/unit/test_payment_rules.py"],
    # the relevance test: everyday queries on the demo catalog finding what a person expects (~1 s)
    "kiosk/domain/search.py": ["tests/unit/test_search_language.py", "tests/relevance/test_relevance.py"],
    "kiosk/domain/search_language.py": ["tests/unit/test_search_language.py", "tests/relevance/test_relevance.py"],
    "kiosk/domain/staff.py": ["tests/unit/test_staff_and_audit_rules.py"],
    "kiosk/domain/voucher.py": ["tests/unit/test_voucher.py", "tests/unit/test_voucher_golden.py"],
    "kiosk/services/booking.py": [
        "tests/services/test_booking.py",
        # the lease top-up while the person waits, against the real centre (two tests, ~8 s)
        "tests/sync/test_leases_kiosk.py::test_online_a_kiosk_short_of_seats_asks_the_centre_and_confirms",
        "tests/sync/test_leases_kiosk.py::test_a_kiosk_asks_the_centre_only_for_the_seats_it_lacks_and_only_for_a_place",
        # what a correspondent's booking and cancellation write in the audit log
        "tests/services/test_assisted.py::test_every_assisted_action_is_in_the_audit_log",
    ],
    "kiosk/services/concierge.py": ["tests/services/test_concierge.py"],
    "sync/server/decisions.py": ["tests/server/test_decisions.py"],
    # in this process on SQLite (~5 s); tests/server/test_leases.py drives the same through the API (~15 s a run)
    "sync/server/leases.py": ["tests/server/test_lease_seats.py"],
    # in this process on SQLite (~7 s); tests/server/test_bookings.py drives the same through the API (~40 s a run)
    "sync/server/bookings.py": ["tests/server/test_booking_seats.py"],
}
# A mutant's run is stopped after this many times the unmutated run (plus a margin for a loaded machine).
TIMEOUT_FACTOR = 3
TIMEOUT_MARGIN_SECONDS = 10
# mutmut 2's statuses: "ok_suspicious" is a mutant the tests failed on, only slowly; "bad_timeout" one
# whose tests ran past ten times mutmut's own baseline run (a loop that no longer ends, mostly): the
# tests hang, which no one would take for a pass, so it counts as killed (each is listed, to be checked).
KILLED = ("ok_killed", "ok_suspicious", "bad_timeout")
SURVIVED = ("bad_survived",)


def _without_annotations(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return ast.dump(tree)


def pre_mutation(context: Any) -> None:
    """mutmut's hook (this file is copied into the run as its mutmut_config.py): skip a mutant that
    changes only type annotations, in a module where they are never evaluated."""
    from mutmut import Context, mutate

    if "from __future__ import annotations" not in context.source:
        return
    mutant = Context(source=context.source, mutation_id=context.mutation_id, filename=context.filename)
    mutated, _ = mutate(mutant)
    try:
        only_annotations = _without_annotations(mutated) == _without_annotations(context.source)
    except SyntaxError:  # a mutant that is not Python: the tests fail at import, it is run like any other
        return
    context.skip = only_annotations


def _copy_checkout(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copy2(Path(__file__), target / "mutmut_config.py")


def _pytest(tests: list[str]) -> str:
    plugins_left_out = "-p no:cacheprovider -p no:pytest-qt -p no:hypothesispytest -p no:anyio"
    return f"{sys.executable} -m pytest -x -q {plugins_left_out} {' '.join(tests)}"


def mutate(module: str, tests: list[str], workdir: Path) -> dict:
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(workdir)}
    started = time.monotonic()
    baseline = subprocess.run(
        _pytest(tests), check=False, shell=True, cwd=workdir, env=env, capture_output=True, text=True
    )
    if baseline.returncode != 0:
        raise SystemExit(f"{module}: its tests fail without any mutant:\n{baseline.stdout[-3000:]}")
    limit = TIMEOUT_FACTOR * (time.monotonic() - started) + TIMEOUT_MARGIN_SECONDS
    mutmut = Path(sys.executable).with_name("mutmut")
    # mutmut 2 counts only exit code 1 as "killed": a mutant that breaks the import (pytest exits
    # with 2) or makes the tests hang (timeout exits with 124) would pass for a survivor, so any
    # failure of the run is reported as 1.
    runner = f"timeout {limit:.0f} {_pytest(tests)} || exit 1"
    subprocess.run(
        [str(mutmut), "run", "--paths-to-mutate", module, "--tests-dir", "tests"]
        + ["--runner", f"bash -c '{runner}'", "--no-progress"],
        cwd=workdir,
        env=env,
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
    survivors = [i for i, status in rows if status in SURVIVED]
    hung = [i for i, status in rows if status == "bad_timeout"]
    killed = sum(1 for _, status in rows if status in KILLED)

    def show(ids: list[int]) -> list[str]:
        return [
            subprocess.run(
                [str(mutmut), "show", str(i)], cwd=workdir, capture_output=True, text=True, check=False
            ).stdout
            for i in ids
        ]

    skipped = sum(1 for _, status in rows if status == "skipped")
    untested = len(rows) - killed - len(survivors) - skipped
    return {
        "module": module,
        "mutants": len(rows) - skipped,
        "skipped": skipped,
        "killed": killed,
        "untested": untested,
        "survivors": show(survivors),
        "hung": show(hung),
        "seconds": time.monotonic() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(TARGETS), help="modules listed in TARGETS")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"no tests are listed for {', '.join(unknown)} (see TARGETS)")
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None:
        parser.error("mutmut is not installed in this environment: pip install -e '.[mutation]'")
    total = killed = 0
    for module in args.modules:
        with tempfile.TemporaryDirectory(prefix="slvie-mutation-") as temp:
            workdir = Path(temp)
            _copy_checkout(workdir)
            result = mutate(module, TARGETS[module], workdir)
        total += result["mutants"]
        killed += result["killed"]
        score = result["killed"] / result["mutants"] if result["mutants"] else 0.0
        not_run = f", {result['untested']} not run" if result["untested"] else ""
        not_run += f" ({result['skipped']} only in annotations, skipped)" if result["skipped"] else ""
        print(
            f"{module}: {result['killed']}/{result['mutants']} mutants killed ({score:.0%}), "
            f"{len(result['survivors'])} survived{not_run} [{result['seconds']:.0f} s]",
            flush=True,
        )
        for diff in result["survivors"]:
            print(diff.rstrip(), flush=True)
        if result["hung"]:
            print(f"{len(result['hung'])} killed by the timeout (the tests hung):", flush=True)
        for diff in result["hung"]:
            print(diff.rstrip(), flush=True)
    if len(args.modules) > 1 and total:
        print(f"overall: {killed}/{total} mutants killed ({killed / total:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
