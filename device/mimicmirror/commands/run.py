"""`mimicmirror run`: the mirror itself (what the systemd service starts at boot)."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the mirror (the service started at boot)",
        description="Run the mirror: camera, face analysis, exercises, screen, buttons and "
                    "the practice records, until stopped (SIGTERM or Ctrl-C). With the installed "
                    "settings, a mistake in them starts the mirror on the last settings that passed "
                    "(or the standard ones), logs every problem and shows the first on the glass; "
                    "a file named with --config must be right, or nothing starts (one line naming "
                    "the file, key and value).")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="device settings (default: $MIMICMIRROR_CONFIG, then "
                             "/etc/mimicmirror/mimicmirror.toml, then the project's config/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import config, lastgood
    from ..service import build_service, configure_logging

    log = logging.getLogger("mimicmirror")
    few_malloc_arenas()          # before the capture, analysis and face-count threads start
    first_start = False
    if args.config is not None:                  # asked for by hand: ConfigError, one line, exit 2
        chosen = lastgood.Settings(config.load(args.config), asked=args.config)
        configure_logging()
    else:
        configure_logging()
        path = config.default_config_path()
        first_start = not path.exists()
        chosen = lastgood.load_settings(path)
        if first_start:   # nothing set up yet: the settings menu opens on the glass and saves here
            log.info("no settings in %s yet: the settings menu is on the mirror", path)
            chosen = lastgood.Settings(replace(chosen.config, path=path,
                                               programme_path=config.programme_path_for(path)), asked=path)
        for problem in chosen.problems:          # the whole list for the journal and systemctl status
            log.error("%s", problem)
        if chosen.fallback:
            log.warning("%s", chosen.fallback)
    log.info("starting with %s", chosen.config.path or "the standard settings")
    service = build_service(chosen.config, first_start=first_start)
    give_back_freed_memory()     # the models' start-up scratch, freed but still held by malloc
    if chosen.problems:                          # the file and its first problem, calmly, on the glass
        service.add_settings_notice(chosen)
    return service.run()


#: glibc's mallopt parameter for the most heaps (arenas) malloc keeps for its threads.
_M_ARENA_MAX = -8
#: Heaps for the mirror's threads: by default glibc allows eight per core, and
#: each thread that allocates (capture, analysis, face count, sound) keeps its own
#: freed memory; two heaps cost 2-3 MB less at the peak and no measurable speed.
MALLOC_ARENAS = 2


def _glibc():
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def few_malloc_arenas() -> bool:
    """Let malloc keep `MALLOC_ARENAS` heaps for all threads; False where there is no glibc."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS))


def give_back_freed_memory() -> bool:
    """Return memory freed during start-up to the system (glibc's `malloc_trim`).

    Opening the display and starting the face graphs leaves freed scratch
    inside malloc's heaps, counted in the resident memory of a Pi with little
    to spare; the loop's own allocations are small and steady, so once is enough.
    """
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))
