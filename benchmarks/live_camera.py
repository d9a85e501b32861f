"""The service on a camera delivering frames in real time (15 a second): the CPU with nobody
at the mirror, the wake-up when a face arrives, and the live frame-to-drawn-cue latency."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from clips import SIZE
from rig_pipelined import load
from service_probe import Stamps, service_config


class PacedCamera:
    """A camera delivering `fps` frames a second in real time: `scene(t)` says what it sees."""

    def __init__(self, scene, fps: float = 15.0) -> None:
        self.scene, self.fps = scene, fps
        self._next = None

    def start(self) -> None:
        self._next = time.monotonic()

    def stop(self) -> None: ...

    def read(self, timeout: float):
        from mimicmirror.camera.base import Frame

        self._next += 1.0 / self.fps
        time.sleep(max(0.0, self._next - time.monotonic()))
        t = time.monotonic()
        return Frame(self.scene(t), t)


def empty_scene() -> np.ndarray:
    rng = np.random.default_rng(1)
    wall = np.full((SIZE[1], SIZE[0], 3), 70, np.uint8)
    return np.clip(wall + rng.normal(0, 6, wall.shape), 0, 255).astype(np.uint8)


def face_scene() -> np.ndarray:
    from mimicmirror.sim.faces import load_face

    rgb = load_face("grace_hopper")
    face = cv2.resize(rgb, (round(rgb.shape[1] * 400 / rgb.shape[0]), 400), interpolation=cv2.INTER_AREA)
    frame = empty_scene()
    x0 = (SIZE[0] - face.shape[1]) // 2
    frame[40:440, x0:x0 + face.shape[1]] = face
    return frame


def run_service_live(scene, seconds: float, tmp: Path, idle: bool = True, stamps: Stamps | None = None):
    """The service on a camera-paced scene for `seconds`; returns the process CPU seconds used."""
    from mimicmirror.camera.latest import LatestFrame
    from mimicmirror.service import build_service

    config = service_config(tmp)
    service = build_service(config, camera=LatestFrame(PacedCamera(scene), read_timeout=2.0))
    if not idle:
        service.camera.stage.gate.busy = True
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    cpu0 = time.process_time()
    timer.start()
    with stamps.watching() if stamps else contextlib.nullcontext():
        service.run(stop)
    return time.process_time() - cpu0


def idle_cpu(seconds: float) -> dict[str, float]:
    """Share of one core used with nobody at the mirror: idling analysis, and analysing every frame."""
    empty = empty_scene()
    out: dict[str, list[float]] = {"idle": [], "every frame": []}
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(2):
            for name in (("idle", "every frame") if rnd % 2 == 0 else ("every frame", "idle")):
                cpu = run_service_live(lambda t: empty, seconds, Path(tmp), idle=name == "idle")
                out[name].append(cpu / seconds)
    return {k: statistics.mean(v) for k, v in out.items()}


def wake_up(tries: int) -> list[float]:
    """Seconds from the first camera frame with a face (after idling) to the loop holding its analysis."""
    empty, face = empty_scene(), face_scene()
    delays = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(tries):
            arrive = [None]
            start = time.monotonic()
            offset = 2.5 + 0.13 * i        # after the analysis has gone idle, at a different phase each time

            def scene(t, start=start, offset=offset, arrive=arrive):
                if t - start < offset:
                    return empty
                if arrive[0] is None:
                    arrive[0] = t
                return face

            stamps = Stamps()
            run_service_live(scene, offset + 1.5, Path(tmp), stamps=stamps)
            seen = [loop_t for frame_t, loop_t in stamps.faces_at if arrive[0] is not None and frame_t >= arrive[0]]
            delays.append(seen[0] - arrive[0] if seen else float("inf"))
    return delays


def live_latency(seconds: float, model_ms: float) -> None:
    """Figure 3, live: a camera at 15 fps showing a face, every frame analysed (as in a session)."""
    face = face_scene()
    stamps = Stamps()
    with tempfile.TemporaryDirectory() as tmp:
        # a new picture each frame, so each is stamped on its own
        run_service_live(lambda t: face.copy(), seconds, Path(tmp), idle=False, stamps=stamps)
    refresh_ms = 1000 / 15
    lat = np.array(stamps.latency[5:]) * 1000
    print(f"3. frame -> drawn cue, live camera at 15 fps      median {np.median(lat):6.2f} ms, "
          f"p95 {np.percentile(lat, 95):6.2f} ms  (model + one refresh {model_ms:.2f} + {refresh_ms:.1f} ms; "
          f"{load()})")
