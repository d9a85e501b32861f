"""Repetitions and holds, counted from hand-made measure streams at 15 frames a second."""

from __future__ import annotations

import pytest
from engine_script import DT, Driver, measures, only

from mimicmirror.records import ExerciseDone, RepDone
from mimicmirror.screen import Phase, ScreenKind


#: Frame-exact hold tests switch the 3-frame smoothing off; smoothing has its own tests.
RAW = {"smoothing_frames": 1}


def brows(rules=None, **dose) -> tuple[Driver, object]:
    prog = only("raise_brows", rules=rules, **dose)
    d = Driver.of(prog)
    d.to_practice()
    assert d.screen.kind is ScreenKind.PRACTICE
    return d, prog.exercises[0]


def test_five_clean_repetitions_are_five_reps_and_end_the_set():
    d, ex = brows()
    for _ in range(5):
        d.rep(ex, 0.9, 1.0, hold_frames=46)
    reps = d.of_type(RepDone)
    assert [r.rep for r in reps] == [1, 2, 3, 4, 5]
    assert all(r.hold_s == 3.0 and r.hold_target_s == 3.0 for r in reps)
    assert d.of_type(ExerciseDone) == [ExerciseDone(reps[-1].t, "raise_brows", 5, 0.9, False, None)]
    assert d.screen.kind is ScreenKind.EXERCISE_SUMMARY


def test_the_hold_is_counted_to_the_frame():
    """46 frames in the zone span exactly 3 s at 15 fps; 45 frames fall one frame short."""
    d, ex = brows(RAW)
    d.rep(ex, 1.0, 1.0, hold_frames=45)
    short = d.of_type(RepDone)[-1]
    assert short.hold_s == pytest.approx(44 * DT, abs=1e-4) and "short" not in short.flags
    d.rep(ex, 1.0, 1.0, hold_frames=46)
    assert d.of_type(RepDone)[-1].hold_s == 3.0


def test_the_hold_phase_turns_to_release_on_the_frame_the_hold_is_complete():
    d, ex = brows(RAW)
    d.move(ex, 1.0, 1.0)
    assert d.screen.phase is Phase.HOLD and d.screen.countdown == 3.0 and d.screen.countdown_total == 3.0
    assert d.screen.cue == "Hold it gently"
    d.move(ex, 1.0, 1.0, 44)
    assert d.screen.phase is Phase.HOLD and d.screen.countdown == pytest.approx(DT, abs=0.01)
    d.move(ex, 1.0, 1.0)
    assert d.screen.phase is Phase.RELEASE and d.screen.cue == "Now let go slowly"
    assert d.of_type(RepDone) == []          # a rep counts when the face lets go
    d.move(ex, 0.1, 0.1)
    assert len(d.of_type(RepDone)) == 1 and d.screen.phase is Phase.REST and d.screen.rep == 1


def test_the_hold_counts_only_inside_the_target_zone():
    d, ex = brows(RAW)
    d.move(ex, 1.0, 1.0, 16)                 # 15 intervals = 1 s held
    d.move(ex, 1.0, 1.8, 30)                 # the strong side overdoes it: out of the zone
    assert d.screen.cue == "A little less" and d.screen.countdown == 2.0
    d.move(ex, 0.5, 0.5, 10)                 # sagging below the zone: still no counting
    assert d.screen.cue == "A little more" and d.screen.countdown == 2.0
    d.move(ex, 1.0, 1.0, 31)                 # back in: 30 more intervals = 2 s
    assert d.screen.phase is Phase.RELEASE
    d.move(ex, 0, 0)
    assert d.of_type(RepDone)[-1].hold_s == 3.0
    assert "overshoot" in d.of_type(RepDone)[-1].flags


def test_small_wobbles_around_the_start_threshold_are_one_repetition():
    """Hysteresis: only falling below the release threshold ends a repetition."""
    d, ex = brows()
    for level in (0.0, 0.4, 0.25, 0.4, 0.25, 0.45, 0.25, 0.0):
        d.move(ex, level, level, 3)
    reps = d.of_type(RepDone)
    assert len(reps) == 1 and "short" in reps[0].flags and reps[0].hold_s == 0.0


def test_movement_below_the_start_threshold_is_not_a_repetition():
    d, ex = brows()
    for _ in range(3):
        d.move(ex, 0.3, 0.3, 20)
        d.move(ex, 0.0, 0.0, 10)
    assert d.of_type(RepDone) == [] and d.screen.rep == 0


def test_frames_that_fail_quality_do_not_count_and_the_warning_says_why():
    d, ex = brows(RAW)
    d.move(ex, 1.0, 1.0, 20)                                       # 19 intervals
    d.frames(5, measures(ex, 1.0, 1.0), reason="head_turned")
    assert d.screen.warning == "Turn your face to the mirror"
    assert d.screen.phase is Phase.HOLD
    d.move(ex, 1.0, 1.0, 21)                                       # 20 intervals after the gap
    assert d.screen.warning == ""
    d.move(ex, 0, 0)
    rep = d.of_type(RepDone)[-1]
    assert rep.hold_s == pytest.approx(39 * DT, abs=1e-4)


def test_a_repetition_made_only_of_unscorable_frames_is_not_counted():
    d, ex = brows()
    for _ in range(3):
        d.frames(50, measures(ex, 1.0, 1.0), reason="face_too_small")
        d.frames(10, measures(ex, 0, 0), reason="face_too_small")
    assert d.of_type(RepDone) == []
    assert d.screen.warning == "Come a little closer"


@pytest.mark.parametrize("reason, words", [
    ("head_turned", "Turn your face to the mirror"), ("head_tilted", "Keep your head level"),
    ("face_too_small", "Come a little closer"), ("several_faces", "One face at the mirror, please"),
])
def test_each_quality_reason_has_plain_words(reason, words):
    d, ex = brows()
    d.frames(1, measures(ex, 0, 0), reason=reason)
    assert d.screen.warning == words


def test_bars_show_each_side_on_the_target_scale_and_mark_the_affected_side():
    d, ex = brows()
    d.move(ex, 0.5, 1.0)
    left, right = d.screen.bars
    assert (left.side, left.value, left.affected) == ("left", 0.5, True)
    assert (right.side, right.value, right.affected) == ("right", 1.0, False)
    assert (left.target_low, left.target_high) == (0.6, 1.4)


def test_rep_records_carry_the_movement_in_iid_and_the_symmetry_of_the_signal():
    d, ex = brows()
    d.rep(ex, 0.6, 1.0, hold_frames=46)
    rep = d.of_type(RepDone)[-1]
    target = ex.moves[0].target
    assert rep.peak_left == pytest.approx(0.6 * target) and rep.peak_right == pytest.approx(target)
    assert rep.symmetry == 0.6 and rep.weaker == "left"


def test_no_symmetry_when_both_sides_stay_under_the_noise_floor():
    """A single-side exercise's rep can be led by one side while the other stays still."""
    prog = only("lift_corner")
    d = Driver.of(prog)
    d.to_practice()
    ex = prog.exercises[0]
    d.rep(ex, 1.0, 0.05, hold_frames=46)
    rep = d.of_type(RepDone)[-1]
    assert rep.symmetry is None and rep.weaker is None and "left_only" in rep.flags


def test_one_corner_then_the_other_counts_each_side_on_its_own():
    prog = only("lift_corner")
    d = Driver.of(prog)
    d.to_practice()
    ex = prog.exercises[0]
    assert d.screen.lines[0] == "Your left side first."
    for _ in range(3):
        d.rep(ex, 0.05, 1.2, hold_frames=46)          # the right side moving does not count now
    assert d.of_type(RepDone) == []
    for _ in range(3):
        d.rep(ex, 0.7, 0.05, hold_frames=46)
    assert d.screen.kind is ScreenKind.INSTRUCTION and d.screen.lines[0] == "Now your right side."
    assert d.screen.cue_side == "right"
    d.press("next")
    for _ in range(3):
        d.rep(ex, 0.05, 1.0, hold_frames=46)
    reps = d.of_type(RepDone)
    assert [r.rep for r in reps] == [1, 2, 3, 4, 5, 6]
    assert [f for r in reps for f in r.flags if f.endswith("_only")] == ["left_only"] * 3 + ["right_only"] * 3
    done = d.of_type(ExerciseDone)[-1]
    assert (done.reps, done.symmetry) == (6, pytest.approx(0.7))
    assert d.screen.rows[0].weaker == "left"


def test_a_hold_of_zero_seconds_releases_as_soon_as_the_zone_is_reached():
    prog = only("say_well")
    d = Driver.of(prog)
    d.to_practice()
    d.move(prog.exercises[0], 1.0, 1.0)
    assert d.screen.phase is Phase.RELEASE and d.screen.countdown is None


def test_with_smoothing_the_hold_ends_one_frame_after_the_face_leaves_the_zone():
    """The 3-frame mean lags by one frame at the end: 45 frames of the face in the zone hold 3 s."""
    d, ex = brows()
    d.rep(ex, 1.0, 1.0, hold_frames=44)
    assert d.of_type(RepDone)[-1].hold_s == pytest.approx(44 * DT, abs=1e-4)
    d.rep(ex, 1.0, 1.0, hold_frames=45)
    assert d.of_type(RepDone)[-1].hold_s == 3.0


def test_landmark_jitter_on_a_still_face_is_never_a_repetition():
    """Jitter of a quarter of the target per frame (the real model's, on small targets)."""
    d, ex = brows()
    state = 12345
    for _ in range(60 * 15):
        state = (1103515245 * state + 12345) % 2 ** 31
        jitter = (state / 2 ** 31 - 0.5) * 0.9            # uniform +-0.45: sd 0.26 of the target
        d.move(ex, jitter, -jitter)
    assert d.of_type(RepDone) == []


def test_a_movement_shorter_than_the_minimum_is_dropped_as_jitter():
    d, ex = brows(RAW)
    d.move(ex, 0, 0, 5)
    d.move(ex, 1.0, 1.0, 5)                               # 4 intervals = 0.27 s, then gone
    d.move(ex, 0, 0, 5)
    assert d.of_type(RepDone) == []
    d.move(ex, 1.0, 1.0, 7)                               # 0.4 s from start to release
    d.move(ex, 0, 0, 1)
    assert len(d.of_type(RepDone)) == 1


def test_a_hold_that_cannot_be_completed_ends_with_let_go_rather_than_strain():
    """Hold time plus 5 s of grace after the movement started: 8 s for a 3 s hold."""
    d, ex = brows(RAW)
    d.move(ex, 0, 0, 3)
    d.move(ex, 1.0, 1.8, 120)                              # 119 intervals: 7.93 s, too big all along
    assert d.screen.phase is Phase.HOLD or d.screen.phase is Phase.MOVE
    d.move(ex, 1.0, 1.8, 1)
    assert d.screen.phase is Phase.RELEASE and d.screen.cue == "Now let go slowly"
    d.move(ex, 0, 0, 1)
    rep = d.of_type(RepDone)[-1]
    assert rep.hold_s == 0.0 and "overshoot" in rep.flags
