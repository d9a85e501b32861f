"""Simulated exercise repetitions on the bundled public-domain faces, each from session starts.

A repetition is a rise and a hold of one simulated movement with known per-side
amplitudes (sim/warp.py), read by a tracker started as a session starts: a fresh
one that follows the relaxed face through the relaxed-face capture. Used by
real_asymmetry.py, which prints the table.
"""

from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.measures import NOISE_FLOOR, symmetry
from mimicmirror.face.types import FrameAnalysis, Measures, SidePair
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import ExerciseWarper, jittered

FACES = ("grace_hopper", "astronaut")
#: Kind of movement -> (simulated action, the measure it is judged by).
KINDS = {"smile": ("smile", "mouth_corner_excursion"), "brow": ("brow_raise", "brow_height"),
         "eye": ("eye_closure", "eye_opening"), "pucker": ("pucker", "mouth_corner_excursion"),
         "cheek": ("cheek_puff", "cheek"), "nose": ("nose_wrinkle", "ala_height")}
IMPOSED = (0.3, 0.6)
#: The one-sided repetitions, in the order they are run: (imposed symmetry, the weaker
#: side, the (left, right) amplitudes).
ONE_SIDED = [(imposed, weak, (imposed, 1.0) if weak == "left" else (1.0, imposed))
             for imposed in IMPOSED for weak in ("left", "right")]
METHODS = ("mesh", "image")


def mean_measures(ms: list[Measures]) -> Measures:
    """Each measure's mean over frames, per side."""
    return {k: SidePair(float(np.mean([m[k].left for m in ms])), float(np.mean([m[k].right for m in ms])))
            for k in ms[0]}


MISSED = {"frames": 0}


def analyze_frame(analyzer: Analyzer, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
    """A frame's analysis; a frame where tracking lost the face is tried again (and counted)."""
    for _ in range(3):
        fa = analyzer.analyze(rgb, t)
        if fa.measures is not None:
            return fa
        MISSED["frames"] += 1
    raise RuntimeError("no face found in a simulated frame")


def relaxed_frames() -> int:
    """Frames of the relaxed-face capture a session starts with, from the shipped device config."""
    from mimicmirror.config import defaults

    config = defaults()
    return round(config["session"]["neutral_seconds"] * config["camera"]["fps"])


def camera(noise: int | None, *key: object) -> Callable[[np.ndarray], np.ndarray]:
    """What the camera makes of a rendered frame: the frame itself, or with `noise` (a seed)
    a camera's sway, sensor noise and flicker (sim.warp.jittered), seeded per repetition
    from `key`, so no repetition's noise depends on what ran before it."""
    if noise is None:
        return lambda rgb: rgb
    rng = np.random.default_rng([noise, zlib.crc32(repr(key).encode())])
    return lambda rgb: jittered(rgb, rng)


def session(relaxed_rgb: np.ndarray, frames: int,
            seen: Callable[[np.ndarray], np.ndarray] = lambda rgb: rgb) -> tuple[Analyzer, Measures]:
    """A tracker started as a session starts: a fresh one that follows the relaxed face
    (`relaxed_rgb`, as `seen` by the camera) through the relaxed-face capture (`frames`),
    whose mean is the neutral the movement is counted from, and whose last frame is the
    relaxed frame the image is followed from.

    So a repetition reads the same whatever ran before it: the tracker's place on a
    face wanders from frame to frame (the mesh's eye opening on a still photo by up to
    a tenth), and a tracker carried over from other movements starts each one elsewhere.
    """
    analyzer = Analyzer(static=False, keep_mesh=True)
    try:
        relaxed = [analyze_frame(analyzer, seen(relaxed_rgb)) for _ in range(frames)]
        neutral = mean_measures([r.measures for r in relaxed])
        analyzer.set_reference(neutral=neutral)
    except BaseException:
        analyzer.close()          # the caller gets no analyzer to close
        raise
    return analyzer, neutral


def rep(warper: ExerciseWarper, action: str, measure: str, left: float, right: float,
        frames: int, noise: int | None = None) -> dict[str, tuple[float, float]]:
    """One repetition from its own session start (relaxed-face capture of `frames`, a rise,
    a hold), through `camera(noise)`: mean hold movement per method."""
    seen = camera(noise, warper.iid, action, left, right, frames)
    analyzer, neutral = session(warper.neutral, frames, seen)
    held: dict[str, list[tuple[float, float]]] = {m: [] for m in METHODS}
    with analyzer:
        for k in [*np.linspace(0.0, 1.0, 6), 1.0, 1.0, 1.0, 1.0]:
            fa = analyze_frame(analyzer, seen(warper.render(action, left * k, right * k)))
            for method, now in (("mesh", fa.mesh_measures), ("image", fa.measures)):
                held[method].append((now[measure].left - neutral[measure].left,
                                     now[measure].right - neutral[measure].right))
    return {m: (float(np.mean([h[0] for h in v[-4:]])), float(np.mean([h[1] for h in v[-4:]])))
            for m, v in held.items()}


def true_symmetry(warper: ExerciseWarper, action: str, measure: str, left: float, right: float) -> float:
    """Symmetry of the measure where the warp truly puts the landmarks (see sim/truth.py)."""
    from mimicmirror.face.measures import measure_all
    from mimicmirror.face.pose import face_frame

    pts = np.zeros((len(warper.landmarks), 3))
    pts[:, :2] = warper.moved_landmarks([(action, left, right)])
    moved = measure_all(face_frame(pts).points)[measure]
    pts[:, :2] = warper.landmarks
    still = measure_all(face_frame(pts).points)[measure]
    s, _ = symmetry(moved.left - still.left, moved.right - still.right, NOISE_FLOOR[measure])
    return 1.0 if s is None else s


#: Each repetition is measured from this many session starts, whose relaxed-face captures
#: end one frame apart. The tracker's place on a still face wanders from frame to frame,
#: so a capture that ends a frame later reads the same movement differently: the eye
#: closures' mean error moved between 0.09 and 0.14 from one such start to the next.
SESSIONS = 5


def session_starts(frames: int | None = None, sessions: int = SESSIONS) -> list[int]:
    """The capture lengths of a repetition's session starts: the device's, then a frame longer each."""
    first = relaxed_frames() if frames is None else frames
    return [first + i for i in range(sessions)]


def simulated(kinds: tuple[str, ...] = tuple(KINDS), starts: list[int] | None = None,
              noise: int | None = None) -> dict:
    """Every kind, face and imposed symmetry, each repetition from each of its session starts
    (through a noisy camera with `noise`, a seed)."""
    starts = session_starts() if starts is None else starts
    errors: dict[str, dict[str, list[float]]] = {m: {k: [] for k in kinds} for m in METHODS}
    vs_true: dict[str, dict[str, list[float]]] = {m: {k: [] for k in kinds} for m in METHODS}
    even: dict[str, dict[str, list[float]]] = {m: {k: [] for k in kinds} for m in METHODS}
    per_start: dict[str, list[list[float]]] = {k: [[] for _ in starts] for k in kinds}   # image errors
    named: dict[str, list[bool]] = {m: [] for m in METHODS}
    for face in FACES:
        warper = ExerciseWarper(load_face(face))
        for kind in kinds:
            action, measure = KINDS[kind]
            floor = NOISE_FLOOR[measure]
            # where the warp truly puts the landmarks is the same from every session start
            truths = [true_symmetry(warper, action, measure, *amps) for _, _, amps in ONE_SIDED]
            for i, frames in enumerate(starts):
                for m, (l, r) in rep(warper, action, measure, 1.0, 1.0, frames, noise).items():
                    s, _ = symmetry(l, r, floor)
                    even[m][kind].append(0.0 if s is None else s)
                for (imposed, weak, amps), truth in zip(ONE_SIDED, truths):
                    for m, (l, r) in rep(warper, action, measure, *amps, frames, noise).items():
                        s, w = symmetry(l, r, floor)
                        errors[m][kind].append(abs((1.0 if s is None else s) - imposed))
                        vs_true[m][kind].append(abs((1.0 if s is None else s) - truth))
                        named[m].append(w == weak)
                    per_start[kind][i].append(errors["image"][kind][-1])
    return {"errors": errors, "even": even, "named": named, "vs_true": vs_true, "per_start": per_start}


def demo_eyes(starts: list[int] | None = None, noise: int | None = None) -> tuple[dict[str, list[float]], float]:
    """The demo's eye closure (astronaut, left 0.8, right 1.0): symmetry per method and
    session start, and the truth."""
    warper = ExerciseWarper(load_face("astronaut"))
    read: dict[str, list[float]] = {m: [] for m in METHODS}
    for frames in session_starts() if starts is None else starts:
        held = rep(warper, "eye_closure", "eye_opening", 0.8, 1.0, frames, noise)
        for m in METHODS:
            s, _ = symmetry(*held[m], NOISE_FLOOR["eye_opening"])
            read[m].append(1.0 if s is None else s)
    return read, true_symmetry(warper, "eye_closure", "eye_opening", 0.8, 1.0)
