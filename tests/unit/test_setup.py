"""`mimicmirror setup`: questions in a plain terminal, or flags, and always a valid, commented config."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mimicmirror import config


def setup(*args: str, answers: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mimicmirror", "setup", *args], input=answers or "",
                          capture_output=True, text=True, timeout=120)


def answered(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# In QUESTIONS order: side, programme, sessions, name, language, buttons, next pin, repeat pin, rotation,
# sound, volume (not asked when sound is off).

def test_a_caregiver_answers_the_questions_and_gets_a_valid_config(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    result = setup("--out", str(out), answers=answered(
        "up", "right",          # a wrong answer is asked again
        "intensive", "early",   # only the programme file's programmes are accepted
        "9", "2", "Anna", "", "", "5", "6", "90", "loud", "chimes", "0.4"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Which side of the face has the palsy?") == 2
    assert "Not allowed: [user] affected_side = 'up': must be one of 'left', 'right'" in result.stdout
    assert "Not allowed: 'intensive': one of early (Early care), gentle (Gentle), standard (Standard)" in result.stdout
    assert "must be a whole number from 1 to 6" in result.stdout
    settings = config.load(out)
    assert dict(settings["user"]) == {"affected_side": "right", "programme": "early", "daily_sessions": 2,
                                      "language": "en", "name": "Anna"}
    assert (settings["buttons"]["next_pin"], settings["buttons"]["repeat_pin"]) == (5, 6)
    assert settings["display"]["rotation"] == 90
    assert "Not allowed: [sound] mode = 'loud': must be one of 'voice', 'chimes', 'off'" in result.stdout
    assert (settings["sound"]["mode"], settings["sound"]["volume"]) == ("chimes", 0.4)
    assert settings["camera"]["source"] == "picamera"  # not asked: the default, written out


def test_the_written_file_explains_every_key(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    assert setup("--yes", "--out", str(out)).returncode == 0
    comment_above: dict[tuple[str, str], str] = {}
    section, previous = "", ""
    for line in out.read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif " = " in line and not line.startswith("#"):
            comment_above[section, line.split(" = ")[0]] = previous
        previous = line
    assert comment_above == {(section, name): f"# {key.doc}; {key.allowed()}"
                             for section, keys in config.SCHEMA.items() for name, key in keys.items()}
    assert config.load(out).sections == config.defaults().sections


def test_flags_alone_set_the_device_up_without_a_question(tmp_path):
    out = tmp_path / "etc" / "mimicmirror.toml"
    result = setup("--affected-side", "left", "--programme", "early", "--daily-sessions", "2",
                   "--buttons", "keyboard", "--rotation", "270", "--name", 'Jo "JJ" Smith', "--yes", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "?" not in result.stdout and result.stdout.startswith(f"Wrote {out}")
    settings = config.load(out)
    assert (settings["user"]["programme"], settings["user"]["daily_sessions"], settings["user"]["name"]) == (
        "early", 2, 'Jo "JJ" Smith')
    assert (settings["buttons"]["backend"], settings["display"]["rotation"]) == ("keyboard", 270)


def test_flags_answer_their_questions_and_the_rest_are_asked(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    result = setup("--affected-side", "right", "--buttons", "keyboard", "--out", str(out),
                   answers=answered("", "", "", "", "180", "off"))
    assert result.returncode == 0, result.stderr
    assert "Loudness" not in result.stdout                                         # sound off: no volume to ask
    assert "Which side" not in result.stdout and "BCM pin" not in result.stdout  # keyboard: no pins to ask
    assert config.load(out)["display"]["rotation"] == 180


def test_a_second_run_starts_from_the_current_file(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    setup("--affected-side", "right", "--daily-sessions", "2", "--yes", "--out", str(out))
    assert setup("--rotation", "180", "--yes", "--out", str(out)).returncode == 0
    settings = config.load(out)
    assert (settings["user"]["affected_side"], settings["user"]["daily_sessions"]) == ("right", 2)
    assert settings["display"]["rotation"] == 180


def test_declining_to_replace_the_file_leaves_it_alone(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    setup("--affected-side", "right", "--yes", "--out", str(out))
    before = out.read_text()
    result = setup("--affected-side", "left", "--out", str(out), answers=answered(*[""] * 10, "n"))
    assert result.returncode == 1 and "Replace" in result.stdout and "Nothing was written" in result.stdout
    assert out.read_text() == before


@pytest.mark.parametrize("flags, message", [
    (["--affected-side", "up"], "--affected-side: [user] affected_side = 'up': must be one of 'left', 'right'"),
    (["--next-pin", "40"], "--next-pin: [buttons] next_pin = 40: must be a whole number from 2 to 27"),
    (["--next-pin", "27"], "[buttons] repeat_pin = 27: must differ from next_pin"),
    (["--programme", "intensive"], "[user] programme = 'intensive': must be one of 'early', 'gentle', 'standard'"),
])
def test_a_bad_flag_is_one_line_and_nothing_is_written(tmp_path, flags, message):
    out = tmp_path / "mimicmirror.toml"
    result = setup(*flags, "--yes", "--out", str(out))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert not out.exists()


def test_stopping_half_way_writes_nothing(tmp_path):
    out = tmp_path / "mimicmirror.toml"
    result = setup("--out", str(out), answers=answered("left", "standard"))
    assert result.returncode == 2 and "nothing was written" in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())
