"""What our own analysis costs on top of the model, per frame.

On the same frames (a simulated smile rep on a real face), times the whole
analysis (landmarks + face frame + quality + all measures) against bare
`FaceMesh.process` with the same settings, both in tracking mode, interleaved
frame by frame so machine noise hits both alike. Prints both medians and the
ratio; the goal is an overhead under 10 % of the model's time.

    .venv/bin/python benchmarks/analysis_overhead.py [--frames N] [--face NAME]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def frames(face: str, n: int) -> list[np.ndarray]:
    from mimicmirror.sim.faces import load_face
    from mimicmirror.sim.warp import ExerciseWarper

    warper = ExerciseWarper(load_face(face))
    ramp = np.abs(np.sin(np.linspace(0, np.pi, n)))
    return [warper.render("smile", 0.4 * k, k) for k in ramp]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--face", default="grace_hopper")
    args = parser.parse_args()

    from mediapipe.python.solutions import face_mesh

    from mimicmirror.face.analyzer import Analyzer

    clip = frames(args.face, args.frames)
    bare = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    ours = Analyzer(static=False)   # one face, as the mirror tracks
    for rgb in clip[:5]:  # warm both up
        bare.process(rgb)
        ours.analyze(rgb)
    t_bare: list[float] = []
    t_ours: list[float] = []
    for i, rgb in enumerate(clip):
        order = (("bare", bare.process), ("ours", ours.analyze)) if i % 2 else \
                (("ours", ours.analyze), ("bare", bare.process))
        for name, fn in order:
            t0 = time.perf_counter()
            fn(rgb)
            (t_bare if name == "bare" else t_ours).append(time.perf_counter() - t0)
    mb, mo = statistics.median(t_bare), statistics.median(t_ours)
    h, w = clip[0].shape[:2]
    print(f"frames: {len(clip)} of {w}x{h} ({args.face}, simulated smile), tracking mode")
    print(f"bare FaceMesh.process   median {mb * 1000:7.2f} ms")
    print(f"whole analysis          median {mo * 1000:7.2f} ms")
    print(f"ratio whole/bare        {mo / mb:7.3f}   (our overhead {100 * (mo / mb - 1):+.1f} % of the model's time)")


if __name__ == "__main__":
    main()
