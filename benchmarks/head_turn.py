"""Does a turned head read as one-sided movement? A real video of a face, read as the mirror reads it.

The first second of the clip is the relaxed frame (its last frame, as a session's
capture ends). Every later frame is analysed with tracking, and for each length
measure the difference between the two sides' movement is printed: a face that
only turns moves neither side, so whatever it reads is false asymmetry. Frames
are grouped by how far the head is turned (yaw) from the relaxed frame, and the
median of each group is printed, for the frames whose mouth is at rest (the
lips' gap and the mouth's width within 0.02 and 0.03 IID of the relaxed frame's,
so speech and smiles do not count) and for all frames, beside the mesh's own
reading of the same frames. Nothing is written anywhere.

    .venv/bin/python benchmarks/head_turn.py CLIP [--every N]

A recording of a person facing the camera, then turning their head slowly a few
degrees each way with the face relaxed, is the clean test; any talking-face
video shows it too, among speech.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import cv2

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.measures import PER_SIDE, UNITS, movement

#: Groups of how far the head is turned from the relaxed frame, in degrees (either way).
TURN_GROUPS = ((0.0, 1.0), (1.0, 4.0), (4.0, 7.0), (7.0, 10.0), (10.0, 20.0))
#: A group's median is printed once it holds this many frames.
MIN_FRAMES = 5


def frames(path: Path, every: int):
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    index = 0
    try:
        while True:
            ok, bgr = cap.read()
            if not ok:
                return
            if index < fps or index % every == 0:
                yield index / fps, index < fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            index += 1
    finally:
        cap.release()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("--every", type=int, default=2, help="read every Nth frame after the first second")
    args = parser.parse_args()
    if not args.clip.is_file():
        print(f"{args.clip}: no such video", file=sys.stderr)
        return 2
    rows, relaxed = [], None
    with Analyzer(static=False, keep_mesh=True) as analyzer:
        for t, capture, rgb in frames(args.clip, args.every):
            if not capture and not analyzer.has_reference and not analyzer.set_reference():
                print(f"{args.clip}: no face at the end of the first second", file=sys.stderr)
                return 2
            fa = analyzer.analyze(rgb, t)
            if capture:
                relaxed = fa
            elif fa.measures is not None:
                rows.append((abs(fa.quality.yaw_deg - relaxed.quality.yaw_deg), fa))
    if relaxed is None or not rows:
        print(f"{args.clip}: no face followed", file=sys.stderr)
        return 2
    rest = [abs(fa.mesh_measures["lip_gap"].left - relaxed.mesh_measures["lip_gap"].left) <= 0.02
            and abs(fa.mesh_measures["mouth_width"].left - relaxed.mesh_measures["mouth_width"].left) <= 0.03
            for _, fa in rows]
    print(f"{args.clip.name}: {len(rows)} frames, {sum(rest)} with the mouth at rest; "
          "median |left - right| movement (IID) by degrees turned from the relaxed frame")
    header = " ".join(f"{lo:.0f}-{hi:.0f}".rjust(7) for lo, hi in TURN_GROUPS)
    print(f"{'measure':24s} {'frames':8s} {'reading':8s} {header}")
    for name in PER_SIDE:
        if UNITS[name] != "iid":
            continue
        for which, chosen in (("at rest", rest), ("all", [True] * len(rows))):
            for method in ("image", "mesh"):
                cells = []
                for lo, hi in TURN_GROUPS:
                    values = [_one_sided(fa, relaxed, name, method) for (turn, fa), keep in zip(rows, chosen)
                              if keep and lo <= turn < hi]
                    cells.append(f"{statistics.median(values):7.3f}" if len(values) >= MIN_FRAMES else "      -")
                print(f"{name:24s} {which:8s} {method:8s} {' '.join(cells)}")
    return 0


def _one_sided(fa, relaxed, name: str, method: str) -> float:
    now = fa.measures if method == "image" else fa.mesh_measures
    was = relaxed.measures if method == "image" else relaxed.mesh_measures
    return movement({name: now[name]}, was)[name].one_sided


if __name__ == "__main__":
    sys.exit(main())
