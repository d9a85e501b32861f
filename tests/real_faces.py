"""Real faces, simulated movements on them, and one tracked repetition: shared by the face tests."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.measures import measure_all, symmetry
from mimicmirror.face.pose import face_frame
from mimicmirror.face.types import SidePair
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import ExerciseWarper

FACES = ("grace_hopper", "astronaut")

#: The measure each simulated action is judged by.
SIGNAL = {"smile": "mouth_corner_excursion", "brow_raise": "brow_height", "eye_closure": "eye_opening",
          "pucker": "mouth_corner_excursion", "cheek_puff": "cheek", "nose_wrinkle": "ala_height",
          "frown": "inner_brow", "mouth_open": "lip_gap"}


@lru_cache(maxsize=None)
def face(name: str) -> np.ndarray:
    return load_face(name)


@lru_cache(maxsize=None)
def warper(name: str) -> ExerciseWarper:
    return ExerciseWarper(face(name))


@lru_cache(maxsize=None)
def rep_movement(face_name: str, action: str, left: float, right: float) -> tuple[float, float]:
    """Track a relaxed face, then one rep rising to the amplitudes and holding:

    the mean per-side movement of the action's measure over the hold, as the
    device sees it (tracking mode, movement against the relaxed face, followed
    in the image from the last relaxed frame).
    """
    measure = SIGNAL[action]
    neutral_rgb, w = face(face_name), warper(face_name)
    with Analyzer(static=False) as analyzer:
        neutral = [analyzer.analyze(neutral_rgb).measures[measure] for _ in range(4)]
        base_l = np.mean([m.left for m in neutral])
        base_r = np.mean([m.right for m in neutral])
        assert analyzer.set_reference(neutral={measure: SidePair(float(base_l), float(base_r))})
        held = []
        for k in [*np.linspace(0.0, 1.0, 6), 1.0, 1.0, 1.0, 1.0]:
            m = analyzer.analyze(w.render(action, left * k, right * k)).measures[measure]
            held.append((m.left - base_l, m.right - base_r))
    hold = held[-4:]
    return float(np.mean([h[0] for h in hold])), float(np.mean([h[1] for h in hold]))


def rep_symmetry(face_name: str, action: str, left: float, right: float):
    l, r = rep_movement(face_name, action, left, right)
    return symmetry(l, r, 0.01)


@lru_cache(maxsize=None)
def true_movement(face_name: str, action: str, left: float, right: float) -> tuple[float, float]:
    """Per-side movement of the action's measure where the warp truly puts the landmarks."""
    measure, w = SIGNAL[action], warper(face_name)
    pts = np.zeros((len(w.landmarks), 3))
    pts[:, :2] = w.moved_landmarks([(action, left, right)])
    moved = measure_all(face_frame(pts).points)[measure]
    pts[:, :2] = w.landmarks
    still = measure_all(face_frame(pts).points)[measure]
    return moved.left - still.left, moved.right - still.right


def true_symmetry(face_name: str, action: str, left: float, right: float):
    return symmetry(*true_movement(face_name, action, left, right), 0.01)
