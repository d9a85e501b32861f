"""Frame sources behind one interface (`base.FrameSource`), chosen by [camera] source.

picamera: the Camera Module through picamera2 (the device).
webcam:   an OpenCV camera (a laptop).
replay:   a video file, a folder of images, or frames from a generator.
sim:      the picamera2 adapter on the fake camera of the virtual rig, so the
          device's own capture code runs on any machine.
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

    `picamera2_class` stands in for picamera2's Picamera2 (the rig's fake).
    `replay` is what a replay or sim source plays instead of [camera] path:
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
    if source == "sim":
        return PicameraSource(width, height, fps, picamera2_class=picamera2_class or _sim_camera(replay))
    raise ConfigError(f"[camera] source = {source!r}: must be one of 'picamera', 'webcam', 'replay', 'sim'")


def _sim_camera(replay: Replay | None) -> Any:
    """The fake Picamera2, serving `replay` or, if the rig set nothing up, a still real face."""
    from ..sim.fake_picamera2 import FakePicamera2, still
    from ..sim.faces import load_face

    if callable(replay):
        FakePicamera2.serve(replay)
    elif replay is not None:
        FakePicamera2.serve(still(load_face(replay)))
    elif FakePicamera2.world is None:
        FakePicamera2.serve(still(load_face("grace_hopper")))
    return FakePicamera2
