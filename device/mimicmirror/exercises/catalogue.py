"""The therapist's programme file (config/exercises.toml) -> validated, frozen data.

Everything the engine coaches by comes from here: the exercises, the rules and
their thresholds, the cue texts, the pace of a session and the programmes.
Each key's type and limits are data (the `*_FIELDS` tables); a mistake is one
`ConfigError` line naming the file, the table (exercise or programme) and the key.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..config import read_toml
from ..errors import ConfigError
from ..face.measures import MEASURE_NAMES, UNITS
from ..sides import Side, other

GROUPS = ("massage", "mimic", "eyelid", "other")
KINDS = ("guided", "tracked")
SIDE_MODES = ("both", "affected", "unaffected", "left", "right", "each")
#: Measures that are clearly positive on a relaxed face, so a change can be a fraction of it.
QUIET_MEASURES = ("eye_opening", "brow_height", "inner_brow", "mouth_corner_excursion",
                  "nose_ala", "cheek", "mouth_width")


@dataclass(frozen=True)
class Field:
    """One key of a table: its type, default (None = required), limits and choices."""

    type: type | tuple[type, ...]
    default: Any = None
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    placeholders: tuple[str, ...] | None = None  # allowed {names} in a text

    def describe(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {str: "text", int: "whole number", float: "number", bool: "true or false",
                list: "list", dict: "table"}.get(self.type if isinstance(self.type, type) else float, "value")
        if self.min is not None and self.max is not None:
            return f"a {kind} from {self.min} to {self.max}"
        if self.min is not None:
            return f"a {kind} of at least {self.min}"
        return f"a {kind}"


RULES_FIELDS: Mapping[str, Field] = {
    "overactivity_ratio": Field(float, 1.5, min=1.0, max=10.0),
    "overactivity_reps": Field(int, 2, min=1, max=20),
    "break_after_warnings": Field(int, 2, min=1, max=20),
    "break_seconds": Field(float, 60.0, min=5, max=900),
    "fatigue_falls": Field(int, 2, min=1, max=20),
    "fatigue_drop": Field(float, 0.3, min=0.05, max=0.95),
    "noise_floor": Field(float, 0.15, min=0.01, max=0.9),
    "target_low": Field(float, 0.6, min=0.1, max=1.0),
    "target_high": Field(float, 1.4, min=1.0, max=5.0),
    "start_threshold": Field(float, 0.35, min=0.05, max=1.0),
    "release_threshold": Field(float, 0.2, min=0.01, max=1.0),
    "smoothing_frames": Field(int, 3, min=1, max=15),
    "min_rep_seconds": Field(float, 0.4, min=0.0, max=10.0),
    "hold_grace_seconds": Field(float, 5.0, min=1.0, max=60.0),
    "neutral_stillness": Field(float, 5.0, min=0.5, max=50.0),
}

FLOW_FIELDS: Mapping[str, Field] = {
    "greeting_seconds": Field(float, 5.0, min=1, max=60),
    "instruction_seconds": Field(float, 6.0, min=1, max=120),
    "rest_seconds": Field(float, 2.0, min=0, max=60),
    "exercise_summary_seconds": Field(float, 5.0, min=1, max=120),
    "session_summary_seconds": Field(float, 45.0, min=5, max=3600),
    "cue_seconds": Field(float, 4.0, min=1, max=60),
    "no_movement_hint_seconds": Field(float, 20.0, min=3, max=600),
    "paused_end_seconds": Field(float, 600.0, min=30, max=86400),
}

_SIDE_TEXT = ("side", "other")
_STRONG_TEXT = ("side", "strong")

QUIET_FIELDS: Mapping[str, Field] = {
    "direction": Field(int, choices=(1, -1)),
    "max_change": Field(float, min=0.01, max=1.0),
    "min_seconds": Field(float, 0.5, min=0.0, max=10.0),
    "cue": Field(str, placeholders=_STRONG_TEXT),
}

CUE_IDS = ("overactivity", "break", "fatigue", "more", "less", "hold", "release", "relax",
           "again", "no_movement", "stop", "no_face", "several_faces", "face_too_small",
           "head_turned", "head_tilted")
CUES_FIELDS: Mapping[str, Field] = {name: Field(str, placeholders=_STRONG_TEXT) for name in CUE_IDS}

EXERCISE_FIELDS: Mapping[str, Field] = {
    "group": Field(str, choices=GROUPS),
    "title": Field(str, placeholders=_SIDE_TEXT),
    "part": Field(str),
    "kind": Field(str, choices=KINDS),
    "cues": Field(list, placeholders=_SIDE_TEXT),
    "moves": Field(list, ()),
    "reps": Field(int, 0, min=1, max=50),
    "hold_seconds": Field(float, 0.0, min=0, max=30),
    "seconds": Field(float, 0.0, min=1, max=1800),
    "side": Field(str, "both", choices=SIDE_MODES),
    "assist": Field(str, "", placeholders=_SIDE_TEXT),
    "caution": Field(str, "", placeholders=_SIDE_TEXT),
    "quiet": Field(list, ()),
    "passage": Field(str, ""),
    "enabled": Field(bool, True),
}
TRACKED_ONLY = ("moves", "reps", "hold_seconds", "quiet")
GUIDED_ONLY = ("seconds", "passage")

MOVE_FIELDS: Mapping[str, Field] = {
    "measure": Field(str, choices=MEASURE_NAMES),
    "direction": Field(int, choices=(1, -1)),
    "target": Field(float, min=0.001, max=90.0),
}

PROGRAMME_FIELDS: Mapping[str, Field] = {
    "title": Field(str),
    "exercises": Field(list),
    "dose": Field(dict, {}),
}
DOSE_FIELDS: Mapping[str, Field] = {k: EXERCISE_FIELDS[k] for k in ("reps", "hold_seconds", "seconds")}

TOP_LEVEL = ("rules", "flow", "quiet", "cues", "exercises", "programmes")


@dataclass(frozen=True)
class Move:
    """A measure an exercise moves: direction of the wanted change and the target size."""

    measure: str
    direction: int
    target: float


@dataclass(frozen=True)
class QuietRule:
    """A measure that must stay still on the affected side (synkinesis watch)."""

    measure: str
    direction: int
    max_change: float
    min_seconds: float
    cue: str


@dataclass(frozen=True)
class Rules:
    overactivity_ratio: float
    overactivity_reps: int
    break_after_warnings: int
    break_seconds: float
    fatigue_falls: int
    fatigue_drop: float
    noise_floor: float
    target_low: float
    target_high: float
    start_threshold: float
    release_threshold: float
    smoothing_frames: int
    min_rep_seconds: float
    hold_grace_seconds: float
    neutral_stillness: float


@dataclass(frozen=True)
class Flow:
    greeting_seconds: float
    instruction_seconds: float
    rest_seconds: float
    exercise_summary_seconds: float
    session_summary_seconds: float
    cue_seconds: float
    no_movement_hint_seconds: float
    paused_end_seconds: float


@dataclass(frozen=True)
class Exercise:
    id: str
    group: str
    title: str
    part: str
    kind: str
    cues: tuple[str, ...]
    moves: tuple[Move, ...] = ()
    reps: int = 0
    hold_seconds: float = 0.0
    seconds: float = 0.0
    side: str = "both"
    assist: str = ""
    caution: str = ""
    quiet: tuple[str, ...] = ()
    passage: str = ""
    enabled: bool = True

    @property
    def tracked(self) -> bool:
        return self.kind == "tracked"

    def sides_in_order(self, affected: Side) -> tuple[Side | None, ...]:
        """The sets this exercise runs: None = both sides at once, else one side alone."""
        if self.side == "both":
            return (None,)
        if self.side == "each":
            return (affected, other(affected))
        if self.side == "affected":
            return (affected,)
        if self.side == "unaffected":
            return (other(affected),)
        return (self.side,)  # type: ignore[return-value]


@dataclass(frozen=True)
class Catalogue:
    """The whole file: every exercise and programme, plus the rules they share."""

    path: Path
    rules: Rules
    flow: Flow
    quiet: Mapping[str, QuietRule]
    cues: Mapping[str, str]
    exercises: Mapping[str, Exercise]
    programmes: Mapping[str, "Programme"]


@dataclass(frozen=True)
class Programme:
    """One named programme, dosed, with the rules and texts it runs by."""

    name: str
    title: str
    path: Path
    exercises: tuple[Exercise, ...]
    rules: Rules
    flow: Flow
    quiet: Mapping[str, QuietRule]
    cues: Mapping[str, str]

    @property
    def tracked(self) -> bool:
        """Whether any exercise is measured (and so a neutral face is needed)."""
        return any(e.tracked for e in self.exercises)

    def settings(self) -> dict[str, object]:
        """The settings in force, for the session record."""
        out: dict[str, object] = {"programme": self.name}
        out.update({f"rules.{f.name}": getattr(self.rules, f.name) for f in fields(Rules)})
        out.update({f"flow.{f.name}": getattr(self.flow, f.name) for f in fields(Flow)})
        out["exercises"] = tuple(e.id for e in self.exercises)
        return out


class _Where:
    """Builds the one-line messages: file, table, key, value, what is allowed."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, table: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: [{table}] {message}")

    def check(self, table: str, key: str, field: Field, value: Any) -> Any:
        bad = self.fail(table, f"{key} = {value!r}: must be {field.describe()}")
        types = field.type if isinstance(field.type, tuple) else (field.type,)
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            raise bad
        if field.choices is not None and value not in field.choices:
            raise bad
        if field.min is not None and value < field.min or field.max is not None and value > field.max:
            raise bad
        if field.placeholders is not None:
            for text in value if isinstance(value, list) else [value]:
                if not isinstance(text, str):
                    raise self.fail(table, f"{key}: {text!r} must be text")
                self._placeholders(table, key, text, field.placeholders)
        return value

    def _placeholders(self, table: str, key: str, text: str, allowed: tuple[str, ...]) -> None:
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text)
                      if name is not None]
        except ValueError:
            raise self.fail(table, f"{key} = {text!r}: unbalanced braces") from None
        for name, spec, conv in fields:
            if name not in allowed:
                raise self.fail(table, f"{key} = {text!r}: unknown placeholder {{{name}}} "
                                       f"(known: {', '.join('{' + a + '}' for a in allowed)})")
            if spec or conv:   # the mirror fills in a plain word; anything else would fail mid-session
                raise self.fail(table, f"{key} = {text!r}: write the placeholder plainly, as {{{name}}}")

    def table(self, table: str, data: Any, spec: Mapping[str, Field], prefix: str = "") -> dict[str, Any]:
        """Check one TOML table against its spec; fill defaults; reject unknown keys.

        `prefix` names a table nested under a key (e.g. "moves[0]."), for the message.
        """
        if not isinstance(data, dict):
            raise self.fail(table, f"{prefix.rstrip('.') or 'this'} must be a table")
        for key in data:
            if key not in spec:
                raise self.fail(table, f"unknown key {prefix}{key} (known: {', '.join(spec)})")
        out = {}
        for key, field in spec.items():
            if key in data:
                out[key] = self.check(table, prefix + key, field, data[key])
            elif field.default is None:
                raise self.fail(table, f"{prefix}{key} is missing")
            else:
                out[key] = field.default
        return out


def _exercise(where: _Where, eid: str, data: Any, quiet: Mapping[str, QuietRule]) -> Exercise:
    table = f"exercises.{eid}"
    given = data if isinstance(data, dict) else {}
    raw = where.table(table, data, EXERCISE_FIELDS)
    kind = raw["kind"]
    wrong = GUIDED_ONLY if kind == "tracked" else TRACKED_ONLY
    for key in wrong:
        if key in given:
            raise where.fail(table, f"{key}: not used by a {kind} exercise")
    if kind == "tracked":
        for key in ("moves", "reps"):
            if key not in given:
                raise where.fail(table, f"{key} is missing (a tracked exercise needs it)")
        if not raw["moves"]:
            raise where.fail(table, "moves: a tracked exercise needs at least one move")
    elif "seconds" not in given:
        raise where.fail(table, "seconds is missing (a guided exercise needs it)")
    moves = []
    for i, m in enumerate(raw["moves"]):
        mv = where.table(table, m, MOVE_FIELDS, prefix=f"moves[{i}].")
        if i == 0 and UNITS[mv["measure"]] != "iid":
            raise where.fail(table, f"moves[0] measure = {mv['measure']!r}: the first move must be "
                                    "a length (it is the recorded movement)")
        moves.append(Move(**mv))
    if len({m.measure for m in moves}) != len(moves):
        raise where.fail(table, "moves: a measure is listed twice")
    for name in raw["quiet"]:
        if name not in quiet:
            raise where.fail(table, f"quiet: unknown quiet measure {name!r} "
                                    f"(known: {', '.join(quiet) or 'none: add a [quiet.<measure>] table'})")
        if any(m.measure == name for m in moves):
            raise where.fail(table, f"quiet: {name!r} is one of the exercise's own moves")
    if not raw["cues"]:
        raise where.fail(table, "cues: needs at least one line")
    raw.update(moves=tuple(moves), cues=tuple(raw["cues"]), quiet=tuple(raw["quiet"]))
    return Exercise(id=eid, **raw)


def _rules(where: _Where, data: Any) -> Rules:
    r = Rules(**where.table("rules", data, RULES_FIELDS))
    if not r.release_threshold < r.start_threshold <= r.target_low < 1.0 < r.target_high:
        raise where.fail("rules", "thresholds must satisfy release_threshold < start_threshold "
                                  "<= target_low < 1 < target_high")
    if r.noise_floor >= r.start_threshold:
        raise where.fail("rules", f"noise_floor = {r.noise_floor!r}: must be below start_threshold")
    return r


def _quiet(where: _Where, data: Any) -> dict[str, QuietRule]:
    if not isinstance(data, dict):
        raise ConfigError(f"{where.path}: [quiet] must be a table of [quiet.<measure>] tables")
    out = {}
    for name, table in data.items():
        if name not in QUIET_MEASURES:
            raise where.fail(f"quiet.{name}", f"not a measure that can be watched "
                                              f"(known: {', '.join(QUIET_MEASURES)})")
        out[name] = QuietRule(measure=name, **where.table(f"quiet.{name}", table, QUIET_FIELDS))
    return out


def _programme(where: _Where, name: str, data: Any, catalogue: Catalogue) -> Programme:
    table = f"programmes.{name}"
    raw = where.table(table, data, PROGRAMME_FIELDS)
    ids = raw["exercises"]
    for eid in ids:
        if not isinstance(eid, str):
            raise where.fail(table, f"exercises: {eid!r} is not an exercise id (write it in quotes)")
        if eid not in catalogue.exercises:
            raise where.fail(table, f"exercises: unknown exercise {eid!r}")
    if len(set(ids)) != len(ids):
        raise where.fail(table, "exercises: an exercise is listed twice")
    dosed = {}
    for eid, dose in raw["dose"].items():
        if eid not in ids:
            raise where.fail(table, f"dose.{eid}: not in this programme's exercises")
        values = where.table(table, dose, DOSE_FIELDS, prefix=f"dose.{eid}.")
        ex = catalogue.exercises[eid]
        for key in dose:
            if (key in TRACKED_ONLY) != ex.tracked:
                raise where.fail(table, f"dose.{eid}.{key}: not used by a {ex.kind} exercise")
        dosed[eid] = replace(ex, **{k: values[k] for k in dose})
    exercises = tuple(dosed.get(eid, catalogue.exercises[eid]) for eid in ids)
    exercises = tuple(e for e in exercises if e.enabled)
    if not exercises:
        raise where.fail(table, "exercises: no enabled exercise left")
    return Programme(name=name, title=raw["title"], path=catalogue.path, exercises=exercises,
                     rules=catalogue.rules, flow=catalogue.flow, quiet=catalogue.quiet,
                     cues=catalogue.cues)


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and validate the whole programme file."""
    path = Path(path)
    where = _Where(path)
    data = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL:
            raise ConfigError(f"{path}: unknown table [{key}] (known: {', '.join(TOP_LEVEL)})")
    for key in ("exercises", "programmes"):
        if not isinstance(data.get(key), dict) or not data[key]:
            raise ConfigError(f"{path}: [{key}] is missing or empty")
    rules = _rules(where, data.get("rules", {}))
    flow = Flow(**where.table("flow", data.get("flow", {}), FLOW_FIELDS))
    quiet = _quiet(where, data.get("quiet", {}))
    cues = where.table("cues", data.get("cues", {}), {k: replace(f, default=None) for k, f in CUES_FIELDS.items()})
    exercises = {eid: _exercise(where, eid, table, quiet) for eid, table in data["exercises"].items()}
    cat = Catalogue(path, rules, flow, MappingProxyType(quiet), MappingProxyType(cues),
                    MappingProxyType(exercises), MappingProxyType({}))
    programmes = {name: _programme(where, name, table, cat) for name, table in data["programmes"].items()}
    return replace(cat, programmes=MappingProxyType(programmes))


def load_programme(path: Path | str, name: str) -> Programme:
    """The named programme from the file; a one-line ConfigError when anything is wrong."""
    cat = load_catalogue(path)
    if name not in cat.programmes:
        raise ConfigError(f"{cat.path}: no programme {name!r} (known: {', '.join(cat.programmes)})")
    return cat.programmes[name]
