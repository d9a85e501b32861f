"""The one schema mechanism behind the device config, the programme and the rig's scenarios."""

from __future__ import annotations

import pytest

from mimicmirror import config
from mimicmirror.errors import ConfigError
from mimicmirror.exercises import catalogue
from mimicmirror.schema import Field, Problems
from mimicmirror.sim import scenario
from mimicmirror.sim.scenario import parse_scenario


@pytest.mark.parametrize("field, words", [
    (Field(float, 10.0, min=2, max=30), "a number from 2 to 30"),
    (Field(float, 1.5, min=1.0, max=10.0), "a number from 1 to 10"),
    (Field(int, 3, min=1, max=6), "a whole number from 1 to 6"),
    (Field(float, 0.0, min=0), "a number of at least 0"),
    (Field(str, "left", choices=("left", "right")), "one of 'left', 'right'"),
    (Field(bool, True), "true or false"),
    (Field(str, "x", nonempty=True), "text that is not empty"),
])
def test_the_allowed_range_is_worded_one_way(field, words):
    assert field.allowed() == words


def test_the_three_files_word_the_same_range_alike():
    assert config.SCHEMA["session"]["max_minutes"].allowed() == "a number from 2 to 30"
    assert catalogue.RULES_FIELDS["overactivity_ratio"].allowed() == "a number from 1 to 10"
    assert scenario.RIG_FIELDS["fps"].allowed() == "a whole number from 1 to 60"


def test_every_problem_in_a_table_is_collected_and_defaults_fill_the_rest():
    found = Problems("f.toml")
    spec = {"a": Field(int, 1, min=0, max=5), "b": Field(str, choices=("x", "y")), "c": Field(bool, False)}
    out = found.table("t", {"a": 9, "c": "yes", "d": 1}, spec)
    assert found.lines == ["f.toml: [t] unknown key d (known: a, b, c)",
                           "f.toml: [t] a = 9: must be a whole number from 0 to 5",
                           "f.toml: [t] b is missing",
                           "f.toml: [t] c = 'yes': must be true or false"]
    assert out == {"a": 1, "c": False}          # the required b is left out, not made up


def test_a_whole_number_is_taken_where_a_number_is_asked_for_but_true_is_not():
    found = Problems("f.toml")
    assert found.value("t", "k", Field(float, 0.0), 3) == (True, 3.0)
    assert found.value("t", "k", Field(float, 0.5), True) == (False, 0.5)
    assert found.lines == ["f.toml: [t] k = True: must be a number"]


@pytest.mark.parametrize("text, problem", [
    ("Relax {side}", None),
    ("Relax {eye}", "unknown placeholder {eye} (known: {side}, {other})"),
    ("Relax {side:d}", "write the placeholder plainly, as {side}"),
    ("Relax {side", "unbalanced braces"),
])
def test_placeholders_are_checked_when_the_file_loads(text, problem):
    found = Problems("f.toml")
    found.value("cues", "relax", Field(str, placeholders=("side", "other")), text)
    assert found.lines == ([] if problem is None else [f"f.toml: [cues] relax = {text!r}: {problem}"])


def test_the_first_problem_is_raised_and_all_of_them_travel_with_it():
    found = Problems("f.toml")
    found.add("a", "one")
    found.add(None, "two")
    with pytest.raises(ConfigError) as err:
        found.raise_first()
    assert str(err.value) == "f.toml: [a] one"
    assert err.value.problems == ("f.toml: [a] one", "f.toml: two")


def test_a_scenario_with_several_mistakes_names_each_of_them():
    data = {"rig": {"fps": 70, "colour": 3}, "person": {"arrive": -1},
            "exercises": {"raise_brows": {"action": "wink"}},
            "happenings": [{"what": "fault", "kind": "smoke", "at": 3}], "lights": {}}
    with pytest.raises(ConfigError) as err:
        parse_scenario(data)
    assert err.value.problems == (
        "<scenario>: unknown table [lights] (known: rig, person, exercises, happenings, expect, setup, stick)",
        "<scenario>: [rig] unknown key colour (known: face, fps, programme, affected_side, max_seconds, fresh_device)",
        "<scenario>: [rig] fps = 70: must be a whole number from 1 to 60",
        "<scenario>: [person] arrive = -1: must be a number of at least 0",
        "<scenario>: [exercises.raise_brows] action = 'wink': must be one of "
        + ", ".join(repr(a) for a in scenario.SIM_ACTIONS),
        "<scenario>: [happenings[0]] kind = 'smoke': must be one of 'timeout', 'disconnect', 'black', 'busy'",
    )


def test_a_new_setting_is_one_line_in_its_table(monkeypatch):
    monkeypatch.setitem(config.SCHEMA, "idle", {**config.SCHEMA["idle"],
                                                "dim_after_seconds": config.Key(float, 60.0, "dim", min=5, max=600)})
    assert config.validate({})["idle"]["dim_after_seconds"] == 60.0
    assert config.problems({"idle": {"dim_after_seconds": 1}}, "m.toml") == [
        "m.toml: [idle] dim_after_seconds = 1: must be a number from 5 to 600"]
