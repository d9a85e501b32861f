"""Each coaching cue fires when, and only when, its rule says."""

from __future__ import annotations

import pytest
from engine_script import Driver, NEUTRAL, only

from mimicmirror.records import CueGiven, ExerciseDone, RepDone
from mimicmirror.screen import ScreenKind


def practice(exercise_id: str, affected: str = "left", **dose) -> tuple[Driver, object]:
    prog = only(exercise_id, **dose)
    d = Driver.of(prog, user={"affected_side": affected})
    d.to_practice()
    return d, prog.exercises[0]


def cues(d: Driver) -> list[str]:
    return [c.cue for c in d.of_type(CueGiven)]


# --- strong-side over-activity -------------------------------------------------------

def test_two_overactive_reps_in_a_row_cue_smaller_movements_on_the_strong_side():
    d, ex = practice("raise_brows")
    d.rep(ex, 0.6, 1.0, hold_frames=46)                  # ratio 1.67
    assert cues(d) == [] and "overactivity" in d.of_type(RepDone)[-1].flags
    d.rep(ex, 0.6, 1.0, hold_frames=46)
    assert cues(d) == ["overactivity"]
    cue = d.of_type(CueGiven)[0]
    assert cue.exercise_id == "raise_brows"
    assert cue.text == "Smaller movements: let your right side do less"
    assert d.screen.cue == cue.text and d.screen.cue_side == "right"


def test_the_cue_follows_the_configured_affected_side():
    d, ex = practice("raise_brows", affected="right")
    d.rep(ex, 1.0, 0.5, hold_frames=46)
    d.rep(ex, 1.0, 0.5, hold_frames=46)
    assert d.screen.cue_side == "left" and "left side do less" in d.screen.cue
    assert [b.affected for b in d.screen.bars] == [False, True]


def test_a_ratio_just_under_the_threshold_never_cues():
    d, ex = practice("raise_brows")
    for _ in range(5):
        d.rep(ex, 0.7, 1.0, hold_frames=46)              # ratio 1.43
    assert cues(d) == []
    assert not any("overactivity" in r.flags for r in d.of_type(RepDone))


def test_overactive_reps_that_are_not_consecutive_do_not_cue():
    d, ex = practice("raise_brows")
    for left in (0.5, 1.0, 0.5, 1.0, 0.5):
        d.rep(ex, left, 1.0, hold_frames=46)
    assert [("overactivity" in r.flags) for r in d.of_type(RepDone)] == [True, False, True, False, True]
    assert cues(d) == []


def test_the_weaker_side_moving_more_is_not_strong_side_overactivity():
    d, ex = practice("raise_brows")
    for _ in range(3):
        d.rep(ex, 1.0, 0.5, hold_frames=46)
    assert cues(d) == []


def test_repeated_warnings_suggest_a_break_and_next_ends_it():
    d, ex = practice("raise_brows", reps=8)
    for _ in range(3):
        d.rep(ex, 0.5, 1.0, hold_frames=46)
    assert cues(d) == ["overactivity"]
    d.rep(ex, 0.5, 1.0, hold_frames=46)
    assert cues(d) == ["overactivity", "overactivity", "break"]
    assert d.screen.kind is ScreenKind.NOTICE and d.screen.title == "Time for a short break"
    assert d.screen.countdown == pytest.approx(60.0, abs=0.2)
    d.move(ex, 0.5, 1.0, 30)                               # movement during the break is ignored
    assert len(d.of_type(RepDone)) == 4
    d.press("next")
    assert d.screen.kind is ScreenKind.PRACTICE and d.screen.rep == 4
    d.rep(ex, 0.5, 1.0, hold_frames=46)
    assert cues(d).count("overactivity") == 2             # counting starts afresh after the break


def test_the_break_ends_by_itself_and_practice_continues():
    d, ex = practice("raise_brows", reps=8)
    for _ in range(4):
        d.rep(ex, 0.5, 1.0, hold_frames=46)
    d.tick(59.8)                               # plus the two frames after the last rep
    assert d.screen.kind is ScreenKind.NOTICE
    d.tick(0.1)
    assert d.screen.kind is ScreenKind.PRACTICE


# --- synkinesis watch ------------------------------------------------------------------

def eye(fraction: float, side: str = "left") -> dict:
    """The eye opening on one side dropping by `fraction` of its relaxed value."""
    drop = -fraction * NEUTRAL["eye_opening"].on(side)
    return {"eye_opening": (drop, 0.0) if side == "left" else (0.0, drop)}


def test_the_affected_eye_narrowing_during_a_mouth_exercise_cues_keep_your_eye_soft():
    d, ex = practice("lips_outward")
    d.rep(ex, 1.0, 1.0, hold_frames=46, change=eye(0.30))
    assert cues(d) == ["synkinesis"]
    cue = d.of_type(CueGiven)[0]
    assert cue.text == "Keep your eye soft"
    assert "synkinesis" in d.of_type(RepDone)[-1].flags


def test_the_eye_cue_fires_once_per_rep_while_it_lasts():
    d, ex = practice("lips_outward")
    d.rep(ex, 1.0, 1.0, hold_frames=46, change=eye(0.30))
    d.rep(ex, 1.0, 1.0, hold_frames=46, change=eye(0.30))
    assert cues(d) == ["synkinesis", "synkinesis"]


def test_the_eye_cue_is_drawn_on_the_affected_side():
    d, ex = practice("lips_outward")
    d.move(ex, 0.3, 0.3)
    d.move(ex, 1.0, 1.0, 10, change=eye(0.30))
    assert d.screen.cue == "Keep your eye soft" and d.screen.cue_side == "left"


@pytest.mark.parametrize("why, exercise_id, change, frames", [
    ("a 20 % drop is within the rule", "lips_outward", eye(0.20), 46),
    ("the unaffected eye narrowing is not watched", "lips_outward", eye(0.40, "right"), 46),
    ("a blink is shorter than the rule's half second", "lips_outward", eye(0.9), 6),
    ("eye exercises have no quiet eye", "raise_brows", eye(0.40), 46),
])
def test_the_eye_cue_stays_quiet_when(why, exercise_id, change, frames):
    d, ex = practice(exercise_id)
    d.move(ex, 0.3, 0.3)
    d.move(ex, 1.0, 1.0, frames, change=change)
    d.move(ex, 1.0, 1.0, 46)
    d.move(ex, 0, 0, 3)
    assert cues(d) == [], why
    assert "synkinesis" not in d.of_type(RepDone)[-1].flags


def test_the_eye_narrowing_at_rest_is_not_synkinesis():
    d, ex = practice("lips_outward")
    d.move(ex, 0, 0, 30, change=eye(0.5))
    assert cues(d) == []


def test_the_eye_cue_needs_the_narrowing_for_exactly_half_a_second():
    d, ex = practice("lips_outward")
    d.move(ex, 0.3, 0.3)
    d.move(ex, 1.0, 1.0, 7, change=eye(0.3))      # 6 intervals = 0.4 s
    d.move(ex, 1.0, 1.0, 2)
    assert cues(d) == []
    d.move(ex, 1.0, 1.0, 8, change=eye(0.3))      # 7 intervals = 0.467 s
    assert cues(d) == []
    d.move(ex, 1.0, 1.0, 1, change=eye(0.3))      # 8 intervals = 0.533 s
    assert cues(d) == ["synkinesis"]


# --- fatigue -------------------------------------------------------------------------

def test_falling_movement_over_the_last_reps_ends_the_set_early():
    d, ex = practice("raise_brows")
    for level in (1.0, 0.9, 0.65):
        d.rep(ex, level, level, hold_frames=46)
    assert cues(d) == ["fatigue"]
    done = d.of_type(ExerciseDone)[-1]
    assert (done.reps, done.ended_early, done.skipped) == (3, "fatigue", False)
    assert d.screen.kind is ScreenKind.EXERCISE_SUMMARY
    assert d.screen.cue == "Good work. Let's stop this one while the movement is good."


def test_falling_symmetry_ends_the_set_early():
    d, ex = practice("raise_brows")
    for right in (0.8, 1.0, 1.25):               # the affected left holds 0.8, the right pulls away
        d.rep(ex, 0.8, right, hold_frames=46)
    assert [r.symmetry for r in d.of_type(RepDone)] == [1.0, 0.8, 0.64]
    assert cues(d) == ["fatigue"]


@pytest.mark.parametrize("why, levels", [
    ("a gentle decline stays above 70 % of the best", (1.0, 0.95, 0.9, 0.85, 0.8)),
    ("a dip that recovers is not a fall twice in a row", (1.0, 0.6, 0.9, 0.6, 0.9)),
])
def test_fatigue_stays_quiet_when(why, levels):
    d, ex = practice("raise_brows")
    for level in levels:
        d.rep(ex, level, level, hold_frames=46)
    assert cues(d) == [], why
    assert d.of_type(ExerciseDone)[-1].ended_early is None


def test_fatigue_does_not_cut_a_set_that_is_already_complete():
    d, ex = practice("raise_brows", reps=3)
    for level in (1.0, 0.9, 0.65):
        d.rep(ex, level, level, hold_frames=46)
    assert cues(d) == [] and d.of_type(ExerciseDone)[-1].ended_early is None


def test_no_movement_for_a_while_brings_a_gentle_hint():
    d, ex = practice("raise_brows")
    d.move(ex, 0, 0, 20 * 15 - 1)
    assert d.screen.cue == "Gently lift both eyebrows."
    d.move(ex, 0, 0, 1)
    assert d.screen.cue == "Take your time. Think of the movement. NEXT skips."
    assert cues(d) == []
