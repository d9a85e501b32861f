"""What a simulated exercise truly moves: the ground truth the rig's readings are judged by.

The scenario imposes an amplitude per side, but the ratio of amplitudes is not
exactly the ratio of the measures' movements: the smooth warp mixes nearby
control points differently on each side of a real face (on the bundled
astronaut, a brow raise at 0.8 : 1 moves the brow heights 0.72 : 1). The truth
is therefore taken where the warp really puts the landmarks, through the same
measures and the same exercise signal the mirror uses.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..exercises.catalogue import Programme
from ..exercises.sets import peak_symmetry
from ..exercises.reps import signal
from ..face.measures import measure_all
from ..face.pose import face_frame
from ..sides import Side
from .scenario import Movement, Scenario
from .warp import ExerciseWarper

Truth = tuple[float | None, Side | None]


def _measures(warper: ExerciseWarper, actions: list[tuple[str, float, float]]):
    pts = np.zeros((len(warper.landmarks), 3))
    pts[:, :2] = warper.moved_landmarks(actions)
    return measure_all(face_frame(pts).points)


def true_symmetry(warper: ExerciseWarper, movement: Movement, moves, floor: float) -> Truth:
    """Symmetry and weaker side of the exercise signal for the landmarks as the warp moves them."""
    actions = [(movement.action, movement.left, movement.right), *movement.also]
    peak = signal(moves, _measures(warper, actions), _measures(warper, []))
    return peak_symmetry(peak, floor)


def true_symmetries(warper: ExerciseWarper, scenario: Scenario, programme: Programme) -> Mapping[str, Truth]:
    """Per tracked exercise of the scenario: the true symmetry and weaker side."""
    tracked = {ex.id: ex for ex in programme.exercises if ex.moves}
    return {eid: true_symmetry(warper, movement, tracked[eid].moves, programme.rules.noise_floor)
            for eid, movement in scenario.exercises.items() if eid in tracked}
