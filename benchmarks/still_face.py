"""How far a still face stays under the noise floor, whichever frame is the relaxed one.

`real_asymmetry.py` runs one still face per bundled face with one relaxed
frame. How high the largest movement climbs depends on that frame: the image
is followed from it, so its own sway, noise and the mesh's placement of the
points in it are part of every later reading. This reads one minute of a
jittered still face per face once (the model runs once a frame), then
follows it from each of several relaxed frames, and prints per face and
relaxed frame the largest movement of any followed measure, smoothed as the
engine smooths (its window from the programme file) and over 5 frames, in
noise floors, with the measure it was and its offset (mean over the minute).

    .venv/bin/python benchmarks/still_face.py [--relaxed 8] [--seconds 60]
"""

from __future__ import annotations

import argparse

import numpy as np

from mimicmirror.face.landmarks import LandmarkDetector
from mimicmirror.face.measures import NOISE_FLOOR, measure_all
from mimicmirror.face.motion import MESH_MEASURES, ReferenceMotion
from mimicmirror.face.pose import face_frame
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import jittered

from real_asymmetry import FACES, smoothing_frames


def readings(frames: list, relaxed: int) -> tuple[list[str], np.ndarray]:
    """(frames, measures, 2 sides) movement in noise floors, followed from frame `relaxed`."""
    rgb, px = frames[relaxed]
    motion = ReferenceMotion(rgb, px)
    ref = measure_all(motion.follow(motion.look(rgb, px), px, face_frame(px).points))
    names = [n for n in ref if n not in MESH_MEASURES]
    out = []
    for i, (frame, points) in enumerate(frames):
        if i != relaxed:
            seen = measure_all(motion.follow(motion.look(frame, points), points, face_frame(points).points))
            out.append([(seen[n].left - ref[n].left, seen[n].right - ref[n].right) for n in names])
    return names, np.array(out) / np.array([NOISE_FLOOR[n] for n in names])[None, :, None]


def peaks(moved: np.ndarray, window: int) -> np.ndarray:
    """Per measure, the largest |mean of `window` consecutive frames| on either side."""
    kernel = np.ones(window) / window
    smoothed = np.apply_along_axis(lambda x: np.convolve(x, kernel, mode="valid"), 0, moved)
    return np.abs(smoothed).max(axis=(0, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relaxed", type=int, default=8, help="relaxed frames tried per face")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    window = smoothing_frames()
    rng = np.random.default_rng(7)
    worst = {window: [], 5: []}
    with LandmarkDetector(static=False, max_faces=1) as detector:
        for name in FACES:
            rgb, frames = load_face(name), []
            while len(frames) < int(10 * args.seconds):
                frame = jittered(rgb, rng)
                found = detector.detect(frame)
                if found:
                    frames.append((frame, found[0]))
            for relaxed in np.linspace(0, len(frames) - 1, args.relaxed).astype(int):
                names, moved = readings(frames, int(relaxed))
                row = []
                for w in worst:
                    p = peaks(moved, w)
                    i = int(p.argmax())
                    worst[w].append(float(p[i]))
                    row.append(f"{w}-frame mean {p[i]:.2f} ({names[i]}, offset {np.abs(moved[:, i].mean(0)).max():.2f})")
                print(f"{name}, relaxed frame {relaxed:3d}: " + "; ".join(row))
    for w, v in worst.items():
        print(f"{w}-frame mean: largest movement over {len(v)} relaxed frames: worst {max(v):.2f}, "
              f"median {np.median(v):.2f} noise floors; {sum(x >= 1.0 for x in v)} at or above the floor")


if __name__ == "__main__":
    main()
