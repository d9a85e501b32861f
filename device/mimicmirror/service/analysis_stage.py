"""The face analysis in threads of its own, between the capture thread and the loop.

The stages overlap: the camera's capture thread keeps the newest picture,
this stage analyses the newest picture it can get (the model, then following
the image, each in its own thread; see `steps` below), and the loop (engine,
records, drawing) works on the newest analysis. Each hand-off between them
keeps only the newest item (one `camera.handoff.Handoff` each), so nothing
queues up: while the loop draws the cue for frame n, frame n+1 is already in
the model. A Pi 4 has four cores and the model runs on one, so the loop's own
work no longer adds to the model's time.

Idle duty cycle: with nobody at the mirror (no face for `idle_after_s` of
frame time, and no session running), only `idle_fps` frames a second are
analysed; the thread sleeps in between. The first analysed frame with a face
brings it back to the full camera rate, so a person is seen within one idle
period (0.5 s at 2 frames a second). During a session every frame counts.

With `every_frame` on the camera's hand-off (a benchmark on a recording),
every frame is analysed (no idling) and reaches the loop, in order: each
hand-off holds up to `READ_AHEAD` frames, as the camera's does, so the
analysis runs a few frames ahead of the loop and never waits for it unless
the loop is the slower stage on average. With a live camera the model never
waits for the loop (the newest analysis wins); with one frame of slack a
recording's model did, whenever the loop drew a screen or wrote a record:
measured in the rig's pipelined session, 15-21 waits of about a millisecond,
2-3 % of the session, and none with this slack.

The analysis can come in two steps (`steps`: the model's part, then
following the image and measuring; see `Analyzer.find`): then each has a
thread of its own and a hand-off between them, so frame n+1 is in the model
while frame n's image is followed. In a session that following costs a
third of the model's time, and the model is the stage that sets the rate.

The virtual rig's camera works in lockstep (one frame per `get`, nothing
depending on thread timing): then the analysis runs in the caller's thread,
and the same frames are skipped by the same rule, so runs stay identical.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..camera.base import CameraError, Frame
from ..camera.handoff import Handoff
from ..camera.latest import READ_AHEAD, LatestFrame
from ..edges import Analyzer
from ..face.crowd import FaceCounter
from .cores import CoreSplit

log = logging.getLogger(__name__)

#: With no face and no session, frames analysed per second.
IDLE_FPS = 2.0
#: How long without a face (frame time) before the analysis idles.
IDLE_AFTER_S = 1.0


@dataclass(frozen=True)
class AnalysedFrame(Frame):
    """A camera frame and its analysis; `analysis` is None when the frame was not analysed.

    Between the two steps of a split analysis it holds what the model found (`Found`).
    """

    analysis: Any = None


class IdleGate:
    """Decides, by frame time, which frames are analysed: all of them, or `idle_fps` a second."""

    def __init__(self, idle_fps: float = IDLE_FPS, idle_after_s: float = IDLE_AFTER_S) -> None:
        self.period = 1.0 / idle_fps
        self.idle_after_s = idle_after_s
        self.busy = False                      # a session is running: never idle
        self._face_at: float | None = None     # frame time of the last face seen
        self._last_at: float | None = None     # frame time of the last analysed frame

    def idle(self, t: float) -> bool:
        if self.busy or self._last_at is None:
            return False
        return self._face_at is None or t - self._face_at >= self.idle_after_s

    def wants(self, t: float) -> bool:
        """Whether the frame taken at `t` should be analysed."""
        if self._last_at is not None and t < self._last_at:
            self._face_at = self._last_at = None     # time went back: a new clip
        return not self.idle(t) or t - self._last_at >= self.period  # type: ignore[operator]

    def wait_s(self, t: float) -> float:
        """How long to sleep before the next frame is wanted (0 when every frame is)."""
        if not self.idle(t):
            return 0.0
        assert self._last_at is not None
        return max(0.0, self._last_at + self.period - t)

    def saw(self, t: float, face: bool) -> None:
        self._last_at = t
        if face:
            self._face_at = t


class AnalysisStage:
    """Newest-frame analysis between a `LatestFrame` and the loop; same start/get/stop interface.

    `get` returns `AnalysedFrame`s. In a thread of its own (a real camera)
    only analysed frames are handed on; in lockstep (the rig) every frame is,
    with `analysis=None` for those the idle rule skipped. An exception from
    the analyser skips that frame (logged), it never stops the stage; camera
    errors reach the loop through `get`, as from `LatestFrame`.

    `crowd` is the analyzer's face count, when it has one: with a thread of
    its own, the stage moves the count's once-a-second checks to theirs.
    `steps` splits `analyzer.analyze` in two (`find`, then `measure` of what
    it found), each in its own thread when the stage has threads; the second
    step is the one that uses the relaxed frame (see `between_frames`).
    `cores`: the model's thread keeps itself to the model's core (see cores.py).
    """

    def __init__(self, frames: LatestFrame, analyzer: Analyzer, gate: IdleGate | None = None,
                 crowd: FaceCounter | None = None,
                 steps: tuple[Callable[[Any, float], Any], Callable[[Any], Any]] | None = None,
                 cores: CoreSplit | None = None) -> None:
        self.frames = frames
        self.analyzer = analyzer
        self.gate = gate or IdleGate()
        self.crowd = crowd
        self.steps = steps
        self.cores = cores
        self.analysed = 0                      # frames that went through the model
        self._analysing = threading.Lock()     # held while a step uses the relaxed frame
        # real time each step began its current frame (None between frames)
        self._busy_since: dict[str, float | None] = {"model": None, "measures": None}
        # every_frame: analyse up to READ_AHEAD frames ahead while the loop works on one
        ahead = READ_AHEAD if frames.every_frame else 0
        self._handoff: Handoff[AnalysedFrame] = Handoff(ahead=ahead)
        self._found: Handoff[AnalysedFrame] = Handoff(ahead=ahead)   # between the two steps
        self._threads: list[threading.Thread] = []

    @property
    def lockstep(self) -> bool:
        return self.frames.lockstep

    @property
    def dropped(self) -> int:
        return self.frames.dropped

    def start(self) -> None:
        self.stop()
        self.frames.start()
        self._handoff.reset()
        self._found.reset()
        if not self.lockstep:
            # the face count made once a second costs about a model's time: a frame
            # should not wait for it (see face.crowd); lockstep keeps it in line
            if self.crowd is not None:
                self.crowd.aside()
            self._threads = [threading.Thread(target=self._run, name="face-analysis", daemon=True)]
            if self.steps is not None:
                self._threads.append(threading.Thread(target=self._run_measure, name="face-measures", daemon=True))
            for thread in self._threads:
                thread.start()

    def get(self, timeout: float) -> AnalysedFrame:
        if self.lockstep:
            item = self._analyse(self.frames.get(timeout))
            return self._measure(item) if self.steps is not None else item
        item = self._handoff.take(timeout)
        if item is None:
            raise CameraError("timeout", f"no analysed picture for {timeout:g} s")
        return item

    def busy_for(self) -> float:
        """Seconds the analysis has been working on the current frame (0 between frames).

        A hung analysis is not a camera fault: the loop stops pinging systemd's
        watchdog when this grows too long, so the service is restarted.
        """
        since = [t for t in (self._busy_since["model"], self._busy_since["measures"]) if t is not None]
        return time.monotonic() - min(since) if since else 0.0

    def between_frames(self, job: Callable[[Analyzer], Any]) -> Any:
        """Run `job(analyzer)` in the caller's thread while no frame is being analysed.

        The loop changes the analyzer's state (the session's relaxed frame) this
        way, never in the middle of a frame; it waits at most one analysis.
        """
        with self._analysing:
            return job(self.analyzer)

    def stop(self) -> None:
        if self._threads:
            self._handoff.close()
            self._found.close()                # ends the measuring thread's wait for a frame
            for thread in self._threads:
                thread.join(self.frames.read_timeout + 2.0)
                if thread.is_alive():
                    log.warning("%s thread did not stop in time", thread.name)
            self._threads = []
        self.frames.stop()

    def _analyse(self, frame: Frame) -> AnalysedFrame:
        """The first step (all of the analysis without `steps`): the model."""
        analysis = None
        if self.frames.every_frame or self.gate.wants(frame.t):
            # one step: it uses the relaxed frame, so the loop may not change that meanwhile
            work = self.analyzer.analyze if self.steps is None else self.steps[0]
            try:
                with self._analysing if self.steps is None else contextlib.nullcontext():
                    analysis = self._timed("model", work, frame.rgb, frame.t)
            except Exception as e:       # a frame the model cannot handle is skipped, not fatal
                log.warning("frame at %.3f s skipped: %s: %s", frame.t, type(e).__name__, e)
            self.analysed += 1
            self.gate.saw(frame.t, bool(analysis is not None and analysis.face))
        return AnalysedFrame(frame.rgb, frame.t, analysis)

    def _measure(self, item: AnalysedFrame) -> AnalysedFrame:
        """The second step, on what the model found (nothing to do for a frame it skipped)."""
        if item.analysis is None or self.steps is None:
            return item
        try:
            with self._analysing:
                analysis = self._timed("measures", self.steps[1], item.analysis)
        except Exception as e:
            log.warning("frame at %.3f s skipped: %s: %s", item.t, type(e).__name__, e)
            analysis = None
        return AnalysedFrame(item.rgb, item.t, analysis)

    def _timed(self, step: str, work: Callable[..., Any], *args: Any) -> Any:
        self._busy_since[step] = time.monotonic()
        try:
            return work(*args)
        finally:
            self._busy_since[step] = None

    def _run(self) -> None:
        if self.cores is not None:
            self.cores.keep_model()
        while not self._handoff.closed:
            try:
                # the capture thread's own read time-out ends a wait on a stalled camera
                frame = self.frames.get(self.frames.read_timeout + 1.0)
            except BaseException as e:       # surfaces in get(), in the loop's thread
                (self._handoff if self.steps is None else self._found).fail(e)
                return
            wait = 0.0 if self.frames.every_frame else self.gate.wait_s(frame.t)
            if wait > 0:
                self._handoff.pause(wait)
                continue                     # then take the newest frame, not this old one
            item = self._analyse(frame)
            handoff = self._handoff if self.steps is None else self._found
            # every_frame (a benchmark): the loop takes every analysed frame; this one was
            # analysed while the loop worked on one before, and waits while READ_AHEAD are
            if self.frames.every_frame and not handoff.room():
                return
            handoff.put(item)

    def _run_measure(self) -> None:
        """The second step's thread: measure the newest frame the model is done with."""
        while not self._handoff.closed:
            try:
                item = self._found.take(self.frames.read_timeout + 1.0)
            except BaseException as e:       # the camera's or the first step's error: on to the loop
                self._handoff.fail(e)
                return
            if item is None:
                continue
            item = self._measure(item)
            if self.frames.every_frame and not self._handoff.room():
                return
            self._handoff.put(item)
