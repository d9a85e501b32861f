"""Which frames may be scored: the head's pose, on its own and against the relaxed face's."""

from __future__ import annotations

import numpy as np
import pytest

from mimicmirror.face.pose import FaceFrame
from mimicmirror.face.quality import QualityLimits, judge

LIMITS = QualityLimits()


def _frame(yaw: float = 0.0, pitch: float = 0.0, iid_px: float = 80.0) -> FaceFrame:
    return FaceFrame(points=np.zeros((478, 3)), iid_px=iid_px, roll_deg=0.0, yaw_deg=yaw, pitch_deg=pitch)


def test_a_frontal_face_may_be_scored_with_or_without_a_relaxed_face():
    assert judge(1, _frame()).ok
    assert judge(1, _frame(yaw=5.0, pitch=-3.0), relaxed=(4.0, -2.0)).ok


@pytest.mark.parametrize("yaw,reason", [(LIMITS.max_yaw_deg + 1, "head_turned"), (-LIMITS.max_yaw_deg - 1, "head_turned")])
def test_a_head_turned_past_the_limit_is_not_scored(yaw, reason):
    assert judge(1, _frame(yaw=yaw)).reason == reason


def test_once_the_relaxed_face_is_captured_a_turn_away_from_it_is_not_scored():
    turn = LIMITS.max_turn_from_relaxed_deg
    relaxed = (6.0, 0.0)                           # the person stands a little turned to the camera
    assert judge(1, _frame(yaw=6.0 + turn - 0.5), relaxed=relaxed).ok
    assert judge(1, _frame(yaw=6.0 + turn + 0.5), relaxed=relaxed).reason == "head_turned"
    assert judge(1, _frame(yaw=6.0 - turn - 0.5), relaxed=relaxed).reason == "head_turned"
    assert judge(1, _frame(yaw=6.0 + turn + 0.5)).ok        # before the capture: the whole-face limit only


def test_once_the_relaxed_face_is_captured_a_nod_away_from_it_is_not_scored():
    turn = LIMITS.max_turn_from_relaxed_deg
    relaxed = (0.0, -5.0)
    assert judge(1, _frame(pitch=-5.0 + turn - 0.5), relaxed=relaxed).ok
    assert judge(1, _frame(pitch=-5.0 + turn + 0.5), relaxed=relaxed).reason == "head_tilted"


def test_the_other_reasons_come_first():
    assert judge(0, None).reason == "no_face"
    assert judge(2, _frame(yaw=30.0)).reason == "several_faces"
    assert judge(1, _frame(iid_px=LIMITS.min_iid_px - 1)).reason == "face_too_small"
