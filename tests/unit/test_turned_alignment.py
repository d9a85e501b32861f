"""The tracks' alignment: a similarity plus the parallax of a head turned or nodded."""

from __future__ import annotations

import numpy as np
import pytest

from mimicmirror.face.alignment import TURN_MIN_TRACKS, turned_similarity

TRUE = (1.02, 0.03, 4.0, -2.0, 0.07, -0.03)     # a, b, tx, ty, px, py


def _tracks(n: int = 40, seed: int = 3, depth_spread: float = 40.0):
    rng = np.random.default_rng(seed)
    src = rng.uniform(0, 200, (n, 2))
    depth = rng.uniform(-depth_spread * 0.75, depth_spread * 0.25, (n, 1))
    a, b, tx, ty, px, py = TRUE
    dst = src @ np.array([[a, b], [-b, a]]) + [tx, ty] + depth * [px, py]
    return src.astype(np.float32), depth, dst


def test_a_turn_and_a_similarity_are_both_recovered():
    src, depth, dst = _tracks()
    assert turned_similarity(src, depth, dst.astype(np.float32)) == pytest.approx(TRUE, abs=1e-4)


def test_a_few_tracks_an_expression_moved_do_not_decide():
    src, depth, dst = _tracks()
    dst[:4] += (0.0, -5.0)                   # four forehead tracks lifted by a brow raise
    assert turned_similarity(src, depth, dst.astype(np.float32)) == pytest.approx(TRUE, abs=1e-4)


def test_tracks_all_at_one_depth_give_a_similarity_and_no_parallax():
    src, _, dst = _tracks()
    flat = np.full((len(src), 1), 5.0)
    a, b, tx, ty, px, py = TRUE
    dst = src @ np.array([[a, b], [-b, a]]) + [tx, ty]
    fit = turned_similarity(src, flat, dst.astype(np.float32))
    assert fit[4:] == (0.0, 0.0)
    assert fit[:2] == pytest.approx((a, b), abs=1e-5)


def test_too_few_tracks_or_tracks_all_on_one_point_are_no_fit():
    src, depth, dst = _tracks()
    assert turned_similarity(src[:TURN_MIN_TRACKS - 1], depth[:TURN_MIN_TRACKS - 1],
                              dst[:TURN_MIN_TRACKS - 1]) is None
    assert turned_similarity(src, depth, np.repeat(dst[:1], len(dst), axis=0)) is None
