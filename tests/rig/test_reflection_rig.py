"""Cues on the reflection, end to end on the virtual rig.

The person stands 55 cm from the glass, eyes 11 cm below the camera (the
`reflection` scenario). Through the real camera adapter, the real face model
and the real service loop, the bars of the brow exercise must stand level
with the brows and those of the smile with the mouth corners, where the
geometry says the person sees them, and never on the face.
"""

from __future__ import annotations

from statistics import median

import numpy as np
import pygame
import pytest

from mimicmirror.sim.rig import Rig
from mimicmirror.sim.scenario import load_scenario
from mimicmirror.sim.summary import format_placements, placement_errors

#: As the geometry bench: within 10 mm on the glass.
TOLERANCE_MM = 10.0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return Rig(load_scenario("reflection"), tmp_path_factory.mktemp("reflection")).run()


def levels(run, exercise_id: str) -> list[float]:
    return [p.level(side) for _, eid, p in run.placements if eid == exercise_id for side in ("left", "right")]


def test_the_person_stands_where_the_scenario_says(run):
    assert run.placed is not None
    assert (run.placed.stand.distance_mm, run.placed.stand.below_mm) == (550.0, 110.0)


def test_brow_bars_stand_at_the_brows_and_smile_bars_at_the_mouth_corners(run):
    errors = {e.exercise_id: e for e in placement_errors(run.placements, run.placed)}
    print(format_placements(list(errors.values()), run.placed))
    assert errors["raise_brows"].feature == "brow"
    assert errors["assisted_smile"].feature == "mouth_corner"
    for e in (errors["raise_brows"], errors["assisted_smile"]):
        assert abs(e.left_mm) <= TOLERANCE_MM and abs(e.right_mm) <= TOLERANCE_MM, e


def test_the_smile_bars_stand_lower_than_the_brow_bars_by_half_the_brow_to_mouth_height(run):
    mm = run.placements[0][2].mm_per_px
    drop = (median(levels(run, "assisted_smile")) - median(levels(run, "raise_brows"))) * mm
    truth = (run.placed.true_level_px("mouth_corner", "left") - run.placed.true_level_px("brow", "left")) * mm
    assert 25 < truth < 60                       # half of a face's brow-to-mouth height
    assert drop == pytest.approx(truth, abs=5)


def test_the_checkpoint_screens_keep_the_face_dark_and_show_the_reflection_beside_the_bars(run):
    for name, exercise in (("brow-bars", "raise_brows"), ("smile-bars", "assisted_smile")):
        path = run.checkpoints[name]
        image = pygame.surfarray.array3d(pygame.image.load(str(path))).swapaxes(0, 1)
        placement = [p for _, eid, p in run.placements if eid == exercise][-1]
        x0, y0, x1, y1 = (round(v) for v in placement.face_box)
        assert image[max(0, y0):y1, max(0, x0):x1].max() < 40, name      # nothing lit on the face
        lit_rows = np.nonzero((image.max(axis=2) > 40)[:, :max(0, x0)].any(axis=1))[0]
        assert lit_rows.size and lit_rows.min() < placement.level("left") < lit_rows.max()
        assert path.with_name(path.stem + "-as-seen.png").exists()
