"""A rig scenario through the threaded service, as fast as the analysis goes.

The rig runs in lockstep on purpose: one camera frame per pass, analysed and
drawn in the loop's own thread, so every run repeats exactly and the tests can
pin what the mirror did. That says nothing about the frame rate of the real
service, where capture, analysis and the loop overlap in threads of their own.
To measure that on a whole session (the relaxed-face capture, following the
image, the exercises, the records), a lockstep run is recorded first
(`Rig(record=True)`): every frame the virtual person showed the camera, and
every button press with the number of frames the loop had taken when it came.
The virtual person's rendering is not the mirror's cost, so it stays there.
The virtual person shows the same picture again and again (the brief session's
459 frames hold 12 different pictures), so the recording keeps each picture
once: 11 MB instead of 420 MB, for the benchmark and the rig test alike.

`run_pipelined` then plays the recording through the service as `run` wires
it on the device: the frames come from a `ReplaySource` through the replay
benchmark mode of the camera hand-off (`LatestFrame(every_frame=True)`: every
frame, in order, at the pace of the stages after it), the analysis stage runs
in threads of its own, the loop takes each analysed frame and draws at most
`[display] fps` times a second of the real clock, and the presses arrive in
the pass that takes the same frame as in the lockstep run. Frame times are
moved onto the real clock's time base, as a live camera's are.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..camera.base import Frame, FrameSource
from ..camera.latest import LatestFrame
from ..camera.replay import ReplaySource
from ..clock import Clock, SystemClock
from ..config import Config, defaults
from ..events import ButtonEvent, ButtonName, KeyChange
from ..records import Record
from ..service import build_service

__all__ = ["PressAt", "Recording", "PressesAtFrames", "Pipelined", "pipelined_config", "run_pipelined"]


@dataclass(frozen=True)
class PressAt:
    """A button press as the loop got it: in the pass that had taken `taken` frames."""

    taken: int
    button: ButtonName
    long: bool
    #: the press's time after the newest frame's (a press is reported once it is let go,
    #: with the time it began)
    after: float


@dataclass
class Recording:
    """What the camera saw and the buttons said during one lockstep rig run."""

    fps: float
    frames: list[Frame] = field(default_factory=list)
    presses: list[PressAt] = field(default_factory=list)

    def keep(self, source: FrameSource) -> FrameSource:
        """`source`, keeping each frame it hands out (the lockstep camera reads one per pass);
        a picture seen before is kept as the same array."""
        return _Keeping(source, self.frames)

    def keep_presses(self, events: Callable[..., list[ButtonEvent]],
                     taken: Callable[[], int]) -> Callable[..., list[ButtonEvent]]:
        """The buttons' `events`, keeping each press with the frames taken when it came."""

        def kept(keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
            got = events(keys)
            n = taken()
            newest = self.frames[n - 1].t if n else 0.0
            self.presses += [PressAt(n, e.button, e.long, e.t - newest) for e in got]
            return got

        return kept

    def rgb(self) -> list[np.ndarray]:
        """The frames' pictures, in order (the yardstick runs on these too)."""
        return [f.rgb for f in self.frames]

    def check_even(self) -> None:
        """A replay times frames by their index: a recording with gaps (camera faults) cannot be one."""
        times = np.array([f.t for f in self.frames])
        steps = np.diff(times) * self.fps
        if len(steps) and np.abs(steps - 1).max() > 1e-6:
            raise ValueError("the recorded frames are not evenly spaced (a scenario with camera faults?); "
                             "only a scenario without faults can be replayed")


class _Keeping:
    def __init__(self, source: FrameSource, into: list[Frame]) -> None:
        self.source, self.into = source, into
        self._pictures: dict[bytes, np.ndarray] = {}   # by a digest of the pixels

    def start(self) -> None:
        self.source.start()

    def read(self, timeout: float) -> Frame:
        frame = self.source.read(timeout)
        rgb = np.ascontiguousarray(frame.rgb)
        key = hashlib.blake2b(rgb.data, digest_size=16).digest() + repr((rgb.shape, rgb.dtype.str)).encode()
        seen = self._pictures.setdefault(key, frame.rgb)
        self.into.append(frame if seen is frame.rgb else replace(frame, rgb=seen))
        return frame

    def stop(self) -> None:
        self.source.stop()


class PressesAtFrames:
    """Buttons (the `edges.Buttons` interface) pressed when the loop has taken a given frame.

    A lockstep run's presses, each handed to the loop in the pass that takes the
    same frame as then, timed on `clock` as the real buttons time theirs. On a
    replay running many times faster than the camera, a finger on a real pin
    could not keep up: the debounce and the hold are real time.
    """

    def __init__(self, presses: Sequence[PressAt], taken: Callable[[], int], clock: Clock) -> None:
        self._waiting = sorted(presses, key=lambda p: p.taken)
        self.taken, self.clock = taken, clock
        self.history: list[tuple[int, ButtonEvent]] = []   # (frames taken, the event) as handed on

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        n = self.taken()
        now = self.clock.monotonic()
        out = []
        while self._waiting and self._waiting[0].taken <= n:
            p = self._waiting.pop(0)
            out.append(ButtonEvent(now + p.after, p.button, p.long))
            self.history.append((n, out[-1]))
        return out

    def close(self) -> None:
        """Nothing to release."""


def pipelined_config(config: Config, store: Path) -> Config:
    """The rig's config as the device would run it: drawing at the device's `[display] fps`
    (the rig draws on every pass), records in `store`."""
    sections = {s: dict(v) for s, v in config.sections.items()}
    sections["display"]["fps"] = defaults()["display"]["fps"]
    sections["store"]["path"] = str(store)
    return Config(sections, None, config.programme_path)


@dataclass
class Pipelined:
    """One pipelined run: what the engine recorded and how the frames went."""

    records: list[Record]
    taken: int           # frames the loop took (every one of the recording's, when all went well)
    analysed: int        # frames that went through the model
    presses: list[tuple[int, ButtonEvent]]


def run_pipelined(recording: Recording, config: Config, *, clock: Clock | None = None,
                  on_service: Callable[[Any], None] | None = None) -> Pipelined:
    """Play `recording` through the threaded service wired from `config` (the rig's config).

    `on_service(service)` is called before the service runs (a benchmark may
    look at its parts). Records go to a fresh database in a temporary folder.
    """
    recording.check_even()
    clock = clock or SystemClock()
    frames = recording.rgb()
    records: list[Record] = []
    with tempfile.TemporaryDirectory(prefix="mm-pipelined-") as tmp:
        cfg = pipelined_config(config, Path(tmp) / "mimicmirror.db")
        source = ReplaySource(lambda: iter(frames), recording.fps, name="recording")
        camera = LatestFrame(source, every_frame=True, read_timeout=cfg["camera"]["timeout_seconds"])
        # (the service is built next; the buttons ask it only while it runs)
        buttons = PressesAtFrames(recording.presses, lambda: service.camera.taken, clock)
        service = build_service(cfg, clock=clock, camera=camera, buttons=buttons)
        service.on_step = lambda step, t: records.extend(step.records)
        if on_service is not None:
            on_service(service)
        # the frames' times on the clock's base, as a live camera's: the first frame now, once
        # the service is built (building takes a while; the camera starts when the loop runs)
        source.start_at = clock.monotonic()
        service.run()
    return Pipelined(records, service.camera.taken, service.camera.stage.analysed, buttons.history)


def same_session(lockstep: list, replayed: list) -> bool:
    """The same records in the same order, each of the same exercise: what a replayed
    session must repeat of its lockstep run (the values differ by the model's own jitter)."""
    def kinds(records: list) -> list[tuple[str, str | None]]:
        return [(type(r).__name__, getattr(r, "exercise_id", None)) for r in records]

    return kinds(lockstep) == kinds(replayed)
