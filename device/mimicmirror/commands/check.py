"""`mimicmirror check`: the caregiver's hardware self-test.

It checks, in this order, that the screen draws (and reports where the cues
go: beside the reflection, with the camera offset the caregiver's
calibration stored), the speaker takes a short
tone (and espeak-ng can speak, when the voice is on), the camera delivers
pictures, the camera sees a face, and each button registers a press (asking
the caregiver to press it). One PASS/FAIL line per part; exit status 0 only
when every part passed. Nothing is stored: frames are looked at and dropped.

What it shows on the glass is in the mirror's language ([user] language, the
catalogue's [check]); the lines in the terminal stay English, like the journal,
`config check` and `setup`: they name files, keys and devices.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

HELP = "test the screen, the speaker, the camera and the buttons, one PASS/FAIL line each"

#: How each backend's buttons are named in a prompt: keys of the language catalogue's [check].
PRESS_NAMES: dict[str, dict[str, str]] = {
    "gpio": {"next": "next", "repeat": "repeat"},
    "keyboard": {"next": "key_next", "repeat": "key_repeat"},
}


def _seconds(text: str) -> float:
    """A positive number of seconds (argparse turns the error into one line)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number of seconds above 0")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help=HELP, description=HELP)
    p.add_argument("--config", type=Path, metavar="FILE", help="device config (default: the installed one)")
    p.add_argument("--camera", choices=("picamera", "webcam", "replay"),
                   help="check this camera source instead of [camera] source")
    p.add_argument("--display", choices=("kmsdrm", "window", "dummy"),
                   help="open the screen with this driver instead of [display] driver")
    p.add_argument("--press-within", type=_seconds, default=10.0, metavar="SECONDS",
                   help="how long to wait for each button press (default 10)")
    p.add_argument("--face-within", type=_seconds, default=10.0, metavar="SECONDS",
                   help="how long the camera may look for a face (default 10)")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class Result:
    part: str
    status: str         # PASS, FAIL, or SKIP (a part switched off in the config)
    detail: str

    def line(self) -> str:
        return f"{self.part:<14}{self.status}  {self.detail}"


def run(args: argparse.Namespace) -> int:
    from ..clock import SystemClock
    from ..config import load

    overrides = {"camera": {"source": args.camera}} if args.camera else {}
    config = load(args.config, overrides=overrides)
    check = Check(config, SystemClock(), press_within=args.press_within, face_within=args.face_within,
                  display_driver=args.display)
    results = check.run_all()
    failed = [r for r in results if r.status == "FAIL"]
    print("all parts passed" if not failed else
          f"{len(failed)} of {len(results)} parts failed: {', '.join(r.part for r in failed)}")
    return 1 if failed else 0


class Check:
    """The parts of the self-test, each a method returning a Result."""

    def __init__(self, config: Any, clock: Any, *, press_within: float, face_within: float,
                 display_driver: str | None = None, out: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.clock = clock
        self.press_within = press_within
        self.face_within = face_within
        self.display_driver = display_driver
        self.out = out or (lambda text: print(text, flush=True))
        self.display: Any = None
        self.said = self._glass_words()

    def _glass_words(self) -> Any:
        """What the glass says, in the mirror's language ([check] of its catalogue); this terminal
        stays English, like the journal. A broken catalogue is named and the glass speaks English."""
        from ..errors import ConfigError
        from ..language import REFERENCE, language, of_config

        try:
            return of_config(self.config).check
        except ConfigError as e:
            self.out(f"texts: {e} (the glass speaks English)")
            return language(REFERENCE).check

    def run_all(self) -> list[Result]:
        results: list[Result] = []

        def report(result: Result) -> None:
            results.append(result)
            self.out(result.line())

        try:
            report(self.check_display())
            report(self.check_mirror())
            report(self.check_sound())
            for result in self.check_camera():
                report(result)
            for result in self.check_buttons():
                report(result)
        finally:
            if self.display is not None:
                self.display.close()
        return results

    # -- the screen ----------------------------------------------------------------------

    def show(self, title: str, *lines: str) -> None:
        from ..screen import Screen, ScreenKind

        if self.display is not None:
            self.display.show(Screen(ScreenKind.NOTICE, title=title, lines=lines))

    def check_display(self) -> Result:
        from ..display.renderer import open_display
        from ..errors import UserError

        try:
            self.display = open_display(self.config["display"], self.display_driver)
            self.show(self.said["title"], *self.said["screen_lines"])
        except UserError as e:
            return Result("display", "FAIL", str(e))
        lit = _lit_pixels()
        width, height = self.display.glass_size
        if lit == 0:
            return Result("display", "FAIL", "the test screen came out blank")
        return Result("display", "PASS", f"test screen drawn, {width}x{height}: "
                                         f"'{self.said['title']}' should be readable on the glass")

    # -- the speaker ---------------------------------------------------------------------

    def check_sound(self) -> Result:
        """Play the "done" chime; PASS when an audio device took it and played it to the end."""
        from ..sound import Clip, chime, open_mixer, speech_for

        section = self.config["sound"]
        if section["mode"] == "off":
            return Result("sound", "SKIP", '[sound] mode = "off"')
        self.show(self.said["title"], self.said["sound_line"])
        speaker = open_mixer()
        if speaker is None:
            return Result("sound", "FAIL", "no audio device took the tone: is the speaker plugged in "
                                           "(USB) or the screen's sound on (HDMI)?")
        try:
            import pygame

            driver = pygame.mixer.get_driver()
            clip = Clip("check", chime("done"), section["volume"])
            speaker.play(clip)
            started = speaker.busy()
            deadline = self.clock.monotonic() + clip.seconds + 2.0
            while speaker.busy() and self.clock.monotonic() < deadline:
                self.clock.sleep(0.02)
            if not started or speaker.busy():
                return Result("sound", "FAIL", f"the audio device ({driver}) did not play the tone through")
        finally:
            speaker.close()
        detail = f"a short tone played on the {driver} audio device: you should have heard it"
        if section["mode"] == "voice":
            speech = speech_for(section, self.config["user"]["language"])
            if not speech.available:
                return Result("sound", "PASS", detail + "; espeak-ng is not installed, so chimes only "
                                                        "(apt install espeak-ng)")
            if speech.samples("Mimic Mirror") is None:
                return Result("sound", "FAIL", f"espeak-ng cannot speak with voice {speech.voice!r} "
                                               f"([sound] voice_{self.config['user']['language']})")
            detail += f"; espeak-ng speaks with voice {speech.voice!r}"
        return Result("sound", "PASS", detail)

    # -- the camera ----------------------------------------------------------------------

    def check_mirror(self) -> Result:
        """Where the cues go: beside the reflection (with the stored calibration) or at the edges."""
        from ..reflection import calibration
        from ..reflection.follow import calibration_path

        if not self.config["mirror"]["place_cues"]:
            return Result("mirror", "SKIP", "bars at the screen's edges ([mirror] place_cues = false)")
        path = calibration_path(self.config)
        offset = calibration.load(path)
        if not offset:
            return Result("mirror", "PASS", "bars beside the reflection; not calibrated yet: run "
                                            "`mimicmirror calibrate` once to line them up with it")
        return Result("mirror", "PASS", f"bars beside the reflection; {offset.describe()} ({path})")

    def check_camera(self) -> list[Result]:
        from ..camera import open_camera
        from ..camera.base import CameraError, EndOfFrames
        from ..errors import UserError

        section = self.config["camera"]
        self.show(self.said["title"], self.said["camera_line"])
        try:
            camera = open_camera(section)
            camera.start()
        except (CameraError, UserError) as e:
            return [Result("camera", "FAIL", str(e)), Result("face", "FAIL", "no pictures to look at")]
        try:
            frames = []
            try:
                while len(frames) < 2 or frames[-1].t - frames[0].t < 1.0:
                    frames.append(camera.read(section["timeout_seconds"]))
            except EndOfFrames:
                pass
            except CameraError as e:
                return [Result("camera", "FAIL", f"{e} (after {len(frames)} pictures)"),
                        Result("face", "FAIL", "no pictures to look at")]
            if not frames:
                return [Result("camera", "FAIL", "no pictures came"), Result("face", "FAIL", "no pictures to look at")]
            height, width = frames[0].rgb.shape[:2]
            span = frames[-1].t - frames[0].t
            rate = f", {(len(frames) - 1) / span:.1f} pictures/s" if span > 0 else ""
            return [Result("camera", "PASS", f"{width}x{height}{rate} ({section['source']})"),
                    self.check_face(camera, frames)]
        finally:
            camera.stop()

    def check_face(self, camera: Any, frames: list) -> Result:
        from ..camera.base import CameraError
        from ..face.analyzer import Analyzer
        from ..face.types import QUALITY_REASONS

        start = frames[0].t
        with Analyzer(static=False) as analyzer:
            while True:
                for frame in frames:
                    analysis = analyzer.analyze(frame.rgb, frame.t)
                    if analysis.face:
                        note = ("" if analysis.quality.ok else
                                f"; {QUALITY_REASONS.get(analysis.quality.reason, analysis.quality.reason)}")
                        return Result("face", "PASS", f"a face is in view{note}")
                if frames and frames[-1].t - start >= self.face_within:
                    break
                try:
                    frames = [camera.read(self.config["camera"]["timeout_seconds"])]
                except CameraError:
                    break
        return Result("face", "FAIL", f"no face seen in {self.face_within:g} s: stand in front of the "
                                      "mirror, check the light and that nothing covers the lens")

    # -- the buttons ---------------------------------------------------------------------

    def check_buttons(self) -> list[Result]:
        from ..controls.buttons import open_buttons
        from ..errors import UserError
        from ..events import ButtonName

        section = self.config["buttons"]
        if section["backend"] == "none":
            return [Result("buttons", "SKIP", "[buttons] backend = \"none\"")]
        try:
            buttons = open_buttons(section, self.clock, display=self.display)
        except UserError as e:
            return [Result("buttons", "FAIL", str(e))]
        names = PRESS_NAMES[section["backend"]]
        pump = self.display.pump if self.display is not None else None   # the window's keys, for the buttons
        try:
            return [self.check_button(buttons, name, names[name.value], pump) for name in ButtonName
                    if name.value in names]             # each physical button (not "both held")
        finally:
            buttons.close()

    def check_button(self, buttons: Any, name: Any, key: str, pump: Callable | None) -> Result:
        from ..language import REFERENCE, language

        buttons.events(pump() if pump is not None else ())   # a press from before the prompt does not count
        self.show(self.said["press"].format(button=self.said[key]))
        label = language(REFERENCE).check[key]               # the terminal's words are English
        self.out(f"Press {label} now (within {self.press_within:g} s) ...")
        deadline = self.clock.monotonic() + self.press_within
        others = set()
        while self.clock.monotonic() < deadline:
            for event in buttons.events(pump() if pump is not None else ()):
                if event.button == name:
                    return Result(f"{name.value} button", "PASS", f"{label} pressed")
                others.add(event.button.value.upper())
            self.clock.sleep(0.02)
        wrong = f" (only {', '.join(sorted(others))} was pressed: are the wires swapped?)" if others else ""
        return Result(f"{name.value} button", "FAIL", f"no press of {label} within {self.press_within:g} s{wrong}")


def _lit_pixels() -> int:
    """How many pixels of the window are not black, read back from the drawn surface."""
    import numpy as np
    import pygame

    surface = pygame.display.get_surface()
    if surface is None:
        return 0
    return int(np.count_nonzero(pygame.surfarray.array3d(surface).max(axis=2) > 64))
