"""Writing a generated demo file (households, staff): to --out, or to standard output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path


def write_document_command(prog: str, generate: Callable[[], dict], argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    args = parser.parse_args(argv)
    text = json.dumps(generate(), ensure_ascii=False, indent=1) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
