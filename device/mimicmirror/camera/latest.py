"""Capture in its own thread; the loop takes the newest frame.

The analysis of one frame can take longer than the camera's frame period. If
frames queued up, the mirror would coach the face of a second ago; so the
capture thread keeps only the newest frame and the loop drops the rest.
The virtual rig instead wants every frame, in order, and nothing depending on
thread timing: `lockstep=True` captures exactly one frame per `get`.
A benchmark on a recording wants every frame too, but at the pace of the
stages after it: `every_frame=True` keeps the capture thread and lets it read
up to `READ_AHEAD` frames ahead, handed over in order. A live camera always has
a newest frame ready when the analysis asks; decoding a recording ahead gives
the analysis the same, even when the capture thread is not scheduled for a
few milliseconds on a busy machine. Nothing is dropped.
"""

from __future__ import annotations

import logging
import threading

from .base import CameraError, Frame, FrameSource
from .handoff import Handoff

log = logging.getLogger(__name__)

#: every_frame: frames a recording is decoded ahead of the analysis (a live camera's
#: buffers hold several as well); a few frames' slack, not a queue that grows.
READ_AHEAD = 3


class LatestFrame:
    """Newest-frame hand-off between a capture thread and the loop.

    A CameraError in the capture thread ends the thread and is raised by the
    next `get`; `start` again reopens the source (the service's retry).
    """

    def __init__(self, source: FrameSource, lockstep: bool = False, read_timeout: float = 2.0,
                 every_frame: bool = False) -> None:
        self.source = source
        self.lockstep = lockstep
        self.every_frame = every_frame
        self.read_timeout = read_timeout
        self._handoff: Handoff[Frame] = Handoff(ahead=READ_AHEAD if every_frame else 0)
        self._thread: threading.Thread | None = None

    @property
    def dropped(self) -> int:
        """Frames captured but superseded before the analysis took them."""
        return self._handoff.dropped

    def start(self) -> None:
        """Open the source (CameraError if it cannot) and start capturing."""
        self.stop()
        self._handoff.reset()
        self.source.start()
        target = self._run_lockstep if self.lockstep else self._run
        self._thread = threading.Thread(target=target, name="camera-capture", daemon=True)
        self._thread.start()

    def get(self, timeout: float) -> Frame:
        """The newest frame not yet taken, waiting up to `timeout` seconds for one."""
        if self._thread is None:
            raise CameraError("disconnected", "the camera is not started")
        if self.lockstep:
            self._handoff.ask(timeout)
            # the source bounds its own wait by `timeout`; the grace covers thread scheduling
            frame = self._handoff.take(timeout + 1.0)
        else:
            frame = self._handoff.take(timeout)
        if frame is None:
            raise CameraError("timeout", f"no picture from the camera for {timeout:g} s")
        return frame

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        self._handoff.close()
        thread.join(self.read_timeout + 1.0)
        if thread.is_alive():
            log.warning("camera capture thread did not stop in time")
        self._thread = None
        self.source.stop()

    def _deliver(self, frame: Frame) -> None:
        """Hand a captured frame over (the one place frames leave this thread; benchmarks time it)."""
        self._handoff.put(frame)

    def _run(self) -> None:
        while not self._handoff.closed:
            try:
                frame = self.source.read(self.read_timeout)
            except BaseException as e:      # surfaces in get(), in the loop's thread
                self._handoff.fail(e)
                return
            if self.every_frame and not self._handoff.room():   # read ahead, at most READ_AHEAD
                return
            self._deliver(frame)

    def _run_lockstep(self) -> None:
        while (timeout := self._handoff.asked()) is not None:
            try:
                frame = self.source.read(timeout)
            except BaseException as e:
                self._handoff.fail(e)
                return
            self._deliver(frame)
