"""The Raspberry Pi camera through picamera2 (Raspberry Pi OS's python3-picamera2).

picamera2 is imported only when the camera is opened, so everything else runs
where it is not installed; tests and the virtual rig pass `picamera2_class`
(a `FakeCameraWorld`'s `picamera2`, from fake_picamera2.py beside this file) and exercise
this very code.

Facts from picamera2 itself that this relies on:
- Format names follow libcamera/DRM, so "BGR888" hands back pixels in R, G, B
  order: exactly the RGB MediaPipe wants, with no flip or channel swap.
- `capture_request(wait=s)` raises TimeoutError when no frame comes; the
  abandoned job stays queued, so `cancel_all_and_flush()` must run before the
  camera is closed (what picamera2 documents it for: a dislodged cable).
- No camera: `Picamera2()` raises IndexError (it indexes the camera list);
  a camera held by another process: RuntimeError chained from
  "Failed to acquire camera: Device or resource busy".
- `SensorTimestamp` is in nanoseconds on the monotonic clock (picamera2 compares
  it with `time.monotonic_ns()`), so frame times need no conversion but units.
- picamera2 keeps at most the newest completed frame, never a backlog.
"""

from __future__ import annotations

import logging
from typing import Any

from .base import CameraError, Frame

log = logging.getLogger(__name__)

#: Buffers in flight: enough that the capture thread never starves the sensor, few enough to save memory.
BUFFER_COUNT = 4


def _picamera2_class() -> Any:
    try:
        from picamera2 import Picamera2
    except ImportError:
        raise CameraError("no_camera", "picamera2 is not installed (Raspberry Pi OS: "
                                       "sudo apt install python3-picamera2; on a laptop set "
                                       "[camera] source = \"webcam\")") from None
    return Picamera2


def _is_busy(error: BaseException) -> bool:
    """Does picamera2's 'init did not complete' come from a camera held elsewhere?"""
    seen: BaseException | None = error
    while seen is not None:
        text = str(seen).lower()
        if "busy" in text or "failed to acquire" in text or "unexpected code: -16" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class PicameraSource:
    """Frames from the Camera Module: RGB, fixed size and rate, sensor timestamps."""

    def __init__(self, width: int = 640, height: int = 480, fps: float = 15,
                 picamera2_class: Any = None) -> None:
        self.size = (width, height)
        self.fps = fps
        self._class = picamera2_class
        self._camera: Any = None
        self._ever_opened = False

    def start(self) -> None:
        """Open and start the camera; after a fault this is how it is reopened."""
        self.stop()
        cls = self._class or _picamera2_class()
        try:
            camera = cls()
        except IndexError:
            if self._ever_opened:
                raise CameraError("disconnected", "the camera has gone: check its ribbon cable") from None
            raise CameraError("no_camera", "no camera found: check the ribbon cable and that the "
                                           "camera is enabled") from None
        except RuntimeError as e:
            if _is_busy(e):
                raise CameraError("busy", "the camera is in use by another program") from None
            raise CameraError("no_camera", f"the camera would not open ({e})") from None
        try:
            config = camera.create_video_configuration(
                main={"size": self.size, "format": "BGR888"},
                controls={"FrameRate": self.fps}, buffer_count=BUFFER_COUNT)
            camera.configure(config)
            camera.start()
        except (RuntimeError, ValueError) as e:
            camera.close()
            raise CameraError("no_camera", f"the camera would not start ({e})") from None
        self._camera = camera
        self._ever_opened = True

    def read(self, timeout: float) -> Frame:
        camera = self._camera
        if camera is None:
            raise CameraError("disconnected", "the camera is not open")
        try:
            request = camera.capture_request(wait=timeout)
        except TimeoutError:
            camera.cancel_all_and_flush()
            self.stop()
            raise CameraError("timeout", f"no picture from the camera for {timeout:g} s") from None
        try:
            rgb = request.make_array("main")
            t = request.get_metadata()["SensorTimestamp"] / 1e9
        finally:
            request.release()
        return Frame(rgb, t)

    def stop(self) -> None:
        camera, self._camera = self._camera, None
        if camera is None:
            return
        try:
            camera.stop()
            camera.close()
        except Exception as e:      # a camera that vanished may not close cleanly; it is dropped either way
            log.warning("camera did not close cleanly: %s", e)
