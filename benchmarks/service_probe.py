"""The service as the benchmarks run it: a config for a recording, and stamps of when each
frame left the camera hand-off, when the loop took it and when the screen after it was drawn."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path


def service_config(tmp: Path, display: dict | None = None):
    from mimicmirror import config as config_mod

    return config_mod.load(config_mod.DEFAULTS_DIR / "mimicmirror.toml", {
        "camera": {"source": "replay", "fps": 30},
        "buttons": {"backend": "none"},
        "display": {"driver": "dummy", **(display or {})},
        "store": {"path": str(tmp / "mimicmirror.db")},
    })


class Stamps:
    """When each frame left the camera hand-off, and when the loop drew the screen after it."""

    def __init__(self) -> None:
        self.handed: dict[int, float] = {}
        self.latency: list[float] = []
        self.faces_at: list[tuple[float, float]] = []   # (frame t, loop time) of frames with a face
        self.frames = 0                                  # frames the loop took
        self.began: float | None = None                  # the loop's first look at the camera
        self.ended: float | None = None                  # the pass that found the recording's end
        self.began_cpu = self.ended_cpu = 0.0            # the process's CPU time at those two passes
        self._last: int | None = None

    @contextlib.contextmanager
    def watching(self):
        from mimicmirror.camera.latest import LatestFrame
        from mimicmirror.display.renderer import Display
        from mimicmirror.service.camera_keeper import CameraKeeper as keeper_cls

        deliver, show, poll = LatestFrame._deliver, Display.show, keeper_cls.poll
        stamps = self

        def timed_deliver(self, frame):
            stamps.handed[id(frame.rgb)] = time.perf_counter()
            deliver(self, frame)

        def timed_poll(self, now, clock, **kw):
            if stamps.began is None:
                stamps.began, stamps.began_cpu = time.perf_counter(), time.process_time()
            frame, changes = poll(self, now, clock, **kw)
            if self.ended and stamps.ended is None:
                stamps.ended, stamps.ended_cpu = time.perf_counter(), time.process_time()
            if frame is not None:
                stamps.frames += 1
                stamps._last = id(frame.rgb)
                if frame.analysis is not None and frame.analysis.face:
                    stamps.faces_at.append((frame.t, time.monotonic()))
            return frame, changes

        def timed_show(self, screen, camera_rgb=None):
            show(self, screen, camera_rgb)
            if stamps._last is not None and stamps._last in stamps.handed:
                stamps.latency.append(time.perf_counter() - stamps.handed.pop(stamps._last))
                stamps._last = None

        LatestFrame._deliver, Display.show, keeper_cls.poll = timed_deliver, timed_show, timed_poll
        try:
            yield self
        finally:
            LatestFrame._deliver, Display.show, keeper_cls.poll = deliver, show, poll
