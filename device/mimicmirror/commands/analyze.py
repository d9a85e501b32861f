"""`mimicmirror analyze`: measure each half of the face in images or a video.

Photos are analysed one by one (still-image mode); a video's frames are
tracked. With --neutral, each frame's movement against that relaxed face is
given per side, with symmetry and the weaker side: read from the image itself
(the measured points followed from the relaxed photo), as the mirror does;
the face mesh's own reading is given beside it as "mesh_movement", and
"eye_seen" says how much of each relaxed eye the image still shows (1 = all of
it, 0 = none: shut; see face/eyelids.py). An eye the mesh reads closing is
measured as the mesh's lid gap times the part of the eye its lid leaves seen,
since the mesh alone reads a shut eye only part of the way closed.

With --json the output is one object, {"frames": [...]}, with each frame's
record on a line of its own: whole it is one JSON document, and a long
video's output can still be read (or grepped) a frame at a time.
"""

from __future__ import annotations

import argparse
import json
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..face.inputs import InputFrame
    from ..face.types import FrameAnalysis, Measures

HELP = "measure each half of the face in images or a video"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help=HELP, description=HELP)
    p.add_argument("inputs", nargs="+", metavar="INPUT", type=Path, help="image or video files")
    p.add_argument("--neutral", type=Path, metavar="IMAGE",
                   help="the same person's relaxed face: report movement against it")
    p.add_argument("--json", action="store_true", help='print one JSON object, {"frames": [...]}, a frame on each line')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..face.analyzer import Analyzer
    from ..face.inputs import read_frames, read_image
    from ..face.types import QUALITY_REASONS

    for path in [args.neutral, *args.inputs]:
        if path is not None and not path.exists():
            raise InputError(f"{path}: file not found")
    neutral = neutral_rgb = None
    frames: list[dict[str, Any]] = []
    with Analyzer(static=True, keep_mesh=True, read_eyes=True) as still:
        if args.neutral is not None:
            neutral_rgb = read_image(args.neutral)
            result = still.analyze(neutral_rgb)
            if not result.face:
                raise InputError(f"{args.neutral}: no face found in the neutral image")
            neutral = result.measures
            still.set_reference()
        for path in args.inputs:
            items = read_frames(path)
            first = next(items, None)
            if first is None:
                continue
            if first.index is None:       # a photo
                frames.append(_record(first, still.analyze(first.rgb, first.t), neutral))
                continue
            with Analyzer(static=False, keep_mesh=True, read_eyes=True) as tracker:
                if tracker.crowd is not None:     # the face count beside, at fixed frames
                    tracker.crowd.aside()
                if neutral_rgb is not None:
                    tracker.set_reference(neutral_rgb, neutral=neutral)
                # Each frame's record is made while the model works on the next.
                frames.extend(_record(item, fa, neutral) for item, fa in tracker.stream(chain([first], items)))

    if args.json:
        print(_json(frames))
    else:
        print(_table(frames, QUALITY_REASONS))
    return 0


def _record(item: InputFrame, fa: FrameAnalysis, neutral: Measures | None) -> dict[str, Any]:
    """One frame's record: its analysis, and its movement from the neutral face when there is one."""
    from ..face.measures import movement

    moved = mesh_moved = None
    if fa.measures and neutral:
        moved = movement(fa.measures, neutral)
        mesh_moved = movement(fa.mesh_measures, neutral) if fa.mesh_measures else None
    return _frame_dict(item.source, fa, moved, mesh_moved)


def _json(frames: list[dict[str, Any]]) -> str:
    """One JSON object with a frame on each line.

    json's C encoder writes each line; an indented dump goes through its
    pure-Python encoder instead, four times slower (47 against 11 us a frame
    of a video here, about 1.3 % of the bare model's time).
    """
    return '{"frames": [\n' + ",\n".join(json.dumps(f) for f in frames) + "\n]}"


def _r(x: float) -> float:
    return round(float(x), 4)


def _movement_dict(moved) -> dict[str, Any]:
    return {k: {"left": _r(m.left), "right": _r(m.right),
                "symmetry": None if m.symmetry is None else _r(m.symmetry), "weaker": m.weaker}
            for k, m in moved.items()}


def _frame_dict(source: str, fa, moved, mesh_moved=None) -> dict[str, Any]:
    q = fa.quality
    out: dict[str, Any] = {
        "source": source,
        "face": fa.face,
        "quality": {"ok": q.ok, "reason": q.reason, "roll_deg": _r(q.roll_deg),
                    "yaw_deg": _r(q.yaw_deg), "pitch_deg": _r(q.pitch_deg)},
    }
    if fa.face and fa.measures is not None:
        # round(float(...)) written out: this runs for every measure of every frame of a video.
        out["measures"] = {k: {"left": round(float(v.left), 4), "right": round(float(v.right), 4)}
                           for k, v in fa.measures.items()}
        if moved is not None:
            out["movement"] = _movement_dict(moved)
        if mesh_moved is not None:
            out["mesh_movement"] = _movement_dict(mesh_moved)
        if fa.eye_seen is not None:
            out["eye_seen"] = {"left": _r(fa.eye_seen.left), "right": _r(fa.eye_seen.right)}
    return out


def _table(frames: list[dict[str, Any]], reasons) -> str:
    from ..face.measures import UNITS

    lines: list[str] = []
    for f in frames:
        q = f["quality"]
        verdict = "ok" if q["ok"] else reasons.get(q["reason"], q["reason"])
        lines.append(f"{f['source']}: {'face' if f['face'] else 'no face'}, {verdict}"
                     + (f"  (roll {q['roll_deg']:+.1f}°, yaw {q['yaw_deg']:+.1f}°, pitch {q['pitch_deg']:+.1f}°)"
                        if f["face"] else ""))
        if "measures" not in f:
            lines.append("")
            continue
        moved = f.get("movement")
        head = f"  {'measure':24s} {'left':>8s} {'right':>8s}"
        if moved:
            head += f"   {'moved L':>8s} {'moved R':>8s}  {'symmetry':>8s}  weaker"
        lines.append(head)
        for name, v in f["measures"].items():
            unit = "°" if UNITS[name] == "deg" else ""
            row = f"  {name:24s} {v['left']:8.3f} {v['right']:8.3f}{unit}"
            if moved and name in moved:
                m = moved[name]
                sym = "-" if m["symmetry"] is None else f"{m['symmetry']:.2f}"
                row += f"   {m['left']:+8.3f} {m['right']:+8.3f}  {sym:>8s}  {m['weaker'] or '-'}"
            lines.append(row)
        seen = f.get("eye_seen")
        if seen:
            lines.append(f"  {'eye seen (1 = as relaxed)':24s} {seen['left']:8.2f} {seen['right']:8.2f}")
        lines.append("")
    lines.append("Lengths in inter-iris distances; sides are the person's own left and right.")
    return "\n".join(lines)
