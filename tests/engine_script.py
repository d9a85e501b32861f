"""Hand-made measure streams for engine tests: faces that move by known amounts.

A face is the relaxed `NEUTRAL` measures plus, per side, a movement given in
"target units" of an exercise (1.0 = the exercise's target), so a test can say
"left at 0.5, right at 1.0" and know exactly what the engine should see.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from mimicmirror.config import defaults, validate, Config
from mimicmirror.events import ButtonEvent, ButtonName, CameraEvent, Event, FrameEvent, TickEvent
from mimicmirror.exercises.catalogue import Exercise, Programme, load_catalogue, load_programme
from mimicmirror.exercises.engine import Engine, Step
from mimicmirror.face.types import FrameAnalysis, Quality, SidePair
from mimicmirror.history import History

FPS = 15
DT = 1.0 / FPS

#: A plausible relaxed face (IID units; smile_angle in degrees), slightly asymmetric.
NEUTRAL: Mapping[str, SidePair] = {
    "brow_height": SidePair(0.36, 0.37),
    "inner_brow": SidePair(0.21, 0.20),
    "eye_opening": SidePair(0.12, 0.13),
    "mouth_corner_height": SidePair(-1.02, -1.00),
    "mouth_corner_excursion": SidePair(0.46, 0.47),
    "smile_angle": SidePair(4.0, 5.0),
    "nose_ala": SidePair(0.26, 0.25),
    "ala_height": SidePair(-0.62, -0.61),
    "cheek": SidePair(0.70, 0.71),
    "lip_gap": SidePair(0.01, 0.01),
    "mouth_width": SidePair(0.93, 0.93),
    "mouth_opening": SidePair(0.01, 0.01),
}


def measures(exercise: Exercise | None = None, left: float = 0.0, right: float = 0.0,
             change: Mapping[str, tuple[float, float]] | None = None) -> dict[str, SidePair]:
    """Neutral moved by `left`/`right` target units of the exercise, plus raw changes."""
    out = dict(NEUTRAL)
    for m in (exercise.moves if exercise else ()):
        base = out[m.measure]
        out[m.measure] = SidePair(base.left + m.direction * m.target * left,
                                  base.right + m.direction * m.target * right)
    for name, (dl, dr) in (change or {}).items():
        out[name] = SidePair(out[name].left + dl, out[name].right + dr)
    return out


def analysis(t: float, values: Mapping[str, SidePair] | None = None, reason: str | None = None,
             face: bool = True) -> FrameAnalysis:
    if not face:
        return FrameAnalysis(t, False, Quality(False, "no_face"))
    return FrameAnalysis(t, True, Quality(reason is None, reason), dict(values or NEUTRAL), iid_px=80.0)


def config(**sections: Mapping[str, object]) -> Config:
    """Device defaults with some settings changed, e.g. config(user={"affected_side": "right"})."""
    from types import MappingProxyType
    base = defaults()
    data = {s: dict(v) for s, v in sections.items()}
    checked = validate(data, "<test>")
    return replace(base, sections=MappingProxyType({k: MappingProxyType(v) for k, v in checked.items()}))


def programme(name: str = "standard") -> Programme:
    return load_programme(defaults().programme_path, name)


def only(*exercise_ids: str, rules: Mapping[str, object] | None = None, **dose) -> Programme:
    """A programme of just these exercises as the file defines them (undosed), optionally
    re-dosed, and with some rules changed."""
    catalogue = load_catalogue(defaults().programme_path)
    exercises = tuple(replace(catalogue.exercises[e], **dose) for e in exercise_ids)
    prog = replace(catalogue.programmes["standard"], exercises=exercises)
    return replace(prog, rules=replace(prog.rules, **(rules or {})))


def three() -> Programme:
    """Brows (one rep), a massage step, then a frown: every kind of screen in a short session."""
    prog = only("raise_brows", "massage_tapping", "frown")
    brows, massage, frown = prog.exercises
    return replace(prog, exercises=(replace(brows, reps=1), massage, frown))


@dataclass
class Driver:
    """Feeds an engine at FPS and keeps every step: the screens and records a test checks."""

    engine: Engine
    t: float = 100.0
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def of(cls, prog: Programme, history: History = History(), **sections) -> "Driver":
        return cls(Engine(prog, config(**sections), history))

    @property
    def screen(self):
        return self.engine.screen

    @property
    def records(self) -> list:
        return [r for s in self.steps for r in s.records]

    def of_type(self, kind) -> list:
        return [r for r in self.records if isinstance(r, kind)]

    def send(self, event: Event) -> Step:
        step = self.engine.handle(event)
        self.steps.append(step)
        return step

    def frame(self, values: Mapping[str, SidePair] | None = None, reason: str | None = None,
              face: bool = True) -> Step:
        self.t = round(self.t + DT, 6)
        return self.send(FrameEvent(self.t, analysis(self.t, values, reason, face)))

    def frames(self, n: int, values: Mapping[str, SidePair] | None = None, reason: str | None = None,
               face: bool = True) -> Step:
        step = None
        for _ in range(n):
            step = self.frame(values, reason, face)
        return step

    def seconds(self, s: float, values=None, reason=None, face: bool = True) -> Step:
        return self.frames(round(s * FPS), values, reason, face)

    def tick(self, s: float) -> Step:
        self.t = round(self.t + s, 6)
        return self.send(TickEvent(self.t))

    def press(self, button: str = "next", long: bool = False) -> Step:
        return self.send(ButtonEvent(self.t, ButtonName(button), long))

    def camera(self, ok: bool, reason: str = "") -> Step:
        return self.send(CameraEvent(self.t, ok, reason))

    def to_neutral(self) -> None:
        """From idle through the greeting to the relaxed-face capture."""
        self.press("next")
        self.press("next")
        assert self.engine.state.value == "neutral"

    def start(self) -> None:
        """From idle through the greeting and a clean neutral capture to the first card."""
        self.press("next")
        self.press("next")
        for _ in range(100):
            if self.engine.state.value != "neutral":
                break
            self.frame()

    def to_practice(self) -> None:
        self.start()
        self.press("next")

    def move(self, exercise: Exercise, left: float, right: float, n: int = 1,
             change: Mapping[str, tuple[float, float]] | None = None) -> Step:
        return self.frames(n, measures(exercise, left, right, change))

    def rep(self, exercise: Exercise, left: float, right: float, hold_frames: int,
            rest_frames: int = 8, change: Mapping[str, tuple[float, float]] | None = None) -> Step:
        """Rest, rise in three frames, stay for `hold_frames`, fall in two, rest three.

        With the default 3-frame smoothing the signal enters the target zone on the
        first frame of the stay and leaves it one frame after the face does.
        """
        self.move(exercise, 0, 0, rest_frames)
        for f in (0.25, 0.5, 0.75):
            self.move(exercise, left * f * 0.7, right * f * 0.7)   # below the zone on the way up
        self.move(exercise, left, right, hold_frames, change)
        for f in (0.5, 0.25):
            self.move(exercise, left * f * 0.7, right * f * 0.7)
        return self.move(exercise, 0, 0, 3)
