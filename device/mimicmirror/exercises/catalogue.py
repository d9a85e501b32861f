"""The therapist's programme file (config/exercises.toml) -> validated, frozen data.

Everything the engine coaches by comes from here: the exercises, the rules and
their thresholds, the cue texts, the pace of a session and the programmes.
Each key's type and limits are data (the `*_FIELDS` tables in `programme_fields`,
checked by the one mechanism in `schema.py`); every mistake in the file is found, each one line
naming the file, the table (exercise or programme) and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..config import read_toml
from ..errors import ConfigError
from ..language import REFERENCE, Language, load_language, texts_dir_for
from ..face.measures import UNITS
from ..schema import Problems
from ..sides import Side, other
from .programme_fields import (CUE_IDS, CUES_FIELDS, DOSE_FIELDS, EXERCISE_FIELDS, FLOW_FIELDS,  # noqa: F401
                               GROUPS, GUIDED_ONLY, KINDS, MOVE_FIELDS, PROGRAMME_FIELDS, QUIET_FIELDS,
                               QUIET_MEASURES, RULES_FIELDS, SIDE_MODES, TOP_LEVEL, TRACKED_ONLY)


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
    even_from: float
    better_from: float
    side_check_exercises: int
    side_check_share: float
    side_check_uneven_below: float


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

    @property
    def prompt(self) -> str:
        """The card's first sentence (its lines up to the first that ends one): the cue while
        practising, on the glass and in the ear. A card's first line may be half a sentence
        ("Fill your cheeks with air,"), which alone is no instruction."""
        taken = []
        for line in self.cues:
            taken.append(line.strip())
            if line.rstrip().rstrip('"\u201c\u201d').endswith((".", "!", "?")):
                break
        return " ".join(taken)

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
    language: Any = None     # language.Language: the words the exercises and cues came from


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
    #: one line saying who the programme is for (shown in the settings menu)
    for_whom: str = ""
    #: the words of the frame and the names of the sides (exercises and cues carry their own)
    language: Language | None = None

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


def _exercise(found: Problems, eid: str, data: Any, quiet: Mapping[str, QuietRule | None]) -> Exercise | None:
    """The exercise, or None when it has a mistake (each one noted). A quiet rule with
    mistakes of its own (None in `quiet`) is not blamed on the exercise too."""
    table = f"exercises.{eid}"
    before = len(found)
    raw = found.table(table, data, EXERCISE_FIELDS)
    if raw is None:
        return None
    kind = raw.get("kind")
    if kind is not None:
        wrong = GUIDED_ONLY if kind == "tracked" else TRACKED_ONLY
        for key in wrong:
            if key in data:
                found.add(table, f"{key}: not used by a {kind} exercise")
        if kind == "tracked":
            for key in ("moves", "reps"):
                if key not in data:
                    found.add(table, f"{key} is missing (a tracked exercise needs it)")
            if "moves" in data and not raw["moves"]:
                found.add(table, "moves: a tracked exercise needs at least one move")
        elif "seconds" not in data:
            found.add(table, "seconds is missing (a guided exercise needs it)")
    moves = []
    for i, m in enumerate(raw["moves"]):
        mv = found.table(table, m, MOVE_FIELDS, prefix=f"moves[{i}].")
        if mv is None or len(mv) < len(MOVE_FIELDS):
            continue
        if i == 0 and UNITS[mv["measure"]] != "iid":
            found.add(table, f"moves[0] measure = {mv['measure']!r}: the first move must be "
                             "a length (it is the recorded movement)")
        moves.append(Move(**mv))
    if len({m.measure for m in moves}) != len(moves):
        found.add(table, "moves: a measure is listed twice")
    for name in raw["quiet"]:
        if name not in quiet:
            found.add(table, f"quiet: unknown quiet measure {name!r} "
                             f"(known: {', '.join(quiet) or 'none: add a [quiet.<measure>] table'})")
        if any(m.measure == name for m in moves):
            found.add(table, f"quiet: {name!r} is one of the exercise's own moves")
    if "cues" in raw and not raw["cues"]:
        found.add(table, "cues: needs at least one line")
    if len(found) > before or any(quiet.get(name) is None for name in raw["quiet"]):
        return None
    raw.update(moves=tuple(moves), cues=tuple(raw["cues"]), quiet=tuple(raw["quiet"]))
    return Exercise(id=eid, **raw)


def _rules(found: Problems, data: Any) -> Rules:
    """The rules; a wrong value is noted and its default used, so later checks still run."""
    given = found.table("rules", data, RULES_FIELDS)
    r = Rules(**(given or {k: f.default for k, f in RULES_FIELDS.items()}))
    if not r.release_threshold < r.start_threshold <= r.target_low < 1.0 < r.target_high:
        found.add("rules", "thresholds must satisfy release_threshold < start_threshold "
                           "<= target_low < 1 < target_high")
    if r.noise_floor >= r.start_threshold:
        found.add("rules", f"noise_floor = {r.noise_floor!r}: must be below start_threshold")
    return r


def _flow(found: Problems, data: Any) -> Flow:
    given = found.table("flow", data, FLOW_FIELDS)
    return Flow(**(given or {k: f.default for k, f in FLOW_FIELDS.items()}))


def _quiet(found: Problems, data: Any) -> dict[str, QuietRule | None]:
    """The quiet rules by measure; None for one with a mistake (noted)."""
    if not isinstance(data, dict):
        found.add(None, "[quiet] must be a table of [quiet.<measure>] tables")
        return {}
    out = {}
    for name, table in data.items():
        if name not in QUIET_MEASURES:
            found.add(f"quiet.{name}", f"not a measure that can be watched (known: {', '.join(QUIET_MEASURES)})")
            continue
        before = len(found)
        values = found.table(f"quiet.{name}", table, QUIET_FIELDS)
        out[name] = QuietRule(measure=name, **values) if values and len(found) == before else None
    return out


def _programme(found: Problems, name: str, data: Any, catalogue: Catalogue,
               broken: set[str]) -> Programme | None:
    """The programme, or None when it has a mistake. An exercise with mistakes of its
    own (`broken`) is not blamed on the programme too."""
    table = f"programmes.{name}"
    before = len(found)
    raw = found.table(table, data, PROGRAMME_FIELDS)
    if raw is None or "exercises" not in raw:
        return None
    ids = raw["exercises"]
    for eid in ids:
        if not isinstance(eid, str):
            found.add(table, f"exercises: {eid!r} is not an exercise id (write it in quotes)")
        elif eid not in catalogue.exercises and eid not in broken:
            found.add(table, f"exercises: unknown exercise {eid!r}")
    ids = [eid for eid in ids if isinstance(eid, str)]
    if len(set(ids)) != len(ids):
        found.add(table, "exercises: an exercise is listed twice")
    dosed = {}
    for eid, dose in raw["dose"].items():
        if eid not in ids:
            found.add(table, f"dose.{eid}: not in this programme's exercises")
            continue
        values = found.table(table, dose, DOSE_FIELDS, prefix=f"dose.{eid}.")
        ex = catalogue.exercises.get(eid)
        if values is None or ex is None:
            continue
        for key in dose:
            if key in DOSE_FIELDS and (key in TRACKED_ONLY) != ex.tracked:
                found.add(table, f"dose.{eid}.{key}: not used by a {ex.kind} exercise")
        dosed[eid] = replace(ex, **{k: values[k] for k in dose if k in DOSE_FIELDS})
    if len(found) > before or any(eid in broken for eid in ids):
        return None
    exercises = tuple(dosed.get(eid, catalogue.exercises[eid]) for eid in ids)
    exercises = tuple(e for e in exercises if e.enabled)
    if not exercises:
        found.add(table, "exercises: no enabled exercise left")
        return None
    # the language's words for a shipped programme, else the therapist's own from the file
    words = catalogue.language.programmes.get(name, {}) if catalogue.language is not None else {}
    return Programme(name=name, title=words.get("title") or raw["title"] or name, path=catalogue.path,
                     exercises=exercises, rules=catalogue.rules, flow=catalogue.flow, quiet=catalogue.quiet,
                     cues=catalogue.cues, for_whom=words.get("for_whom") or raw["for_whom"],
                     language=catalogue.language)


#: An exercise's words: they come from the language catalogue (texts/<language>.toml).
TEXT_KEYS = ("title", "part", "cues", "assist", "caution", "passage")


def _with_words(found: Problems, data: dict[str, Any], lang: Language) -> None:
    """Put the language's words into the programme's tables, where the fields check them."""
    exercises = data.get("exercises") if isinstance(data.get("exercises"), dict) else {}
    for eid, table in exercises.items():
        if not isinstance(table, dict):
            continue
        for key in TEXT_KEYS:
            if key in table:
                found.add(f"exercises.{eid}", f"{key}: the words are in the language files "
                                              f"(texts/{REFERENCE}.toml and the others, [exercises.{eid}])")
        words = lang.exercises.get(eid)
        if words is None:
            found.add(None, f"[exercises.{eid}] has no words in {lang.path}")
            words = lang.exercises[next(iter(lang.exercises))]
        table.update({k: list(v) if isinstance(v, tuple) else v for k, v in vars(words).items() if v != ""})
    if "cues" in data:
        found.add(None, f"[cues]: the cue words are in the language files (texts/{REFERENCE}.toml, [cues])")
    for key in lang.cues:
        if key not in CUE_IDS:
            raise ConfigError(f"{lang.path}: [cues] unknown key {key} (known: {', '.join(CUE_IDS)})")
    for key in CUE_IDS:
        if key not in lang.cues:
            raise ConfigError(f"{lang.path}: [cues] {key} is missing")
    data["cues"] = dict(lang.cues)
    quiet = data.get("quiet") if isinstance(data.get("quiet"), dict) else {}
    for name, table in quiet.items():
        if isinstance(table, dict):
            if "cue" in table:
                found.add(f"quiet.{name}", f"cue: the words are in the language files (texts/{REFERENCE}.toml, [quiet])")
            if name in lang.quiet:
                table["cue"] = lang.quiet[name]


def _catalogue(path: Path, language: str = REFERENCE) -> tuple[Catalogue, Problems]:
    """The whole programme file in `language`, checked to the end: what is right, and every mistake."""
    found = Problems(path)
    data = read_toml(path)
    lang = load_language(language, texts_dir_for(path))
    _with_words(found, data, lang)
    found.tables(data, TOP_LEVEL)
    for key in ("exercises", "programmes"):
        if not isinstance(data.get(key), dict) or not data[key]:
            found.add(None, f"[{key}] is missing or empty")
    rules = _rules(found, data.get("rules", {}))
    flow = _flow(found, data.get("flow", {}))
    quiet = _quiet(found, data.get("quiet", {}))
    cues = found.table("cues", data.get("cues", {}), CUES_FIELDS) or {}
    exercise_tables = data.get("exercises") if isinstance(data.get("exercises"), dict) else {}
    exercises, broken = {}, set()
    for eid, table in exercise_tables.items():
        exercise = _exercise(found, eid, table, quiet)
        if exercise is None:
            broken.add(eid)
        else:
            exercises[eid] = exercise
    quiet_ok = {name: rule for name, rule in quiet.items() if rule is not None}
    cat = Catalogue(path, rules, flow, MappingProxyType(quiet_ok), MappingProxyType(cues),
                    MappingProxyType(exercises), MappingProxyType({}), lang)
    programme_tables = data.get("programmes") if isinstance(data.get("programmes"), dict) else {}
    programmes = {}
    for name, table in programme_tables.items():
        programme = _programme(found, name, table, cat, broken)
        if programme is not None:
            programmes[name] = programme
    return replace(cat, programmes=MappingProxyType(programmes)), found


def catalogue_problems(path: Path | str, language: str = REFERENCE) -> list[str]:
    """Every mistake in the programme file (and its words), one line each."""
    try:
        return _catalogue(Path(path), language)[1].lines
    except ConfigError as e:
        return list(e.problems)


def load_catalogue(path: Path | str, language: str = REFERENCE) -> Catalogue:
    """Read and validate the whole programme file, in `language`; the first mistake is raised."""
    cat, found = _catalogue(Path(path), language)
    found.raise_first()
    return cat


def load_programme(path: Path | str, name: str, language: str = REFERENCE) -> Programme:
    """The named programme from the file, in `language`; a one-line ConfigError when anything is wrong."""
    cat = load_catalogue(path, language)
    if name not in cat.programmes:
        raise ConfigError(f"{cat.path}: no programme {name!r} (known: {', '.join(cat.programmes)})")
    return cat.programmes[name]
