"""The clinical arithmetic: one definition of each rule, as the mirror, the store and the report use it."""

from __future__ import annotations

from datetime import date

import pytest

from mimicmirror.clinical import (Flag, affected_movement, mean, named_weaker, percent, rolling_means, symmetry,
                                  week_start)


def test_symmetry_is_the_weaker_over_the_stronger_movement():
    assert symmetry(0.02, 0.08, 0.01) == (0.25, "left")
    assert symmetry(0.08, 0.02, 0.01) == (0.25, "right")
    assert symmetry(-0.05, -0.10, 0.01) == (0.5, "left")        # closing movements: the stronger side's way


def test_a_side_moving_against_the_movement_counts_as_not_moving():
    assert symmetry(0.06, -0.02, 0.01) == (0.0, "right")
    # a repetition's peaks have a wanted direction: the side that moved most that way is the stronger
    assert symmetry(0.03, -0.05, 0.01, direction=1) == (0.0, "right")
    assert symmetry(0.03, -0.05, 0.01) == (0.0, "left")          # without one, the larger movement leads


def test_below_the_noise_floor_there_is_no_symmetry():
    assert symmetry(0.004, -0.003, 0.01) == (None, None)
    assert symmetry(-0.2, -0.3, 0.01, direction=1) == (None, None)


def test_the_affected_side_is_left_out_where_only_the_other_side_moved():
    assert affected_movement(0.02, 0.08, "left", [Flag.OVERACTIVITY]) == 0.02
    assert affected_movement(0.0, 0.07, "left", ["right_only"]) is None
    assert affected_movement(0.05, 0.0, "left", ("left_only",)) == 0.05
    assert affected_movement(0.05, 0.03, "right", ()) == 0.03


def test_flags_are_stored_by_their_names():
    assert [str(f) for f in Flag] == ["overactivity", "synkinesis", "short", "overshoot", "left_only", "right_only"]
    assert Flag.only("left") is Flag.LEFT_ONLY and Flag.only("right") == "right_only"


@pytest.mark.parametrize("sym, weaker, named", [(0.95, "left", None), (0.9, "left", None), (0.89, "left", "left"),
                                                (None, None, None), (0.5, "right", "right")])
def test_a_weaker_side_is_named_only_below_even(sym, weaker, named):
    assert named_weaker(sym, weaker, even_from=0.9) == named


def test_a_mean_of_nothing_is_none_not_zero():
    assert mean([]) is None
    assert mean([0.5, 1.0]) == 0.75


def test_a_week_is_the_last_seven_days_including_today():
    assert week_start(date(2026, 3, 10)) == date(2026, 3, 4)
    assert week_start(date(2026, 3, 28), 28) == date(2026, 3, 1)


def test_the_rolling_mean_takes_every_value_of_the_week_ending_each_practice_day():
    by_day = {date(2026, 3, 1): [0.2, 0.4], date(2026, 3, 5): [0.6], date(2026, 3, 9): [1.0]}
    assert rolling_means(by_day) == [(date(2026, 3, 1), pytest.approx(0.3)), (date(2026, 3, 5), pytest.approx(0.4)),
                                     (date(2026, 3, 9), pytest.approx(0.8))]


def test_a_share_is_written_one_way():
    assert [percent(v) for v in (0.8, 0.054, 1.0, 0.0)] == ["80 %", "5 %", "100 %", "0 %"]
