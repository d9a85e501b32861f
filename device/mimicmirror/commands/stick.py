"""`mimicmirror stick`: what the mirror does with a USB stick (run by its stick unit, or by hand).

On the Pi, udev starts a stick unit for a plugged-in stick. A FAT stick is
read and written in place with mtools (`--fat /dev/sdX1`: nothing mounted,
no privilege); an exFAT stick is mounted privately (`--mount /dev/sdX1`,
which needs CAP_SYS_ADMIN). Either way new settings are taken from it and
the report is written onto it. By hand, --folder uses a stick the desktop
already mounted, and --fat also takes a FAT image file.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import UserError

HELP = "take settings from a USB stick and write the therapist's report onto it"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stick", help=HELP, description=HELP)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--fat", type=Path, metavar="DEVICE",
                       help="a FAT stick's block device or image file, used in place through mtools")
    where.add_argument("--mount", type=Path, metavar="DEVICE",
                       help="a stick's block device (FAT or exFAT) to mount privately (needs CAP_SYS_ADMIN)")
    where.add_argument("--folder", type=Path, metavar="DIR", help="a stick that is already mounted here")
    p.add_argument("--config", type=Path, metavar="FILE", help="device config (default: the installed one)")
    p.add_argument("--mailbox", type=Path, metavar="DIR",
                   help="folder the mirror reads the outcome from (default: 'stick' in the state directory)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..config import default_config_path, defaults
    from ..service import configure_logging
    from ..stick.handle import finish, handle
    from ..stick.mailbox import Mailbox
    from ..stick.media import FolderStick, ImageStick
    from ..stick.mount import MountError, mounted

    configure_logging(level=logging.INFO)
    config_path = args.config or default_config_path()
    mailbox = Mailbox(args.mailbox or defaults().state_path("stick"))
    if args.folder is not None:
        outcomes = handle(FolderStick(args.folder), config_path, mailbox)
    elif args.fat is not None:
        outcomes = handle(ImageStick(args.fat), config_path, mailbox)
    else:
        try:
            with mounted(args.mount) as folder:
                outcomes = handle(FolderStick(folder), config_path, mailbox)
        except MountError as e:
            raise UserError(str(e)) from None
    finish(mailbox, outcomes)
    return 0
