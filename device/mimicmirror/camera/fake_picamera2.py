"""A stand-in for picamera2's `Picamera2`, beside the adapter it stands in for (picamera.py).

It mirrors the subset of the real API that `camera.picamera.PicameraSource`
uses, with the real names and the real behaviour (picamera2/picamera2.py and
picamera2/request.py of the picamera2 project), so the production adapter is the
code under test:

- `Picamera2()` raises IndexError when no camera is attached (the real one
  indexes `global_camera_info()`), and RuntimeError("Camera __init__ sequence did
  not complete.") chained from "Failed to acquire camera: Device or resource busy"
  when another process (or another open instance) holds the camera.
- `create_video_configuration(main=..., controls=..., buffer_count=...)` returns
  a plain dict; `configure` refuses while started; `FrameRate` is the virtual
  control for `FrameDurationLimits`.
- `capture_request(wait=seconds)` raises the builtin TimeoutError when no frame
  arrives in time, and, as in the real one, the timed-out job stays queued: it
  swallows the next frame (and that frame's buffer) unless `cancel_all_and_flush()`
  is called. Requests must be `release()`d; a camera whose buffers are all held
  stops delivering. Only the newest completed frame is kept (queue depth one).
- `make_array("main")` honours picamera2's format names: "BGR888" gives pixels
  in R, G, B order, "RGB888" in B, G, R order, "XBGR8888" R, G, B, A.
- `get_metadata()["SensorTimestamp"]` is the frame time in integer nanoseconds.

What the camera sees and when things go wrong is a `FakeCameraWorld`, one per
test or rig, with no state shared between them. Production code constructs
`Picamera2()` itself, so it is handed `world.picamera2` (a constructor bound
to that world) as `PicameraSource(picamera2_class=...)`, or, for a whole
program, the world stands in for the `picamera2` module (`world.module()` in
`sys.modules`), as gpiozero's `MockFactory` stands in for the pins.

The world keeps a `history` of what happened to its cameras, each entry with
its (monotonic) time: opened, refused, configured, started, captured, timed
out, released, flushed, stopped, closed. Tests assert on it instead of
peeking at the fake's insides.

Time in the world is deterministic: each captured frame moves it on by one
frame period (a time-out by the wait), not the wall clock. With a `clock`
(the rig's simulated clock) the camera and the clock share one time: the
camera waits for the clock's present and moves the clock on to each frame it
delivers.
"""

from __future__ import annotations

import functools
import math
import threading
import types
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from .fake_scene import FAULT_KINDS, Fault, FrameAt, fit, still

__all__ = ["FAULT_KINDS", "FakeCameraWorld", "FakeCompletedRequest", "FakePicamera2", "Fault", "FrameAt",
           "Happening", "still"]

#: Byte order of each stream format picamera2 can hand back as an array (its manual, appendix A).
CHANNEL_ORDER: dict[str, tuple[int, ...]] = {
    "BGR888": (0, 1, 2),      # R, G, B
    "RGB888": (2, 1, 0),      # B, G, R
    "XBGR8888": (0, 1, 2, 3),  # R, G, B, A
    "XRGB8888": (2, 1, 0, 3),  # B, G, R, A
}

_STREAM_KEYS = ("format", "size", "stride", "preserve_ar")
_EPS = 1e-9


class Happening(NamedTuple):
    """One entry of a world's history: when (monotonic seconds), what, and about what."""

    t: float
    what: str
    detail: str = ""


class FakeCameraWorld:
    """What the fake camera sees over time, its faults, the present moment, and its history.

    Times given to `frame_at` and in `faults` are scenario seconds, counted from
    `start_at` (monotonic seconds, the origin of SensorTimestamp).
    """

    def __init__(self, frame_at: FrameAt, faults: Sequence[Fault] = (), *,
                 start_at: float | None = None, clock: Any = None, present: bool = True) -> None:
        self.frame_at = frame_at
        self.faults = tuple(faults)
        self.clock = clock
        self.present = present
        self.start_at = float(start_at if start_at is not None else clock.monotonic() if clock else 0.0)
        self._t = self.start_at
        self._owner: FakePicamera2 | None = None
        self.lock = threading.RLock()
        self.history: list[Happening] = []

    # -- for the code under test ---------------------------------------------------------

    @property
    def picamera2(self) -> Callable[..., "FakePicamera2"]:
        """`Picamera2` for this world: what `PicameraSource(picamera2_class=...)` constructs."""
        return functools.partial(FakePicamera2, self)

    def module(self) -> types.ModuleType:
        """A stand-in `picamera2` module (for `sys.modules`) whose cameras see this world."""
        module = types.ModuleType("picamera2", "The fake Picamera2 of a FakeCameraWorld")
        module.Picamera2 = self.picamera2  # type: ignore[attr-defined]
        return module

    def global_camera_info(self) -> list[dict[str, Any]]:
        """What picamera2's `global_camera_info()` lists: one Camera Module, or none."""
        if not self.present or self.fault("disconnect", self.now):
            return []
        return [{"Model": "imx708", "Location": 2, "Rotation": 180,
                 "Id": "/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a", "Num": 0}]

    # -- for tests -----------------------------------------------------------------------

    def record(self, what: str, detail: str = "") -> None:
        with self.lock:
            self.history.append(Happening(self.now, what, detail))

    def happened(self, what: str) -> list[Happening]:
        """Every entry of one kind, in order ("opened", "captured", "released" ...)."""
        with self.lock:
            return [h for h in self.history if h.what == what]

    @property
    def constructed(self) -> int:
        """How many `Picamera2()` calls succeeded (tests count reopenings)."""
        return len(self.happened("opened"))

    @property
    def now(self) -> float:
        """Monotonic seconds: the later of the camera's own time and the clock's."""
        with self.lock:
            if self.clock is not None:
                self._t = max(self._t, self.clock.monotonic())
            return self._t

    def scenario_time(self, t: float) -> float:
        return t - self.start_at

    def advance(self, seconds: float) -> None:
        """Let time pass in the world (nobody is capturing, say)."""
        self.advance_to(self.now + seconds)

    def advance_to(self, t: float) -> None:
        with self.lock:
            self._t = max(self._t, t)
            if self.clock is None:
                return
            if hasattr(self.clock, "advance_to"):
                self.clock.advance_to(self._t)
            else:
                self.clock.sleep(self._t - self.clock.monotonic())

    def fault(self, kind: str, t: float) -> Fault | None:
        s = self.scenario_time(t)
        return next((f for f in self.faults if f.kind == kind and f.covers(s)), None)

    def disconnected_between(self, t0: float, t1: float) -> bool:
        """Did the camera vanish after t0 and by t1 (monotonic seconds)?"""
        s0, s1 = self.scenario_time(t0), self.scenario_time(t1)
        return any(f.kind == "disconnect" and s0 < f.start <= s1 + _EPS for f in self.faults)

    def resume_after_stall(self, t: float) -> float:
        """The first moment at or after t that is not inside a timeout window."""
        while (f := self.fault("timeout", t)) is not None:
            t = self.start_at + f.end
        return t


class FakeCompletedRequest:
    """One captured frame with its metadata; release it to give the buffer back."""

    def __init__(self, camera: "FakePicamera2", rgb: np.ndarray, metadata: dict[str, Any], index: int) -> None:
        self._camera = camera
        self.index = index
        self._rgb = rgb
        self._metadata = metadata
        self.config = dict(camera.camera_config)
        self.ref_count = 1

    def release(self) -> None:
        with self._camera._lock:
            self.ref_count -= 1
            if self.ref_count < 0:
                raise RuntimeError("CompletedRequest: lock now has negative ref_count")
            if self.ref_count == 0:
                self._camera._held -= 1
                self._rgb = None
                self._camera._world.record("released", f"frame {self.index}")

    def get_metadata(self) -> dict[str, Any]:
        return dict(self._metadata)

    def make_array(self, name: str) -> np.ndarray:
        stream = self.config.get(name)
        if stream is None:
            raise RuntimeError(f"Stream {name!r} is not defined")
        if self._rgb is None:
            raise RuntimeError("CompletedRequest: the request has been released")
        rgb = fit(self._rgb, tuple(stream["size"]))
        order = CHANNEL_ORDER[stream["format"]]
        if len(order) == 4:
            rgb = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
        return np.ascontiguousarray(rgb[:, :, list(order)])


class FakePicamera2:
    """`picamera2.Picamera2`, the subset Mimic Mirror uses, seeing one FakeCameraWorld.

    Construct it through `world.picamera2` (the adapter's `picamera2_class`):
    the world comes first, then picamera2's own arguments.
    """

    def __init__(self, world: FakeCameraWorld, camera_num: int = 0, verbose_console: Any = None,
                 tuning: Any = None, allocator: Any = None) -> None:
        self.is_open = False
        self.started = False
        self.camera_config: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._held = 0
        self._orphan_jobs = 0
        self._last_index = -1
        self._world = world
        cameras = world.global_camera_info()
        if camera_num >= len(cameras):
            world.record("refused", "no camera")
        camera_num = cameras[camera_num]["Num"]   # IndexError: no camera, like the real one
        with world.lock:
            if world._owner is not None or world.fault("busy", world.now):
                world.record("refused", "busy")
                try:
                    raise RuntimeError("Failed to acquire camera: Device or resource busy")
                except RuntimeError as e:
                    raise RuntimeError("Camera __init__ sequence did not complete.") from e
            world._owner = self
            world.record("opened")
        self.camera_idx = camera_num
        self._opened_at = world.now
        self._started_at = self._opened_at
        self.is_open = True

    # -- configuration -----------------------------------------------------------------

    def create_video_configuration(self, main: dict | None = None, lores: dict | None = None,
                                   raw: dict | None = None, transform: Any = None, colour_space: Any = None,
                                   buffer_count: int = 6, controls: dict | None = None, display: str | None = "main",
                                   encode: str | None = "main", queue: bool = True, sensor: dict | None = None,
                                   use_case: str = "video") -> dict[str, Any]:
        if not self.is_open:
            raise RuntimeError("Camera not opened")
        stream = {"format": "XBGR8888", "size": (1280, 720), "preserve_ar": True}
        for key, value in (main or {}).items():
            if key not in _STREAM_KEYS:
                raise ValueError(f"Bad key {key!r}: valid stream configuration keys are {_STREAM_KEYS}")
            stream[key] = value
        w, h = stream["size"]
        stream["size"] = (w - w % 2, h - h % 2)     # align_stream(optimal=False)
        return {"use_case": use_case, "transform": transform, "colour_space": colour_space,
                "buffer_count": buffer_count, "queue": queue, "main": stream, "lores": lores, "raw": raw,
                "controls": {"NoiseReductionMode": 1, "FrameDurationLimits": (33333, 33333)} | (controls or {}),
                "sensor": sensor, "display": display, "encode": encode}

    def configure(self, camera_config: dict[str, Any] | None = None) -> None:
        if self.started:
            raise RuntimeError("Camera must be stopped before configuring")
        if not self.is_open:
            raise RuntimeError("Camera not opened")
        if not isinstance(camera_config, dict):
            raise TypeError("Invalid type for `camera_config` given")
        main = camera_config["main"]
        if main.get("format") not in CHANNEL_ORDER:
            raise RuntimeError(f"Bad format {main.get('format')} in stream main")
        w, h = main["size"]
        if w % 2 or h % 2:
            raise RuntimeError("width and height should be even")
        self.camera_config = dict(camera_config)
        self._world.record("configured", f"{main['format']} {w}x{h}")

    @property
    def frame_period(self) -> float:
        controls = self.camera_config.get("controls", {})
        if "FrameRate" in controls:
            rate = controls["FrameRate"]
            return 1.0 / (max(rate) if isinstance(rate, (tuple, list)) else rate)
        return controls.get("FrameDurationLimits", (33333, 33333))[0] / 1e6

    # -- running -------------------------------------------------------------------------

    def start(self, config: dict[str, Any] | None = None, show_preview: bool | None = False) -> None:
        if config is not None:
            self.configure(config)
        if not self.camera_config:
            raise RuntimeError("Camera has not been configured")
        with self._lock:
            if not self.started:
                self.started = True
                self._started_at = self._world.now
                self._world.record("started")

    def stop(self) -> None:
        with self._lock:
            if self.started:
                self._world.record("stopped")
            self.started = False
            self._held = 0
            self._orphan_jobs = 0

    def close(self) -> None:
        if not self.is_open:
            return
        self.stop()
        with self._world.lock:
            if self._world._owner is self:
                self._world._owner = None
            self._world.record("closed")
        self.is_open = False
        self.camera_config = {}

    def cancel_all_and_flush(self) -> None:
        """Drop queued jobs, such as one left behind by a time-out."""
        with self._lock:
            self._orphan_jobs = 0
            self._world.record("flushed")

    def __enter__(self) -> "FakePicamera2":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def capture_request(self, wait: float | bool | None = None, signal_function: Any = None,
                        flush: Any = None) -> FakeCompletedRequest:
        if signal_function is not None or wait is False:
            raise NotImplementedError("FakePicamera2 supports only blocking capture_request")
        with self._lock:
            world, period = self._world, self.frame_period
            deadline = math.inf if wait is None or wait is True else world.now + float(wait)
            while True:
                index, arrival = self._next_frame(period)
                if arrival > deadline:
                    if math.isinf(deadline):
                        raise RuntimeError("FakePicamera2: capture_request without wait= would block forever")
                    world.advance_to(deadline)
                    self._orphan_jobs += 1     # the real job stays queued after its future times out
                    world.record("timed out", f"after {float(wait):g} s")
                    raise TimeoutError()
                request = self._request(index, period)   # made first: making it is the simulation's cost
                world.advance_to(arrival)
                if world.now >= arrival + period - _EPS:
                    continue   # the clock moved on past this frame (a clock paced by a sound card): take a newer one
                self._last_index = index
                self._held += 1
                if self._orphan_jobs == 0:
                    world.record("captured", f"frame {index}")
                    return request
                self._orphan_jobs -= 1         # an abandoned job takes this frame, and never gives it back
                world.record("swallowed", f"frame {index}")

    def _next_frame(self, period: float) -> tuple[int, float]:
        """The frame the next request gets, and when it arrives (inf: never)."""
        world = self._world
        now = world.now
        first = math.floor((self._started_at - world.start_at) / period + _EPS) + 1
        newest = math.floor((now - world.start_at) / period + _EPS)
        index = max(self._last_index + 1, first, newest)
        t = world.start_at + index * period
        resumed = world.resume_after_stall(t)
        if resumed > t:
            index = math.ceil((resumed - world.start_at) / period - _EPS)
            t = world.start_at + index * period
        starved = self._held >= self.camera_config.get("buffer_count", 6)
        if not self.started or starved or world.disconnected_between(self._opened_at, t):
            return index, math.inf
        return index, t

    def _request(self, index: int, period: float) -> FakeCompletedRequest:
        world = self._world
        t = world.start_at + index * period
        if world.fault("black", t):
            w, h = self.camera_config["main"]["size"]
            rgb = np.zeros((h, w, 3), np.uint8)
        else:
            rgb = self._frame(t)
        metadata = {"SensorTimestamp": int(round(t * 1e9)), "FrameDuration": int(round(period * 1e6)),
                    "ExposureTime": int(round(period * 1e6 * 0.8)), "AnalogueGain": 1.0, "DigitalGain": 1.0}
        return FakeCompletedRequest(self, rgb, metadata, index)

    def _frame(self, t: float) -> np.ndarray:
        rgb = np.asarray(self._world.frame_at(self._world.scenario_time(t)))
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"frame_at must return an HxWx3 uint8 RGB array, got {rgb.dtype} {rgb.shape}")
        return rgb
