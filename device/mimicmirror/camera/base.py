"""One interface for every frame source: the Pi camera, a webcam, a replay.

The service and the face analysis only ever see `Frame`s and `CameraError`s,
so the real camera, a laptop webcam, a recorded clip and the virtual rig are
interchangeable (like gpiozero's pin factories behind one `Pin` API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: Why a camera stopped delivering; the service shows a calm message and retries.
CAMERA_FAULTS: tuple[str, ...] = ("no_camera", "busy", "timeout", "disconnected")


@dataclass(frozen=True)
class Frame:
    """An unflipped RGB image (HxWx3 uint8) and when the sensor took it.

    `t` is monotonic seconds from the frame's own timestamp, never the time the
    program happened to look at it, so replays are exact and latency can be measured.
    """

    rgb: np.ndarray
    t: float


class CameraError(Exception):
    """A camera fault the service recovers from: `reason` is one of CAMERA_FAULTS."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __repr__(self) -> str:
        return f"CameraError({self.reason!r}, {self.message!r})"


class EndOfFrames(CameraError):
    """A replay ran out of frames: not a fault, the clip is over."""

    def __init__(self, message: str = "no more frames") -> None:
        super().__init__("ended", message)


class FrameSource(Protocol):
    """Start, read the next frame (waiting at most `timeout` seconds), stop.

    `read` raises CameraError on a fault; after a fault, `start` again reopens
    the device (the service retries that until the camera is back).
    """

    def start(self) -> None: ...

    def read(self, timeout: float) -> Frame: ...

    def stop(self) -> None: ...
