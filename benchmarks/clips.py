"""Video clips for the benchmarks when no recording is given.

There is no camera here, so the default clip is made from a real photo:
grace_hopper.jpg (public domain, inside matplotlib) on a 640x480 frame, doing
a slow simulated smile while the head sways a little, 10 s at 30 frames a
second, written once to the cache folder. A real recording of a face at a
mirror is better: pass its path to the benchmark (or name it in
MIMICMIRROR_BENCH_CLIP) instead; `choose_clip` says which one is used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cv2
import numpy as np

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mimicmirror-benchmarks"
SIZE = (640, 480)
FPS = 30.0
#: names a real recording for the benchmarks when no clip is given on the command line
CLIP_ENV = "MIMICMIRROR_BENCH_CLIP"


def choose_clip(given: Path | None) -> Path:
    """The clip a benchmark runs on, said on one line: the one given, else $MIMICMIRROR_BENCH_CLIP,
    else the clip made from a photo. A clip given on the command line that is not there ends
    the benchmark (exit 2); one named in the environment that is not there is said and skipped."""
    if given is not None:
        if not given.is_file():
            print(f"{given}: no such recording", file=sys.stderr)
            raise SystemExit(2)
        print(f"clip: {given} (given)")
        return given
    named = os.environ.get(CLIP_ENV)
    if named and Path(named).is_file():
        print(f"clip: {named} (from {CLIP_ENV})")
        return Path(named)
    if named:
        print(f"{CLIP_ENV} names {named}, which is not there: no real recording this run")
    path = default_clip()
    print(f"clip: {path} (made from a photo; give a real recording with --clip or {CLIP_ENV})")
    return path


def default_clip(seconds: float = 10.0) -> Path:
    path = CACHE / f"grace_hopper_smile_{int(seconds)}s.mp4"
    if path.exists():
        return path
    from mimicmirror.sim.faces import load_face
    from mimicmirror.sim.warp import ExerciseWarper

    warper = ExerciseWarper(load_face("grace_hopper"))
    n = int(seconds * FPS)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.mp4")
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    try:
        for i in range(n):
            k = 0.5 - 0.5 * np.cos(2 * np.pi * i / (4 * FPS))        # a smile every 4 s
            rgb = warper.render("smile", 0.6 * k, 0.3 * k)
            h, w = rgb.shape[:2]
            scale = 400 / h
            face = cv2.resize(rgb, (round(w * scale), 400), interpolation=cv2.INTER_AREA)
            frame = np.full((SIZE[1], SIZE[0], 3), 25, np.uint8)
            dx = int(20 * np.sin(2 * np.pi * i / (3 * FPS)))          # a small sway
            x0, y0 = (SIZE[0] - face.shape[1]) // 2 + dx, 40
            frame[y0:y0 + face.shape[0], x0:x0 + face.shape[1]] = face
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    tmp.rename(path)
    return path
