"""The whole mirror loop on the virtual rig, against the bare model on the same frames.

Runs the demo scenario through the real service loop (camera hand-off,
analysis, engine, store, drawing) and times, in real seconds, each frame from
the moment the camera handed it over to the moment its screen was drawn. The
same frames (a sample) then go through bare `FaceMesh.process` in tracking
mode. Prints frames per second of each, their ratio, the frame-to-drawn-cue
latency (median and 95th percentile), and the peak resident memory of
`mimicmirror demo --headless` against a process running only the bare model.
The virtual person's own rendering (the simulated face) is not counted.

    .venv/bin/python benchmarks/loop_cost.py [--scenario demo] [--sample-every 4]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BARE_MODEL_SCRIPT = """
import sys, numpy as np
from mediapipe.python.solutions import face_mesh
frames = np.load(sys.argv[1])
mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=2, refine_landmarks=True)
for f in frames:
    mesh.process(f)
"""


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


MEASURE_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of one command, in MB, measured by a fresh parent of its own."""
    out = subprocess.run([sys.executable, "-c", MEASURE_SCRIPT, *cmd], check=True,
                         capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--sample-every", type=int, default=4, help="keep every Nth frame for the bare model")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    from mediapipe.python.solutions import face_mesh

    from mimicmirror.camera.latest import LatestFrame
    from mimicmirror.display.renderer import Display
    from mimicmirror.sim.rig import Rig
    from mimicmirror.sim.scenario import load_scenario

    handed: list[float] = []     # real time each frame left the camera hand-off
    drawn: list[float] = []      # real time the screen for that frame was drawn
    sample: list[np.ndarray] = []
    original_get, original_show = LatestFrame.get, Display.show

    def timed_get(self, timeout):
        frame = original_get(self, timeout)
        handed.append(time.perf_counter())
        if len(handed) % args.sample_every == 0:
            sample.append(frame.rgb.copy())
        return frame

    def timed_show(self, screen, camera_rgb=None):
        original_show(self, screen, camera_rgb)
        if len(drawn) < len(handed):
            drawn.append(time.perf_counter())

    LatestFrame.get, Display.show = timed_get, timed_show
    try:
        with tempfile.TemporaryDirectory() as out:
            result = Rig(load_scenario(args.scenario), Path(out), screenshots=False).run()
    finally:
        LatestFrame.get, Display.show = original_get, original_show
    latency = [d - h for h, d in zip(handed, drawn)]

    mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=2, refine_landmarks=True)
    bare: list[float] = []
    for rgb in sample:
        t0 = time.perf_counter()
        mesh.process(rgb)
        bare.append(time.perf_counter() - t0)
    mesh.close()

    loop_ms, bare_ms = statistics.median(latency) * 1000, statistics.median(bare) * 1000
    print(f"scenario '{args.scenario}': {len(latency)} frames through the loop "
          f"({result.seconds / 60:.1f} simulated minutes), {len(sample)} of them through the bare model")
    print(f"bare FaceMesh.process     median {bare_ms:7.2f} ms/frame   {1000 / bare_ms:6.1f} fps")
    print(f"whole loop per frame      median {loop_ms:7.2f} ms/frame   {1000 / loop_ms:6.1f} fps")
    print(f"ratio loop/bare           {loop_ms / bare_ms:7.2f}")
    print(f"frame -> drawn cue        median {loop_ms:7.2f} ms   p95 {percentile(latency, 95) * 1000:7.2f} ms")

    if not args.skip_memory:
        with tempfile.TemporaryDirectory() as out:
            frames_file = Path(out) / "frames.npy"
            np.save(frames_file, np.stack(sample[:40]))   # few frames: the model's memory, not the frames'

            bare_mb = peak_rss_mb([sys.executable, "-c", BARE_MODEL_SCRIPT, str(frames_file)])
            demo_mb = peak_rss_mb([sys.executable, "-m", "mimicmirror", "demo", "--headless",
                                   "--no-screenshots", "--out", str(Path(out) / "demo")])
        print(f"peak RSS: mimicmirror demo --headless {demo_mb:6.0f} MB;  bare model process {bare_mb:6.0f} MB;"
              f"  ratio {demo_mb / bare_mb:5.2f}")


if __name__ == "__main__":
    main()
