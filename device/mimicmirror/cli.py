"""`mimicmirror` command line: one subcommand per module in `mimicmirror.commands`.

Each command module has `register(subparsers)` (adds its parser and sets
`func`) and keeps its imports lazy so `mimicmirror --help` stays fast.
User errors print one line and exit non-zero; there are no tracebacks for users.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import UserError, missing_library

#: Command modules under mimicmirror.commands, in the order --help lists them.
COMMANDS: tuple[str, ...] = ("analyze", "demo", "check", "calibrate", "run", "report", "config", "setup", "stick")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mimicmirror",
        description="Mimic Mirror: a smart mirror that coaches facial palsy exercises.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"mimicmirror.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # no library banner in the journal
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")           # device errors reach people as one line of ours
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")      # ... and so do unreadable videos
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"mimicmirror: {e}", file=sys.stderr)
        return e.exit_status
    except OSError as e:
        # A file the command was told to read or write: name it, say what went wrong.
        where = f"{e.filename}: " if e.filename else ""
        print(f"mimicmirror: {where}{e.strerror or e}", file=sys.stderr)
        return UserError.exit_status
    except ImportError as e:
        line = missing_library(e)
        if line is None:
            raise
        print(f"mimicmirror: {line}", file=sys.stderr)
        return UserError.exit_status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
