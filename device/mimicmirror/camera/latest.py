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
from collections import deque

from .base import CameraError, Frame, FrameSource

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
        self.dropped = 0            # frames captured but superseded before the loop took them
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._reset()

    def _reset(self) -> None:
        self._frame: Frame | None = None
        self._ahead: deque[Frame] = deque()   # every_frame: frames read, not yet taken, in order
        self._seq = 0               # frames captured since start
        self._taken = 0             # the sequence number the loop last took
        self._error: BaseException | None = None
        self._stopping = False
        self._wanted: float | None = None   # lockstep: a get() waiting, with its timeout

    def start(self) -> None:
        """Open the source (CameraError if it cannot) and start capturing."""
        self.stop()
        with self._cond:
            self._reset()
        self.source.start()
        target = self._run_lockstep if self.lockstep else self._run
        self._thread = threading.Thread(target=target, name="camera-capture", daemon=True)
        self._thread.start()

    def get(self, timeout: float) -> Frame:
        """The newest frame not yet taken, waiting up to `timeout` seconds for one."""
        with self._cond:
            if self._thread is None:
                raise CameraError("disconnected", "the camera is not started")
            if self.lockstep and self._error is None:
                self._wanted = timeout
                self._cond.notify_all()
            # the source bounds its own wait by `timeout`; the grace covers thread scheduling
            wait = timeout + 1.0 if self.lockstep else timeout
            self._cond.wait_for(lambda: self._seq > self._taken or self._error is not None, wait)
            if self._seq > self._taken:
                if self.every_frame:
                    self._taken += 1
                    self._cond.notify_all()     # the capture thread may read the next
                    return self._ahead.popleft()
                self.dropped += self._seq - self._taken - 1
                self._taken = self._seq
                assert self._frame is not None
                return self._frame
            if self._error is not None:
                raise self._error
            raise CameraError("timeout", f"no picture from the camera for {timeout:g} s")

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread.join(self.read_timeout + 1.0)
        if thread.is_alive():
            log.warning("camera capture thread did not stop in time")
        self._thread = None
        self.source.stop()

    def _deliver(self, frame: Frame) -> None:
        with self._cond:
            if self.every_frame:
                self._ahead.append(frame)
            self._frame = frame
            self._seq += 1
            self._cond.notify_all()

    def _fail(self, error: BaseException) -> None:
        with self._cond:
            self._error = error
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._stopping:
            try:
                frame = self.source.read(self.read_timeout)
            except BaseException as e:      # surfaces in get(), in the loop's thread
                self._fail(e)
                return
            if self.every_frame:            # read ahead, at most READ_AHEAD frames
                with self._cond:
                    self._cond.wait_for(lambda: self._stopping or self._seq - self._taken < READ_AHEAD)
                    if self._stopping:
                        return
            self._deliver(frame)

    def _run_lockstep(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._wanted is not None)
                if self._stopping:
                    return
                timeout, self._wanted = self._wanted, None
            try:
                frame = self.source.read(timeout)
            except BaseException as e:
                self._fail(e)
                return
            self._deliver(frame)
