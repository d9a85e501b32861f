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


def parse_scenario(data: Mapping[str, Any], path: Path | None = None) -> Scenario:
    where = str(path) if path else "<scenario>"
    _only(data, ("rig", "person", "exercises", "happenings", "expect"), where, "")
    rig = data.get("rig", {})
    _only(rig, ("face", "fps", "programme", "affected_side", "max_seconds"), where, "rig.")
    person_data = data.get("person", {})
    _only(person_data, tuple(Person.__dataclass_fields__), where, "person.")
    person = Person(**{k: _number(v, where, f"person.{k}") if k != "leave_after_session"
                       else _boolean(v, where, f"person.{k}") for k, v in person_data.items()})
    exercise_specs = data.get("exercises", {})
    _table(exercise_specs, where, "exercises")
    exercises = {eid: _movement(spec, where, f"exercises.{eid}") for eid, spec in exercise_specs.items()}
    happening_specs = data.get("happenings", [])
    if not isinstance(happening_specs, list):
        raise ConfigError(f"{where}: happenings must be a list of [[happenings]] tables")
    happenings = tuple(_happening(h, where, f"happenings[{i}]") for i, h in enumerate(happening_specs))
    expect = data.get("expect", {})
    _only(expect, ("cues", "symmetry_tolerance"), where, "expect.")
    cue_specs = expect.get("cues", {})
    _table(cue_specs, where, "expect.cues")
    cues = {cue: _names(ids, where, f"expect.cues.{cue}") for cue, ids in cue_specs.items()}
    side = rig.get("affected_side", "left")
    if side not in ("left", "right"):
        raise ConfigError(f"{where}: rig.affected_side = {side!r}: must be 'left' or 'right'")
    fps = _number(rig.get("fps", 10), where, "rig.fps")
    if fps != int(fps) or not 1 <= fps <= 60:
        raise ConfigError(f"{where}: rig.fps = {rig['fps']!r}: must be a whole number from 1 to 60")
    return Scenario(
        name=path.stem if path else "scenario", path=path,
        face=_text(rig.get("face", "grace_hopper"), where, "rig.face"), fps=int(fps),
        programme=_text(rig.get("programme", "gentle"), where, "rig.programme"), affected_side=side,
        max_seconds=_number(rig.get("max_seconds", 1800.0), where, "rig.max_seconds"), person=person,
        exercises=exercises, happenings=happenings, expect_cues=cues,
        symmetry_tolerance=_number(expect.get("symmetry_tolerance", 0.15), where, "expect.symmetry_tolerance"))


def _table(value: Any, where: str, key: str) -> None:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {key or 'scenario'} must be a table")


def _only(table: Mapping[str, Any], allowed: tuple[str, ...], where: str, prefix: str) -> None:
    _table(table, where, prefix.rstrip("."))
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {prefix}{key} (known: {', '.join(allowed)})")


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{where}: {key} = {value!r}: must be a number of 0 or more")
    return float(value)


def _boolean(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} = {value!r}: must be true or false")
    return value


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {key} = {value!r}: must be a non-empty text")
    return value


def _names(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} = {value!r}: must be a list of exercise ids")
    return tuple(value)


def _action(name: Any, where: str, key: str) -> str:
    if name not in SIM_ACTIONS:
        raise ConfigError(f"{where}: {key} = {name!r}: must be one of {', '.join(SIM_ACTIONS)}")
    return name


def _movement(spec: Any, where: str, key: str) -> Movement:
    _only(spec, ("action", "left", "right", "also"), where, key + ".")
    also = []
    for i, extra in enumerate(spec.get("also", [])):
        _only(extra, ("action", "left", "right"), where, f"{key}.also[{i}].")
        also.append((_action(extra.get("action"), where, f"{key}.also[{i}].action"),
                     _number(extra.get("left", 0.0), where, f"{key}.also[{i}].left"),
                     _number(extra.get("right", 0.0), where, f"{key}.also[{i}].right")))
    return Movement(_action(spec.get("action"), where, f"{key}.action"),
                    _number(spec.get("left", 1.0), where, f"{key}.left"),
                    _number(spec.get("right", 1.0), where, f"{key}.right"), tuple(also))


def _happening(spec: Any, where: str, key: str) -> Happening:
    _only(spec, ("what", "kind", "at", "exercise", "after", "seconds"), where, key + ".")
    what = spec.get("what")
    if what not in HAPPENINGS:
        raise ConfigError(f"{where}: {key}.what = {what!r}: must be one of {', '.join(HAPPENINGS)}")
    kind = spec.get("kind", "")
    if what == "fault" and kind not in FAULTS:
        raise ConfigError(f"{where}: {key}.kind = {kind!r}: must be one of {', '.join(FAULTS)}")
    if what == "press" and kind not in ("next", "repeat", "next_long"):
        raise ConfigError(f"{where}: {key}.kind = {kind!r}: must be 'next', 'repeat' or 'next_long'")
    if what == "checkpoint" and not re.fullmatch(r"[a-z0-9_-]+", str(kind)):
        raise ConfigError(f"{where}: {key}.kind = {kind!r}: a checkpoint needs a name of a-z, 0-9, - and _")
    if ("at" in spec) == ("exercise" in spec):
        raise ConfigError(f"{where}: {key}: give either 'at' or 'exercise' (with 'after')")
    return Happening(what=what, kind=kind,
                     at=_number(spec["at"], where, f"{key}.at") if "at" in spec else None,
                     exercise=_text(spec["exercise"], where, f"{key}.exercise") if "exercise" in spec else None, after=_number(spec.get("after", 0.0), where, f"{key}.after"),
                     seconds=_number(spec.get("seconds", 0.0), where, f"{key}.seconds"))
