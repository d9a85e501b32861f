"""The state table: every state has one entry, and every handler it names exists."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_script import Driver, only

from mimicmirror.exercises import screens
from mimicmirror.exercises.engine import STATES, Engine, State
from mimicmirror.exercises.states import StateSpec, check_handlers
from mimicmirror.screen import ScreenKind


def test_every_state_has_one_entry_in_the_table():
    assert set(STATES) == set(State)


def test_a_misspelt_handler_is_refused_when_the_engine_is_built(monkeypatch):
    broken = dict(STATES)
    broken[State.GREETING] = replace(STATES[State.GREETING], on_next="after_greting")
    monkeypatch.setattr("mimicmirror.exercises.states.STATES", broken)
    with pytest.raises(TypeError, match="greeting: the engine has no handler 'after_greting'"):
        check_handlers(Engine)


def test_a_state_missing_from_the_table_is_refused(monkeypatch):
    partial = {s: spec for s, spec in STATES.items() if s is not State.BREAK}
    monkeypatch.setattr("mimicmirror.exercises.states.STATES", partial)
    with pytest.raises(TypeError, match=r"states without an entry in STATES: \['break'\]"):
        check_handlers(Engine)


def test_out_of_session_states_start_a_session_or_go_idle_on_a_long_next():
    """Only in a session does a long NEXT pause; elsewhere it does what NEXT does."""
    for state, spec in STATES.items():
        if spec.in_session:
            assert spec.on_long_next == "pause_by_button", state
        else:
            assert spec.on_long_next == spec.on_next, state


def test_the_table_alone_decides_what_a_state_shows_and_what_next_does(monkeypatch):
    """Changing one entry changes the screen and the button, with no edit to the engine."""
    table = dict(STATES)
    table[State.GREETING] = StateSpec(screens.attract, on_next="show_attract", on_repeat="restart")
    monkeypatch.setattr("mimicmirror.exercises.engine.STATES", table)
    d = Driver.of(only("raise_brows"))
    d.press("next")
    assert d.engine.state is State.GREETING and d.screen.kind is ScreenKind.ATTRACT
    d.press("next")
    assert d.engine.state is State.ATTRACT
