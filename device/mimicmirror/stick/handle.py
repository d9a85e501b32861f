"""One stick's visit: a note that work has begun, wait for an idle mirror, settings in, report out.

The closing note ("you can take the stick out") is left by `finish`, which
the caller runs only after the stick is synced and unmounted.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Callable

from ..errors import UserError
from . import outcome as o
from .mailbox import Mailbox
from .media import Stick
from .report import save_report
from .settings import import_settings

log = logging.getLogger("mimicmirror.stick")

#: How long the stick unit waits for a session to end before asking for the stick again later.
WAIT_FOR_IDLE_S = 15 * 60.0
POLL_S = 2.0


def load_config(config_path: Path):
    """The device config; if it is broken the report is still made, with the defaults' names."""
    from ..config import defaults, load

    try:
        return load(config_path)
    except UserError as e:
        log.warning("stick: %s; the report uses the default settings", e)
        return defaults()


def handle(stick: Stick, config_path: Path, mailbox: Mailbox, *, day: date | None = None,
           wait_s: float = WAIT_FOR_IDLE_S, sleep: Callable[[float], None] = time.sleep) -> list[o.Outcome]:
    """Everything that happens with one stick, as outcomes (not yet posted: see `finish`)."""
    from ..settings import database_path

    mailbox.post([o.Outcome(o.WORKING)])
    waited = 0.0
    while mailbox.mirror_busy():
        if waited >= wait_s:
            return [o.Outcome(o.BUSY)]
        sleep(POLL_S)
        waited += POLL_S
    outcomes = []
    settings = import_settings(stick, config_path)
    if settings is not None:
        outcomes.append(settings)
    config = load_config(config_path)
    outcomes.append(save_report(stick, config, database_path(config), day or date.today()))
    return outcomes


def finish(mailbox: Mailbox, outcomes: list[o.Outcome]) -> None:
    """Log the outcomes and leave them for the mirror, once the stick may be taken out."""
    for x in outcomes:
        log.info("stick: %s%s", x.line, f" ({x.detail})" if x.detail and x.detail not in x.line else "")
    mailbox.post(outcomes)
