"""What the mirror costs against the bare face model, as ratios, in one run.

The yardstick everywhere is the bare model: MediaPipe Face Mesh in tracking
mode, one face, irises refined, on the same frames decoded the same way.
Yardstick and candidate alternate (ABAB) so load from other processes hits
both alike. Printed, in order:

1. `mimicmirror analyze` on a clip / bare model, a second of video at a time
   (wall clock, and CPU time beside it; see analyze_clip.py).
2. Whole loop fps / bare fps on a replayed clip, every frame analysed (the
   recording is handed over frame by frame at the pace of the stages); and on
   a whole rig session: the brief scenario recorded on the lockstep rig, then
   played through the threaded service with its presses at the same frames
   (see rig_pipelined.py), with the bare model on the same frames. The rig's
   own lockstep figure follows (analysis and a drawing in one thread each
   pass, on purpose: so the tests repeat exactly).
3. Frame-to-drawn-cue latency, median and 95th percentile, against the model's
   time plus one display refresh: live (a camera at 15 frames a second showing a
   face, every frame analysed) and on the rig.
4. CPU with nobody at the mirror (a camera-paced empty scene), share of one core.
5. Wake-up: from the first frame with a face to the loop holding its analysis.
6. Peak resident memory of `mimicmirror run` / a process running only the bare model.

    .venv/bin/python benchmarks/mirror_ratios.py [--clip FILE] [--quick]

Without --clip the recording named in $MIMICMIRROR_BENCH_CLIP is used, else a
clip made from a real photo (see clips.py); the first line says which.
Timing figures swing with other processes' load: the 1-minute load average is
printed beside them, and a figure taken at a load above the machine's cores
says so.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from analyze_clip import PASSES, analyze_vs_bare
from clips import CLIP_ENV, choose_clip
from live_camera import idle_cpu, live_latency, wake_up
from rig_pipelined import load, print_rig, rig_vs_bare
from service_probe import Stamps, service_config

BARE_SCRIPT = """
import sys, cv2
from mediapipe.python.solutions import face_mesh
mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
cap = cv2.VideoCapture(sys.argv[1])
while True:
    ok, bgr = cap.read()
    if not ok:
        break
    mesh.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
"""

MEASURE_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def quiet_logs() -> None:
    import logging
    import os

    logging.getLogger().setLevel(logging.ERROR)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")   # a machine without a sound card: no ALSA noise


# -- the yardstick ------------------------------------------------------------------------------

def bare_fps(clip: Path) -> tuple[float, float]:
    """Frames a second over the whole clip, and CPU seconds (all threads) per frame."""
    from mediapipe.python.solutions import face_mesh

    mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    cap = cv2.VideoCapture(str(clip))
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        mesh.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        n += 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    cap.release()
    mesh.close()
    return n / seconds, cpu / n


# -- the service on a recording ------------------------------------------------------------------

def loop_on_clip(clip: Path, display: dict | None = None) -> tuple[float, float, list[float]]:
    """Loop fps over a whole recording (every frame analysed), CPU seconds per frame, and each
    frame's time from the decoder's hand-off to the screen drawn after it (frames decoded ahead
    wait their turn there, so this is no live latency: see `live_latency`)."""
    from mimicmirror.camera.latest import LatestFrame
    from mimicmirror.camera.replay import ReplaySource
    from mimicmirror.service import build_service

    with tempfile.TemporaryDirectory() as tmp:
        config = service_config(Path(tmp), display)
        camera = LatestFrame(ReplaySource.from_path(clip), every_frame=True, read_timeout=5.0)
        service = build_service(config, camera=camera)
        stamps = Stamps()
        with stamps.watching():
            service.run()
    # from the loop's first look at the camera to the pass that found the end, as the bare
    # model is timed from its first read to its last frame (neither counts opening or closing)
    seconds, cpu = stamps.ended - stamps.began, stamps.ended_cpu - stamps.began_cpu
    return stamps.frames / seconds, cpu / max(1, stamps.frames), stamps.latency


def rig_loop() -> tuple[float, list[float], list[np.ndarray]]:
    """The brief scenario on the rig: per-frame loop time (hand-off to drawn) and a frame sample."""
    from mimicmirror.sim.rig import Rig
    from mimicmirror.sim.scenario import load_scenario

    stamps = Stamps()
    sample: list[np.ndarray] = []
    from mimicmirror.camera.latest import LatestFrame
    original = LatestFrame._deliver

    with stamps.watching():
        deliver = LatestFrame._deliver

        count = [0]

        def sampling(self, frame):
            count[0] += 1
            if len(sample) < 200 and count[0] % 3 == 0:
                sample.append(frame.rgb.copy())
            deliver(self, frame)

        LatestFrame._deliver = sampling
        try:
            with tempfile.TemporaryDirectory() as out:
                Rig(load_scenario("brief"), Path(out), screenshots=False).run()
        finally:
            LatestFrame._deliver = original
    return 1.0 / statistics.median(stamps.latency), stamps.latency, sample


def bare_fps_frames(frames: list[np.ndarray]) -> float:
    from mediapipe.python.solutions import face_mesh

    mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
    times = []
    for rgb in frames:
        t0 = time.perf_counter()
        mesh.process(rgb)
        times.append(time.perf_counter() - t0)
    mesh.close()
    return 1.0 / statistics.median(times[5:])


# -- memory ---------------------------------------------------------------------------------------

def peak_rss_mb(cmd: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", MEASURE_SCRIPT, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024.0


def run_memory(clip: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "mimicmirror.toml"
        cfg.write_text(f'[camera]\nsource = "replay"\npath = "{clip}"\n[buttons]\nbackend = "none"\n'
                       f'[display]\ndriver = "dummy"\n[store]\npath = "{Path(tmp) / "m.db"}"\n')
        bare = peak_rss_mb([sys.executable, "-c", BARE_SCRIPT, str(clip)])
        run = peak_rss_mb([sys.executable, "-m", "mimicmirror", "run", "--config", str(cfg)])
    return run, bare


# -- the table ------------------------------------------------------------------------------------

def loop_vs_bare(clip: Path, rounds: int, rotation: int) -> float:
    """Figure 2: loop and bare model in turn (ABBA...), every frame of the clip; returns the model's ms.

    Each round runs both over the whole clip, the order flipping from round to
    round; the figure is the median of the rounds' ratios, so a burst of load
    from elsewhere spoils one round, not the figure.
    """
    ratios, cpu_ratios, rows, bare = [], [], [], []
    for r in range(rounds):
        got = {}
        for name in (("bare", "loop") if r % 2 == 0 else ("loop", "bare")):
            if name == "bare":
                got["bare"] = bare_fps(clip)
            else:
                fps, cpu, _ = loop_on_clip(clip, {"rotation": rotation})
                got["loop"] = (fps, cpu)
        ratios.append(got["loop"][0] / got["bare"][0])
        bare.append(got["bare"][0])
        cpu_ratios.append(got["bare"][1] / got["loop"][1])
        rows.append(f"{got['loop'][0]:.0f}/{got['bare'][0]:.0f}")
    print(f"2. loop fps / bare fps, replayed clip             {statistics.median(ratios):6.3f}   (median of "
          f"{rounds} rounds, {min(ratios):.3f}-{max(ratios):.3f}; rotation {rotation}; {load()})")
    print(f"   rounds, loop/bare fps: {', '.join(rows)}")
    print(f"   CPU per frame, bare / loop (all threads)       {statistics.median(cpu_ratios):6.3f}")
    return 1000 / statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, help=f"a recording of a face (default: ${CLIP_ENV}, else one "
                                                  "made from a real photo)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--rotation", type=int, default=0, help="display rotation for the loop on the clip")
    args = parser.parse_args()
    quiet_logs()
    clip = choose_clip(args.clip)
    probe = cv2.VideoCapture(str(clip))
    print(f"   {int(probe.get(cv2.CAP_PROP_FRAME_COUNT))} frames; {load()}")
    probe.release()

    a = analyze_vs_bare(clip, passes=1 if args.quick else PASSES)
    print(f"1. analyze / bare model (per second of video)     {a['ratio']:6.3f}"
          f"   (wall clock; CPU time {a['cpu_ratio']:.3f}; medians {a['ours'] * 1000:.2f} vs "
          f"{a['bare'] * 1000:.2f} ms a frame; {load()})")

    model_ms = loop_vs_bare(clip, 3 if args.quick else 7, args.rotation)
    live_latency(4.0 if args.quick else 8.0, model_ms)
    print_rig(rig_vs_bare("brief", 3 if args.quick else 5))
    rig_fps, rig_lat, sample = rig_loop()
    rig_bare = bare_fps_frames(sample)
    print(f"   loop fps / bare fps, rig (lockstep, the tests){rig_fps / rig_bare:6.3f}   ({rig_fps:.1f} vs "
          f"{rig_bare:.1f} fps; {load()})")
    print(f"   frame -> drawn cue, rig                        median {np.median(rig_lat) * 1000:6.2f} ms, "
          f"p95 {np.percentile(rig_lat, 95) * 1000:6.2f} ms  (model {1000 / rig_bare:.2f} ms)")
    cpu = idle_cpu(5.0 if args.quick else 8.0)
    print(f"4. CPU with nobody at the mirror, share of a core {cpu['idle']:6.3f}   (analysing every frame: "
          f"{cpu['every frame']:.3f}; camera at 15 fps; {load()})")
    wake = wake_up(3 if args.quick else 6)
    print(f"5. wake-up to the first analysed face             median {statistics.median(wake):5.2f} s, "
          f"max {max(wake):5.2f} s  ({load()})")
    run_mb, bare_mb = run_memory(clip)
    print(f"6. peak RSS: mimicmirror run / bare model         {run_mb / bare_mb:6.3f}   ({run_mb:.0f} vs "
          f"{bare_mb:.0f} MB)")


if __name__ == "__main__":
    main()
