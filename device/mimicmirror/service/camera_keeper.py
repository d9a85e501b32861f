"""The newest-frame camera, kept alive: faults noticed, reopened after a growing pause.

A camera on a ribbon cable in a bathroom will drop out now and then (a loose
cable, a time-out, another program holding it). The loop must neither crash
nor hammer the driver: the keeper reports "lost" once, tries again after 1 s,
2 s, 4 s ... up to every 30 s, and reports "back" when frames flow again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..camera.base import CameraError, EndOfFrames
from ..clock import Clock
from .analysis_stage import AnalysedFrame, AnalysisStage

log = logging.getLogger("mimicmirror")

#: Pauses between attempts to reopen a lost camera: quick at first, then every 30 s.
CAMERA_RETRY_FIRST_S = 1.0
CAMERA_RETRY_MAX_S = 30.0


@dataclass
class CameraKeeper:
    """The newest-frame camera, with fault detection and reopening after a back-off.

    `poll(now)` returns the newest frame or None, plus the camera's news the
    engine must see, as (ok, reason) pairs (lost / back). A short wait for a
    frame is normal; no frame for `timeout_s`, or any other camera error, is a fault.
    """

    stage: AnalysisStage                 # the camera behind it hands on frames; it adds their analysis
    timeout_s: float
    frame_wait_s: float
    running: bool = False
    down_reason: str | None = None       # set while a lost camera is being retried
    ended: bool = False                  # a replay ran out of frames
    last_frame_at: float = 0.0
    retry_at: float = float("-inf")
    backoff: float = CAMERA_RETRY_FIRST_S
    failures: int = 0
    taken: int = 0                       # frames handed to the loop so far (a replay's frame index)

    def poll(self, now: float, clock: Clock) -> tuple[AnalysedFrame | None, list[tuple[bool, str]]]:
        changes: list[tuple[bool, str]] = []
        if not self.running:
            if now < self.retry_at:
                return None, changes
            try:
                self.stage.start()
            except CameraError as e:
                self._failed(now, e, changes)
                return None, changes
            except Exception as e:  # a driver's own error: handled like a lost camera
                self._failed(now, CameraError("disconnected", f"{type(e).__name__}: {e}"), changes)
                return None, changes
            self.running, self.last_frame_at, self.backoff = True, now, CAMERA_RETRY_FIRST_S
            if self.down_reason is not None:
                log.info("camera is back")
                changes.append((True, ""))
                self.down_reason = None
        wait = self.timeout_s if self.stage.lockstep else self.frame_wait_s
        try:
            frame = self.stage.get(wait)
        except EndOfFrames:
            log.info("the replayed frames have ended")
            self.ended = True
            return None, changes
        except Exception as e:
            if not isinstance(e, CameraError):   # a driver's own error: handled like a lost camera
                e = CameraError("disconnected", f"{type(e).__name__}: {e}")
            # a short wait with no new frame is normal; the fault is no frame for timeout_s.
            # A frame still being analysed is no camera fault (a hung analysis stops the watchdog).
            if e.reason == "timeout" and (clock.monotonic() - self.last_frame_at < self.timeout_s
                                          or self._analysing()):
                return None, changes
            self.stage.stop()
            self.running = False
            self._failed(clock.monotonic(), e, changes)
            return None, changes
        self.last_frame_at = clock.monotonic()
        self.taken += 1
        return frame, changes

    def _analysing(self) -> bool:
        return self.stage.busy_for() > 0

    def _failed(self, now: float, error: CameraError, changes: list[tuple[bool, str]]) -> None:
        self.failures += 1
        if self.down_reason is None:
            log.warning("camera lost (%s): %s; retrying", error.reason, error.message)
            self.down_reason = error.reason
            changes.append((False, error.reason))
        else:
            log.debug("camera still unavailable (%s): %s", error.reason, error.message)
        self.retry_at = now + self.backoff
        self.backoff = min(self.backoff * 2, CAMERA_RETRY_MAX_S)

    def healthy(self, now: float) -> bool:
        """Frames are arriving, or their absence is known and being handled."""
        return self.down_reason is not None or (self.running and now - self.last_frame_at < self.timeout_s)

    def stop(self) -> None:
        if self.running:
            self.stage.stop()
            self.running = False
