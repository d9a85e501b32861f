"""The virtual rig's USB stick: a fresh FAT file system in an image file, plugged in on cue.

Plugging in does what the Pi's stick unit does (`mimicmirror stick
--fat`): take settings from the stick, write the report onto it, and leave
the outcome in the mailbox the mirror's service reads. It runs while the
loop waits, so the same scenario gives the same screens every time.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from ..errors import UserError
from ..stick.handle import finish, handle
from ..stick.mailbox import Mailbox
from ..stick.media import ImageStick
from ..stick.outcome import Outcome


def fresh_stick(path: Path, kib: int) -> Path:
    """An empty FAT stick image of `kib` KiB (mkfs.vfat, from Debian's dosfstools)."""
    path.unlink(missing_ok=True)
    with open(path, "wb") as f:
        f.truncate(kib * 1024)
    try:
        subprocess.run(["mkfs.vfat", "-n", "STICK", str(path)], check=True, capture_output=True)
    except FileNotFoundError:
        raise UserError("the scenario plugs in a USB stick: install dosfstools and mtools") from None
    return path


def plug_in(image: Path, config_path: Path, mailbox: Mailbox, day: date) -> list[Outcome]:
    """Everything the stick unit does for one stick; the outcomes are left for the mirror."""
    outcomes = handle(ImageStick(image), config_path, mailbox, day=day)
    finish(mailbox, outcomes)
    return outcomes
