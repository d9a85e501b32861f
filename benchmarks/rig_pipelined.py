"""The rig's loop figure: a whole scripted session through the threaded service, against the bare model.

The rig itself runs in lockstep (analysis and a drawing in the loop's thread
on every pass, so runs repeat exactly for the tests). Here a rig scenario is
run once in lockstep and recorded (every camera frame, every press with the
frame it came with); then, in rounds of alternating order, the recording is
played through the service as the device wires it (camera hand-off, the
analysis's two threads, loop drawing at `[display] fps`, records on disk; presses at the same
frames: a real session with its relaxed-face capture, image following and
exercises) and the bare model (Face Mesh, one face, tracking, irises) runs on
the same frames in memory. Neither side decodes anything.

Printed: loop fps / bare fps (median of the rounds, with the load average),
CPU per frame, where each thread's CPU time went per frame over the whole
run, and how many screens the loop really drew (at most `[display] fps` a
second of the real clock, so about one for every 15-20 frames of a replay
running at 250-500 frames a second) with the CPU each took. The session's
records are checked against the lockstep run's.

Two lines say where the session's frame time goes: the model thread's time in
the model's step against the bare model's time a frame (and what is left: waits
for hand-offs), and the bare model kept to one core against the bare model free
to use all of them. The model uses one core, so the service gives it one of its
own and keeps its other threads on the others (service/cores.py); the model's
step in a session then costs about what the bare model does.

    .venv/bin/python benchmarks/rig_pipelined.py [--scenario brief] [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

#: Python thread names as the service names them, and what they are.
THREADS = {"MainThread": "loop", "face-analysis": "model (python)", "camera-capture": "capture",
           "face-count": "face count", "face-measures": "measures", "sound": "sound", "speech-cache": "sound"}


def kind_of(name: str) -> str:
    """What a thread is, from its Python name or (a native thread) its system name."""
    if name in THREADS:
        return THREADS[name]
    if name.startswith("mediapipe/"):
        return "model"                    # MediaPipe's graph threads
    if name == "python":
        return "native, unnamed"          # threads named after the interpreter: OpenCV's pool, some of MediaPipe's
    if name.startswith("SDL"):
        return "sound"
    return "other"


def load() -> str:
    one = os.getloadavg()[0]
    busy = " (busy machine: above its cores)" if one > (os.cpu_count() or 1) else ""
    return f"load {one:.2f}{busy}"


def record(scenario: str):
    """One lockstep rig run of `scenario`, recorded; with the rig's config and its records."""
    from mimicmirror.sim.rig import Rig
    from mimicmirror.sim.scenario import load_scenario

    with tempfile.TemporaryDirectory() as out:
        rig = Rig(load_scenario(scenario), Path(out), screenshots=False, record=True)
        result = rig.run()
    return result.recording, rig.config, result.records


class ThreadClock:
    """Each thread's CPU time over a span, by thread.

    Read at the start and the end of the span (the service's threads are all
    still running when the loop finds the end), and a few times a second in
    between for a thread that ends sooner. Reading every thread costs about
    0.2 ms here, and the span is the session's: sampled 50 times a second, it
    took about 1 % of a core from the session it measured.
    """

    def __init__(self, every_s: float = 0.25) -> None:
        self.every_s = every_s
        self._base: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._names: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def begin(self) -> None:
        self._base = self._sample()
        self._last = dict(self._base)
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def end(self) -> None:
        if self._thread is None:
            return
        self._last.update(self._sample())
        self._stop.set()
        self._thread.join()
        self._thread = None

    def by_name(self) -> dict[str, float]:
        """CPU seconds over the span, per kind of thread (see `kind_of`)."""
        out: dict[str, float] = defaultdict(float)
        for tid, ns in self._last.items():
            name = self._names.get(tid, "")
            if name == "bench-sampler":
                continue
            out[kind_of(name)] += (ns - self._base.get(tid, 0)) / 1e9
        return dict(out)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._last.update(self._sample())

    def _sample(self) -> dict[int, int]:
        names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
        out = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/schedstat") as f:
                    out[int(tid)] = int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(tid) in names:
                self._names[int(tid)] = names[int(tid)]
            elif int(tid) not in self._names:
                try:
                    with open(f"/proc/self/task/{tid}/comm") as f:
                        self._names[int(tid)] = f.read().strip()
                except OSError:
                    pass
        return out


def bare_on_frames(frames: list, one_core: bool = False) -> tuple[float, float]:
    """The yardstick on the frames in memory: fps from the first frame to the last, CPU s a frame.

    `one_core`: the model and its graph's threads kept to one core (threads
    take their creator's cores), as the service keeps its model.
    """
    from mediapipe.python.solutions import face_mesh

    from mimicmirror.service.cores import CoreSplit

    split = CoreSplit.plan() if one_core else None
    with split.kept(split.model) if split is not None else contextlib.nullcontext():
        mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
        t0, c0 = time.perf_counter(), time.process_time()
        for rgb in frames:
            mesh.process(rgb)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        mesh.close()
    return len(frames) / seconds, cpu / len(frames)


def pipelined(recording: Any, config: Any) -> dict[str, Any]:
    """The recording through the threaded service: fps and CPU from the loop's first look at the
    camera to the pass that found the end (as the bare model is timed), and per-thread CPU."""
    from mimicmirror.sim.pipelined import run_pipelined

    span: dict[str, float] = {}
    threads = ThreadClock()

    drawing = {"cpu": 0.0, "drawn": 0}
    model = {"wall": 0.0}

    def watch(service: Any) -> None:
        keeper, display = service.camera, service.display
        poll, show = keeper.poll, display.show
        stage = keeper.stage
        analyse = stage._analyse

        def timed_analyse(frame: Any) -> Any:
            # the model's step, in its thread: its wall-clock time against the span's shows
            # whether the model thread waited for hand-offs or its model call itself was slower
            t0 = time.perf_counter()
            try:
                return analyse(frame)
            finally:
                if "began" in span and "ended" not in span:
                    model["wall"] += time.perf_counter() - t0

        stage._analyse = timed_analyse

        def timed_show(*args: Any, **kw: Any) -> None:
            # the loop's drawing: how often a screen is really drawn, and its CPU (the loop's thread)
            if "began" in span and "ended" not in span:
                before, drawn = time.thread_time(), display.frames_drawn
                show(*args, **kw)
                drawing["cpu"] += time.thread_time() - before
                drawing["drawn"] += display.frames_drawn - drawn
            else:
                show(*args, **kw)

        display.show = timed_show

        def timed_poll(now: float, clock: Any, **kw: Any):
            if "began" not in span:
                span["began"], span["began_cpu"] = time.perf_counter(), time.process_time()
                threads.begin()
            got = poll(now, clock, **kw)
            if keeper.ended and "ended" not in span:
                span["ended"], span["ended_cpu"] = time.perf_counter(), time.process_time()
                threads.end()
            return got

        keeper.poll = timed_poll

    run = run_pipelined(recording, config, on_service=watch)
    threads.end()
    seconds = span["ended"] - span["began"]
    return {"fps": run.taken / seconds, "cpu": (span["ended_cpu"] - span["began_cpu"]) / run.taken,
            "threads": {k: v / run.taken for k, v in threads.by_name().items()}, "run": run,
            "drawn": drawing["drawn"], "drawing_cpu": drawing["cpu"] / max(1, drawing["drawn"]),
            "seconds": seconds, "model_wall": model["wall"] / run.taken}


def rig_vs_bare(scenario: str = "brief", rounds: int = 5) -> dict[str, Any]:
    """Rounds of the pipelined session and the bare model in alternating order (ABBA...)."""
    from mimicmirror.sim.pipelined import same_session

    recording, config, lockstep_records = record(scenario)
    frames = recording.rgb()
    ratios, cpu_ratios, rows, threads, same, drawn = [], [], [], [], True, []
    one_core, model_walls = [], []
    names = ("bare", "loop", "one core")
    for r in range(rounds):
        got: dict[str, Any] = {}
        for name in names[r % 3:] + names[:r % 3]:       # the order rotates: load hits all alike
            if name == "bare":
                got["bare"] = bare_on_frames(frames)
            elif name == "one core":
                got["one core"] = bare_on_frames(frames, one_core=True)
            else:
                got["loop"] = pipelined(recording, config)
        loop, (bare_fps, bare_cpu) = got["loop"], got["bare"]
        one_core.append(got["one core"][0] / bare_fps)
        model_walls.append((loop["model_wall"], 1.0 / bare_fps, loop["seconds"] / loop["run"].taken))
        ratios.append(loop["fps"] / bare_fps)
        cpu_ratios.append(bare_cpu / loop["cpu"])
        rows.append(f"{loop['fps']:.0f}/{bare_fps:.0f}")
        threads.append(loop["threads"])
        drawn.append((loop["drawn"], loop["drawn"] / loop["seconds"], loop["drawing_cpu"]))
        same = same and same_session(lockstep_records, loop["run"].records) and loop["run"].taken == len(frames)
    kinds = {k for t in threads for k in t}
    per_thread = {k: statistics.median(t.get(k, 0.0) for t in threads) for k in kinds}
    return {"ratio": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "rows": rows,
            "cpu": statistics.median(cpu_ratios), "threads": per_thread, "frames": len(frames),
            "drawn": tuple(statistics.median(d[i] for d in drawn) for i in range(3)),
            "same": same, "rounds": rounds, "scenario": scenario, "load": load(),
            "one_core": statistics.median(one_core),
            "model_wall": tuple(statistics.median(m[i] for m in model_walls) for i in range(3))}


def print_rig(r: dict[str, Any], label: str = "   loop fps / bare fps, rig session (pipelined)") -> None:
    print(f"{label:50s}{r['ratio']:6.3f}   (median of {r['rounds']} rounds, {r['min']:.3f}-{r['max']:.3f}; "
          f"scenario {r['scenario']}, {r['frames']} frames; {r['load']})")
    print(f"   rounds, loop/bare fps: {', '.join(r['rows'])}; the lockstep run's session: "
          f"{'the same' if r['same'] else 'NOT the same'}")
    print(f"   CPU per frame, bare / loop (all threads)       {r['cpu']:6.3f}")
    parts = ", ".join(f"{k} {v * 1000:.2f}" for k, v in sorted(r["threads"].items(), key=lambda kv: -kv[1])
                      if v >= 5e-6)
    print(f"   CPU per frame by thread, ms: {parts}")
    n, per_s, each = r["drawn"]
    print(f"   screens drawn by the loop: {n:.0f} a session ({per_s:.1f} a second), {each * 1000:.2f} ms of CPU each")
    in_model, bare, frame = r["model_wall"]
    print(f"   model thread, ms a frame: in the model {in_model * 1000:.2f} (bare model {bare * 1000:.2f}), "
          f"waiting for hand-offs {max(0.0, frame - in_model) * 1000:.2f}")
    print(f"   bare model kept to one core / bare model   {r['one_core']:6.3f}   (about 1: the model uses one core, "
          f"which the session keeps for it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="brief")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.ERROR)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from mimicmirror.errors import ConfigError

    try:
        print_rig(rig_vs_bare(args.scenario, args.rounds))
    except (ConfigError, ValueError) as e:
        print(f"rig_pipelined.py: {e}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
