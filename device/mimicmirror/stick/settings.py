"""Settings from a stick: checked like `mimicmirror config check`, then swapped in whole.

A `mimicmirror.toml` (the device settings) and/or an `exercises.toml` (the
therapist's programme) in the stick's top folder are copied to a private
folder beside a copy of whatever the stick does not bring, and that pair is
checked by the very function `config check` uses. Only if it passes are the
device's files replaced: each old file kept as `<name>.bak`, each new one
written atomically. The first problem, or what changed, is one line.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError
from . import outcome as o
from .media import Stick, StickError

CONFIG, PROGRAMME = "mimicmirror.toml", "exercises.toml"
#: A settings file larger than this is not a settings file.
LIMIT = 512 * 1024
#: At most this many changes are named in the one line; the rest are counted.
NAMED_CHANGES = 4


def read_from_stick(stick: Stick) -> dict[str, bytes]:
    """The settings files the stick brings (may be none)."""
    found = {}
    for name in (CONFIG, PROGRAMME):
        data = stick.read(name, LIMIT)
        if data is not None:
            found[name] = data
    return found


def changes(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """('user.affected_side', 'right', 'left') for every setting that differs (named as in the file)."""
    out = []
    for section, keys in new.items():
        for key, value in keys.items():
            before = old.get(section, {}).get(key)
            if before != value:
                shown = str(value).lower() if isinstance(value, bool) else str(value)
                was = str(before).lower() if isinstance(before, bool) else str(before)
                out.append((f"{section}.{key}", shown, was))
    return out


def validated(path: Path) -> dict[str, dict[str, Any]]:
    from ..config import read_toml, validate

    try:
        return validate(read_toml(path), str(path))
    except ConfigError:   # no settings yet (or broken ones): what the device runs is the defaults
        return validate({}, "<defaults>")


def import_settings(stick: Stick, config_path: Path) -> o.Outcome | None:
    """Check the stick's settings and, if they pass, make them the device's; None if it has none."""
    from ..settings import config_problems
    from ..config import programme_path_for

    try:
        found = read_from_stick(stick)
    except StickError as e:
        return o.Outcome(o.SETTINGS_UNREADABLE, e.detail)
    if not found:
        return None
    device = {CONFIG: config_path, PROGRAMME: programme_path_for(config_path)}
    with tempfile.TemporaryDirectory(prefix="mimicmirror-stick-") as tmp:
        trial = Path(tmp)
        for name, path in device.items():
            if name in found:
                (trial / name).write_bytes(found[name])
            elif path.exists():
                shutil.copyfile(path, trial / name)
        try:
            problems = config_problems(trial / CONFIG)
        except ConfigError as e:
            problems = [str(e)]
        if problems:
            return o.Outcome(o.SETTINGS_REFUSED, problems[0].replace(f"{trial}/", ""))
        named = changes(validated(config_path), validated(trial / CONFIG)) if CONFIG in found else []
        programme_changed = PROGRAMME in found and (
            not device[PROGRAMME].exists() or device[PROGRAMME].read_bytes() != found[PROGRAMME])
        if not named and not programme_changed:
            return o.Outcome(o.SETTINGS_SAME)
        # The programme goes beside the config (where the device looks first).
        targets = {name: config_path.parent / name for name in found}
        try:
            replace_all({targets[name]: found[name] for name in found})
        except OSError as e:
            return o.Outcome(o.SETTINGS_NOT_SAVED, e.strerror or str(e))
    return o.Outcome(o.SETTINGS_CHANGED, changes=tuple(named[:NAMED_CHANGES]),
                     more=max(0, len(named) - NAMED_CHANGES), new_programme=programme_changed)


def replace_all(files: Mapping[Path, bytes]) -> None:
    """Keep each old file as .bak, write each new one atomically; on a failure put the old ones back."""
    from ..files import write_atomically

    before = {path: path.read_text(encoding="utf-8") if path.exists() else None for path in files}
    done: list[Path] = []
    try:
        for path, data in files.items():
            if before[path] is not None:
                write_atomically(path.with_name(path.name + ".bak"), before[path])
            write_atomically(path, data.decode("utf-8"))
            done.append(path)
    except OSError:
        for path in done:
            if before[path] is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, before[path])
        raise
