"""`mimicmirror config check [FILE]`: every mistake in a device config, before the device meets it.

The service stops at the first bad setting; a caregiver editing over SSH
wants the whole list at once. Each line names the file, the key, the value
and what is allowed. The programme file beside the config (exercises.toml)
is checked too, and the config's programme must be one of its programmes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "check a device config (and its programme file); every mistake on its own line"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help=HELP, description=HELP)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=HELP, description=HELP)
    check.add_argument("file", nargs="?", type=Path, metavar="FILE",
                       help="device config (default: the installed one)")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..settings import config_problems

    from ..config import default_config_path, programme_path_for

    path = args.file or default_config_path()
    errors = config_problems(path)
    for line in errors:
        print(line, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem{'s' if len(errors) > 1 else ''} found", file=sys.stderr)
        return 2
    print(f"OK: {path}")
    print(f"OK: {programme_path_for(path)}")
    return 0
