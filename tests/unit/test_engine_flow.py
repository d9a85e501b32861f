"""The session around the exercises: idle, greeting, neutral capture, buttons, pauses, summaries."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_script import NEUTRAL, Driver, config, only, programme, three

from mimicmirror.exercises.engine import Engine, State
from mimicmirror.history import ExerciseHistory, History
from mimicmirror.records import (CueGiven, ExerciseDone, NeutralCaptured, SessionEnded,
                                 SessionStarted)
from mimicmirror.screen import ScreenKind


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

def test_a_still_relaxed_face_for_two_seconds_is_the_neutral_baseline():
    d = Driver.of(three())
    d.to_neutral()
    d.frames(30)                                   # 29 intervals
    assert d.of_type(NeutralCaptured) == []
    d.frames(1)
    captured = d.of_type(NeutralCaptured)[0]
    assert captured.measures["eye_opening"] == (0.12, 0.13)
    assert d.screen.kind is ScreenKind.INSTRUCTION


def test_moving_during_the_capture_starts_it_again():
    d = Driver.of(three())
    d.to_neutral()
    d.frames(20)
    moved = dict(NEUTRAL, mouth_corner_height=replace(NEUTRAL["mouth_corner_height"], left=-0.96))
    d.frame(moved)
    assert d.screen.cue == "Keep still a moment longer" and d.screen.countdown == 2.0
    d.frames(30, moved)                            # 30 more intervals from the moved frame
    assert len(d.of_type(NeutralCaptured)) == 1
    assert d.of_type(NeutralCaptured)[0].measures["mouth_corner_height"] == (-0.96, -1.0)


def test_landmark_jitter_within_the_stillness_rule_does_not_restart_the_capture():
    d = Driver.of(three())
    d.to_neutral()
    for i in range(31):
        wobble = 0.02 if i % 2 else -0.02        # 0.04 IID range: under 5 x the 0.01 noise floor
        d.frame(dict(NEUTRAL, brow_height=replace(NEUTRAL["brow_height"], left=0.36 + wobble)))
    assert len(d.of_type(NeutralCaptured)) == 1


def test_unscorable_frames_during_the_capture_restart_it_and_say_why():
    d = Driver.of(three())
    d.to_neutral()
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
