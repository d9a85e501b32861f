"""`mimicmirror calibrate` with a person at the glass: real face, real model, real drawing.

The camera is really 12 mm higher and 8 mm further left than the settings
say (a ruler's mistake). A virtual person stands 55 cm away; when the rings
appear they move until their eyes' reflection sits in them, and press NEXT.
Afterwards the geometry puts their eyes where they really are.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from mimicmirror.camera.base import Frame
from mimicmirror.clock import SimClock
from mimicmirror.commands.calibrate import calibrate
from mimicmirror.config import defaults, validate
from mimicmirror.display.renderer import open_display
from mimicmirror.events import ButtonEvent
from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.landmarks import LandmarkDetector
from mimicmirror.reflection import calibration
from mimicmirror.reflection.follow import calibration_path, mounting_from
from mimicmirror.reflection.geometry import reflect
from mimicmirror.screen import ScreenKind
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.stand import Placed, Stand

FRAME = (640, 480)


class Conf(dict):
    def __init__(self, sections, state):
        super().__init__(sections)
        self.state = state

    def state_path(self, value):
        return self.state / value


def settings(state: Path) -> Conf:
    """The shipped settings, drawn off-screen, with the state (the stored offset) under `state`."""
    sections = {s: dict(v) for s, v in defaults().sections.items()}
    sections["display"].update(driver="dummy", fps=60)
    return Conf(validate(sections), state)


@pytest.fixture(scope="module")
def photo():
    face = load_face("grace_hopper")
    with LandmarkDetector() as detector:
        return face, detector.detect(face)[0]


class Person:
    """Stands somewhere; once the rings show, steps so the eyes' reflection sits in them, then NEXT."""

    def __init__(self, truth, photo, clock):
        self.truth, self.clock = truth, clock
        self.face, self.landmarks = photo
        self.stand = Stand(550.0, 100.0, 20.0)
        self.placed = Placed(self.stand, truth, self.landmarks, FRAME)
        self.aligned_at = None
        self.presses = []

    # the camera
    def start(self):
        pass

    def stop(self):
        pass

    def get(self, timeout):
        self.clock.advance(1 / 15)
        return Frame(self.placed.frame(self.face), self.clock.monotonic())

    # the display
    def saw(self, screen):
        if screen.kind == ScreenKind.CALIBRATION and screen.marks and self.aligned_at is None:
            (x0, y0), (x1, y1) = screen.marks
            eye = np.array([(x0 + x1) / 2, (y0 + y1) / 2]) * self.truth.pixel_pitch_mm
            cam = self.truth.camera_mm
            self.stand = Stand(self.stand.distance_mm, eye[1] - cam[1], eye[0] - cam[0])
            self.placed = Placed(self.stand, self.truth, self.landmarks, FRAME)
            self.aligned_at = self.clock.monotonic()

    # the buttons
    def events(self, keys=()):
        if self.aligned_at is not None and self.clock.monotonic() - self.aligned_at > 1.0 and not self.presses:
            self.presses.append(ButtonEvent(self.clock.monotonic(), "next"))
            return list(self.presses)
        return []


class Watching:
    def __init__(self, display, person):
        self.display, self.person = display, person

    def show(self, screen, camera_rgb=None):
        self.person.saw(screen)
        self.display.show(screen)

    def pump(self):
        return []


@contextlib.contextmanager
def calibrated(config: Conf, truth, photo) -> Iterator[tuple[int, list[str], Person, Analyzer]]:
    """`mimicmirror calibrate` run to its end with the person at the glass, the camera
    really where `truth` says; its analyzer stays open inside, the display is closed after."""
    clock = SimClock(start=100.0)
    person = Person(truth, photo, clock)
    display = open_display(config["display"])
    lines: list[str] = []
    try:
        with Analyzer(static=False) as analyzer:
            status = calibrate(config, clock, camera=person, buttons=person, display=Watching(display, person),
                               analyzer=analyzer, out=lines.append)
            yield status, lines, person, analyzer
    finally:
        display.close()


def test_calibration_finds_where_the_camera_really_is(tmp_path, photo):
    config = settings(tmp_path)
    said = mounting_from(config)
    truth = replace(said, camera_above_mm=said.camera_above_mm + 12, camera_right_mm=said.camera_right_mm - 8)
    with calibrated(config, truth, photo) as (status, lines, person, analyzer):
        assert status == 0, lines
        offset = calibration.load(calibration_path(config))
        assert offset.up_mm == pytest.approx(12, abs=5) and offset.right_mm == pytest.approx(-8, abs=5)
        # the person steps elsewhere: with the stored offset the eyes land where they are
        fitted = mounting_from(config, (offset.right_mm, offset.up_mm))
        stand = Stand(450.0, 60.0, -40.0)
        picture = Placed(stand, truth, person.landmarks, FRAME).frame(person.face)
        for k in range(3):        # the tracker finds the face again after the step
            seen = analyzer.analyze(picture, 1e6 + k / 15)
        eyes_px = reflect(fitted, seen.landmarks_px, FRAME).eyes
        true_px = stand.eyes_mm(truth)[:2] / truth.pixel_pitch_mm
        assert abs(eyes_px[1] - true_px[1]) * truth.pixel_pitch_mm < 5
    assert any("Saved in" in line for line in lines)


def test_a_calibration_that_cannot_be_saved_says_so_when_it_gives_up(tmp_path, photo, monkeypatch):
    """NEXT was pressed but the file could not be written: the last line names that, not the button."""
    import mimicmirror.commands.calibrate as command

    monkeypatch.setattr(command, "GIVE_UP_S", 4.0)
    blocked = tmp_path / "state"
    blocked.write_text("a file where the state folder should be\n")
    config = settings(blocked)
    with calibrated(config, mounting_from(config), photo) as (status, lines, person, _):
        assert status == 1
        assert person.presses, "the person never pressed NEXT"
        assert any(line.startswith("Not saved: ") for line in lines), lines
        assert lines[-1].startswith("Calibration stopped: the offset could not be saved (")
        assert lines[-1].endswith("); nothing changed.")
        assert blocked.read_text() == "a file where the state folder should be\n"
