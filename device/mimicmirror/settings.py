"""A device config together with its programme file: checked, found, written safely.

The pieces every part that touches the settings shares, kept below the
commands so the service's start-up (lastgood), the settings menu on the glass,
the caregiver's USB stick and `mimicmirror config check` / `setup` / `report`
use one copy: every mistake in both files, where the installed database is,
and the commented config file (written with `files.write_atomically`).
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from .config import SERVICE_STATE_DIR
from .files import write_atomically
from .errors import ConfigError


def programme_problems(config_file: str, programme_path: Path, name: object, language: object = "en") -> list[str]:
    """The config naming a programme the programme file lacks, then every mistake in that file
    (and in the words of the config's language)."""
    from .config import LANGUAGES, read_toml
    from .exercises.catalogue import catalogue_problems

    found = catalogue_problems(programme_path, language if language in LANGUAGES else "en")
    try:
        tables = read_toml(programme_path).get("programmes")
    except ConfigError:
        return found                    # unreadable: catalogue_problems has said so
    known = list(tables) if isinstance(tables, dict) else []
    if known and isinstance(name, str) and name not in known:
        found.insert(0, f"{config_file}: [user] programme = {name!r}: must be one of "
                        f"{', '.join(repr(p) for p in known)} (the programmes in {programme_path})")
    return found


def config_problems(path: Path) -> list[str]:
    """Every mistake in a device config and the programme file beside it, one line each."""
    from .config import SCHEMA, problems, programme_path_for, read_toml

    data = read_toml(path)
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    return problems(data, str(path)) + programme_problems(
        str(path), programme_path_for(path), user.get("programme", SCHEMA["user"]["programme"].default),
        user.get("language", SCHEMA["user"]["language"].default))


def database_path(config) -> Path:
    """[store] path under the state directory; the installed service's folder when run by hand."""
    path = config.state_path(config["store"]["path"])
    unset = not (os.environ.get("STATE_DIRECTORY") or os.environ.get("MIMICMIRROR_STATE_DIR"))
    installed = SERVICE_STATE_DIR / config["store"]["path"]
    if not path.exists() and unset and not Path(config["store"]["path"]).is_absolute() and installed.exists():
        return installed
    return path


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def render(sections: Mapping[str, Mapping[str, Any]]) -> str:
    """The whole config, every key with its meaning and allowed values as a comment."""
    from .config import SCHEMA

    lines = [f"# Mimic Mirror device settings, written by `mimicmirror setup` (or the settings menu on the "
             f"mirror) on {date.today()}.",
             "# Edit freely, then check with:  mimicmirror config check",
             "# The therapist's settings (exercises, reps, holds, thresholds) are in exercises.toml.", ""]
    for section, keys in SCHEMA.items():
        lines.append(f"[{section}]")
        for name, key in keys.items():
            lines.append(f"# {key.doc}; {key.allowed()}")
            lines.append(f"{name} = {toml_value(sections[section][name])}")
        lines.append("")
    return "\n".join(lines)


def checked_text(answers: Mapping[str, Mapping[str, Any]], out: Path) -> str:
    """The commented config for `answers`, after every check `config check` makes (ConfigError if not)."""
    from .config import programme_path_for, validate

    file = str(out)
    validate(answers, file)
    mistakes = programme_problems(file, programme_path_for(out), answers["user"]["programme"],
                                  answers["user"]["language"])
    if mistakes:
        raise ConfigError(mistakes[0])
    text = render(answers)
    if validate(tomllib.loads(text), file) != answers:  # the file says exactly what was answered
        raise RuntimeError("the written config would not read back as answered")
    return text


def save(answers: Mapping[str, Mapping[str, Any]], out: Path) -> None:
    """Write the checked, commented config atomically (what the settings menu on the glass saves too)."""
    write_atomically(out, checked_text(answers, out))
