"""Send a voucher PDF to the site's printer (a CUPS queue) and wait until it is printed.

Everything goes through the CUPS command-line tools (`lpstat`, `lp`, `cancel`,
and `ipptool` when present to read a finished job's final state), each call
bounded by a timeout, so a hung printer or scheduler is an error and never a
hang. Call `print_pdf` from a worker thread: it blocks until the job is done,
up to `timeout` seconds.

Every failure is a PrinterError with a French and an English message saying
what to do next. The PDF file is never touched: it stays where it is to be
printed again. A job that does not finish in time, or whose printer stops or
runs out of paper meanwhile, is cancelled, so that a reprint never comes out
twice once the printer is fixed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import PrinterError
from kiosk.i18n import Text

# The printer does not know what it prints: the screen that printed it names it (PrinterError.naming).
UNNAMED = Text("print.paper.document")

DEFAULT_TIMEOUT = 60.0  # seconds for the whole job, from submission to "printed"
COMMAND_TIMEOUT = 10.0  # seconds for one CUPS command
POLL_INTERVAL = 0.25
# Seconds a paper/jam/offline report may last while our job waits before we give up on it: long
# enough for a receipt to print past a report CUPS kept from before the printer was fixed.
DEVICE_PROBLEM_GRACE = 8.0

A4_POINTS = (595.28, 841.89)
MM_PER_POINT = 25.4 / 72

# printer-state-reasons (RFC 8011 §5.4.12) that stop a receipt from coming out.
_PAPER_REASONS = ("media-empty", "media-needed")
_JAM_REASONS = ("media-jam",)
_OPEN_REASONS = ("cover-open", "door-open", "interlock-open")
_OFFLINE_REASONS = ("offline", "shutdown", "stopped")
# The printer's state as a kiosk reports it to the centre (docs/sync-protocol.md, heartbeat).
PRINTER_CONDITIONS = (
    "ready",
    "paper_out",
    "jammed",
    "open",
    "offline",
    "fault",
    "stopped",
    "missing",
    "not_configured",
    "unknown",
)


@dataclass(frozen=True)
class PrinterStatus:
    queue: str
    exists: bool
    enabled: bool = False
    accepting: bool = False
    reasons: tuple[str, ...] = ()  # printer-state-reasons, without "none"
    message: str = ""  # why it is disabled or rejecting jobs, as CUPS says it


@dataclass(frozen=True)
class PrintJob:
    queue: str
    job_id: str  # CUPS request id, e.g. "thermique-12"
    path: Path
    final_state: str  # "completed", or "done" when CUPS could not tell more than "no longer pending"


def print_pdf(path: Path, queue: str, **options) -> PrintJob:
    """Print a PDF on a CUPS queue (see _print_pdf); a PrinterError names the kept file in `kept`,
    outside its messages, which are for the person at the screen."""
    try:
        return _print_pdf(Path(path), queue, **options)
    except PrinterError as error:
        error.kept = Path(path)
        raise


def _print_pdf(
    path: Path,
    queue: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    title: str | None = None,
    device_problem_grace: float = DEVICE_PROBLEM_GRACE,
) -> PrintJob:
    """Print a PDF on a CUPS queue and wait until the job has left the queue printed.

    Raises PrinterError, with the PDF left in place, when the queue is not set or
    missing, disabled or rejecting jobs, when the printer reports being out of
    paper, jammed, open or offline while the job waits, or when the job is not
    printed within `timeout` seconds. A device problem counts once it has lasted
    `device_problem_grace` seconds with the job still waiting.
    """
    path = Path(path)
    deadline = time.monotonic() + timeout
    if not queue or not queue.strip():
        raise PrinterError("error.printer.printer_configured_on_kiosk", paper=UNNAMED)
    if not path.is_file():
        raise PrinterError("error.printer.voucher_print_found_print", paper=UNNAMED)
    _require_cups(path)
    status = printer_status(queue, deadline=deadline, path=path)
    # Paper, jam or offline reasons are not judged here: CUPS may still show them from an
    # earlier job after the printer was fixed, and only a new job lets the driver clear them.
    problem = _queue_problem(status, path)
    if problem is not None:
        raise problem

    command = ["lp", "-d", queue, "-t", title or path.name]
    media = page_media(path)
    if media is not None:
        command += ["-o", f"media={media}"]  # else CUPS puts an 80 mm receipt on the queue's A4 default
    command += ["--", str(path)]
    result = _run(command, deadline, path)
    match = re.search(r"request id is (\S+)", result.stdout)
    if result.returncode != 0 or match is None:
        detail = (result.stderr or result.stdout).strip() or f"code {result.returncode}"
        raise PrinterError("error.printer.printing_could_started_on", paper=UNNAMED, queue=queue, detail=detail)
    job_id = match.group(1)

    device_problem_since: float | None = None
    while True:
        pending = _pending_jobs(queue, deadline, path, job_id)
        if job_id not in pending:
            final = _final_job_state(job_id, deadline)
            if final in ("canceled", "aborted"):
                raise PrinterError("error.printer.printing_voucher_on_was", paper=UNNAMED, queue=queue, final=final)
            return PrintJob(queue, job_id, path, final or "done")
        status = printer_status(queue, deadline=deadline, path=path, job_id=job_id)
        problem = _queue_problem(status, path, accepting_matters=False)
        if problem is None:
            problem = _device_problem(status, path)
            if problem is None:
                device_problem_since = None
            else:
                # Out of paper, jammed, open or offline while our job waits: give the driver
                # a moment to clear a reason left from before, then stop waiting.
                now = time.monotonic()
                device_problem_since = device_problem_since or now
                if now - device_problem_since < device_problem_grace:
                    problem = None
        if problem is not None:
            _cancel(job_id)
            raise problem
        if time.monotonic() >= deadline:
            _cancel(job_id)
            raise PrinterError("error.printer.printer_did_print_voucher", paper=UNNAMED, queue=queue, timeout=timeout)
        time.sleep(min(POLL_INTERVAL, max(deadline - time.monotonic(), 0.01)))


def page_media(path: Path) -> str | None:
    """The CUPS media name of the PDF's first page: "A4", or "Custom.80x198.4mm" for a receipt as long as
    its content; None when the file cannot be read as a PDF (CUPS then uses the queue's default)."""
    import pypdfium2  # only where a job is sent, in a worker

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return None
    try:
        if len(document) == 0:
            return None
        width, height = document[0].get_size()
    finally:
        document.close()
    return media_name(width, height)


def media_name(width_points: float, height_points: float) -> str:
    """ "A4" for an A4 page (to a point), else a custom size in millimetres, as `lp -o media=` takes it."""
    if abs(width_points - A4_POINTS[0]) <= 1 and abs(height_points - A4_POINTS[1]) <= 1:
        return "A4"
    return f"Custom.{width_points * MM_PER_POINT:.1f}x{height_points * MM_PER_POINT:.1f}mm"


def printer_status(
    queue: str, *, deadline: float | None = None, path: Path | None = None, job_id: str | None = None
) -> PrinterStatus:
    """What CUPS says about a queue: does it exist, is it enabled and accepting jobs, and why not."""
    deadline = time.monotonic() + COMMAND_TIMEOUT if deadline is None else deadline
    _require_cups(path)
    printer = _run(["lpstat", "-l", "-p", queue], deadline, path, job_id)
    if printer.returncode != 0 or not printer.stdout.startswith("printer "):
        return PrinterStatus(queue, exists=False, message=(printer.stderr or printer.stdout).strip())
    lines = printer.stdout.splitlines()
    first = lines[0]
    enabled = " disabled since " not in first
    message = ""
    if not enabled and len(lines) > 1 and not lines[1].strip().startswith(("Form mounted", "Alerts")):
        message = lines[1].strip()
    reasons: tuple[str, ...] = ()
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("Alerts:"):
            reasons = tuple(r for r in stripped[len("Alerts:") :].split() if r != "none")
    accepting_run = _run(["lpstat", "-a", queue], deadline, path, job_id)
    accepting = accepting_run.returncode == 0 and re.match(r"\S+ accepting requests", accepting_run.stdout) is not None
    if not accepting and not message:
        rest = accepting_run.stdout.splitlines()[1:]
        message = rest[0].strip() if rest else ""
    return PrinterStatus(queue, True, enabled, accepting, reasons, message)


def printer_condition(queue: str, read_status: Callable[[str], PrinterStatus] = printer_status) -> str:
    """One word for the state of the site's printer, as the kiosk reports it to the centre (one of
    PRINTER_CONDITIONS); CUPS not answering is "unknown", never an error."""
    if not queue.strip():
        return "not_configured"
    try:
        return condition_of(read_status(queue))
    except PrinterError:
        return "unknown"


def condition_of(status: PrinterStatus) -> str:
    """What CUPS says of a queue, in one word: can a voucher come out, and if not, why."""
    if not status.exists:
        return "missing"
    if not status.enabled or not status.accepting:
        return "stopped"
    for condition, names in (
        ("paper_out", _PAPER_REASONS),
        ("jammed", _JAM_REASONS),
        ("open", _OPEN_REASONS),
        ("offline", _OFFLINE_REASONS),
    ):
        if _has_reason(status, names):
            return condition
    if any(not reason.endswith("-warning") for reason in status.reasons):
        return "fault"
    return "ready"


def _queue_problem(status: PrinterStatus, path: Path, accepting_matters: bool = True) -> PrinterError | None:
    """What stops CUPS from taking or running a job: the queue is missing, disabled or rejecting jobs."""
    queue = status.queue
    why = f" ({status.message})" if status.message else ""
    if not status.exists:
        return PrinterError(
            "error.printer.printer_does_exist_on",
            paper=UNNAMED,
            queue=queue,
        )
    if not status.enabled:
        return PrinterError(
            "error.printer.printer_stopped_offline_check",
            paper=UNNAMED,
            queue=queue,
            why=why,
        )
    if accepting_matters and not status.accepting:
        return PrinterError(
            "error.printer.printer_accepting_jobs_at",
            paper=UNNAMED,
            queue=queue,
            why=why,
        )
    return None


def _device_problem(status: PrinterStatus, path: Path) -> PrinterError | None:
    """What the printer itself reports: out of paper, jammed, open or offline."""
    queue = status.queue
    if _has_reason(status, _PAPER_REASONS):
        return PrinterError(
            "error.printer.printer_out_paper_load",
            paper=UNNAMED,
            queue=queue,
        )
    if _has_reason(status, _JAM_REASONS):
        return PrinterError(
            "error.printer.paper_jammed_printer_clear",
            paper=UNNAMED,
            queue=queue,
        )
    if _has_reason(status, _OPEN_REASONS):
        return PrinterError(
            "error.printer.printer_open_close_cover",
            paper=UNNAMED,
            queue=queue,
        )
    if _has_reason(status, _OFFLINE_REASONS):
        return PrinterError(
            "error.printer.printer_answering_offline_check",
            paper=UNNAMED,
            queue=queue,
        )
    return None


def _has_reason(status: PrinterStatus, names: tuple[str, ...]) -> bool:
    """A reason counts with no suffix or with "-error"/"-report"; a "-warning" (paper low) does not stop us."""
    for reason in status.reasons:
        base = re.sub(r"-(error|report)$", "", reason)
        if base in names:
            return True
    return False


def _pending_jobs(queue: str, deadline: float, path: Path, job_id: str) -> set[str]:
    result = _run(["lpstat", "-W", "not-completed", "-o", queue], deadline, path, job_id)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        _cancel(job_id)
        raise PrinterError("error.printer.print_service_answering_properly", paper=UNNAMED, detail=detail)
    return {line.split()[0] for line in result.stdout.splitlines() if line and not line[0].isspace()}


def _final_job_state(job_id: str, deadline: float) -> str:
    """ "completed", "canceled" or "aborted" as CUPS recorded it; "" when that cannot be asked."""
    number = job_id.rsplit("-", 1)[-1]
    if not number.isdigit() or shutil.which("ipptool") is None:
        return ""
    server = os.environ.get("CUPS_SERVER", "localhost")
    if server.startswith("/"):
        server = "localhost"
    try:
        result = subprocess.run(
            ["ipptool", "-T", "5", "-t", "-v", f"ipp://{server}/jobs/{number}", "get-job-attributes.test"],
            capture_output=True,
            text=True,
            timeout=max(min(COMMAND_TIMEOUT, deadline - time.monotonic()), 2.0),
            env=_c_locale(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    match = re.search(r"job-state \(enum\) = (\S+)", result.stdout)
    return match.group(1) if match else ""


def _cancel(job_id: str) -> None:
    try:
        subprocess.run(["cancel", job_id], capture_output=True, timeout=COMMAND_TIMEOUT, env=_c_locale(), check=False)
    except (OSError, subprocess.TimeoutExpired):
        pass


def _require_cups(path: Path | None) -> None:
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        raise PrinterError("error.printer.no_cups_kept" if path else "error.printer.no_cups", paper=UNNAMED)


def _run(command: list[str], deadline: float, path: Path | None, job_id: str | None = None):
    remaining = deadline - time.monotonic()
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=max(min(COMMAND_TIMEOUT, remaining), 1.0),
            env=_c_locale(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        if job_id:
            _cancel(job_id)
        raise PrinterError(
            "error.printer.no_answer_kept" if path else "error.printer.no_answer", paper=UNNAMED
        ) from None
    except OSError as error:
        raise PrinterError("error.printer.print_service_could_called", reason=error.strerror or error) from None


def _c_locale() -> dict[str, str]:
    """CUPS tools answer in English with the C locale: their output is parsed, never shown."""
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"})
    return env
