"""One way to check a settings file, used by the device config, the programme and the scenarios.

A file is a set of TOML tables; each table's keys are described by `Field`s
(type, default, limits, choices, placeholders and a line of documentation).
`Problems` walks a file and collects *every* mistake as one line naming the
file, the table, the key, the value and what is allowed, e.g.

    /etc/mimicmirror/mimicmirror.toml: [user] daily_sessions = 9: must be a whole number from 1 to 6

so `mimicmirror config check` can list them all at once, while the service and
the rig stop at the first (`Problems.raise_first`). The allowed range is worded
in one place (`Field.allowed`), so the three files speak alike. Adding a key is
one `Field(...)` line in the table that owns it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import ConfigError


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a field that must be given.
REQUIRED: Any = _Required()

#: How a value's type is named to a caregiver or therapist.
TYPE_NAMES: Mapping[type, str] = {int: "a whole number", float: "a number", str: "text",
                                  bool: "true or false", list: "a list", dict: "a table"}


@dataclass(frozen=True)
class Field:
    """One key: its type, default (REQUIRED: must be given), limits, choices, and why it exists.

    `placeholders` lists the `{names}` a text (or each text of a list) may use; the
    mirror fills them in mid-session, so anything else is refused when the file loads.
    """

    type: type
    default: Any = REQUIRED
    doc: str = ""
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    placeholders: tuple[str, ...] | None = None
    nonempty: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def allowed(self) -> str:
        """What the value may be, in words: 'one of ...', 'a number from 2 to 30', ..."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = TYPE_NAMES[self.type]
        if self.nonempty:
            kind = f"{kind} that is not empty"
        if self.min is not None and self.max is not None:
            return f"{kind} from {self.min:g} to {self.max:g}"
        if self.min is not None:
            return f"{kind} of at least {self.min:g}"
        if self.max is not None:
            return f"{kind} of at most {self.max:g}"
        return kind

    def check(self, value: Any) -> Any:
        """The value, converted (a whole number where a number is asked for becomes a float).

        Raises ValueError with what follows the key in the message (" = 9: must be ...").
        """
        given = value
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        wrong_type = isinstance(value, bool) and self.type is not bool or not isinstance(value, self.type)
        if (wrong_type or self.choices is not None and value not in self.choices
                or self.min is not None and value < self.min or self.max is not None and value > self.max
                or self.nonempty and not value):
            raise ValueError(f" = {given!r}: must be {self.allowed()}")
        if self.placeholders is not None:
            for text in value if isinstance(value, list) else [value]:
                if not isinstance(text, str):
                    raise ValueError(f": {text!r} must be text")
                _check_placeholders(text, self.placeholders)
        return value


def _check_placeholders(text: str, allowed: tuple[str, ...]) -> None:
    try:
        used = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        raise ValueError(f" = {text!r}: unbalanced braces") from None
    for name, spec, conv in used:
        if name not in allowed:
            known = ", ".join("{" + a + "}" for a in allowed) or "none"
            raise ValueError(f" = {text!r}: unknown placeholder {{{name}}} (known: {known})")
        if spec or conv:   # the mirror fills in a plain word; anything else would fail mid-session
            raise ValueError(f" = {text!r}: write the placeholder plainly, as {{{name}}}")


class Problems:
    """Every mistake found in one file, each one line: "FILE: [TABLE] KEY = VALUE: must be ..."."""

    def __init__(self, file: str | Path) -> None:
        self.file = str(file)
        self.lines: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def add(self, table: str | None, message: str) -> None:
        """Note one mistake; `table` is the TOML table it is in (None: the file as a whole)."""
        self.lines.append(f"{self.file}: [{table}] {message}" if table else f"{self.file}: {message}")

    def raise_first(self) -> None:
        """Stop at the first mistake (the service and the rig); the exception carries them all."""
        if self.lines:
            raise ConfigError(self.lines[0], problems=self.lines)

    def value(self, table: str, key: str, field: Field, value: Any) -> tuple[bool, Any]:
        """(True, the checked value), or (False, the field's default) with the mistake noted."""
        try:
            return True, field.check(value)
        except ValueError as e:
            self.add(table, f"{key}{e}")
            return False, None if field.required else field.default

    def tables(self, data: Mapping[str, Any], known: tuple[str, ...] | Mapping[str, Any],
               lists: tuple[str, ...] = ()) -> None:
        """Top-level tables: note the unknown ones and those of the wrong shape
        (`lists` are arrays of tables, [[name]])."""
        for name, value in data.items():
            if name not in known:
                self.add(None, f"unknown table [{name}] (known: {', '.join(known)})")
            elif name in lists and not isinstance(value, list):
                self.add(None, f"{name} must be a list of [[{name}]] tables")
            elif name not in lists and not isinstance(value, dict):
                self.add(None, f"{name} must be a [{name}] table")

    def table(self, table: str, data: Any, spec: Mapping[str, Field], prefix: str = "") -> dict[str, Any] | None:
        """Check one table against its fields and fill in defaults.

        Unknown keys, missing required keys and wrong values are all noted. The
        result has every field: the given value where it is right, else the default;
        a required field that is missing or wrong is left out. None when `data` is
        not a table at all. `prefix` names a table nested under a key ("moves[0].").
        """
        if not isinstance(data, dict):
            self.add(table, f"{prefix.rstrip('.') or 'this'} must be a table")
            return None
        for key in data:
            if key not in spec:
                self.add(table, f"unknown key {prefix}{key} (known: {', '.join(spec)})")
        out: dict[str, Any] = {}
        for key, field in spec.items():
            if key in data:
                ok, value = self.value(table, prefix + key, field, data[key])
                if ok or not field.required:
                    out[key] = value
            elif field.required:
                self.add(table, f"{prefix}{key} is missing")
            else:
                out[key] = field.default
        return out
