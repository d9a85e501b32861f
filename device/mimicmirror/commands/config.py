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


def programme_problems(config_file: str, programme_path: Path, name: object) -> list[str]:
    """The config naming a programme the programme file lacks, then every mistake in that file."""
    from ..config import read_toml
    from ..errors import ConfigError
    from ..exercises.catalogue import catalogue_problems

    found = catalogue_problems(programme_path)
    try:
        tables = read_toml(programme_path).get("programmes")
    except ConfigError:
        return found                    # unreadable: catalogue_problems has said so
    known = list(tables) if isinstance(tables, dict) else []
    if known and isinstance(name, str) and name not in known:
        found.insert(0, f"{config_file}: [user] programme = {name!r}: must be one of "
                        f"{', '.join(repr(p) for p in known)} (the programmes in {programme_path})")
    return found


def config_problems(path: Path) -> list[str]:
    """Every mistake in a device config and the programme file beside it, one line each."""
    from ..config import SCHEMA, problems, programme_path_for, read_toml

    data = read_toml(path)
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    return problems(data, str(path)) + programme_problems(
        str(path), programme_path_for(path), user.get("programme", SCHEMA["user"]["programme"].default))


def run(args: argparse.Namespace) -> int:
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
