"""The `slvie-kiosk` command line: each command group lives with the feature it drives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.errors import KioskError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slvie-kiosk", description="Borne SLVie / SLVie kiosk")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="start the kiosk")
    add_common_options(run)
    run.add_argument("--demo", action="store_true", help="seed an empty database from the demo catalog")
    run.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    run.set_defaults(handler=_run)

    shots = commands.add_parser("screenshots", help="render every screen to PNG files")
    shots.add_argument("outdir", type=Path)
    shots.add_argument("--lang", choices=("fr", "en"), default="fr")
    shots.add_argument(
        "--size",
        type=_screen_size,
        default=(1920, 1080),
        metavar="WxH",
        help="window size, e.g. 1280x800 or 1080x1920 (default 1920x1080)",
    )
    shots.set_defaults(handler=_screenshots)
    from kiosk.admin import add_admin_commands
    from kiosk.printing.cli import add_voucher_commands
    from kiosk.printing.paper_cli import add_paper_commands
    from kiosk.translations import add_texts_commands
    from sync.cli import add_sync_commands

    add_voucher_commands(commands)
    add_paper_commands(commands, add_common_options)
    add_sync_commands(commands, add_common_options)
    add_admin_commands(commands, add_common_options)
    add_texts_commands(commands)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="where the database lives (default: per-user data dir)")
    parser.add_argument("--config", type=Path, help="site configuration file (TOML)")


def _run(args: argparse.Namespace) -> int:
    from kiosk.logs import qt_messages_in_log

    if args.demo:
        from sync.server import require_central_server

        require_central_server()  # before any window: the demo is the kiosk and its centre

    with qt_messages_in_log():  # before any Qt module loads: some speak as they load
        from kiosk.ui.app import run_kiosk

        return run_kiosk(data_dir=args.data_dir, config_path=args.config, demo=args.demo, windowed=args.windowed)


def _screenshots(args: argparse.Namespace) -> int:
    from kiosk.ui.screenshots import render_all_screens

    written = render_all_screens(args.outdir, args.lang, args.size)
    for path in written:
        print(path)
    return 0


def _screen_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and 640 <= int(width) <= 7680 and 480 <= int(height) <= 7680):
        raise argparse.ArgumentTypeError(f"{text!r}: expected WIDTHxHEIGHT, e.g. 1280x800")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from kiosk.admin import setup_command_logging

        setup_command_logging(args)
        return args.handler(args)
    except KioskError as error:
        print(error.bilingual(), file=sys.stderr)
        return 2
