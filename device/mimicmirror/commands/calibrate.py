"""`mimicmirror calibrate`: line the cues up with the reflection, once, at set-up.

The caregiver stops the mirror's service (the camera can serve one program),
runs this, and the person stands where they practise: two rings appear on the
glass where the camera thinks their eyes are; they move a little until the
rings sit on their eyes in the mirror and press NEXT. The camera's offset is
corrected from what it saw and kept in the state directory, where the mirror
reads it at its next start and `mimicmirror check` reports it. REPEAT puts
the rings again; holding NEXT cancels and changes nothing.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("mimicmirror")

HELP = "line the cues up with the reflection (once, with the person at the mirror)"
#: Give up when nobody has pressed NEXT in this long.
GIVE_UP_S = 300.0
#: The saved screen stays this long.
SAVED_S = 3.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help=HELP, description=HELP + ". " + (__doc__ or "").split("\n\n")[1]
                       .replace("\n", " "))
    p.add_argument("--config", type=Path, metavar="FILE", help="device config (default: the installed one)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..clock import SystemClock
    from ..config import load
    from ..service import configure_logging

    config = load(args.config)
    configure_logging()
    return calibrate(config, SystemClock())


def calibrate(config: Any, clock: Any, *, camera: Any = None, buttons: Any = None, display: Any = None,
              analyzer: Any = None, out: Any = print) -> int:
    """Run the calibration screen until NEXT (saved: 0), a long NEXT or time-out (nothing changed: 1).

    Parts handed in are left open; parts made here are closed.
    """
    import contextlib

    from ..camera.base import CameraError, EndOfFrames
    from ..camera.latest import LatestFrame
    from ..errors import UserError
    from ..language import of_config
    from ..reflection import calibration
    from ..reflection.follow import Placer, calibration_path, mounting_from
    from ..screen import Screen, ScreenKind
    from ..service.pacing import Pacer

    if not config["mirror"]["place_cues"]:
        raise UserError("[mirror] place_cues = false: the cues stay at the screen's edges, "
                        "there is nothing to line up")
    path = calibration_path(config)
    stored = calibration.load(path)
    mounting = mounting_from(config, (stored.right_mm, stored.up_mm))
    placer = Placer(mounting, {})
    said = of_config(config)                      # the glass speaks the mirror's language
    flow = calibration.Calibrating(mounting, said.line_up)
    with contextlib.ExitStack() as owned:
        if display is None:
            from ..display.renderer import open_display
            display = owned.enter_context(contextlib.closing(open_display(config["display"])))
        if buttons is None:
            from ..controls.buttons import open_buttons
            buttons = owned.enter_context(contextlib.closing(open_buttons(config["buttons"], clock,
                                                                          display=display)))
        if analyzer is None:
            from ..face.analyzer import Analyzer
            analyzer = owned.enter_context(Analyzer(static=False))
        if camera is None:
            from ..camera import open_camera
            camera = LatestFrame(open_camera(config["camera"]), read_timeout=config["camera"]["timeout_seconds"])
        try:
            camera.start()
        except CameraError as e:
            raise UserError(f"the camera cannot be opened ({e}); is the mirror running? "
                            "Stop it first: sudo systemctl stop mimicmirror") from None
        owned.callback(camera.stop)
        pacer = Pacer(config["display"]["fps"], clock)
        started = clock.monotonic()
        unsaved: str | None = None        # why the last NEXT saved nothing, if it did not
        out(f"Calibrating: {stored.describe()}. Ask the person to stand where they practise.")
        while clock.monotonic() - started < GIVE_UP_S:
            try:
                frame = camera.get(1.0 / max(1, config["camera"]["fps"]))
            except EndOfFrames:
                break
            except CameraError as e:
                if e.reason != "timeout":
                    raise UserError(f"the camera stopped ({e})") from None
                frame = None
            if frame is not None:
                analysis = analyzer.analyze(frame.rgb, frame.t)
                placer.see(analysis, (frame.rgb.shape[1], frame.rgb.shape[0]))
                flow.look(placer, analysis.face, frame.t)    # a still face: its distance is learned
            for press in buttons.events(display.pump()):     # the window's keys go to the buttons
                answer = flow.press(press.button, press.long, path)
                if answer.problem is not None:
                    unsaved = answer.problem
                    out(f"Not saved: {answer.problem}.")
                if not answer.over:
                    continue
                if answer.saved is None:
                    out("Calibration cancelled; nothing changed.")
                    return 1
                out(f"Saved in {path}: {answer.saved.describe()}. Restart the mirror to use it.")
                end = clock.monotonic() + SAVED_S
                while clock.monotonic() < end:
                    display.show(Screen(ScreenKind.NOTICE, title=said.notices["lined_up_title"],
                                        lines=(said.notices["lined_up_line"],)))
                    pacer.wait()
                return 0
            display.show(flow.screen())
            pacer.wait()
        if unsaved is not None:      # NEXT was pressed: saying "no NEXT in time" would send them looking at the button
            out(f"Calibration stopped: the offset could not be saved ({unsaved}); nothing changed.")
        else:
            out("Calibration stopped: no NEXT in time; nothing changed.")
        return 1
