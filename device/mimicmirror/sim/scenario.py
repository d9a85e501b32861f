"""Scenario files for the virtual rig: who stands at the mirror and what happens.

A scenario (TOML) names the face, how the person behaves (when they arrive,
how long they read a card, how far each side of their face moves in each
exercise), what goes wrong (camera faults, walking away, extra button
presses), and what must come out (expected cues). Times are either absolute
scenario seconds (`at`) or seconds after an exercise's practice first appears
(`exercise` + `after`), because the session's pace is the engine's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..config import read_toml
from ..errors import ConfigError
from ..schema import Field, Problems
from .actions import ACTIONS, LID_ACTION

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
SIM_ACTIONS = (*ACTIONS, LID_ACTION)
FAULTS = ("timeout", "disconnect", "black", "busy")
HAPPENINGS = ("fault", "away", "press", "checkpoint")   # checkpoint: a named screenshot


@dataclass(frozen=True)
class Movement:
    """What the face does in one exercise: an action at an amplitude per side."""

    action: str
    left: float
    right: float
    also: tuple[tuple[str, float, float], ...] = ()   # e.g. the affected eye narrowing

    @property
    def truth_symmetry(self) -> float:
        strong = max(self.left, self.right)
        return min(self.left, self.right) / strong if strong > 0 else 1.0

    @property
    def weaker(self) -> str | None:
        if self.left == self.right:
            return None
        return "left" if self.left < self.right else "right"


@dataclass(frozen=True)
class Happening:
    """A scheduled fault, absence or button press."""

    what: str                      # "fault", "away", "press", "checkpoint"
    kind: str = ""                 # fault kind, button name for presses, a checkpoint's name
    at: float | None = None        # absolute scenario seconds
    exercise: str | None = None    # ... or relative to this exercise's first practice screen
    after: float = 0.0
    seconds: float = 0.0           # duration (faults, absences, how long a press is held)

    def anchored(self) -> bool:
        return self.exercise is not None


@dataclass(frozen=True)
class Person:
    arrive: float = 1.0            # the face appears at the mirror
    start_after: float = 2.0       # NEXT this long after the start prompt shows
    read_seconds: float = 2.0      # NEXT on an instruction card after this (0: let it run)
    summary_seconds: float = 2.0   # NEXT on an exercise summary after this (0: let it run)
    guided_seconds: float = 0.0    # NEXT on a guided step after this (0: do it all)
    move_seconds: float = 0.8      # time to reach the full movement
    leave_after_session: bool = True
    distance_mm: float = 0.0       # eyes this far from the glass (0: the photo fills the camera's view)
    below_camera_mm: float = 0.0   # eyes this far below the camera's lens
    right_of_camera_mm: float = 0.0  # eyes this far right of the lens, seen from the front


@dataclass(frozen=True)
class StickVisit:
    """A USB stick (a fresh FAT image) plugged in once the session is over and the mirror idle."""

    after_session: float = 3.0     # seconds after the mirror went idle
    kib: int = 8192                # the stick's size


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path | None
    face: str = "grace_hopper"
    fps: int = 10
    programme: str = "gentle"
    affected_side: str = "left"
    max_seconds: float = 1800.0
    person: Person = Person()
    exercises: Mapping[str, Movement] = field(default_factory=dict)
    happenings: tuple[Happening, ...] = ()
    expect_cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # cue -> exercise ids
    symmetry_tolerance: float = 0.15
    fresh_device: bool = False     # no settings file: the settings menu opens at start
    setup: Mapping[str, str] = field(default_factory=dict)   # settings the person chooses on the glass
    stick: StickVisit | None = None


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name (e.g. "demo") or any scenario file."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        bundled = SCENARIO_DIR / f"{name_or_path}.toml"
        if not bundled.exists():
            names = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
            raise ConfigError(f"{name_or_path}: no such scenario file or bundled scenario (bundled: {names})")
        path = bundled
    return parse_scenario(read_toml(path), path)


RIG_FIELDS = {
    "face": Field(str, "grace_hopper", "the bundled real face at the mirror", nonempty=True),
    "fps": Field(int, 10, "frames per second the camera serves", min=1, max=60),
    "programme": Field(str, "gentle", "which programme of the programme file to run", nonempty=True),
    "affected_side": Field(str, "left", "the side with the palsy", choices=("left", "right")),
    "max_seconds": Field(float, 1800.0, "the run stops after this much simulated time", min=0),
    "fresh_device": Field(bool, False, "no settings file yet: the settings menu opens at start"),
}
#: [setup]: what the person chooses in the settings menu on the glass (settings' own values).
SETUP_FIELDS = {
    "affected_side": Field(str, None, "the side with the palsy", choices=("left", "right")),
    "programme": Field(str, None, "a programme of the programme file", nonempty=True),
    "daily_sessions": Field(str, None, "sessions a day, as text", nonempty=True),
    "sound": Field(str, None, "voice, chimes or off", nonempty=True),
    "language": Field(str, None, "a language code, chosen where the mirror offers it", nonempty=True),
}
STICK_FIELDS = {
    "after_session": Field(float, 3.0, "seconds after the mirror went idle at the session's end", min=0),
    "kib": Field(int, 8192, "the stick's size in KiB", min=256, max=4_194_304),
}
PERSON_FIELDS = {
    "arrive": Field(float, 1.0, "the face appears at the mirror", min=0),
    "start_after": Field(float, 2.0, "NEXT this long after the start prompt shows", min=0),
    "read_seconds": Field(float, 2.0, "NEXT on an instruction card after this (0: let it run)", min=0),
    "summary_seconds": Field(float, 2.0, "NEXT on an exercise summary after this (0: let it run)", min=0),
    "guided_seconds": Field(float, 0.0, "NEXT on a guided step after this (0: do it all)", min=0),
    "move_seconds": Field(float, 0.8, "time to reach the full movement", min=0),
    "leave_after_session": Field(bool, True, "the face leaves when the session ends"),
    "distance_mm": Field(float, 0.0, "eyes this far from the glass (0: the photo fills the camera's view)",
                         min=0),
    "below_camera_mm": Field(float, 0.0, "eyes this far below the camera's lens (above: negative)",
                             min=-500, max=500),
    "right_of_camera_mm": Field(float, 0.0, "eyes this far right of the lens, seen from the front",
                                min=-500, max=500),
}
MOVEMENT_FIELDS = {
    "action": Field(str, doc="what the face does", choices=SIM_ACTIONS),
    "left": Field(float, 1.0, "amplitude of the person's left side", min=0),
    "right": Field(float, 1.0, "amplitude of the person's right side", min=0),
    "also": Field(list, [], "further actions at the same time, e.g. the affected eye narrowing"),
}
ALSO_FIELDS = {
    "action": Field(str, doc="what else the face does", choices=SIM_ACTIONS),
    "left": Field(float, 0.0, "amplitude on the left", min=0),
    "right": Field(float, 0.0, "amplitude on the right", min=0),
}
HAPPENING_FIELDS = {
    "what": Field(str, doc="what happens", choices=HAPPENINGS),
    "kind": Field(str, "", "fault kind, button, or checkpoint name"),
    "at": Field(float, None, "absolute scenario seconds", min=0),
    "exercise": Field(str, None, "... or relative to this exercise's first practice screen", nonempty=True),
    "after": Field(float, 0.0, "seconds after that screen", min=0),
    "seconds": Field(float, 0.0, "how long it lasts", min=0),
}
EXPECT_FIELDS = {
    "cues": Field(dict, {}, "cue -> the exercise ids where it must be given (and nowhere else)"),
    "symmetry_tolerance": Field(float, 0.15, "how far a measured symmetry may be from the true one", min=0),
}
KIND_OF = {"fault": FAULTS, "press": ("next", "repeat", "next_long")}


def parse_scenario(data: Mapping[str, Any], path: Path | None = None) -> Scenario:
    """The scenario; the first mistake is raised, naming the file, the table and the key."""
    found = Problems(path or "<scenario>")
    found.tables(data, ("rig", "person", "exercises", "happenings", "expect", "setup", "stick"),
                 lists=("happenings",))
    rig = _section(found, "rig", data, RIG_FIELDS)
    setup = {k: v for k, v in _section(found, "setup", data, SETUP_FIELDS).items() if v is not None}
    stick = StickVisit(**_section(found, "stick", data, STICK_FIELDS)) if "stick" in data else None
    person = _section(found, "person", data, PERSON_FIELDS)
    expect = _section(found, "expect", data, EXPECT_FIELDS)
    exercises = {}
    specs = data.get("exercises", {})
    for eid, spec in (specs.items() if isinstance(specs, dict) else ()):
        movement = _movement(found, f"exercises.{eid}", spec)
        if movement is not None:
            exercises[eid] = movement
    specs = data.get("happenings", [])
    happenings = [_happening(found, f"happenings[{i}]", h) for i, h in enumerate(specs if isinstance(specs, list) else ())]
    cues = {}
    for cue, ids in expect["cues"].items():
        if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
            found.add("expect", f"cues.{cue} = {ids!r}: must be a list of exercise ids")
        else:
            cues[cue] = tuple(ids)
    found.raise_first()
    return Scenario(name=path.stem if path else "scenario", path=path, person=Person(**person),
                    exercises=exercises, happenings=tuple(h for h in happenings if h is not None),
                    expect_cues=cues, symmetry_tolerance=expect["symmetry_tolerance"], setup=setup, stick=stick,
                    **rig)


def _section(found: Problems, name: str, data: Mapping[str, Any], spec: Mapping[str, Field]) -> dict[str, Any]:
    """A table's values; defaults where it is missing or wrong (the mistake is noted)."""
    values = found.table(name, data.get(name, {}), spec) if isinstance(data.get(name, {}), dict) else None
    return values or {key: field.default for key, field in spec.items()}


def _movement(found: Problems, table: str, spec: Any) -> Movement | None:
    raw = found.table(table, spec, MOVEMENT_FIELDS)
    if raw is None:
        return None
    also = []
    for i, extra in enumerate(raw["also"]):
        a = found.table(table, extra, ALSO_FIELDS, prefix=f"also[{i}].")
        if a and "action" in a:
            also.append((a["action"], a["left"], a["right"]))
    return Movement(raw["action"], raw["left"], raw["right"], tuple(also)) if "action" in raw else None


def _happening(found: Problems, table: str, spec: Any) -> Happening | None:
    raw = found.table(table, spec, HAPPENING_FIELDS)
    if raw is None or "what" not in raw:
        return None
    what, kind = raw["what"], raw["kind"]
    if what in KIND_OF and kind not in KIND_OF[what]:
        found.add(table, f"kind = {kind!r}: must be one of {', '.join(repr(k) for k in KIND_OF[what])}")
    if what == "checkpoint" and not re.fullmatch(r"[a-z0-9_-]+", kind):
        found.add(table, f"kind = {kind!r}: a checkpoint needs a name of a-z, 0-9, - and _")
    if ("at" in spec) == ("exercise" in spec):
        found.add(table, "give either 'at' or 'exercise' (with 'after')")
    return Happening(**raw)
