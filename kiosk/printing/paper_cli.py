"""`slvie-kiosk print-programme`: the site's programme for the noticeboard, printed on the A4 queue."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kiosk.domain.paper import MAX_PROGRAMME_WEEKS
from kiosk.i18n import Text, in_both_languages


def add_paper_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    programme = subparsers.add_parser(
        "print-programme",
        help="print this week's (and the next weeks') local activities and bons plans for the noticeboard (A4)",
    )
    programme.add_argument("--weeks", type=_weeks, default=2, help=f"1 to {MAX_PROGRAMME_WEEKS} (default 2)")
    programme.add_argument("--lang", choices=("fr", "en"), help="default: the site's language")
    programme.add_argument(
        "--no-print", dest="send_to_printer", action="store_false", help="only write the PDF (its path is printed)"
    )
    add_common_options(programme)
    programme.set_defaults(handler=_print_programme)


def _weeks(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PROGRAMME_WEEKS:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of weeks from 1 to {MAX_PROGRAMME_WEEKS}")
    return int(text)


def _print_programme(args: argparse.Namespace) -> int:
    from kiosk.config import default_data_dir, load_config
    from kiosk.printing.printer import print_pdf
    from kiosk.services.context import open_services

    config = load_config(args.config)
    services = open_services(args.data_dir or default_data_dir(), config)
    try:
        language = args.lang or config.site.language
        found = services.paper.programme(args.weeks)
        path = services.paper.write_programme(found, language)
    finally:
        services.close()
    print(path)
    count = sum(len(week.lines) for week in found.weeks)
    print(in_both_languages(Text("paper.programme.dates", dates=count, weeks=args.weeks)))
    if args.send_to_printer:
        job = print_pdf(path, config.printer.a4_target, title="SLVie-programme")
        print(in_both_languages(Text("print.printed_on", queue=job.queue, job=job.job_id)))
    return 0
