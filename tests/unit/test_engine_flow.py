"""The session around the exercises: idle, greeting, neutral capture, buttons, pauses, summaries."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_script import DT, NEUTRAL, Driver, config, measures, only, programme

from mimicmirror.exercises.engine import Engine, State
from mimicmirror.history import ExerciseHistory, History
from mimicmirror.records import (CueGiven, ExerciseDone, NeutralCaptured, RepDone, SessionEnded,
                                 SessionStarted)
from mimicmirror.screen import ScreenKind


def three() -> object:
    """Brows (one rep), a massage step, then a frown: every kind of screen in a short session."""
    prog = only("raise_brows", "massage_tapping", "frown")
    brows, massage, frown = prog.exercises
    return replace(prog, exercises=(replace(brows, reps=1), massage, frown))


# --- idle and attract --------------------------------------------------------------------

def test_the_mirror_stays_black_without_a_face():
    d = Driver.of(three())
    d.frames(100, face=False)
    assert d.screen.kind is ScreenKind.IDLE and d.screen.footer == "" and d.records == []


def test_a_face_lingering_shows_the_prompt_and_it_goes_blank_again():
    d = Driver.of(three())
    d.frames(45)                                   # 44 intervals: just under 3 s
    assert d.screen.kind is ScreenKind.IDLE
    d.frames(1)
    assert d.screen.kind is ScreenKind.ATTRACT and d.screen.footer == "NEXT: start"
    d.seconds(20)
    assert d.screen.kind is ScreenKind.IDLE
    d.seconds(10)                                  # still there: no nagging
    assert d.screen.kind is ScreenKind.IDLE
    d.frames(5, face=False)
    d.seconds(3.1)
    assert d.screen.kind is ScreenKind.ATTRACT     # came back: prompt again


def test_next_starts_a_session_with_the_greeting():
    d = Driver.of(three(), user={"daily_sessions": 3, "name": "Ann"})
    d.press("next")
    started = d.of_type(SessionStarted)[0]
    assert (started.programme, started.affected_side) == ("standard", "left")
    assert started.settings["rules.overactivity_ratio"] == 1.5
    assert d.screen.kind is ScreenKind.GREETING and d.screen.title == "Hello, Ann"
    assert d.screen.lines[0] == "Session 1 of 3 today"
    assert "Stop if anything hurts" in d.screen.warning


@pytest.mark.parametrize("history, first_line, reminder", [
    (History(sessions_today=1, sessions_yesterday=3), "Session 2 of 3 today", False),
    (History(sessions_today=0, sessions_yesterday=1), "Session 1 of 3 today", True),
    (History(sessions_today=0, sessions_yesterday=None), "Session 1 of 3 today", False),
    (History(sessions_today=3), "Session 4 today: extra practice", False),
])
def test_the_greeting_counts_todays_sessions_and_gently_mentions_a_short_yesterday(history, first_line,
                                                                                     reminder):
    d = Driver.of(three(), history)
    d.press("next")
    assert d.screen.lines[0] == first_line
    assert any("Yesterday: 1 of 3 sessions" in line for line in d.screen.lines) == reminder


def test_the_session_count_goes_up_after_a_session_even_before_new_history_arrives():
    d = Driver.of(three())
    d.press("next")
    d.press("next", long=True)
    d.press("next", long=True)
    d.press("next")
    d.press("next")
    assert d.screen.lines[0] == "Session 2 of 3 today"
    d.press("next", long=True)
    d.press("next", long=True)
    d.press("next")
    d.engine.set_history(History(sessions_today=5))   # the store counted both
    d.press("next")
    assert d.screen.lines[0] == "Session 6 today: extra practice"


def test_the_greeting_moves_on_by_itself():
    d = Driver.of(three())
    d.press("next")
    d.tick(4.9)
    assert d.screen.kind is ScreenKind.GREETING and d.screen.countdown == pytest.approx(0.1)
    d.tick(0.1)
    assert d.screen.kind is ScreenKind.NEUTRAL


# --- neutral capture -------------------------------------------------------------------

def to_neutral(d: Driver) -> None:
    d.press("next")
    d.press("next")
    assert d.screen.kind is ScreenKind.NEUTRAL


def test_a_still_relaxed_face_for_two_seconds_is_the_neutral_baseline():
    d = Driver.of(three())
    to_neutral(d)
    d.frames(30)                                   # 29 intervals
    assert d.of_type(NeutralCaptured) == []
    d.frames(1)
    captured = d.of_type(NeutralCaptured)[0]
    assert captured.measures["eye_opening"] == (0.12, 0.13)
    assert d.screen.kind is ScreenKind.INSTRUCTION


def test_moving_during_the_capture_starts_it_again():
    d = Driver.of(three())
    to_neutral(d)
    d.frames(20)
    moved = dict(NEUTRAL, mouth_corner_height=replace(NEUTRAL["mouth_corner_height"], left=-0.96))
    d.frame(moved)
    assert d.screen.cue == "Keep still a moment longer" and d.screen.countdown == 2.0
    d.frames(30, moved)                            # 30 more intervals from the moved frame
    assert len(d.of_type(NeutralCaptured)) == 1
    assert d.of_type(NeutralCaptured)[0].measures["mouth_corner_height"] == (-0.96, -1.0)


def test_landmark_jitter_within_the_stillness_rule_does_not_restart_the_capture():
    d = Driver.of(three())
    to_neutral(d)
    for i in range(31):
        wobble = 0.02 if i % 2 else -0.02        # 0.04 IID range: under 5 x the 0.01 noise floor
        d.frame(dict(NEUTRAL, brow_height=replace(NEUTRAL["brow_height"], left=0.36 + wobble)))
    assert len(d.of_type(NeutralCaptured)) == 1


def test_unscorable_frames_during_the_capture_restart_it_and_say_why():
    d = Driver.of(three())
    to_neutral(d)
    d.frames(20)
    d.frame(reason="head_tilted")
    assert d.screen.warning == "Keep your head level" and d.screen.countdown == 2.0
    d.frames(31)
    assert len(d.of_type(NeutralCaptured)) == 1


def test_a_programme_without_measured_exercises_needs_no_neutral_face():
    early = programme("early")
    d = Driver.of(replace(early, exercises=early.exercises[:2]))
    d.press("next")
    d.press("next")
    assert d.screen.kind is ScreenKind.INSTRUCTION and d.of_type(NeutralCaptured) == []


# --- the exercise screens ------------------------------------------------------------------

def test_the_instruction_card_shows_cues_help_caution_and_starts_by_itself():
    d = Driver.of(only("assisted_smile"))
    d.start()
    s = d.screen
    assert s.kind is ScreenKind.INSTRUCTION and s.title == "Smile with a helping hand"
    assert s.lines[0] == "Lift the left corner of your mouth with your fingers."
    assert s.lines[-1].startswith("Help: Fingers place the left corner")
    assert "Stop if anything hurts" in s.warning
    assert s.progress == (1, 1) and s.exercise_id == "assisted_smile" and s.reps_target == 3
    d.seconds(d.engine.flow.instruction_seconds - 0.1)
    assert d.screen.kind is ScreenKind.INSTRUCTION
    d.frames(2)
    assert d.screen.kind is ScreenKind.PRACTICE


def test_a_guided_step_runs_on_its_timer_with_ticks_or_frames():
    d = Driver.of(only("read_aloud", seconds=45))
    d.start()
    d.press("next")
    s = d.screen
    assert s.kind is ScreenKind.GUIDED and s.passage.startswith("In the morning")
    assert s.countdown == 45.0 and s.countdown_total == 45.0
    d.tick(20)
    d.seconds(10)
    assert d.screen.countdown == pytest.approx(15.0)
    d.tick(14.9)
    assert d.screen.kind is ScreenKind.GUIDED
    d.tick(0.1)
    assert d.of_type(ExerciseDone) == [ExerciseDone(d.t, "read_aloud", 0, None, False, None)]
    assert d.screen.kind is ScreenKind.SESSION_SUMMARY


def test_hands_on_the_face_during_massage_do_not_pause_it():
    d = Driver.of(only("massage_tapping"))
    d.start()
    d.press("next")
    d.seconds(14, face=False)
    assert d.screen.kind is ScreenKind.GUIDED and d.engine.paused is None


def test_the_exercise_summary_says_how_the_sides_compared_and_moves_on():
    d = Driver.of(three())
    d.to_practice()
    d.rep(d.engine.programme.exercises[0], 0.5, 1.0, hold_frames=46)
    s = d.screen
    assert s.kind is ScreenKind.EXERCISE_SUMMARY
    assert s.sentence == "Your left side moved 50 % as far as your right side."
    assert s.rows[0].reps == 1 and s.rows[0].symmetry == 0.5
    d.tick(5)
    assert d.screen.kind is ScreenKind.INSTRUCTION and d.screen.exercise_id == "massage_tapping"


# --- buttons in every state ------------------------------------------------------------------

def reach(state: State) -> Driver:
    d = Driver.of(three())
    brows = d.engine.programme.exercises[0]
    if state is State.ATTRACT:
        d.seconds(3.1)
    elif state is State.GREETING:
        d.press("next")
    elif state is State.NEUTRAL:
        to_neutral(d)
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


# --- the session summary --------------------------------------------------------------------

def test_the_session_summary_compares_with_the_last_weeks_and_names_the_gain():
    history = History(exercises={"raise_brows": ExerciseHistory(symmetry_7d=0.6, symmetry_28d=0.5,
                                                                 trend=(0.4, 0.5, 0.6),
                                                                 affected_first_week=0.01,
                                                                 affected_last_week=0.02)})
    prog = only("raise_brows", reps=2)
    d = Driver.of(prog, history)
    d.to_practice()
    for _ in range(2):
        d.rep(prog.exercises[0], 0.8, 1.0, hold_frames=46)   # left 0.8 targets: twice last week's
    d.press("next")
    s = d.screen
    assert s.kind is ScreenKind.SESSION_SUMMARY and s.title == "Session complete"
    row = s.rows[0]
    assert (row.reps, row.symmetry, row.weaker) == (2, 0.8, "left")
    assert (row.symmetry_7d, row.symmetry_28d, row.trend) == (0.6, 0.5, (0.4, 0.5, 0.6))
    target = prog.exercises[0].moves[0].target
    assert row.affected_movement == pytest.approx(0.8 * target) and row.affected_first_week == 0.01
    assert s.sentence == "Your left brow moved more than last week."
    assert d.of_type(SessionEnded)[-1].reason == "completed"
    d.tick(45)
    assert d.screen.kind is ScreenKind.IDLE


def test_without_history_the_summary_sentence_says_the_results_are_saved():
    prog = only("raise_brows", reps=1)
    d = Driver.of(prog)
    d.to_practice()
    d.rep(prog.exercises[0], 1.0, 1.0, hold_frames=46)
    d.press("next")
    assert d.screen.sentence == "Your first results are saved. Well done."


def test_no_gain_over_last_week_is_said_kindly():
    history = History(exercises={"raise_brows": ExerciseHistory(affected_last_week=0.05)})
    prog = only("raise_brows", reps=1)
    d = Driver.of(prog, history)
    d.to_practice()
    d.rep(prog.exercises[0], 0.9, 1.0, hold_frames=46)
    d.press("next")
    assert d.screen.sentence == "Your left side kept up its movement. Well done."


# --- determinism ------------------------------------------------------------------------------

def test_replaying_the_same_events_gives_identical_screens_and_records():
    events = record_events()
    run1 = [step for engine in [fresh()] for step in map(engine.handle, events)]
    run2 = [step for engine in [fresh()] for step in map(engine.handle, events)]
    assert run1 == run2
    kinds = {s.screen.kind for s in run1}
    assert {ScreenKind.PRACTICE, ScreenKind.PAUSED, ScreenKind.NOTICE, ScreenKind.GUIDED,
            ScreenKind.SESSION_SUMMARY} <= kinds
    records = [r for s in run1 for r in s.records]
    assert any(isinstance(r, CueGiven) for r in records) and isinstance(records[-1], SessionEnded)


def fresh() -> Engine:
    return Engine(only("raise_brows", "lips_outward", "massage_tapping"), config())


def record_events() -> list:
    """The events of a whole short session, with a pause, a camera gap and bad frames in it."""
    prog = only("raise_brows", "lips_outward", "massage_tapping")
    d = Driver.of(prog)
    sent: list = []
    original = d.send

    def keep(event):
        sent.append(event)
        return original(event)

    d.send = keep
    d.seconds(3.5)
    d.to_practice()
    brows, lips, _ = prog.exercises
    for left in (0.5, 0.55, 0.9, 0.9, 0.8):
        d.rep(brows, left, 1.0, hold_frames=46)
    d.frames(4, reason="head_turned")
    d.press("next")
    d.press("next")
    d.rep(lips, 1.0, 1.0, hold_frames=40, change={"eye_opening": (-0.05, 0)})
    d.press("next", long=True)
    d.tick(12)
    d.press("next")
    d.camera(False, "timeout")
    d.tick(3)
    d.camera(True)
    for _ in range(2):
        d.rep(lips, 0.7, 1.0, hold_frames=46)
    d.tick(10)
    d.press("next")          # skip the rest of the lips: their summary
    d.press("next")          # the massage card
    d.press("next")          # the massage step
    d.tick(60)
    return sent


@pytest.mark.parametrize("name", ["early", "gentle", "standard"])
def test_a_person_following_every_prompt_finishes_each_programme_within_the_session_cap(name):
    """Cards and timed steps run out on their own; every rep is held in full with 2 s rests."""
    d = Driver.of(programme(name))
    d.start()
    while d.engine.state is not State.SESSION_SUMMARY:
        ex = d.engine.programme.exercises[d.engine.screen.progress[0] - 1]
        if d.engine.state is State.PRACTICE:
            d.rep(ex, 0.8, 1.0, hold_frames=max(8, round(ex.hold_seconds * 15) + 1), rest_frames=30)
        else:
            d.tick(0.5)
    assert d.of_type(SessionEnded)[-1].reason == "completed"
    done = d.of_type(ExerciseDone)
    assert [e.exercise_id for e in done] == [e.id for e in d.engine.programme.exercises]
    assert not any(e.skipped or e.ended_early for e in done)


# --- the affected side setting ---------------------------------------------------------------

def session_with_weaker(side: str) -> Driver:
    d = Driver.of(only("raise_brows", "lips_outward", "close_eyes", reps=1))   # affected: left
    d.to_practice()
    for exercise in d.engine.programme.exercises:
        weak, strong = 0.6, 1.0
        d.rep(exercise, *((weak, strong) if side == "left" else (strong, weak)), hold_frames=46)
        assert d.screen.kind is ScreenKind.EXERCISE_SUMMARY
        d.press("next")
        if d.screen.kind is ScreenKind.INSTRUCTION:
            d.press("next")
    assert d.screen.kind is ScreenKind.SESSION_SUMMARY
    return d


def test_the_other_side_weaker_in_most_exercises_suggests_checking_the_side_setting():
    assert "Your right side moved less today" in session_with_weaker("right").screen.warning


def test_the_configured_side_weaker_needs_no_suggestion():
    assert session_with_weaker("left").screen.warning == ""
