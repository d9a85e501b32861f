"""The two buttons in every state of a session, and pauses: what NEXT, REPEAT and a long
press do wherever the person is, and how the session waits when they step away."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_script import DT, Driver, measures, only, three

from mimicmirror.exercises.engine import State
from mimicmirror.records import ExerciseDone, RepDone, SessionEnded
from mimicmirror.screen import ScreenKind


# --- buttons in every state ------------------------------------------------------------------

def reach(state: State) -> Driver:
    d = Driver.of(three())
    brows = d.engine.programme.exercises[0]
    if state is State.ATTRACT:
        d.seconds(3.1)
    elif state is State.GREETING:
        d.press("next")
    elif state is State.NEUTRAL:
        d.to_neutral()
    elif state is State.INSTRUCTION:
        d.start()
    elif state is State.PRACTICE:
        d.to_practice()
    elif state in (State.EXERCISE_SUMMARY, State.GUIDED):
        d.to_practice()
        d.rep(brows, 1.0, 1.0, hold_frames=46)
        if state is State.GUIDED:
            d.press("next")
            d.press("next")
    elif state is State.BREAK:
        d = Driver.of(replace(three(), exercises=(replace(brows, reps=8),)))
        d.to_practice()
        for _ in range(4):
            d.rep(brows, 0.5, 1.0, hold_frames=46)
    elif state is State.SESSION_SUMMARY:
        d.press("next")
        d.press("next", long=True)
        d.press("next", long=True)
    elif state in (State.SETTINGS, State.SETTINGS_DONE):
        d.press("both", long=True)
        if state is State.SETTINGS_DONE:
            while d.screen.footer != "REPEAT: save  ·  NEXT: go on":
                d.press("next")
            d.press("repeat")
    assert d.engine.state is state
    return d


NEXT = {State.IDLE: State.GREETING, State.ATTRACT: State.GREETING, State.GREETING: State.NEUTRAL,
        State.NEUTRAL: State.NEUTRAL, State.INSTRUCTION: State.PRACTICE,
        State.PRACTICE: State.INSTRUCTION, State.GUIDED: State.INSTRUCTION,
        State.EXERCISE_SUMMARY: State.INSTRUCTION, State.SESSION_SUMMARY: State.IDLE,
        State.BREAK: State.PRACTICE, State.SETTINGS: State.SETTINGS, State.SETTINGS_DONE: State.IDLE}
REPEAT = {State.IDLE: State.ATTRACT, State.ATTRACT: State.ATTRACT, State.GREETING: State.GREETING,
          State.NEUTRAL: State.NEUTRAL, State.INSTRUCTION: State.INSTRUCTION,
          State.PRACTICE: State.INSTRUCTION, State.GUIDED: State.GUIDED,
          State.EXERCISE_SUMMARY: State.INSTRUCTION, State.SESSION_SUMMARY: State.SESSION_SUMMARY,
          State.BREAK: State.INSTRUCTION, State.SETTINGS: State.SETTINGS, State.SETTINGS_DONE: State.IDLE}


@pytest.mark.parametrize("state", list(State))
def test_next_in_every_state(state):
    d = reach(state)
    before = d.screen.exercise_id
    d.press("next")
    assert d.engine.state is NEXT[state]
    if state in (State.PRACTICE, State.GUIDED, State.EXERCISE_SUMMARY):
        assert d.screen.exercise_id != before       # skipped on to the next exercise
    if state is State.BREAK:
        assert d.screen.exercise_id == before


@pytest.mark.parametrize("state", list(State))
def test_repeat_in_every_state(state):
    d = reach(state)
    before = d.screen.exercise_id
    d.tick(0.5)
    d.press("repeat")
    assert d.engine.state is REPEAT[state]
    assert d.screen.exercise_id == before           # REPEAT never moves to another exercise
    if d.screen.countdown_total is not None and state is not State.NEUTRAL:
        assert d.screen.countdown == d.screen.countdown_total   # timers start again


@pytest.mark.parametrize("state", list(State))
def test_a_long_next_in_every_state(state):
    d = reach(state)
    d.press("next", long=True)
    if state in (State.IDLE, State.ATTRACT):
        assert d.engine.state is State.GREETING
    elif state in (State.SESSION_SUMMARY, State.SETTINGS_DONE):
        assert d.engine.state is State.IDLE
    elif state is State.SETTINGS:     # a long press is a press: the next setting
        assert d.engine.state is State.SETTINGS and d.engine.menu.at == 1
    else:
        assert d.engine.state is state and d.screen.kind is ScreenKind.PAUSED


@pytest.mark.parametrize("state", list(State))
def test_every_screen_has_a_footer_telling_what_the_buttons_do(state):
    d = reach(state)
    if state is State.IDLE:
        assert d.screen.footer == ""
    else:
        assert "NEXT" in d.screen.footer


def test_skipping_a_practice_with_no_reps_records_it_as_skipped():
    d = reach(State.PRACTICE)
    d.press("next")
    assert d.of_type(ExerciseDone)[-1] == ExerciseDone(d.t, "raise_brows", 0, None, True, None)


def test_skipping_after_some_reps_shows_their_summary():
    prog = only("raise_brows", "frown")
    d = Driver.of(prog)
    d.to_practice()
    d.rep(prog.exercises[0], 1.0, 1.0, hold_frames=46)
    d.press("next")
    assert d.screen.kind is ScreenKind.EXERCISE_SUMMARY
    assert d.of_type(ExerciseDone)[-1].ended_early == "skipped"


def test_repeat_mid_set_closes_the_attempt_and_starts_the_exercise_again():
    prog = only("raise_brows")
    d = Driver.of(prog)
    d.to_practice()
    d.rep(prog.exercises[0], 1.0, 1.0, hold_frames=46)
    d.press("repeat")
    assert d.of_type(ExerciseDone)[-1].ended_early == "repeat"
    d.press("next")
    d.rep(prog.exercises[0], 1.0, 1.0, hold_frames=46)
    assert [r.rep for r in d.of_type(RepDone)] == [1, 1]


# --- pauses ---------------------------------------------------------------------------------

def test_a_long_press_pauses_and_freezes_the_timers():
    d = reach(State.INSTRUCTION)
    d.tick(2)
    d.press("next", long=True)
    d.tick(300)
    assert d.screen.kind is ScreenKind.PAUSED and d.screen.title == "Paused"
    d.press("next")
    assert d.screen.kind is ScreenKind.INSTRUCTION
    assert d.screen.countdown == d.engine.flow.instruction_seconds - 2


def test_a_long_press_while_paused_ends_the_session_with_its_summary():
    d = reach(State.PRACTICE)
    d.press("next", long=True)
    d.press("next", long=True)
    assert d.of_type(SessionEnded)[-1].reason == "ended_by_user"
    assert d.of_type(ExerciseDone)[-1] == ExerciseDone(d.t, "raise_brows", 0, None, True, "ended_by_user")
    assert d.screen.kind is ScreenKind.SESSION_SUMMARY and d.screen.title == "Session ended"


def test_repeat_while_paused_resumes_and_redoes_the_exercise():
    d = reach(State.PRACTICE)
    d.press("next", long=True)
    d.press("repeat")
    assert d.engine.state is State.INSTRUCTION and d.engine.paused is None


def test_nobody_at_the_mirror_pauses_the_practice_and_their_return_resumes_it():
    d = reach(State.PRACTICE)
    d.seconds(29.9, face=False)
    assert d.screen.kind is ScreenKind.PRACTICE and d.screen.warning == "Look into the mirror"
    d.frames(2, face=False)
    assert d.screen.kind is ScreenKind.PAUSED
    assert d.screen.lines == ("Come back to the mirror to go on.",)
    assert d.of_type(SessionEnded) == []
    d.seconds(120, face=False)
    d.frame(measures())
    assert d.screen.kind is ScreenKind.PRACTICE


def test_a_pause_that_lasts_too_long_ends_the_session_and_keeps_the_results():
    d = reach(State.PRACTICE)
    d.press("next", long=True)
    d.tick(599)
    assert d.of_type(SessionEnded) == []
    d.tick(1)
    assert d.of_type(SessionEnded)[-1].reason == "abandoned"
    assert d.screen.kind is ScreenKind.SESSION_SUMMARY


def test_the_camera_going_away_shows_a_calm_notice_and_freezes_the_session():
    d = Driver.of(only("read_aloud", seconds=45))
    d.start()
    d.press("next")
    d.tick(10)
    d.camera(False, "timeout")
    assert d.screen.kind is ScreenKind.NOTICE
    assert d.screen.lines[:1] == ("The camera is not answering.",)
    assert "waits" in d.screen.lines[-1] and d.screen.footer == "hold NEXT: end the session"
    d.tick(500)
    d.press("next")
    assert d.screen.kind is ScreenKind.NOTICE
    d.camera(True)
    assert d.screen.kind is ScreenKind.GUIDED and d.screen.countdown == 35.0


def test_frames_arriving_again_end_the_camera_notice():
    d = reach(State.PRACTICE)
    d.camera(False, "disconnected")
    d.frames(2)
    assert d.screen.kind is ScreenKind.PRACTICE


def test_a_camera_gap_mid_hold_does_not_count_as_holding():
    prog = only("raise_brows")
    d = Driver.of(prog)
    d.to_practice()
    ex = prog.exercises[0]
    d.move(ex, 1.0, 1.0, 20)
    d.camera(False, "timeout")
    d.tick(5)
    d.camera(True)
    d.move(ex, 1.0, 1.0, 20)
    d.move(ex, 0, 0, 10)
    reps = d.of_type(RepDone)
    assert len(reps) == 1
    # The 5 s without pictures are not held: the hold starts again with the frames after the gap.
    assert reps[0].hold_s == pytest.approx(20 * DT, abs=DT)


def test_the_session_ends_itself_at_the_time_cap():
    prog = only("read_aloud", "massage_mouth_to_ear", seconds=100)
    d = Driver.of(prog, session={"max_minutes": 2})
    d.start()
    d.press("next")
    d.tick(100)
    d.press("next")
    d.tick(10)
    d.press("next", long=True)
    d.tick(100)                                    # paused time does not count
    d.press("next")
    d.tick(9.9)
    assert d.of_type(SessionEnded) == []
    d.tick(0.1)
    assert d.of_type(SessionEnded)[-1].reason == "time_cap"
    assert d.of_type(ExerciseDone)[-1].ended_early == "time_cap"
    assert d.screen.kind is ScreenKind.SESSION_SUMMARY and d.screen.title == "Time is up for this session"
