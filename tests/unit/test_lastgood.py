"""Last good settings: a mistake in a settings file starts the mirror on the last pair that passed."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from mimicmirror import config
from mimicmirror.language import load_language
from mimicmirror.lastgood import CONFIG_NAME, GOOD_DIR, PROGRAMME_NAME, load_settings

SHIPPED_PROGRAMME = config.DEFAULTS_DIR / "exercises.toml"
ENGLISH, GERMAN = load_language("en").notices, load_language("de").notices


@pytest.fixture
def etc(tmp_path) -> Path:
    """A settings folder like /etc/mimicmirror: a config and the programme beside it."""
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / CONFIG_NAME).write_text('[user]\naffected_side = "right"\ndaily_sessions = 2\n')
    shutil.copy(SHIPPED_PROGRAMME, folder / PROGRAMME_NAME)
    return folder


@pytest.fixture
def state(tmp_path) -> Path:
    return tmp_path / "state"


def test_settings_that_pass_are_used_and_kept_as_the_last_good_pair(etc, state):
    settings = load_settings(etc / CONFIG_NAME, state)
    assert (settings.source, settings.problems, settings.glass_lines(ENGLISH)) == ("file", (), ())
    assert settings.config["user"]["affected_side"] == "right"
    kept = state / GOOD_DIR
    assert (kept / CONFIG_NAME).read_bytes() == (etc / CONFIG_NAME).read_bytes()
    assert (kept / PROGRAMME_NAME).read_bytes() == (etc / PROGRAMME_NAME).read_bytes()


def test_an_unchanged_pair_is_not_written_again(etc, state):
    load_settings(etc / CONFIG_NAME, state)
    kept = state / GOOD_DIR / CONFIG_NAME
    before = kept.stat()
    load_settings(etc / CONFIG_NAME, state)
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    (etc / CONFIG_NAME).write_text('[user]\naffected_side = "left"\n')
    load_settings(etc / CONFIG_NAME, state)
    assert 'affected_side = "left"' in kept.read_text()


def test_a_mistake_in_the_config_starts_the_last_good_settings_and_names_the_first_problem(etc, state):
    load_settings(etc / CONFIG_NAME, state)
    (etc / CONFIG_NAME).write_text('[user]\naffected_side = "right"\ndaily_sessions = 9\n[display]\nrotation = 45\n')
    settings = load_settings(etc / CONFIG_NAME, state)
    assert settings.source == "last good"
    assert settings.config["user"]["daily_sessions"] == 2                # the pair that passed
    assert settings.config.path == state / GOOD_DIR / CONFIG_NAME
    assert settings.problems == (
        f"{etc / CONFIG_NAME}: [user] daily_sessions = 9: must be a whole number from 1 to 6",
        f"{etc / CONFIG_NAME}: [display] rotation = 45: must be one of 0, 90, 180, 270")
    assert settings.glass_lines(ENGLISH) == (settings.problems[0], "The mirror uses the last settings that worked.")
    assert settings.glass_lines(GERMAN)[1] == "Der Spiegel nutzt die letzten Einstellungen, die funktioniert haben."
    assert "last settings that passed" in settings.fallback
    assert "daily_sessions = 2" in (state / GOOD_DIR / CONFIG_NAME).read_text()   # the bad edit was not kept


def test_a_mistake_in_the_programme_file_starts_the_last_good_pair(etc, state):
    load_settings(etc / CONFIG_NAME, state)
    text = SHIPPED_PROGRAMME.read_text()
    (etc / PROGRAMME_NAME).write_text(text.replace("[exercises.frown]\n", "[exercises.frown]\nrepetitions = 3\n", 1))
    settings = load_settings(etc / CONFIG_NAME, state)
    assert settings.source == "last good"
    assert settings.problems[0].startswith(f"{etc / PROGRAMME_NAME}: [exercises.frown] unknown key repetitions")
    assert settings.config.programme_path == state / GOOD_DIR / PROGRAMME_NAME
    assert settings.config.programme_path.read_text() == text


@pytest.mark.parametrize("content, problem", [
    ("[user\naffected_side = 'left'", "not valid TOML"),
    (None, "file not found"),
])
def test_an_unreadable_config_with_no_good_settings_ever_starts_the_defaults(etc, state, content, problem):
    if content is None:
        (etc / CONFIG_NAME).unlink()
    else:
        (etc / CONFIG_NAME).write_text(content)
    settings = load_settings(etc / CONFIG_NAME, state)
    assert settings.source == "defaults"
    assert settings.config.sections == config.defaults().sections
    assert len(settings.problems) == 1 and problem in settings.problems[0] and str(etc) in settings.problems[0]
    assert settings.glass_lines(ENGLISH) == (settings.problems[0], "The mirror uses its standard settings.")
    assert not (state / GOOD_DIR).exists()


def test_a_kept_pair_that_no_longer_passes_is_not_used(etc, state):
    load_settings(etc / CONFIG_NAME, state)
    (state / GOOD_DIR / CONFIG_NAME).write_text("[user]\nmood = 'sunny'\n")   # e.g. a key a newer version dropped
    (etc / CONFIG_NAME).write_text("[user]\ndaily_sessions = 0\n")
    assert load_settings(etc / CONFIG_NAME, state).source == "defaults"


def test_when_the_copy_cannot_be_kept_the_mirror_still_starts(etc, state, caplog):
    state.mkdir()
    (state / GOOD_DIR).write_text("a file where the folder should be")
    caplog.set_level(logging.INFO, logger="mimicmirror")
    settings = load_settings(etc / CONFIG_NAME, state)
    assert settings.source == "file"
    assert any(r.levelno == logging.WARNING and "could not keep" in r.getMessage() for r in caplog.records)
