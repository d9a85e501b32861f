"""What placing the bars on the reflection costs per frame, against the bare model.

A real face stood 55 cm from the glass (the rig's `Placed`) doing a slow smile:
per frame, the bare Face Mesh in tracking mode (one face) on that frame, and
the `Placer` (distance, every feature's crossing, the face's reflection, the
follower) on the landmarks of the same frame, interleaved so machine noise
hits both alike. Prints both medians and the ratio.

    .venv/bin/python benchmarks/reflection_cost.py [--frames N] [--face NAME]
"""

from __future__ import annotations

import argparse
import statistics
import time
from types import SimpleNamespace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--face", default="grace_hopper")
    args = parser.parse_args()

    import numpy as np

    from mimicmirror.config import defaults
    from mimicmirror.face.landmarks import LandmarkDetector
    from mimicmirror.face.types import Quality
    from mimicmirror.reflection.follow import Placer, mounting_from
    from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar
    from mimicmirror.sim.faces import load_face
    from mimicmirror.sim.stand import Placed, Stand
    from mimicmirror.sim.warp import ExerciseWarper

    mounting = mounting_from(defaults())
    warper = ExerciseWarper(load_face(args.face))
    placed = Placed(Stand(550.0, 110.0), mounting, warper.landmarks, (640, 480))
    ramp = np.abs(np.sin(np.linspace(0, np.pi, args.frames)))
    pictures = [placed.frame(warper.render("smile", 0.4 * k, k)) for k in ramp]
    screen = Screen(ScreenKind.PRACTICE, exercise_id="assisted_smile", phase=Phase.REST,
                    bars=(SideBar("left", 0.5), SideBar("right", 0.5)))
    placer = Placer(mounting, {"assisted_smile": "mouth_corner"})
    model, ours = [], []
    with LandmarkDetector(static=False, max_faces=1) as detector:
        for k, picture in enumerate(pictures):
            start = time.perf_counter()
            faces = detector.detect(picture)
            model.append(time.perf_counter() - start)
            if not faces:
                continue
            seen = SimpleNamespace(timestamp=k / 15, face=True, landmarks_px=faces[0], quality=Quality(ok=True))
            start = time.perf_counter()
            placer.see(seen, (640, 480))
            placer.place(screen)
            ours.append(time.perf_counter() - start)
    skip = min(10, len(ours) // 4)
    a, b = statistics.median(model[skip:]), statistics.median(ours[skip:])
    print(f"bare model (tracking, one face): {a * 1000:.2f} ms/frame")
    print(f"bars on the reflection (Placer): {b * 1000:.3f} ms/frame")
    print(f"ratio: {b / a:.3f} of the model's time")


if __name__ == "__main__":
    main()
