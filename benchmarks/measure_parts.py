"""Where a frame's measuring goes: each part of following the image, after the model and in a loop.

The cost rows of real_asymmetry.py say how much the measuring adds to the bare
model; this says which part of it costs what, on the same clips (a simulated
smile and eye closure on a real face, 640x480, asymmetry_cost.COST_CLIPS).
Each part is timed in this thread's CPU, median over the clip's frames:

- "after the model": frame by frame as `Analyzer.analyze` runs it, the model
  between one frame's measuring and the next (so each part starts with the
  model's data in the caches and its own gone: how the one-thread row runs);
- "in a loop": each part again and again on one frame (warm: about how the
  mirror runs it, the measuring on a core of its own).

The parts are the steps of `Analyzer.measure` (face/analyzer.py, face/motion.py,
face/eyelids.py), timed by wrapping them where they are looked up; nothing is
changed in what they compute. The eye rows run only where an eye closes.

    .venv/bin/python benchmarks/measure_parts.py [--frames N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from typing import Any, Callable

import cv2

from asymmetry_cost import COST_CLIPS, camera_frames
from mimicmirror.face import analyzer as analyzer_module
from mimicmirror.face import motion as motion_module
from mimicmirror.face.eyelids import EyeRows
from mimicmirror.face.light import Texture
from mimicmirror.face.motion import ReferenceMotion

#: Each part: its name, where it is looked up, and the attribute timed there.
PARTS: tuple[tuple[str, Any, str], ...] = (
    ("face frame of the mesh", analyzer_module, "face_frame"),
    ("alignment on the mesh", ReferenceMotion, "alignment"),
    ("warp of the face patch", ReferenceMotion, "_warp"),
    ("texture", Texture, "of"),
    ("Lucas-Kanade", motion_module.cv2, "calcOpticalFlowPyrLK"),
    ("the tracks' fit", motion_module, "turned_similarity"),
    ("measures", analyzer_module, "measure_values"),
    ("eye rows", EyeRows, "visible"),
    ("quality", analyzer_module, "judge"),
)


def timed(spent: list[float], fn: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        t0 = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent.append(time.thread_time() - t0)
    return wrapper


def us(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e6:7.1f}" if values else "      -"


def after_the_model(clip: list, parts: dict[str, list[float]]) -> list[float]:
    """Every frame through the model, then its measuring: the whole measuring's CPU a frame
    (this thread's; the model's threads are not in it), and in a second pass each part's
    into `parts`. The whole is timed without the parts' timers, whose clock reads would
    be in it."""
    whole: list[float] = []
    _frame_by_frame(clip, whole)
    originals = [(owner, attr, getattr(owner, attr)) for _, owner, attr in PARTS]
    for (name, owner, attr), (_, _, fn) in zip(PARTS, originals):
        setattr(owner, attr, timed(parts[name], fn))
    try:
        _frame_by_frame(clip, [])
    finally:
        for owner, attr, fn in originals:
            setattr(owner, attr, fn)
    return whole


def _frame_by_frame(clip: list, spent: list[float]) -> None:
    """The clip as `Analyzer.analyze` runs it, with the first frame as the relaxed one; each
    frame's measuring CPU (this thread's) into `spent`."""
    with analyzer_module.Analyzer(static=False, crowd_check_s=None) as analyzer:
        analyzer.analyze(clip[0])
        analyzer.set_reference()
        for i, rgb in enumerate(clip):
            found = analyzer.find(rgb, i / 15.0)
            t0 = time.thread_time()
            analyzer.measure(found)
            spent.append(time.thread_time() - t0)


def in_a_loop(clip: list, repeats: int = 300) -> tuple[dict[str, list[float]], list[float]]:
    """Each part, and the whole measuring, again and again on the clip's middle frame."""
    parts: dict[str, list[float]] = defaultdict(list)
    with analyzer_module.Analyzer(static=False, crowd_check_s=None) as analyzer:
        analyzer.analyze(clip[0])
        analyzer.set_reference()
        for i, rgb in enumerate(clip[:len(clip) // 2]):    # the tracker follows the face up to the middle
            found = analyzer.find(rgb, i / 15.0)
        motion, _, _, eyes = analyzer._state
        rgb, px = found.rgb, found.faces[0]
        look = motion.look(rgb, px)
        points = analyzer_module.face_frame(px).points
        steps = {
            "face frame of the mesh": lambda: analyzer_module.face_frame(px),
            "alignment on the mesh": lambda: motion.alignment(px),
            "warp of the face patch": lambda: motion._warp(rgb, look.to_relaxed),
            "texture": lambda: motion._texture.of(look.patch),
            "following (texture, Lucas-Kanade, fit)": lambda: motion.follow(look, px, points),
            "eye rows": lambda: eyes.visible(look, px),
        }
        for name, step in steps.items():
            for _ in range(repeats):
                t0 = time.thread_time()
                step()
                parts[name].append(time.thread_time() - t0)
        whole = []
        for _ in range(repeats):
            t0 = time.thread_time()
            analyzer.measure(found)
            whole.append(time.thread_time() - t0)
    return parts, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames of each clip")
    args = parser.parse_args()
    if args.frames < 10:
        parser.error(f"--frames {args.frames}: at least 10")
    cv2.setNumThreads(1)        # as the analysis sets it
    for clip_name in COST_CLIPS:
        clip = camera_frames(args.frames, *COST_CLIPS[clip_name])
        after: dict[str, list[float]] = defaultdict(list)
        whole_after = after_the_model(clip, after)
        loop, whole_loop = in_a_loop(clip)
        print(f"{clip_name}: {args.frames} frames, 640x480; median CPU a call, microseconds")
        print(f"  {'part':40s} {'after the model':>15s} {'in a loop':>10s}  calls a frame")
        for name, _, _ in PARTS:
            print(f"  {name:40s} {us(after[name]):>15s} {us(loop.get(name, [])):>10s}  "
                  f"{len(after[name]) / len(clip):.2f}")
        name = "following (texture, Lucas-Kanade, fit)"
        print(f"  {name:40s} {'':>15s} {us(loop[name]):>10s}")
        print(f"  {'the whole measuring':40s} {us(whole_after):>15s} {us(whole_loop):>10s}")


if __name__ == "__main__":
    main()
