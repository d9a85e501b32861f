"""Last good settings: a mistake in a settings file never leaves the mirror dark.

A caregiver edits `/etc/mimicmirror/mimicmirror.toml`, a therapist sends a new
`exercises.toml`; one slip would make `mimicmirror run` refuse to start, and
after five restarts systemd gives up with nothing on the glass. Instead:

- each time both files pass their check at start, a copy of the pair is kept
  in the state directory (`last-good/`), written only when it changed, and
  atomically (a power cut leaves the old copy or the new one, never half);
- when they fail, the mirror starts with that copy, or with the defaults
  that ship with the software if no copy was ever kept, and says so: every
  problem goes to the journal (so `systemctl status` and `journalctl` show
  the full list) and one calm line on the glass names the file and the
  first problem.

`mimicmirror config check` still gives the same list before a restart.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .config import Config, default_config_path, defaults, load
from .errors import ConfigError
from .files import write_atomically

log = logging.getLogger("mimicmirror")

#: Folder under the state directory holding the last pair of files that passed.
GOOD_DIR = "last-good"
CONFIG_NAME = "mimicmirror.toml"
PROGRAMME_NAME = "exercises.toml"


@dataclass(frozen=True)
class Settings:
    """What the service runs with, and why."""

    config: Config
    problems: tuple[str, ...] = ()      # every mistake found in the files asked for (empty: they passed)
    source: str = "file"                # "file", "last good" or "defaults"
    asked: Path | None = None           # the config file that was asked for

    @property
    def fallback(self) -> str | None:
        """One sentence for the journal: what runs instead, or None when the files passed."""
        if not self.problems:
            return None
        if self.source == "last good":
            return f"running with the last settings that passed their check ({self.config.path})"
        return "running with the standard settings (no earlier settings had passed their check)"

    def glass_lines(self, said: Mapping[str, Any]) -> tuple[str, ...]:
        """The calm lines for the mirror: the first problem (as `config check` words it: the file
        and the key), and what runs instead, in words of `said` (a catalogue's [notices])."""
        if not self.problems:
            return ()
        return (self.problems[0], said["settings_last_good" if self.source == "last good" else "settings_standard"])


def state_dir() -> Path:
    """The service's state directory (systemd's StateDirectory=), else the working directory."""
    base = os.environ.get("STATE_DIRECTORY") or os.environ.get("MIMICMIRROR_STATE_DIR") or "."
    return Path(base.split(":")[0])


def problems_of(path: Path) -> list[str]:
    """Every mistake in a device config and the programme file beside it (an unreadable file is one)."""
    from .settings import config_problems

    try:
        return config_problems(path)
    except ConfigError as e:
        return [str(e)]


def load_settings(path: Path | None = None, state: Path | None = None) -> Settings:
    """The settings to start with: the files if they pass, else the last good copy, else the defaults."""
    path = Path(path) if path is not None else default_config_path()
    state = state if state is not None else state_dir()
    found = problems_of(path)
    if not found:
        config = load(path)
        keep(path, config.programme_path, state / GOOD_DIR)
        return Settings(config, (), "file", path)
    saved = state / GOOD_DIR / CONFIG_NAME
    if saved.is_file() and not problems_of(saved):
        return Settings(load(saved), tuple(found), "last good", path)
    return Settings(defaults(), tuple(found), "defaults", path)


def keep(config_path: Path, programme_path: Path, folder: Path) -> bool:
    """Copy the pair that passed into `folder`; returns whether anything was written.

    Unchanged files are not written again (the SD card's life); a change is
    written to a temporary file, synced and renamed over the old copy.
    """
    wrote = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for source, name in ((config_path, CONFIG_NAME), (programme_path, PROGRAMME_NAME)):
            data = source.read_bytes()
            target = folder / name
            if target.is_file() and target.read_bytes() == data:
                continue
            write_atomically(target, data)
            wrote = True
    except OSError as e:  # a full or read-only disk: the mirror runs on, the old copy stays
        log.warning("could not keep a copy of the settings that passed (%s)", e)
        return False
    if wrote:
        log.info("kept these settings as the last that passed their check (%s)", folder)
    return wrote
