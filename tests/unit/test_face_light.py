"""A frame freed of the light (face/light.py), on the bundled real faces.

Image motion follows the patch's texture (`texture`) and the eye rows read its
grey levels matched to the relaxed frame's (`Light`), so the light the face is
seen in must change neither: movement moves pixels about, the light changes how
bright they are (how little movement itself moves the levels:
tests/model/test_image_motion.py). The faces' grey levels are squeezed into 40..200
first, so that no light below clips them: clipped detail is lost, and nothing can
give it back.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.face.light import TEXTURE_SIZE, Light, texture
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import LIGHT_CHANGES, SIDE_LIGHTS, relit, side_lit

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


def detailed(grey: np.ndarray) -> np.ndarray:
    """Where `grey` has detail to follow: a neighbourhood's spread of at least 8 levels
    (the spread floor), away from the patch's edges."""
    size = (TEXTURE_SIZE, TEXTURE_SIZE)
    mean = cv2.boxFilter(grey.astype(np.float64), -1, size)
    spread = np.sqrt(np.maximum(cv2.boxFilter(grey.astype(np.float64) ** 2, -1, size) - mean ** 2, 0.0))
    keep = spread >= 8.0
    keep[:TEXTURE_SIZE], keep[-TEXTURE_SIZE:], keep[:, :TEXTURE_SIZE], keep[:, -TEXTURE_SIZE:] = False, False, False, False
    return keep


@pytest.mark.parametrize("name", FACES)
@pytest.mark.parametrize("change", sorted(SIDE_LIGHTS))
def test_a_face_lit_more_on_one_side_keeps_its_texture_where_one_table_cannot_give_its_levels_back(name, change):
    """Lit 10-20 % more towards one side, the face's texture stays where the light's
    levels, matched by one table for the whole face, do not come back. Measured where
    there is detail: the texture 0.35-0.59 levels apart on average (rounding), the
    matched levels 4.3-8.9 apart (as far as before matching: 3.6-9.0)."""
    relaxed = squeezed_grey(name)
    now = side_lit(relaxed[..., None], (0.0, float(relaxed.shape[1])), *SIDE_LIGHTS[change])[..., 0]
    keep = detailed(relaxed)
    moved = float(np.abs(texture(now).astype(int) - texture(relaxed).astype(int))[keep].mean())
    matched = float(np.abs(Light(relaxed).matched(now).astype(int) - relaxed.astype(int))[keep].mean())
    assert moved <= 1.0 and matched >= 2.0, (moved, matched)


@pytest.mark.parametrize("name", FACES)
@pytest.mark.parametrize("change", sorted(LIGHT_CHANGES))
def test_a_face_under_other_light_keeps_its_texture(name, change):
    """A gain, an offset or a gamma of the whole face's light, where there is detail.
    Measured: 0-1.09 levels apart on average (the astronaut 20 % darker)."""
    relaxed = squeezed_grey(name)
    now = relit(relaxed, *LIGHT_CHANGES[change])
    keep = detailed(relaxed)
    assert np.abs(texture(now).astype(int) - texture(relaxed).astype(int))[keep].mean() <= 2.0


def test_a_flat_patch_has_no_texture():
    """No detail, nothing to follow: mid-grey, whatever its level."""
    for level in (0, 90, 255):
        assert np.array_equal(texture(np.full((40, 40), level, np.uint8)), np.full((40, 40), 128, np.uint8))
