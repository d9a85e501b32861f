"""`mimicmirror analyze` on a video against the bare model, frame by frame.

Both sides decode the same clip with their own decoder and convert to RGB;
then one runs what `analyze` does per frame (tracking analysis, the JSON
record) and the other only `FaceMesh.process` with one face, tracking and
irises: the yardstick. The two alternate (ABAB, then BABA) so load from other
processes hits both alike. The ratio is taken per second of video (30
frames, so each holds one of the face counts made once a second) and the
median of those is printed: a burst of load from elsewhere spoils one second,
not the figure. Time is this process's CPU time (all its threads: MediaPipe
runs its graph in threads of its own), which other processes' load does not
stretch the way it stretches wall-clock time on a busy machine.

    .venv/bin/python benchmarks/analyze_clip.py [CLIP] [--max-faces N]

Without CLIP a clip is made from a real photo (a simulated smile on
grace_hopper.jpg, see `clips.py`); any webcam recording of a face will do.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2

from clips import choose_clip


def analyze_vs_bare(clip: Path, max_faces: int | None = None) -> dict[str, float]:
    """Median seconds per frame of each, and the median over seconds of video of their ratio."""
    from mediapipe.python.solutions import face_mesh

    from mimicmirror.commands.analyze import _frame_dict
    from mimicmirror.face.analyzer import Analyzer

    bare = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    ours = Analyzer(static=False, max_faces=max_faces)
    caps = {"ours": cv2.VideoCapture(str(clip)), "bare": cv2.VideoCapture(str(clip))}
    fps = caps["ours"].get(cv2.CAP_PROP_FPS) or 30.0
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    index = 0
    try:
        while True:
            order = ("ours", "bare") if index % 2 else ("bare", "ours")
            done = False
            for name in order:
                t0 = time.process_time()
                ok, bgr = caps[name].read()
                if not ok:
                    done = True
                    break
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                if name == "bare":
                    bare.process(rgb)
                else:
                    _frame_dict(f"{clip}#{index}", ours.analyze(rgb, index / fps), None)
                times[name].append(time.process_time() - t0)
            if done:
                break
            index += 1
    finally:
        for cap in caps.values():
            cap.release()
        bare.close()
        ours.close()
    n = min(len(times["ours"]), len(times["bare"]))
    warm = min(5, n // 10)     # the first frames load the graphs
    step = max(1, round(fps))
    ratios = [sum(times["ours"][i:i + step]) / sum(times["bare"][i:i + step])
              for i in range(warm, n - step + 1, step)]
    return {"frames": n, "ours": statistics.median(times["ours"][warm:n]),
            "bare": statistics.median(times["bare"][warm:n]), "ratio": statistics.median(ratios)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path)
    parser.add_argument("--max-faces", type=int, default=None,
                        help="faces the analysis tracks (default: the analysis's own choice)")
    args = parser.parse_args()
    clip = choose_clip(args.clip)
    r = analyze_vs_bare(clip, args.max_faces)
    print(f"{clip.name}: {r['frames']} frames, decode included on both sides")
    print(f"bare model (1 face, tracking)   median {r['bare'] * 1000:7.2f} ms/frame")
    print(f"mimicmirror analyze             median {r['ours'] * 1000:7.2f} ms/frame")
    print(f"ratio analyze/bare              {r['ratio']:7.3f}   (median over seconds of video)")


if __name__ == "__main__":
    main()
