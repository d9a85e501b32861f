"""`mimicmirror demo`: the whole device on the virtual rig, with a scripted session.

A real public-domain face does the programme with a weak left side; the real
service loop runs with stand-ins for the camera, buttons, screen and systemd.
The session goes to a database in the output folder, every new screen to a
PNG there, and the session summary to the terminal.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = "run the mirror on the virtual rig with a scripted session"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help=HELP, description=HELP)
    p.add_argument("--headless", action="store_true", help="draw off-screen even when a display exists")
    p.add_argument("--out", type=Path, default=Path("out/demo"), metavar="DIR",
                   help="where the database and screenshots go (default: out/demo)")
    p.add_argument("--scenario", default="demo", metavar="NAME|FILE",
                   help="a bundled scenario name or a scenario file (default: demo)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="a device config to start from (its programme file is used too)")
    p.add_argument("--no-screenshots", action="store_true", help="do not write the screen PNGs")
    p.add_argument("--language", metavar="CODE", help="the language shown and spoken (default: en, or the config's)")
    p.add_argument("--sound", choices=("voice", "chimes", "off"),
                   help="what is heard (recorded, then listed with its times; default: voice)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import config as config_mod
    from ..service import configure_logging
    from ..sim.rig import RIG_START, Rig
    from ..sim.scenario import load_scenario
    from ..sim.summary import format_heard, format_placements, format_summary, placement_errors, summarise

    scenario = load_scenario(args.scenario)
    overrides: dict = {}
    if args.language:
        overrides["user"] = {"language": args.language}
    if args.sound:
        overrides["sound"] = {"mode": args.sound}
    if args.config:
        base = config_mod.load(args.config, overrides)
    else:
        base = config_mod.Config(config_mod.validate(overrides, "the command line"), None,
                                 config_mod.defaults().programme_path) if overrides else None
    windowed = not args.headless and bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    configure_logging()
    chosen = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in scenario.setup.items())
    settings = (f"a fresh mirror set up on the glass ({chosen})" if scenario.fresh_device
                else f"programme '{scenario.programme}', weak side {scenario.affected_side}")
    print(f"Mimic Mirror demo: scenario '{scenario.name}', face '{scenario.face}', {settings}"
          f"{'' if windowed else ' (headless)'}", flush=True)
    rig = Rig(scenario, args.out, driver="window" if windowed else "dummy", base_config=base,
              screenshots=not args.no_screenshots)
    result = rig.run()
    results, ended = summarise(result.records, scenario, result.truths)
    print()
    print(format_summary(results, ended))
    print()
    if result.placed is not None:
        print(format_placements(placement_errors(result.placements, result.placed), result.placed))
        print()
    spoken = format_heard(result.sound_log, RIG_START)
    if spoken:
        print(spoken)
        print()
    print(f"{result.seconds / 60:.1f} simulated minutes; database: {result.db_path}")
    if result.screenshots:
        print(f"{len(result.screenshots)} screenshots in {result.out_dir / 'screens'}")
    if result.stick_image is not None:
        print(f"USB stick image: {result.stick_image} ({'; '.join(x.line for x in result.stick_outcomes)})")
    return result.exit_status
