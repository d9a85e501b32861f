"""The simulated light from one side: a gain ramping straight across the face."""

from __future__ import annotations

import numpy as np

from mimicmirror.sim.warp import SIDE_LIGHTS, side_lit


def test_the_gain_ramps_from_the_persons_right_edge_to_their_left_and_holds_beyond():
    grey = np.full((4, 101, 3), 100, np.uint8)
    lit = side_lit(grey, (20.0, 80.0), 0.8, 1.2)       # the person's right is the image's left
    assert [int(lit[0, x, 0]) for x in (0, 20, 50, 80, 100)] == [80, 80, 100, 120, 120]


def test_each_named_side_light_is_brighter_on_the_side_it_names():
    for name, (right_gain, left_gain) in SIDE_LIGHTS.items():
        brighter = "left" if left_gain > right_gain else "right"
        assert f"more on the {brighter}" in name
