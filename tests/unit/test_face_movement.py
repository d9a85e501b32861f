"""A measure's movement from the relaxed face (face/measures.py `movement`), per side."""

from __future__ import annotations

import pytest

from mimicmirror.face.measures import movement
from mimicmirror.face.types import SidePair


def test_each_side_moves_from_its_own_relaxed_value():
    moved = movement({"brow_height": SidePair(0.30, 0.36)}, {"brow_height": SidePair(0.28, 0.30)})["brow_height"]
    assert (moved.left, moved.right) == pytest.approx((0.02, 0.06))
    assert moved.weaker == "left" and moved.symmetry == pytest.approx(1 / 3)


def test_the_one_sided_reading_is_how_much_further_one_side_moved():
    """What a face that only turned, or only met other light, must not show."""
    relaxed = {"nose_ala": SidePair(0.40, 0.42), "cheek": SidePair(0.90, 0.88)}
    moved = movement({"nose_ala": SidePair(0.43, 0.44), "cheek": SidePair(0.91, 0.89)}, relaxed)
    assert moved["nose_ala"].one_sided == pytest.approx(0.01)     # 0.03 against 0.02
    assert moved["cheek"].one_sided == pytest.approx(0.0)          # both the same way, as far
