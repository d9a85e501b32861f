"""`mimicmirror config check`: every mistake in one go, each naming file, key, value and what is allowed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from mimicmirror import config
from mimicmirror.errors import ConfigError

REPO_CONFIG = config.DEFAULTS_DIR / "mimicmirror.toml"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mimicmirror", "config", "check", *args],
                          capture_output=True, text=True, timeout=120)


def test_the_shipped_config_is_ok():
    result = check(str(REPO_CONFIG))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"OK: {REPO_CONFIG}", f"OK: {config.DEFAULTS_DIR / 'exercises.toml'}"]


def test_every_mistake_is_listed_with_file_key_value_and_what_is_allowed(tmp_path):
    bad = tmp_path / "mimicmirror.toml"
    bad.write_text('[user]\naffected_side = "up"\ndaily_sessions = 9\ncolour = "blue"\n'
                   '[display]\nrotation = 45\n[buttons]\nnext_pin = 27\n[lights]\nlevel = 3\n')
    result = check(str(bad))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        f"{bad}: unknown table [lights] (known: user, session, camera, buttons, display, idle, store, sound, mirror)",
        f"{bad}: [user] unknown key colour (known: affected_side, programme, daily_sessions, language, name)",
        f"{bad}: [user] affected_side = 'up': must be one of 'left', 'right'",
        f"{bad}: [user] daily_sessions = 9: must be a whole number from 1 to 6",
        f"{bad}: [display] rotation = 45: must be one of 0, 90, 180, 270",
        f"{bad}: [buttons] repeat_pin = 27: must differ from next_pin",
        "6 problems found",
    ]


def test_a_programme_missing_from_the_programme_file_is_named_with_those_that_exist(tmp_path):
    cfg = tmp_path / "mimicmirror.toml"
    cfg.write_text('[user]\nprogramme = "intensive"\n')
    result = check(str(cfg))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"{cfg}: [user] programme = 'intensive': must be one of 'early', 'gentle', 'standard' "
        f"(the programmes in {config.DEFAULTS_DIR / 'exercises.toml'})")


def test_the_programme_file_beside_the_config_is_checked_too(tmp_path):
    cfg = tmp_path / "mimicmirror.toml"
    cfg.write_text("")
    programme = tmp_path / "exercises.toml"
    text = (config.DEFAULTS_DIR / "exercises.toml").read_text()
    programme.write_text(text.replace("[exercises.frown]\n", "[exercises.frown]\nrepetitions = 3\n", 1))
    result = check(str(cfg))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(f"{programme}: [exercises.frown] unknown key repetitions")


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("[user\naffected_side = 'left'", "not valid TOML"),
])
def test_an_unreadable_file_is_one_line(tmp_path, content, message):
    cfg = tmp_path / "mimicmirror.toml"
    if content is not None:
        cfg.write_text(content)
    result = check(str(cfg))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr and str(cfg) in result.stderr


def test_without_a_file_the_installed_config_is_checked(tmp_path):
    cfg = tmp_path / "installed.toml"
    shutil.copy(REPO_CONFIG, cfg)
    result = subprocess.run([sys.executable, "-m", "mimicmirror", "config", "check"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "MIMICMIRROR_CONFIG": str(cfg)})
    assert result.returncode == 0 and f"OK: {cfg}" in result.stdout


def test_validate_stops_at_the_first_of_the_problems():
    data = {"user": {"daily_sessions": 0, "language": "fr"}}
    found = config.problems(data, "f.toml")
    assert len(found) == 2
    with pytest.raises(ConfigError) as raised:
        config.validate(data, "f.toml")
    assert str(raised.value) == found[0]


def test_a_valid_config_has_no_problems():
    assert config.problems(config.read_toml(REPO_CONFIG), str(REPO_CONFIG)) == []


def test_every_mistake_in_both_files_is_listed_not_only_the_first(tmp_path):
    cfg = tmp_path / "mimicmirror.toml"
    cfg.write_text('[user]\ndaily_sessions = 9\n[session]\nmax_minutes = 40\n')
    programme = tmp_path / "exercises.toml"
    text = (config.DEFAULTS_DIR / "exercises.toml").read_text()
    for old, new in (("[exercises.frown]\n", "[exercises.frown]\nrepetitions = 3\n"),
                     ("overactivity_ratio = 1.5", "overactivity_ratio = 20"),
                     ('min_seconds = 0.5               # longer than a blink', 'min_seconds = 99')):
        assert old in text
        text = text.replace(old, new, 1)
    programme.write_text(text)
    result = check(str(cfg))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[:2] == [f"{cfg}: [user] daily_sessions = 9: must be a whole number from 1 to 6",
                         f"{cfg}: [session] max_minutes = 40: must be a number from 2 to 30"]
    assert lines[2] == f"{programme}: [rules] overactivity_ratio = 20: must be a number from 1 to 10"
    assert lines[3].startswith(f"{programme}: [quiet.eye_opening] min_seconds = 99: must be a number")
    assert lines[4].startswith(f"{programme}: [exercises.frown] unknown key repetitions")
    assert lines[5:] == ["5 problems found"]
