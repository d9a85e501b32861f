"""A frame freed of the light (face/light.py `texture`), on the bundled real faces.

Image motion follows the face patch's texture, so the light the face is seen in
must not change it. The faces' grey levels are squeezed into 40..200 first, so that
no light below clips them: clipped detail is lost, and nothing can give it back.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.face.light import TEXTURE_FLOOR, TEXTURE_SIZE, Texture, texture
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import LIGHT_CHANGES, SIDE_LIGHTS, relit, side_lit

FACES = ("astronaut", "grace_hopper")


def squeezed_grey(name: str) -> np.ndarray:
    grey = cv2.cvtColor(load_face(name), cv2.COLOR_RGB2GRAY)
    return np.round(grey * 0.625 + 40.0).astype(np.uint8)


def mean_change(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int))[where].mean())


def detailed(grey: np.ndarray) -> np.ndarray:
    """Where `grey` has detail to follow: a neighbourhood's spread of at least 8 levels
    (the spread floor), away from the patch's edges."""
    size = (TEXTURE_SIZE, TEXTURE_SIZE)
    mean = cv2.boxFilter(grey.astype(np.float64), -1, size)
    spread = np.sqrt(np.maximum(cv2.boxFilter(grey.astype(np.float64) ** 2, -1, size) - mean ** 2, 0.0))
    keep = spread >= TEXTURE_FLOOR
    keep[:TEXTURE_SIZE], keep[-TEXTURE_SIZE:], keep[:, :TEXTURE_SIZE], keep[:, -TEXTURE_SIZE:] = False, False, False, False
    return keep


@pytest.mark.parametrize("name", FACES)
@pytest.mark.parametrize("change", sorted(SIDE_LIGHTS))
def test_a_face_lit_more_on_one_side_keeps_its_texture(name, change):
    """Lit 10-20 % more towards one side: where there is detail, the texture stays
    within 0.35-0.59 levels on average (rounding), where the grey levels moved 3.6-9.0."""
    relaxed = squeezed_grey(name)
    now = side_lit(relaxed[..., None], (0.0, float(relaxed.shape[1])), *SIDE_LIGHTS[change])[..., 0]
    keep = detailed(relaxed)
    assert mean_change(now, relaxed, keep) >= 3.0
    assert mean_change(texture(now), texture(relaxed), keep) <= 1.0


@pytest.mark.parametrize("name", FACES)
@pytest.mark.parametrize("change", sorted(LIGHT_CHANGES))
def test_a_face_under_other_light_keeps_its_texture(name, change):
    """A gain, an offset or a gamma of the whole face's light, where there is detail.
    Measured: 0-1.09 levels apart on average (the astronaut 20 % darker)."""
    relaxed = squeezed_grey(name)
    now = relit(relaxed, *LIGHT_CHANGES[change])
    keep = detailed(relaxed)
    assert mean_change(now, relaxed, keep) >= 5.0
    assert mean_change(texture(now), texture(relaxed), keep) <= 2.0


def test_a_flat_patch_has_no_texture():
    """No detail, nothing to follow: mid-grey, whatever its level."""
    for level in (0, 90, 255):
        assert np.array_equal(texture(np.full((40, 40), level, np.uint8)), np.full((40, 40), 128, np.uint8))


def test_one_maker_gives_each_frame_its_texture_in_the_same_buffer():
    """The mirror makes every frame's texture into one maker's buffers (`Texture`): each
    frame's is the one `texture` makes alone, whatever came before it."""
    relaxed = squeezed_grey("astronaut")
    maker = Texture(relaxed.shape)
    frames = [relaxed, relit(relaxed, *LIGHT_CHANGES["gamma 0.8"]), np.roll(relaxed, 3, axis=1), relaxed]
    made = [maker.of(f) for f in frames]
    assert all(m is made[0] for m in made)               # one buffer
    for frame in frames:
        assert np.array_equal(maker.of(frame), texture(frame))


def test_a_patch_of_another_size_is_refused():
    maker = Texture((40, 40))
    with pytest.raises(ValueError, match="grey patch"):
        maker.of(np.zeros((40, 41), np.uint8))
    with pytest.raises(ValueError, match="grey patch"):
        Texture((40, 40, 3))
