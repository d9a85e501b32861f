"""The therapist's report onto a stick: a dated folder that is either whole or not there.

The report is made on the device first (the same `write_report` that
`mimicmirror report` uses, reading a snapshot of the database), then copied
onto the stick under a hidden name, each file checked on the stick, and only
then renamed to its dated name. A stick that fills up, is locked or is pulled
out leaves no half report under the real name, and the device only ever read.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from ..errors import UserError
from . import outcome as o
from .media import Stick, StickError

FOLDER = "MimicMirror-report-{day}"
PARTIAL = ".mimicmirror-partial"
FILES = ("report.html", "reps.csv")


def free_name(stick: Stick, day: date) -> str:
    """The dated folder name, with -2, -3 ... when a report of that day is already there."""
    base = FOLDER.format(day=day.isoformat())
    name, n = base, 1
    while stick.exists(name):
        n += 1
        name = f"{base}-{n}"
    return name


def make_files(config, db: Path) -> dict[str, bytes]:
    """report.html and reps.csv as bytes, made on the device (never on the stick)."""
    from ..store.report import write_report

    with tempfile.TemporaryDirectory(prefix="mimicmirror-report-") as tmp:
        write_report(config, db, Path(tmp))
        return {name: (Path(tmp) / name).read_bytes() for name in FILES}


def save_report(stick: Stick, config, db: Path, day: date) -> o.Outcome:
    """Write today's report folder onto the stick; the outcome says how it went."""
    try:
        files = make_files(config, db)
    except UserError as e:
        text = str(e)
        return o.Outcome(o.NOTHING_YET) if "no sessions recorded yet" in text else o.Outcome(o.NO_REPORT, text)
    partial = None
    try:
        if stick.exists(PARTIAL):      # left by a stick pulled out last time
            stick.remove_folder(PARTIAL)
        stick.make_folder(PARTIAL)
        partial = PARTIAL
        for name, data in files.items():
            stick.write(f"{PARTIAL}/{name}", data)
        final = free_name(stick, day)
        stick.rename(PARTIAL, final)
        partial = None
        stick.sync()
    except StickError as e:
        if partial:
            stick.remove_folder(partial)
        return o.Outcome({"full": o.FULL, "read_only": o.READ_ONLY}.get(e.kind, o.GONE), e.detail)
    return o.Outcome(o.SAVED, final)
