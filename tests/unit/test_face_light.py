"""A frame's light given the relaxed frame's (face/light.py `Light`), on the bundled real faces.

Image motion matches grey levels, so the light the face is seen in must not change
them: movement moves pixels about, the light changes how many of each level there are
(how little movement itself moves them: tests/model/test_image_motion.py). The faces'
grey levels are squeezed into 40..200 first, so that no light below clips them:
clipped detail is lost, and nothing can give it back.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.face.light import Light
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import LIGHT_CHANGES, relit

FACES = ("astronaut", "grace_hopper")


def squeezed_grey(name: str) -> np.ndarray:
    grey = cv2.cvtColor(load_face(name), cv2.COLOR_RGB2GRAY)
    return np.round(grey * 0.625 + 40.0).astype(np.uint8)


def mean_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


@pytest.mark.parametrize("name", FACES)
@pytest.mark.parametrize("change", sorted(LIGHT_CHANGES))
def test_a_face_under_other_light_gets_the_relaxed_grey_levels_back(name, change):
    """Measured: 0-0.59 grey levels apart on average after (rounding), 9-22 before."""
    relaxed = squeezed_grey(name)
    now = relit(relaxed, *LIGHT_CHANGES[change])
    matched = Light(relaxed).matched(now)
    assert mean_change(matched, relaxed) <= 0.1 * mean_change(now, relaxed), change


def test_a_flat_patch_is_left_as_it_is():
    """A covered camera or a blown-out patch: no light makes a face flat."""
    flat = np.full((40, 40), 90, np.uint8)
    assert np.array_equal(Light(squeezed_grey("astronaut")).matched(flat), flat)
