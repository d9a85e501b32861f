"""Does one-sided movement read as one-sided? Real winks, simulated exercises, still face, cost.

Prints one table, the face mesh's own reading ("mesh") beside the reading that
follows the image from the relaxed frame ("image", what the mirror uses),
both taken from the same analysis runs:

- real winks (a relaxed photo and a wink of the same person, the LEFT eye
  shut) from a folder of photo pairs, read in place and never copied (default
  ../shared/data/winks next to the repository; skipped with a note when absent);
  besides the eye opening, how much of each relaxed eye the image still shows
  ("eye rows", face/eyelids.py; the image's eye opening is the mesh's lid gap
  times that share), alone as a closure (1 - share seen);
- simulated exercises on the bundled public-domain faces: imposed symmetry 0.3
  and 0.6 on either side, and symmetric movement, for six kinds of movement;
  each repetition starts as a session does (a fresh tracker, the relaxed-face
  capture, then the movement), so no figure depends on what ran before it, and
  is read from several such starts (`--sessions`); `--camera-noise SEED` shows
  every simulated frame through a camera's sway, sensor noise and flicker;
- a still face with camera jitter for 60 s: movement above the noise floor; and
  the same face a moment later under other light (darker, brighter, a gamma:
  a lamp, daylight, the camera's exposure) than in its relaxed capture, and lit
  more on one side (a window or lamp beside the mirror);
- head roll +-15 degrees and scale 0.5x/2x of a still face: the largest change of a length;
  and the same face turned or nodded 6 degrees (simulated from the mesh's depth): the
  largest difference between the two sides' movement, which no movement made;
- the added cost per frame over the bare model (640x480, tracking, one face),
  interleaved runs, CPU time of the process, as ratios: with the model and the
  measuring one after the other in one thread (`Analyzer.analyze`), as the
  `analyze` command runs a clip (the model's own threads a frame ahead of the
  measuring), and as the mirror runs them, each in a thread on cores of its own
  (benchmarks/asymmetry_cost.py).

    .venv/bin/python benchmarks/real_asymmetry.py [--winks DIR] [--skip cost,still,...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.measures import NOISE_FLOOR, UNITS, movement, symmetry
from mimicmirror.face.types import Measures
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import (LIGHT_CHANGES, SIDE_LIGHTS, ExerciseWarper, jittered, relit, rotated, scaled,
                                 side_lit)
from asymmetry_cost import AS_RUN, COST_CLIPS, cost, cost_as_run
from simulated_reps import (FACES, KINDS, METHODS, MISSED, SESSIONS, analyze_frame, demo_eyes, mean_measures,
                            session, session_starts, simulated)

DEFAULT_WINKS = Path(__file__).resolve().parents[2] / "shared" / "data" / "winks"


# --- real winks -------------------------------------------------------------------

def winks(folder: Path) -> dict[str, dict[str, list[float]]] | None:
    from mimicmirror.face.inputs import read_image

    pairs = sorted(folder.glob("*.normal.png")) if folder.is_dir() else []
    if not pairs:
        return None
    out: dict[str, dict[str, list]] = {m: {"named": [], "closure": [], "symmetry": [], "rows": []}
                                       for m in (*METHODS, "eye rows")}
    with Analyzer(static=True, keep_mesh=True, read_eyes=True) as still:
        for normal in pairs:
            wink = normal.with_name(normal.name.replace(".normal.", ".wink."))
            relaxed = still.analyze(read_image(normal))
            still.set_reference()
            shut = still.analyze(read_image(wink))
            still.clear_reference()
            for method, now in (("mesh", shut.mesh_measures), ("image", shut.measures)):
                moved = movement(now, relaxed.measures)["eye_opening"]
                closure = -moved.left / relaxed.measures["eye_opening"].left
                sym = 1.0 if moved.symmetry is None else moved.symmetry
                r = out[method]
                r["named"].append(moved.weaker == "right")
                r["closure"].append(closure)
                r["symmetry"].append(sym)
                r["rows"].append(f"{normal.name.split('.')[0]}: L {moved.left:+.3f} R {moved.right:+.3f} "
                                 f"closure {closure:.2f} sym {sym:.2f} weaker {moved.weaker}")
            # Movement as the relaxed opening times the share no longer seen, per side.
            opening = relaxed.measures["eye_opening"]
            left, right = 1.0 - shut.eye_seen.left, 1.0 - shut.eye_seen.right
            sym, weaker = symmetry(-opening.left * left, -opening.right * right, NOISE_FLOOR["eye_opening"])
            sym = 1.0 if sym is None else sym
            r = out["eye rows"]
            r["named"].append(weaker == "right")
            r["closure"].append(left)
            r["symmetry"].append(sym)
            r["rows"].append(f"{normal.name.split('.')[0]}: closure L {left:.2f} R {right:.2f} sym {sym:.2f}")
    return out


# --- still face -------------------------------------------------------------------

def smoothing_frames() -> int:
    """The engine's smoothing window, from the shipped programme file."""
    from mimicmirror.config import defaults
    from mimicmirror.exercises.catalogue import load_catalogue

    return load_catalogue(defaults().programme_path).rules.smoothing_frames


def floors_moved(now: Measures, neutral: Measures) -> dict[str, float]:
    """Each measure's movement from `neutral`, the larger of its two sides, in noise floors."""
    return {name: max(abs(v.left - neutral[name].left), abs(v.right - neutral[name].right)) / NOISE_FLOOR[name]
            for name, v in now.items()}


def still_face(seconds: float = 60.0, fps: float = 10.0, smoothing: int = 3) -> dict[str, dict[str, float]]:
    """Largest movement of any measure on a still face, in noise floors, per method.

    Movement is the mean of the last `smoothing` frames, as the engine scores it.
    """
    rng = np.random.default_rng(7)
    worst: dict[str, dict[str, float]] = {m: {} for m in METHODS}
    for face in FACES:
        rgb = load_face(face)
        analyzer, neutral = session(rgb, int(2 * fps), lambda picture: jittered(picture, rng))
        with analyzer:                                                  # each face from its own session start
            recent: dict[str, list[Measures]] = {m: [] for m in METHODS}
            for _ in range(int(seconds * fps)):
                fa = analyze_frame(analyzer, jittered(rgb, rng))
                for method, now in (("mesh", fa.mesh_measures), ("image", fa.measures)):
                    recent[method] = [*recent[method][-(smoothing - 1):], now]
                    if len(recent[method]) < smoothing:
                        continue
                    for name, size in floors_moved(mean_measures(recent[method]), neutral).items():
                        worst[method][name] = max(worst[method].get(name, 0.0), size)
    return worst


def light_changes(fps: float = 10.0, smoothing: int = 3, one_side: bool = False) -> dict[str, dict[str, float]]:
    """Largest movement of any measure, in noise floors, per method and change of the
    light after the relaxed capture (sim.warp.LIGHT_CHANGES, or with `one_side`
    SIDE_LIGHTS across the face): a still face through a camera's jitter, scored over
    `smoothing` frames as the engine scores them."""
    rng = np.random.default_rng(11)
    worst: dict[str, dict[str, float]] = {m: {} for m in METHODS}
    for face in FACES:
        rgb = load_face(face)
        if one_side:
            face_x = ExerciseWarper(rgb).face_x
            changes = {name: (lambda p, g=g: side_lit(p, face_x, *g)) for name, g in SIDE_LIGHTS.items()}
        else:
            changes = {name: (lambda p, g=g: relit(p, *g)) for name, g in LIGHT_CHANGES.items()}
        for change, light in changes.items():
            analyzer, neutral = session(rgb, int(2 * fps), lambda picture: jittered(picture, rng))
            with analyzer:
                frames = [analyze_frame(analyzer, jittered(light(rgb), rng)) for _ in range(smoothing)]
            for method in METHODS:
                held = mean_measures([f.mesh_measures if method == "mesh" else f.measures for f in frames])
                worst[method][change] = max(worst[method].get(change, 0.0), max(floors_moved(held, neutral).values()))
    return worst


# --- roll and scale ---------------------------------------------------------------

def roll_scale() -> dict[str, float]:
    """Largest change of an IID length when a still face is rolled or resized."""
    worst = {m: 0.0 for m in METHODS}
    with Analyzer(static=True, keep_mesh=True) as still:
        for face in FACES:
            img = load_face(face)
            before = still.analyze(img).measures
            still.set_reference()
            for changed in (rotated(img, 15), rotated(img, -15), scaled(img, 0.5), scaled(img, 2.0)):
                fa = still.analyze(changed)
                for method, now in (("mesh", fa.mesh_measures), ("image", fa.measures)):
                    for name, unit in UNITS.items():
                        if unit == "iid":
                            d = max(abs(now[name].left - before[name].left), abs(now[name].right - before[name].right))
                            worst[method] = max(worst[method], d)
            still.clear_reference()
    return worst


#: How far the still face is turned (yaw) or nodded (pitch) from its relaxed frame, in degrees,
#: as `ExerciseWarper.turned` imposes it (the mesh then reads about half to two thirds of it).
TURNS = ((6.0, 0.0), (-6.0, 0.0), (0.0, 6.0), (0.0, -6.0))


def turned_face() -> dict[str, tuple[float, str]]:
    """Largest one-sided reading of a still face turned or nodded a little from its relaxed
    frame: |left movement - right movement| of any length (IID), and which, per method."""
    worst = {m: (0.0, "") for m in METHODS}
    with Analyzer(static=True, keep_mesh=True) as still:
        for face in FACES:
            warper = ExerciseWarper(load_face(face))
            before = still.analyze(warper.neutral)
            still.set_reference()
            for yaw, pitch in TURNS:
                fa = still.analyze(warper.turned(yaw, pitch))
                for method, now, was in (("mesh", fa.mesh_measures, before.mesh_measures),
                                         ("image", fa.measures, before.measures)):
                    for name, moved in movement(now, was).items():
                        if UNITS[name] == "iid":
                            worst[method] = max(worst[method], (moved.one_sided, name))
            still.clear_reference()
    return worst


# --- the table --------------------------------------------------------------------

#: The parts of the table `--skip` can leave out.
SKIPPABLE = ("winks", "sim", "still", "roll", "cost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--winks", type=Path, default=DEFAULT_WINKS, help="folder of NAME.normal.png/NAME.wink.png pairs")
    parser.add_argument("--skip", default="", help="comma-separated: " + ",".join(SKIPPABLE))
    parser.add_argument("--still-seconds", type=float, default=60.0)
    parser.add_argument("--kinds", default=",".join(KINDS), help="simulated kinds of movement, comma-separated")
    parser.add_argument("--relaxed-frames", type=int, default=None,
                        help="frames of the first session start's relaxed-face capture (default: the device config's)")
    parser.add_argument("--sessions", type=int, default=SESSIONS,
                        help="session starts per simulated repetition, their captures a frame apart")
    parser.add_argument("--camera-noise", type=int, default=None, metavar="SEED",
                        help="show every simulated frame through a camera's sway, noise and flicker (seeded)")
    args = parser.parse_args()
    for name, value in (("--relaxed-frames", args.relaxed_frames), ("--sessions", args.sessions)):
        if value is not None and value < 1:
            print(f"real_asymmetry.py: {name} {value}: at least 1", file=sys.stderr)
            raise SystemExit(2)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    for name, given, known in (("--kinds", kinds, KINDS), ("--skip", args.skip.split(","), SKIPPABLE)):
        unknown = [k for k in given if k and k not in known]
        if unknown:
            print(f"real_asymmetry.py: {name} {','.join(unknown)}: not one of {','.join(known)}", file=sys.stderr)
            raise SystemExit(2)
    starts = session_starts(args.relaxed_frames, args.sessions)
    skip = set(filter(None, args.skip.split(",")))
    rows: list[tuple[str, str, str, str]] = []
    eye_rows: list[tuple[str, str, str]] = []

    if "winks" not in skip:
        w = winks(args.winks)
        if w is None:
            print(f"no wink photos in {args.winks}: the real-photo figures are skipped")
        else:
            for m in w:
                print(f"winks, {m}:")
                for row in w[m]["rows"]:
                    print("   ", row)
            n = len(w["mesh"]["named"])
            e = w["eye rows"]
            eye_rows = [
                ("winks (real), eye rows: open eye named weaker", f"{sum(e['named'])}/{n}", f"{n}/{n}"),
                ("winks (real), eye rows: shut eye's closure, median", f"{statistics.median(e['closure']):.2f}", ">= 0.90"),
                ("winks (real), eye rows: symmetry, median", f"{statistics.median(e['symmetry']):.2f}", "<= 0.25"),
            ]
            rows += [
                ("winks (real): open eye named weaker",
                 *(f"{sum(w[m]['named'])}/{n}" for m in METHODS), f"{n}/{n}"),
                ("winks (real): shut eye's closure, median",
                 *(f"{statistics.median(w[m]['closure']):.2f}" for m in METHODS), ">= 0.90"),
                ("winks (real): symmetry, median",
                 *(f"{statistics.median(w[m]['symmetry']):.2f}" for m in METHODS), "<= 0.25"),
            ]
    if "sim" not in skip:
        if args.camera_noise is not None:
            print(f"simulated frames are seen through a camera's sway, noise and flicker (seed {args.camera_noise})")
        s = simulated(kinds, starts, args.camera_noise)
        for m in METHODS:
            print(f"simulated, {m}: mean abs symmetry error per kind:",
                  ", ".join(f"{k} {np.mean(v):.3f}" for k, v in s["errors"][m].items()),
                  "| symmetric movement per kind (min):",
                  ", ".join(f"{k} {min(v):.2f}" for k, v in s["even"][m].items()))
        print(f"simulated, image: mean abs symmetry error per session start (captures of {', '.join(map(str, starts))} frames):",
              ", ".join(f"{k} " + " ".join(f"{np.mean(e):.3f}" for e in v) for k, v in s["per_start"].items()))
        for m in METHODS:
            print(f"simulated, {m}: mean abs error against the warp's true movement per kind:",
                  ", ".join(f"{k} {np.mean(v):.3f}" for k, v in s["vs_true"][m].items()))
        total = {m: float(np.mean([e for v in s["errors"][m].values() for e in v])) for m in METHODS}
        true_total = {m: float(np.mean([e for v in s["vs_true"][m].values() for e in v])) for m in METHODS}
        worst = {m: max(s["errors"][m], key=lambda k: np.mean(s["errors"][m][k])) for m in METHODS}
        spread = [float(np.mean(e)) for e in s["per_start"][worst["image"]]]
        rows += [
            ("sim: mean abs symmetry error (imposed 0.3, 0.6)", *(f"{total[m]:.3f}" for m in METHODS), "<= 0.08"),
            ("sim: worst kind's mean abs error per session start (image)", "",
             f"{min(spread):.3f}-{max(spread):.3f} ({worst['image']})", "<= 0.10"),
            ("sim: worst kind's mean abs error",
             *(f"{np.mean(s['errors'][m][worst[m]]):.3f} ({worst[m]})" for m in METHODS), "<= 0.10"),
            ("sim: mean abs error against the warp's true movement", *(f"{true_total[m]:.3f}" for m in METHODS), "-"),
            ("sim: weaker side named", *(f"{sum(s['named'][m])}/{len(s['named'][m])}" for m in METHODS), "all"),
            ("sim: symmetric movement, symmetry (mean / min)",
             *(f"{np.mean([x for v in s['even'][m].values() for x in v]):.2f} / "
               f"{min(x for v in s['even'][m].values() for x in v):.2f}" for m in METHODS), ">= 0.85"),
        ]
        if "eye" in s["errors"]["mesh"]:
            read, truth = demo_eyes(starts, args.camera_noise)
            rows.append((f"sim: the demo's eye closure, 0.8 : 1 (truly {truth:.2f}): symmetry, mean (range)",
                         *(f"{np.mean(read[m]):.2f} ({min(read[m]):.2f}-{max(read[m]):.2f})" for m in METHODS),
                         "truth +- 0.1"))
    if "still" not in skip:
        window = smoothing_frames()
        st = still_face(args.still_seconds, smoothing=window)
        for m in METHODS:
            print(f"still face, {m}: largest movement in noise floors:",
                  ", ".join(f"{k} {v:.2f}" for k, v in st[m].items()))
        rows.append((f"still face ({args.still_seconds:.0f} s jitter, {window}-frame mean): measures above the floor",
                     *(f"{sum(v >= 1.0 for v in st[m].values())} (max {max(st[m].values()):.2f} floors)"
                       for m in METHODS), "none"))
        lc = light_changes(smoothing=window)
        for m in METHODS:
            print(f"still face under other light, {m}: largest movement in noise floors:",
                  ", ".join(f"{k} {v:.2f}" for k, v in lc[m].items()))
        rows.append((f"  the same, the light changed after the capture ({len(LIGHT_CHANGES)} ways): changes above",
                     *(f"{sum(v >= 1.0 for v in lc[m].values())} (max {max(lc[m].values()):.2f} floors)"
                       for m in METHODS), "none"))
        sl = light_changes(smoothing=window, one_side=True)
        for m in METHODS:
            print(f"still face lit more on one side, {m}: largest movement in noise floors:",
                  ", ".join(f"{k} {v:.2f}" for k, v in sl[m].items()))
        rows.append((f"  the same, lit more on one side after the capture ({len(SIDE_LIGHTS)} ways): changes above",
                     *(f"{sum(v >= 1.0 for v in sl[m].values())} (max {max(sl[m].values()):.2f} floors)"
                       for m in METHODS), "none"))
    if "roll" not in skip:
        rs = roll_scale()
        rows.append(("roll +-15 deg, scale 0.5x/2x: largest change of a length (IID)",
                     *(f"{rs[m]:.3f}" for m in METHODS), "<= 0.03"))
        tf = turned_face()
        rows.append((f"head turned or nodded {max(abs(t) for turn in TURNS for t in turn):.0f} deg (sim): largest one-sided reading (IID)",
                     *(f"{tf[m][0]:.3f} ({tf[m][1]})" for m in METHODS), "<= 0.03"))
    if "cost" not in skip:
        for clip in COST_CLIPS:
            c = cost(clip_name=clip)
            rows.append((f"added CPU per frame over the bare model, {clip} ({c['bare_ms']:.1f} ms, 640x480, tracking)",
                         *(f"{100 * c[m]:+.1f} %" for m in METHODS), "<= 15 %"))
            for how, label in AS_RUN.items():
                rows.append((f"  the same, {label}", "-", f"{100 * cost_as_run(clip_name=clip, how=how):+.1f} %",
                             "<= 15 %"))

    if MISSED["frames"]:
        print(f"(tracking lost the face on {MISSED['frames']} simulated frames; each was analysed again)")
    width = max((len(r[0]) for r in [*rows, *eye_rows]), default=10)
    print()
    print(f"{'figure':{width}s} | {'mesh':>22s} | {'image':>22s} | goal")
    print("-" * (width + 60))
    for r in rows:
        print(f"{r[0]:{width}s} | {r[1]:>22s} | {r[2]:>22s} | {r[3]}")
    if eye_rows:
        print()
        print("How much of each relaxed eye the image still shows, alone (face/eyelids.py):")
        for r in eye_rows:
            print(f"{r[0]:{width}s} | {r[1]:>22s} | {r[2]}")


if __name__ == "__main__":
    main()
