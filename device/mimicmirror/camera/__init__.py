"""Frame sources behind one interface (`base.FrameSource`), chosen by [camera] source.

picamera: the Camera Module through picamera2 (the device), `picamera.py`.
webcam:   an OpenCV camera (a laptop), `webcam.py`.
replay:   a video file, a folder of images, or frames from a generator, `replay.py`.

Beside the picamera2 adapter lives its fake, `fake_picamera2.py`: picamera2's
`Picamera2` with the real names and behaviour, seeing a `FakeCameraWorld`
(what is in front of the lens and the faults, from `fake_scene.py`, and a
timestamped history of what happened to its cameras). Tests and the
virtual rig hand it to the adapter (`PicameraSource(picamera2_class=
world.picamera2)`) or put `world.module()` in place of the `picamera2` module,
so the device's own capture code is what runs; no config value selects it.

Adding a camera back-end: a class with `start()`, `read(timeout) -> Frame`
and `stop()` that raises `CameraError` with one of `base.CAMERA_FAULTS` (the
service shows a calm notice and reopens it with back-off), a branch and a
choice for it in `open_camera` and the config schema, and a fake of whatever
library it wraps, beside it here, that records what happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import ConfigError
from .base import CameraError, EndOfFrames, Frame, FrameSource
from .picamera import PicameraSource
from .replay import ReplaySource
from .webcam import WebcamSource

__all__ = ["CameraError", "EndOfFrames", "Frame", "FrameSource", "open_camera"]

Replay = Path | str | Callable[[float], np.ndarray]


def open_camera(camera_section: Mapping[str, Any], *, picamera2_class: Any = None,
                replay: Replay | None = None) -> FrameSource:
    """The frame source the config asks for (not yet started).

    `picamera2_class` stands in for picamera2's Picamera2 (a fake world's `picamera2`).
    `replay` is what a replay source plays instead of [camera] path:
    a file or folder, or a function from seconds to an RGB frame.
    """
    source = camera_section["source"]
    width, height, fps = camera_section["width"], camera_section["height"], camera_section["fps"]
    if source == "picamera":
        return PicameraSource(width, height, fps, picamera2_class=picamera2_class)
    if source == "webcam":
        return WebcamSource(camera_section["device"], width, height, fps)
    if source == "replay":
        if callable(replay):
            return ReplaySource.from_callable(replay, fps)
        path = replay if replay is not None else camera_section["path"]
        if not str(path):
            raise ConfigError("[camera] path = '': the replay source needs a video file or a folder of images")
        return ReplaySource.from_path(path, fps)
    raise ConfigError(f"[camera] source = {source!r}: must be one of 'picamera', 'webcam', 'replay'")
