"""A laptop webcam through OpenCV, for trying the mirror at a desk.

OpenCV hands frames over in B, G, R order; they are turned into RGB here.
Webcams give no reliable sensor timestamps through OpenCV, so a frame is
stamped with the monotonic clock when it arrives.
"""

from __future__ import annotations

import time
from typing import Any

from .base import CameraError, Frame


class WebcamSource:
    """Frames from an OpenCV capture device: an index (0, 1, ...) or a device path."""

    def __init__(self, device: int | str = 0, width: int = 640, height: int = 480, fps: float = 15) -> None:
        self.device = device
        self.size = (width, height)
        self.fps = fps
        self._capture: Any = None
        self._ever_opened = False

    def start(self) -> None:
        import cv2

        self.stop()
        capture = cv2.VideoCapture(self.device)
        if not capture.isOpened():
            capture.release()
            if self._ever_opened:
                raise CameraError("disconnected", f"the webcam {self.device!r} has gone")
            raise CameraError("no_camera", f"no webcam at {self.device!r} (set [camera] device to "
                                           "another index, or check that it is plugged in)")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture
        self._ever_opened = True

    def read(self, timeout: float) -> Frame:
        """The next frame. OpenCV blocks on its own device time-out, not `timeout`."""
        import cv2

        if self._capture is None:
            raise CameraError("disconnected", "the webcam is not open")
        ok, bgr = self._capture.read()
        t = time.monotonic()
        if not ok or bgr is None:
            self.stop()
            raise CameraError("disconnected", f"the webcam {self.device!r} stopped sending pictures")
        return Frame(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), t)

    def stop(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()
