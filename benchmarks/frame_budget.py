"""Where the milliseconds of one frame go, stage by stage (medians over a clip).

Decode, the bare model, what the analysis adds (face frame, quality, measures;
the image-following in a session; the face count once a second), one engine
step, and drawing a practice screen whose bars move (draw, find the change,
turn and send it) at 1080x1920 upright and turned. Stages run one after the
other on the same frames, so their medians can be compared and added up.

    .venv/bin/python benchmarks/frame_budget.py [CLIP]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2

from clips import choose_clip


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path)
    args = parser.parse_args()
    clip = choose_clip(args.clip)

    from mediapipe.python.solutions import face_mesh

    from mimicmirror.face.analyzer import Analyzer

    from mimicmirror.face.landmarks import LandmarkDetector

    bare = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    graph = LandmarkDetector(static=False, max_faces=1)      # the same model, driven as the analysis does
    plain = Analyzer(static=False)
    session = Analyzer(static=False)
    cap = cv2.VideoCapture(str(clip))
    t: dict[str, list[float]] = {k: [] for k in ("decode", "model", "graph", "analysis", "session analysis")}
    crowd_total, frames = 0.0, 0
    while True:
        t0 = time.perf_counter()
        ok, bgr = cap.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        t1 = time.perf_counter()
        bare.process(rgb)
        t2 = time.perf_counter()
        graph.detect(rgb)
        t["graph"].append(time.perf_counter() - t2)
        checks = plain.crowd.checks
        c0 = time.perf_counter()
        plain.analyze(rgb, frames / 30.0)
        c1 = time.perf_counter()
        if plain.crowd.checks > checks:        # the once-a-second face count, counted apart
            crowd_total += c1 - c0
        else:
            t["analysis"].append(c1 - c0)
        s0 = time.perf_counter()
        session.analyze(rgb, frames / 30.0)
        s1 = time.perf_counter()
        if frames == 5:
            session.set_reference()
        elif frames > 5:
            t["session analysis"].append(s1 - s0)
        t["decode"].append(t1 - t0)
        t["model"].append(t2 - t1)
        frames += 1
    cap.release()

    print(f"{clip.name}: {frames} frames; medians per frame")
    print(f"  decode + RGB                     {ms(t['decode']):7.2f} ms")
    print(f"  bare model (1 face, tracking)    {ms(t['model']):7.2f} ms")
    print(f"  the model as the analysis runs it {ms(t['graph']):6.2f} ms  (its graph driven directly, no result "
          f"class per image)")
    print(f"  analysis, outside a session      {ms(t['analysis']):7.2f} ms  ({ms(t['analysis']) - ms(t['graph']):+.2f} "
          f"on that model)")
    print(f"  analysis, in a session           {ms(t['session analysis']):7.2f} ms  ("
          f"{ms(t['session analysis']) - ms(t['graph']):+.2f}: following the image)")
    print(f"  face count, spread over frames   {crowd_total / frames * 1000:7.2f} ms  (once a second)")
    engine_and_drawing()


def engine_and_drawing() -> None:
    import pygame

    from mimicmirror.display.glass import changed_parts, fingerprint, put_on_glass
    from mimicmirror.display.layout import draw_screen
    from mimicmirror.display.renderer import open_display
    from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar

    def practice(v: float) -> Screen:
        return Screen(kind=ScreenKind.PRACTICE, title="Smile", exercise_id="smile", cue="Hold it gently",
                      phase=Phase.HOLD, countdown=3.0 - v, countdown_total=3.0, rep=2, reps_target=5,
                      bars=(SideBar("left", v, affected=True), SideBar("right", 1.0 - v / 2)), progress=(2, 8),
                      footer="NEXT: skip")

    engine_ms = engine_step()
    print(f"  engine, one frame's step         {engine_ms:7.2f} ms")
    for rotation in (0, 90):
        d = open_display({"driver": "dummy", "width": 1080, "height": 1920, "rotation": rotation, "fps": 60})
        d.show(practice(0.2))
        before = fingerprint(d._logical)
        parts: dict[str, list[float]] = {"draw": [], "find": [], "send": [], "whole turn": []}
        for i in range(60):
            s = practice(0.3 + 0.01 * i)
            t0 = time.perf_counter()
            draw_screen(d._logical, s, d.theme, d.text)
            t1 = time.perf_counter()
            now = fingerprint(d._logical)
            rects = changed_parts(now, before, d.size)
            before = now
            t2 = time.perf_counter()
            pygame.display.update(rects if d._logical is d._window else
                                  put_on_glass(d._logical, rects, d._window, rotation))
            t3 = time.perf_counter()
            if rotation:
                pygame.transform.rotate(d._logical, -rotation)
            t4 = time.perf_counter()
            for k, a, b in (("draw", t0, t1), ("find", t1, t2), ("send", t2, t3), ("whole turn", t3, t4)):
                parts[k].append(b - a)
        d.close()
        line = (f"  drawing at {rotation:3d}°: draw {ms(parts['draw']):.2f} + find changes {ms(parts['find']):.2f} + "
                f"turn and send them {ms(parts['send']):.2f} ms")
        if rotation:
            line += f"  (turning the whole picture instead: {ms(parts['whole turn']):.2f} ms)"
        print(line)


def engine_step() -> float:
    """One FrameEvent through the engine during practice, on the real grace_hopper analysis."""
    from mimicmirror import config as config_mod
    from mimicmirror.events import FrameEvent, TickEvent
    from mimicmirror.exercises.catalogue import load_programme
    from mimicmirror.exercises.engine import Engine
    from mimicmirror.face.analyzer import Analyzer
    from mimicmirror.sim.faces import load_face

    cfg = config_mod.defaults()
    engine = Engine(load_programme(cfg.programme_path, cfg["user"]["programme"]), cfg)
    with Analyzer(static=False) as a:
        analysis = a.analyze(load_face("grace_hopper"), 0.0)
    times = []
    for i in range(300):
        t = i / 15.0
        e0 = time.perf_counter()
        engine.handle(FrameEvent(t, analysis))
        engine.handle(TickEvent(t))
        times.append(time.perf_counter() - e0)
    return ms(times)


if __name__ == "__main__":
    main()
