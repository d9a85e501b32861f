"""Every word the person sees or hears, from one catalogue per language.

The catalogues are data: `texts/<language>.toml` beside the device config
(the shipped ones in the package's defaults). English is the reference: every
other language must have every one of its texts, with the same
{placeholders}, so a missing or half-translated text is one line naming the
file and the key when the mirror starts, never a blank or an English word on
the glass. Sides are words of the language too ("left", "links").

Besides the exercises and the frame around them, a catalogue holds the words
around the exercises: the mirror's own notices, what came of a USB stick, the
settings menu, lining the bars up and what `mimicmirror check` shows on the
glass. What only engineers or a terminal read (the journal, the command
line's lines, the therapist's report) stays English and is not here.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .config import DEFAULTS_DIR, read_toml
from .errors import ConfigError
from .screen import ScreenKind

TEXTS_DIR = DEFAULTS_DIR / "texts"
REFERENCE = "en"
#: The languages that ship; a config may name any of them.
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in TEXTS_DIR.glob("*.toml")))
#: Tables whose values are all texts (or lists of lines), keyed as in the reference.
FLAT_TABLES = ("language", "screen", "display", "footers", "camera", "summary_titles", "cues", "quiet",
               "notices", "stick", "settings_menu", "line_up", "check")
EXERCISE_KEYS = ("title", "part", "cues", "assist", "caution", "passage")
#: Tables of tables, one per exercise or programme of the programme file, keyed as in the reference.
NAMED_TABLES = {"exercises": "an exercise", "programmes": "a programme"}
#: The placeholders the mirror fills in, per table (and per key of an exercise); others are mistakes.
ALLOWED = {"cues": ("side", "strong"), "quiet": ("side", "strong"), "notices": (), "line_up": (),
           "stick": ("detail", "setting", "value", "before", "n"), "check": ("button",),
           "settings_menu": ("side", "programme", "n", "setting", "value"),
           "programmes": {"title": (), "for_whom": ()},
           "exercises": {"title": ("side", "other"), "part": (), "cues": ("side", "other"),
                         "assist": ("side", "other"), "caution": ("side", "other"), "passage": ()}}


def texts_dir_for(programme_path: Path) -> Path:
    """The catalogues beside the programme file, else the shipped ones."""
    beside = Path(programme_path).parent / "texts"
    return beside if (beside / f"{REFERENCE}.toml").exists() else TEXTS_DIR


def placeholders(text: Any) -> frozenset[str]:
    """The {names} a text (or each line of a list) uses."""
    lines = text if isinstance(text, list) else [text]
    return frozenset(name for line in lines for _, name, _, _ in string.Formatter().parse(line) if name)


@dataclass(frozen=True)
class ExerciseTexts:
    title: str
    part: str
    cues: tuple[str, ...]
    assist: str = ""
    caution: str = ""
    passage: str = ""


class Words:
    """The frame's texts as attributes, named as the engine uses them (`words.KEEP_STILL`)."""

    def __init__(self, screen: Mapping[str, Any], footers: Mapping[str, str], camera: Mapping[str, list],
                 summary_titles: Mapping[str, str]) -> None:
        for key, value in screen.items():
            setattr(self, key.upper(), tuple(value) if isinstance(value, list) else value)
        kinds = {k.value: k for k in ScreenKind}
        self.FOOTERS = MappingProxyType({kinds.get(k, k): v for k, v in footers.items()})
        self.CAMERA_LINES = MappingProxyType({("" if k == "other" else k): tuple(v) for k, v in camera.items()})
        self.SUMMARY_TITLE_BY_REASON = MappingProxyType(dict(summary_titles))


@dataclass(frozen=True)
class Language:
    """One language's catalogue, checked against the reference."""

    code: str
    name: str
    path: Path
    sides: Mapping[str, str]               # "left" -> the word for it
    words: Words
    display: Mapping[str, str]             # the words the display adds itself (display/theme.py)
    cues: Mapping[str, str]
    quiet: Mapping[str, str]
    exercises: Mapping[str, ExerciseTexts]
    #: the shipped programmes' titles and who each is for ({"title": ..., "for_whom": ...}); a
    #: programme of the therapist's own carries its words in the programme file
    programmes: Mapping[str, Mapping[str, str]]
    # the words around the exercises, mostly for whoever looks after the mirror
    notices: Mapping[str, Any]    # the service's own notices as it starts or saves
    stick: Mapping[str, str]      # what came of a USB stick
    menu: Mapping[str, str]       # the settings menu on the glass
    line_up: Mapping[str, str]    # lining the bars up with the reflection
    check: Mapping[str, Any]      # what `mimicmirror check` shows on the glass

    def side(self, side: str) -> str:
        return self.sides[side]

    def all_texts(self) -> tuple[str, ...]:
        """Every text of the catalogue as written (placeholders unfilled), for checks and counts."""
        out: list[str] = []
        for value in (*vars(self.words).values(), *self.display.values(), *self.cues.values(),
                      *self.quiet.values()):
            if isinstance(value, Mapping):
                out += [x for v in value.values() for x in (v if isinstance(v, tuple) else (v,))]
            elif isinstance(value, tuple):
                out += value
            else:
                out.append(value)
        for ex in self.exercises.values():
            out += [ex.title, ex.part, *ex.cues, ex.assist, ex.caution, ex.passage]
        for words in self.programmes.values():
            out += [words["title"], words["for_whom"]]
        return tuple(t for t in out if t)


def _check_against(path: Path, data: Mapping[str, Any], reference: Mapping[str, Any]) -> None:
    """Every table and key of the reference, with the same placeholders; nothing unknown."""
    for table in (*FLAT_TABLES, *NAMED_TABLES):
        if not isinstance(data.get(table), dict):
            raise ConfigError(f"{path}: [{table}] is missing")
    for key in data:
        if key not in reference:
            raise ConfigError(f"{path}: unknown table [{key}] (known: {', '.join(reference)})")
    pairs = [(t, data[t], reference[t]) for t in FLAT_TABLES]
    for table, what in NAMED_TABLES.items():
        for eid in data[table]:
            if eid not in reference[table]:
                raise ConfigError(f"{path}: [{table}.{eid}] is not {what} of {REFERENCE}.toml")
        for eid, ref in reference[table].items():
            mine = data[table].get(eid)
            if not isinstance(mine, dict):
                raise ConfigError(f"{path}: [{table}.{eid}] is missing")
            pairs.append((f"{table}.{eid}", mine, ref))
    for table, mine, ref in pairs:
        for key in mine:
            if key not in ref:
                raise ConfigError(f"{path}: [{table}] unknown key {key} (known: {', '.join(ref)})")
        for key, ref_text in ref.items():
            if key not in mine:
                raise ConfigError(f"{path}: [{table}] {key} is missing")
            text = mine[key]
            if isinstance(ref_text, list) != isinstance(text, list) or (
                    not isinstance(text, (str, list)) or isinstance(text, list)
                    and not all(isinstance(x, str) for x in text)):
                raise ConfigError(f"{path}: [{table}] {key}: must be "
                                  f"{'a list of lines' if isinstance(ref_text, list) else 'text'} as in {REFERENCE}.toml")
            if isinstance(ref_text, str) and bool(ref_text) != bool(text):
                raise ConfigError(f"{path}: [{table}] {key} is empty" if not text else
                                  f"{path}: [{table}] {key}: {REFERENCE}.toml has no text here")
            try:
                mine_names, ref_names = placeholders(text), placeholders(ref_text)
            except ValueError:
                raise ConfigError(f"{path}: [{table}] {key} = {text!r}: unbalanced braces") from None
            allowed = ALLOWED.get(table.split(".")[0])
            allowed = allowed.get(key, ()) if isinstance(allowed, dict) else allowed
            lines = text if isinstance(text, list) else [text]
            for line in lines:
                for _, name, spec, conv in string.Formatter().parse(line):
                    if name is not None and (spec or conv):
                        raise ConfigError(f"{path}: [{table}] {key} = {line!r}: write the placeholder plainly, "
                                          f"as {{{name}}}")
                    if name is not None and allowed is not None and name not in allowed:
                        known = ", ".join("{" + a + "}" for a in allowed) or "none here"
                        raise ConfigError(f"{path}: [{table}] {key} = {line!r}: unknown placeholder {{{name}}} "
                                          f"(known: {known})")
            if mine_names != ref_names:
                want = ", ".join("{" + n + "}" for n in sorted(ref_names)) or "none"
                raise ConfigError(f"{path}: [{table}] {key} = {text!r}: placeholders must be {want}, "
                                  f"as in {REFERENCE}.toml")


def load_language(code: str, directory: Path | None = None) -> Language:
    """The catalogue for `code`, checked against the reference; one ConfigError line when wrong."""
    directory = Path(directory) if directory is not None else TEXTS_DIR
    path = directory / f"{code}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
        raise ConfigError(f"{path}: no texts for language {code!r} (known: {known})")
    reference = read_toml(directory / f"{REFERENCE}.toml")
    data = read_toml(path)
    _check_against(path, data, reference)
    sides = data["language"]
    exercises = {eid: ExerciseTexts(**{k: tuple(v) if isinstance(v, list) else v for k, v in t.items()})
                 for eid, t in data["exercises"].items()}
    return Language(code=code, name=sides["name"], path=path,
                    sides=MappingProxyType({"left": sides["left"], "right": sides["right"]}),
                    words=Words(data["screen"], data["footers"], data["camera"], data["summary_titles"]),
                    display=MappingProxyType(dict(data["display"])),
                    cues=MappingProxyType(dict(data["cues"])), quiet=MappingProxyType(dict(data["quiet"])),
                    exercises=MappingProxyType(exercises),
                    programmes=MappingProxyType({name: MappingProxyType(dict(words))
                                                 for name, words in data["programmes"].items()}),
                    notices=_lines(data["notices"]), stick=MappingProxyType(dict(data["stick"])),
                    menu=MappingProxyType(dict(data["settings_menu"])),
                    line_up=MappingProxyType(dict(data["line_up"])), check=_lines(data["check"]))


def _lines(table: Mapping[str, Any]) -> Mapping[str, Any]:
    """A table with its lists of lines as tuples (a Screen's lines)."""
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})


_LOADED: dict[tuple[str, Path], Language] = {}


def language(code: str, directory: Path | None = None) -> Language:
    """`load_language`, read once per process (for edges that only need a few words of it)."""
    key = (code, Path(directory) if directory is not None else TEXTS_DIR)
    if key not in _LOADED:
        _LOADED[key] = load_language(code, directory)
    return _LOADED[key]


def of_config(config: Any) -> Language:
    """The language a device config chooses ([user] language), from the catalogues beside its programme."""
    programme_path = getattr(config, "programme_path", None)
    return language(config["user"]["language"], texts_dir_for(programme_path) if programme_path else None)
