"""`mimicmirror analyze` on a video against the bare model, a second of video at a time.

Both sides decode the same clip with their own decoder and convert to RGB;
then one runs what `analyze` does (tracking analysis with its face count beside
it, the JSON record of each frame, written out; as the command, the model works
on the next frame while this one is measured and written and the one after is
decoded: `Analyzer.stream`) and the other only `FaceMesh.process` with one face,
tracking and irises, frame after frame: the yardstick. Each second of video is
streamed on its own (the model's last frame of a second is not left running
into the yardstick's turn). They
take turns a second of video (30 frames) at a time, the order flipping each
second, so load from other processes hits both alike, and each second holds
one of the face counts made once a second (asked at its first frame and
collected a few frames later, so its thread works inside the same second).
For each second both the wall-clock time and this process's CPU time (all
its threads) are taken, and the medians over the seconds of the two ratios
are printed: the wall-clock ratio is what a user waits (the face count's
thread runs on another core), the CPU ratio is the work done, which other
processes' load does not stretch the way it stretches wall-clock time on a
busy machine.

    .venv/bin/python benchmarks/analyze_clip.py [CLIP] [--max-faces N] [--in-line]

Without CLIP a clip is made from a real photo (a simulated smile on
grace_hopper.jpg, see `clips.py`); any webcam recording of a face will do.
`--in-line` keeps the face count in the analysis's own thread (as the rig keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Iterator

import cv2

from clips import choose_clip

#: Times the clip is gone through: a 9-second recording gives 8 seconds a pass, and on a
#: busy machine the median of 8 ratios still moved by 0.1 from run to run.
PASSES = 3


def analyze_vs_bare(clip: Path, max_faces: int | None = None, aside: bool = True,
                    passes: int = PASSES) -> dict[str, float]:
    """Median seconds per frame of each (wall), and the medians over seconds of video of their ratios.

    The clip is gone through `passes` times (frame time runs on), so a short
    recording still gives enough seconds for the medians to settle on a busy machine.
    """
    from mediapipe.python.solutions import face_mesh

    from mimicmirror.commands.analyze import _record
    from mimicmirror.face.analyzer import Analyzer
    from mimicmirror.face.inputs import InputFrame

    bare = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    ours = Analyzer(static=False, max_faces=max_faces, keep_mesh=True, read_eyes=True)   # as the command
    if aside and ours.crowd is not None:
        ours.crowd.aside()
    probe = cv2.VideoCapture(str(clip))
    fps = probe.get(cv2.CAP_PROP_FPS) or 30.0
    probe.release()
    caps: dict[str, cv2.VideoCapture] = {}     # each side's own decoder, opened anew each pass
    step = max(1, round(fps))
    seconds: dict[str, list[tuple[float, float, int]]] = {"ours": [], "bare": []}   # (wall, cpu, frames)
    index = {"ours": 0, "bare": 0}

    def decoded(name: str) -> Iterator[InputFrame]:
        """Up to a second of `name`'s frames, each read and converted when it is asked for."""
        for _ in range(step):
            ok, bgr = caps[name].read()
            if not ok:
                return
            i = index[name]
            index[name] += 1
            yield InputFrame(f"{clip}#{i}", cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), i / fps, i)

    def one_second(name: str) -> bool:
        t0, c0, n = time.perf_counter(), time.process_time(), 0
        if name == "bare":
            for item in decoded(name):
                bare.process(item.rgb)
                n += 1
        else:       # as the command: the model on the next frame while this one's record is made
            for item, fa in ours.stream(decoded(name)):
                json.dumps(_record(item, fa, None))
                n += 1
        if n:
            seconds[name].append((time.perf_counter() - t0, time.process_time() - c0, n))
        return n == step

    try:
        k = 0
        for _ in range(passes):
            for cap in caps.values():
                cap.release()
            caps.update((name, cv2.VideoCapture(str(clip))) for name in seconds)
            while True:
                order = ("ours", "bare") if k % 2 else ("bare", "ours")
                k += 1
                if not all([one_second(order[0]), one_second(order[1])]):
                    break
    finally:
        for cap in caps.values():
            cap.release()
        bare.close()
        ours.close()
    n = min(len(seconds["ours"]), len(seconds["bare"]))
    pairs = list(zip(seconds["ours"][1:n], seconds["bare"][1:n]))    # the first second loads the graphs
    pairs = [(o, b) for o, b in pairs if o[2] == b[2] == step]
    if not pairs:
        print(f"{clip}: fewer than 2 seconds of readable video", file=sys.stderr)
        raise SystemExit(2)
    wall = [o[0] / b[0] for o, b in pairs]
    cpu = [o[1] / b[1] for o, b in pairs]
    per_frame = {name: statistics.median(w / f for w, _, f in seconds[name][1:n]) for name in seconds}
    return {"frames": index["ours"], "ours": per_frame["ours"], "bare": per_frame["bare"],
            "ratio": statistics.median(wall), "cpu_ratio": statistics.median(cpu), "seconds": len(pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path)
    parser.add_argument("--max-faces", type=int, default=None,
                        help="faces the analysis tracks (default: the analysis's own choice)")
    parser.add_argument("--in-line", action="store_true", help="the face count in the analysis's own thread")
    parser.add_argument("--passes", type=int, default=PASSES, help="times the clip is gone through")
    args = parser.parse_args()
    if args.passes < 1:
        print(f"--passes {args.passes}: at least 1", file=sys.stderr)
        raise SystemExit(2)
    clip = choose_clip(args.clip)
    r = analyze_vs_bare(clip, args.max_faces, aside=not args.in_line, passes=args.passes)
    print(f"{clip.name}: {r['frames']} frames, decode included on both sides")
    print(f"bare model (1 face, tracking)   median {r['bare'] * 1000:7.2f} ms/frame")
    print(f"mimicmirror analyze             median {r['ours'] * 1000:7.2f} ms/frame")
    print(f"ratio analyze/bare, wall clock  {r['ratio']:7.3f}   (median over {r['seconds']} seconds of video; "
          f"load {os.getloadavg()[0]:.2f})")
    print(f"ratio analyze/bare, CPU time    {r['cpu_ratio']:7.3f}")


if __name__ == "__main__":
    main()
