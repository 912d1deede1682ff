"""Printing vouchers through a real CUPS scheduler (Debian cups, printer-driver-cups-pdf).

A cups-pdf queue stands in for the thermal printer: what it "prints" lands as a PDF
in the user's folder (the `Out` setting of /etc/cups/cups-pdf.conf, ~/PDF by default).
Out of paper and a printer that never answers are played by a small test backend
(root only: it is installed in CUPS's backend folder for the session, then removed).

Skipped, saying why, only when CUPS itself is not installed. The scheduler is
started when it is not running, and stopped once the last test process using it is done:
pytest-xdist's workers and other checkouts' runs share it (tests/machine.py). Each test prints
on a queue of its own and finds its PDFs by that queue's job numbers, so tests running at the
same time never take each other's prints.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.cli import main
from kiosk.domain.voucher import Voucher, encode_payload
from kiosk.errors import KioskError, PrinterError
from kiosk.printing import printer
from kiosk.printing.printer import print_pdf, printer_status
from kiosk.printing.voucher_pdf import render_voucher_pdf
from tests.machine import shared_use

pytestmark = pytest.mark.skipif(
    shutil.which("cupsd") is None or shutil.which("lpadmin") is None,
    reason="CUPS is not installed (Debian packages cups and printer-driver-cups-pdf)",
)

CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
BACKEND_DIR = Path("/usr/lib/cups/backend")
TEST_BACKEND_SCRIPT = """#!/bin/sh
# SLVie kiosk test backend: plays a faulty printer, as its device URI says.
if [ $# -eq 0 ]; then echo "direct $(basename "$0") \\"Unknown\\" \\"SLVie kiosk test backend\\""; exit 0; fi
case "$DEVICE_URI" in
  *paper-out*) echo "STATE: +media-empty-error" >&2; echo "INFO: out of paper" >&2; sleep 300 ;;
  *hang*) sleep 300 ;;
esac
cat "${6:--}" > /dev/null
exit 0
"""
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def _c(command: list[str], check: bool = False, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL="C", LANG="C")
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=check)


def _scheduler_running() -> bool:
    try:
        return "scheduler is running" in _c(["lpstat", "-r"], timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False


def _start_scheduler() -> int:
    """cupsd started in the foreground of a session of its own: it outlives this process when another
    test process is still using it."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (cupsd's stderr for as long as it runs)
    started = subprocess.Popen(["cupsd", "-f"], stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    deadline = time.monotonic() + 20
    while not _scheduler_running():
        if started.poll() is not None or time.monotonic() > deadline:
            errors.seek(0)
            pytest.fail(f"cupsd did not start: {errors.read().decode(errors='replace')}")
        time.sleep(0.2)
    return started.pid


def _stop_scheduler(pid: int) -> None:
    """Stop the cupsd the tests started, maybe from another process (so waited for through lpstat)."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "cupsd":
            return
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ProcessLookupError):
        return
    deadline = time.monotonic() + 15
    while _scheduler_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def cups():
    """A running CUPS scheduler: the one already there, or one started for the tests and stopped by the last
    test process (of this run or another) still using it."""
    with shared_use("cups") as scheduler:
        if not _scheduler_running():
            if os.geteuid() != 0:
                pytest.fail("the CUPS scheduler is not running and only root can start it here: start cupsd")
            scheduler["started"] = _start_scheduler()
        scheduler["users"].append(os.getpid())
    yield
    with shared_use("cups") as scheduler:
        if os.getpid() in scheduler["users"]:
            scheduler["users"].remove(os.getpid())
        if not scheduler["users"] and scheduler.get("started"):
            _stop_scheduler(scheduler.pop("started"))


def _add_queue(name: str, *options: str) -> None:
    result = _c(["lpadmin", "-p", name, "-E", *options])
    assert result.returncode == 0, f"lpadmin could not add {name}: {result.stderr}"


def _remove_queue(name: str) -> None:
    _c(["cancel", "-a", name])
    _c(["lpadmin", "-x", name])


@pytest.fixture
def pdf_queue(cups):
    """A fresh cups-pdf queue."""
    if not Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd").exists() and not list(
        Path("/usr/share/ppd").glob("**/CUPS-PDF_opt.ppd")
    ):
        pytest.fail("cups-pdf is not installed: apt-get install printer-driver-cups-pdf")
    name = f"slvie-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    _add_queue(name, "-v", "cups-pdf:/", "-m", CUPS_PDF_PPD)
    yield name
    _remove_queue(name)


@pytest.fixture(scope="session")
def test_backend(cups):
    """The faulty-printer backend, installed in CUPS's backend folder for the session; its name is this
    process's own, as another test process removes its own whenever it is done."""
    if os.geteuid() != 0 or not os.access(BACKEND_DIR, os.W_OK):
        pytest.skip(f"a test backend can only be installed by root in {BACKEND_DIR}")
    name = f"slvietest{os.getpid()}"
    path = BACKEND_DIR / name
    path.write_text(TEST_BACKEND_SCRIPT)
    path.chmod(0o755)
    yield name
    path.unlink(missing_ok=True)


@pytest.fixture
def faulty_queue(test_backend):
    names = []

    def make(behaviour: str) -> str:
        name = f"slvie-{behaviour}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        _add_queue(name, "-v", f"{test_backend}:/{behaviour}", "-m", "raw")
        names.append(name)
        return name

    yield make
    for name in names:
        _remove_queue(name)


def cups_pdf_output_dir() -> Path:
    """Where cups-pdf writes for the current user (the `Out` setting, ${HOME} expanded)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            match = re.match(r"\s*Out\s+(\S+)", line)
            if match:
                out = match.group(1)
    home = pwd.getpwuid(os.getuid()).pw_dir
    return Path(out.replace("${HOME}", home).replace("$HOME", home))


def queue_jobs(queue: str) -> set[str]:
    """The numbers of the jobs sent to `queue`, done or not (CUPS keeps their history)."""
    listed = _c(["lpstat", "-W", "all", "-o", queue]).stdout.split()
    return {word.rsplit("-", 1)[1] for word in listed if word.startswith(f"{queue}-")}


def printed_files(queue: str, title: str = "") -> set[Path]:
    """What cups-pdf wrote for `queue`'s jobs titled `title`…: its PPD names a job's file `<title>-job_<number>.pdf`,
    and each test prints on a queue of its own, so that another test's prints are never taken for its own."""
    folder, jobs = cups_pdf_output_dir(), queue_jobs(queue)
    found = folder.glob(f"{title}*-job_*.pdf") if folder.is_dir() else ()
    return {path for path in found if path.stem.rsplit("-job_", 1)[1] in jobs}


def wait_for_printed(queue: str, title: str, before: set[Path], timeout: float = 20) -> Path:
    """The PDF cups-pdf wrote for a job on `queue` titled `title`…, not among the files there `before` it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = sorted(printed_files(queue, title) - before)
        if new and new[0].stat().st_size > 0:
            return new[0]
        time.sleep(0.2)
    pytest.fail(f"no new printed PDF named {title}*.pdf for {queue} appeared in {cups_pdf_output_dir()}")


@pytest.fixture
def voucher_pdf(tmp_path) -> tuple[Path, str]:
    voucher = Voucher(
        kind="booking",
        reference=str(uuid.uuid4()),
        site_id="DEMO-LYON-PARTDIEU",
        title="Atelier cuisine : les gâteaux de Noël",
        start=datetime(2026, 12, 12, 14, 0),
        end=datetime(2026, 12, 12, 17, 0),
        place="Salle de réunion du site, Lyon",
        participants=("Camille Lefèvre", "Inès Lefèvre"),
        total_cents=2400,
        state="confirmed",
        issued_at=datetime(2026, 11, 23, 16, 42),
    )
    payload = encode_payload(voucher, KEY)
    path = tmp_path / "voucher.pdf"
    path.write_bytes(render_voucher_pdf(voucher, payload, "thermal80"))
    return path, payload


def _no_job_left(queue: str) -> bool:
    return _c(["lpstat", "-W", "not-completed", "-o", queue]).stdout.strip() == ""


# --- A working printer --------------------------------------------------------------------------


def test_a_voucher_is_printed_on_a_real_queue(pdf_queue, voucher_pdf):
    path, payload = voucher_pdf
    title = f"slvie-voucher-{uuid.uuid4().hex[:10]}"
    before = printed_files(pdf_queue, title)
    job = print_pdf(path, pdf_queue, title=title, timeout=60)
    assert job.queue == pdf_queue and job.job_id.startswith(pdf_queue)
    assert job.final_state in ("completed", "done")
    printed = wait_for_printed(pdf_queue, title, before)
    assert printed.read_bytes().startswith(b"%PDF")
    assert path.exists()  # kept, to print again
    # The receipt's own size went with the job (media): 80 mm wide, as long as the voucher, not an A4 sheet.
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    sent = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = re.compile(r"Page size: +([\d.]+) x ([\d.]+) pts")
    (width, height), (sent_width, sent_height) = (map(float, size.search(text).groups()) for text in (info, sent))
    assert abs(width - 80 * 72 / 25.4) < 1.5 and abs(width - sent_width) < 1.5 and abs(height - sent_height) < 1.5
    # What came out of the queue must scan, at a thermal printer's 203 dpi, to the signed payload.
    for tool, package in (("pdftoppm", "poppler-utils"), ("zbarimg", "zbar-tools")):
        assert shutil.which(tool), f"{tool} is missing (Debian package {package}, installed by run.sh)"
    stem = printed.parent / f"{title}-check"
    subprocess.run(
        ["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(printed), str(stem)], check=True, timeout=60
    )
    scanned = subprocess.run(["zbarimg", "--raw", "-q", f"{stem}.png"], capture_output=True, text=True, check=False)
    Path(f"{stem}.png").unlink()
    assert scanned.stdout.strip() == payload
    printed.unlink()


def test_the_status_of_a_working_queue(pdf_queue):
    status = printer_status(pdf_queue)
    assert status.exists and status.enabled and status.accepting


def test_sample_print_from_the_command_line(pdf_queue, tmp_path, capsys):
    config = tmp_path / "site.toml"
    config.write_text(f'[printer]\nqueue = "{pdf_queue}"\nlayout = "thermal80"\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    title = "SLVie_voucher-sample"  # the job title, as cups-pdf writes it ('_' for spaces)
    before = printed_files(pdf_queue, title)
    code = main(
        ["voucher", "sample", str(out_dir), "--print", "--config", str(config), "--data-dir", str(tmp_path / "data")]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"Imprimé sur « {pdf_queue} »" in out and f"Printed on '{pdf_queue}'" in out
    printed = wait_for_printed(pdf_queue, title, before)
    printed.unlink()


# --- Failures: a clear error, and the PDF kept --------------------------------------------------


def assert_bilingual(error: PrinterError, french: str, english: str, path: Path) -> None:
    assert isinstance(error, KioskError)
    assert french in error.fr, error.fr
    assert english in error.en, error.en
    assert error.kept == path  # where the voucher is kept, for IT; the messages are for the person
    assert str(path) not in error.fr and str(path) not in error.en
    assert path.exists()


def test_a_missing_queue(cups, voucher_pdf):
    path, _ = voucher_pdf
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, f"slvie-no-such-queue-{uuid.uuid4().hex[:6]}", timeout=20)
    assert_bilingual(caught.value, "n'existe pas", "does not exist", path)


def test_a_disabled_queue(pdf_queue, voucher_pdf):
    path, _ = voucher_pdf
    _c(["cupsdisable", "-r", "Maintenance", pdf_queue], check=True)
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, pdf_queue, timeout=20)
    assert_bilingual(caught.value, "arrêtée ou hors ligne", "stopped or offline", path)
    assert "Maintenance" in caught.value.fr
    assert _no_job_left(pdf_queue)


def test_a_queue_rejecting_jobs(pdf_queue, voucher_pdf):
    path, _ = voucher_pdf
    _c(["cupsreject", pdf_queue], check=True)
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, pdf_queue, timeout=20)
    assert_bilingual(caught.value, "refuse les impressions", "not accepting jobs", path)


def test_no_printer_configured(voucher_pdf):
    path, _ = voucher_pdf
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, "  ")
    assert_bilingual(caught.value, "Aucune imprimante", "No printer is configured", path)


def test_cups_not_installed(voucher_pdf, monkeypatch, tmp_path):
    path, _ = voucher_pdf
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, "anything")
    assert_bilingual(caught.value, "CUPS", "CUPS", path)


def test_the_command_line_reports_a_missing_queue(cups, tmp_path, capsys):
    config = tmp_path / "site.toml"
    config.write_text('[printer]\nqueue = "slvie-nowhere"\n', encoding="utf-8")
    code = main(
        [
            "voucher",
            "sample",
            str(tmp_path / "out"),
            "--print",
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path / "data"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "« slvie-nowhere » n'existe pas" in err and "'slvie-nowhere' does not exist" in err
    assert (tmp_path / "out" / "voucher-sample-thermal80.pdf").exists()


def test_out_of_paper_while_printing(faulty_queue, voucher_pdf):
    path, _ = voucher_pdf
    queue = faulty_queue("paper-out")
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, queue, timeout=60, device_problem_grace=2)
    assert time.monotonic() - started < 30  # noticed while waiting, not at the timeout
    assert_bilingual(caught.value, "plus de papier", "out of paper", path)
    assert _no_job_left(queue)  # cancelled: a reprint will not come out twice

    # Still out of paper: the next voucher is refused the same way. (The reason CUPS still shows
    # does not block a new job by itself: only a new job lets the driver clear it once fixed.)
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, queue, timeout=60, device_problem_grace=2)
    assert_bilingual(caught.value, "plus de papier", "out of paper", path)
    assert _no_job_left(queue)


def test_a_paper_report_left_from_before_does_not_block_a_fixed_printer(faulty_queue, test_backend, voucher_pdf):
    path, _ = voucher_pdf
    queue = faulty_queue("paper-out")
    with pytest.raises(PrinterError):
        print_pdf(path, queue, timeout=60, device_problem_grace=2)
    # Paper loaded: the device now prints. CUPS still shows media-empty-error from before.
    assert _c(["lpadmin", "-p", queue, "-v", f"{test_backend}:/ok"]).returncode == 0
    assert "media-empty" in " ".join(printer_status(queue).reasons)
    job = print_pdf(path, queue, timeout=60, device_problem_grace=30)
    assert job.final_state in ("completed", "done")


def test_a_job_that_never_completes_times_out(faulty_queue, voucher_pdf):
    path, _ = voucher_pdf
    queue = faulty_queue("hang")
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        print_pdf(path, queue, timeout=3)
    assert time.monotonic() - started < 3 + 2 * printer.COMMAND_TIMEOUT
    assert_bilingual(caught.value, "en 3 secondes", "within 3 seconds", path)
    assert _no_job_left(queue)
