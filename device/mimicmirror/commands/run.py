"""`mimicmirror run`: the mirror itself (what the systemd service starts at boot)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the mirror (the service started at boot)",
        description="Run the mirror: camera, face analysis, exercises, screen, buttons and "
                    "the practice records, until stopped (SIGTERM or Ctrl-C). A wrong setting "
                    "stops it before anything starts, with one line naming the file, key and value.")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="device settings (default: $MIMICMIRROR_CONFIG, then "
                             "/etc/mimicmirror/mimicmirror.toml, then the project's config/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import config
    from ..service import build_service, configure_logging

    settings = config.load(args.config)          # ConfigError: one line, exit 2, nothing started
    configure_logging()
    logging.getLogger("mimicmirror").info("starting with %s", settings.path)
    return build_service(settings).run()
