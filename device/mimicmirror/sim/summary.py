"""A session's result as the rig saw it: per exercise reps, symmetry, weaker side, cues."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean, median
from typing import Any, Iterable, Mapping

from ..records import CueGiven, ExerciseDone, Record, RepDone, SessionEnded
from .scenario import Scenario


@dataclass
class ExerciseResult:
    exercise_id: str
    reps: int = 0
    symmetry: float | None = None
    weaker: str | None = None           # as the mirror names it; None when the sides moved evenly
    skipped: bool = False
    ended_early: str | None = None
    cues: list[str] = field(default_factory=list)
    truth_symmetry: float | None = None  # what the simulated face truly moved (or the scenario imposed)
    truth_weaker: str | None = None


def summarise(records: Iterable[Record], scenario: Scenario | None = None,
              truths: Mapping[str, tuple[float | None, str | None]] | None = None,
              ) -> tuple[list[ExerciseResult], str | None]:
    """Exercise results in session order, and how the session ended.

    The truth per exercise is `truths` (what the warp moved, from the rig) where
    given, else the amplitude ratio the scenario imposed.
    """
    results: dict[str, ExerciseResult] = {}
    ended = None
    for r in records:
        if isinstance(r, RepDone):
            results.setdefault(r.exercise_id, ExerciseResult(r.exercise_id))
        elif isinstance(r, CueGiven):
            results.setdefault(r.exercise_id, ExerciseResult(r.exercise_id)).cues.append(r.cue)
        elif isinstance(r, ExerciseDone):
            res = results.setdefault(r.exercise_id, ExerciseResult(r.exercise_id))
            res.reps, res.symmetry, res.skipped, res.ended_early = r.reps, r.symmetry, r.skipped, r.ended_early
            res.weaker = r.weaker
        elif isinstance(r, SessionEnded):
            ended = r.reason
    if scenario is not None:
        for eid, res in results.items():
            movement = scenario.exercises.get(eid)
            if truths is not None and eid in truths:
                res.truth_symmetry, res.truth_weaker = truths[eid]
            elif movement is not None:
                res.truth_symmetry, res.truth_weaker = movement.truth_symmetry, movement.weaker
    return list(results.values()), ended


def format_summary(results: list[ExerciseResult], ended: str | None) -> str:
    lines = [f"{'exercise':24s} {'reps':>4s} {'symmetry':>8s} {'true':>8s}  {'weaker':7s} cues"]
    for r in results:
        sym = "-" if r.symmetry is None else f"{r.symmetry:.2f}"
        truth = "-" if r.truth_symmetry is None else f"{r.truth_symmetry:.2f}"
        status = " (skipped)" if r.skipped else f" (ended early: {r.ended_early})" if r.ended_early else ""
        cues = ", ".join(f"{c} x{n}" for c, n in Counter(r.cues).items()) or "-"
        reps = str(r.reps) if r.reps or r.skipped else "done"   # guided steps have no reps
        lines.append(f"{r.exercise_id:24s} {reps:>4s} {sym:>8s} {truth:>8s}  {(r.weaker or '-'):7s} {cues}{status}")
    done = [r.symmetry for r in results if r.symmetry is not None]
    if done:
        lines.append(f"mean symmetry {mean(done):.2f} over {len(done)} measured exercises; session {ended or 'not ended'}")
    return "\n".join(lines)


@dataclass(frozen=True)
class PlacementError:
    """How far (mm on the glass) an exercise's drawn bar levels are from where the person sees the part."""

    exercise_id: str
    feature: str
    left_mm: float
    right_mm: float


def placement_errors(placements: Iterable[tuple[float, str, Any]], placed: Any) -> list[PlacementError]:
    """Per exercise, the median drawn level of each side's bar against the geometry's truth."""
    by_exercise: dict[str, list[Any]] = {}
    for _, exercise_id, placement in placements:
        by_exercise.setdefault(exercise_id, []).append(placement)
    out = []
    for exercise_id, shown in by_exercise.items():
        feature, mm = shown[0].feature, shown[0].mm_per_px
        errors = [(median(p.level(side) for p in shown) - placed.true_level_px(feature, side)) * mm
                  for side in ("left", "right")]
        out.append(PlacementError(exercise_id, feature, *errors))
    return out


def format_placements(errors: list[PlacementError], placed: Any) -> str:
    stand = placed.stand
    lines = [f"bars on the reflection: person {stand.distance_mm:.0f} mm from the glass, eyes "
             f"{stand.below_mm:.0f} mm below the lens; drawn level minus true level (mm, + is lower)",
             f"{'exercise':24s} {'part':13s} {'left':>6s} {'right':>6s}"]
    for e in errors:
        lines.append(f"{e.exercise_id:24s} {e.feature:13s} {e.left_mm:+6.1f} {e.right_mm:+6.1f}")
    if not errors:
        lines.append("(no practice screen had its bars beside the face)")


def format_heard(sound_log: Iterable, start: float | None = None) -> str:
    """What the mirror said and chimed, one line each with its time in the session (sound.Said entries)."""
    entries = list(sound_log)
    if not entries:
        return ""
    origin = entries[0].t if start is None else start
    lines = ["heard (time, chime, words):"]
    for said in entries:
        chime = f"[{said.chime}]" if said.chime else ""
        lines.append(f"{said.t - origin:7.1f} s  {chime:9s} {said.text}".rstrip())
    return "\n".join(lines)
