"""Reading analysis inputs: image files and video files, with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np

from ..errors import InputError


IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})


class InputFrame(NamedTuple):
    source: str        # the file, plus "#<frame index>" for a video frame
    rgb: np.ndarray
    t: float           # seconds: 0 for a photo, the frame's position in a video
    index: int | None = None   # the frame's place in its video; None for a photo


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an image or video")


def _imread_rgb(path: Path) -> np.ndarray | None:
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def read_image(path: Path) -> np.ndarray:
    """An image file as RGB, or a one-line error naming the file."""
    _check_file(path)
    rgb = _imread_rgb(path)
    if rgb is None:
        raise InputError(f"{path}: not a readable image")
    return rgb


def read_frames(path: Path) -> Iterator[InputFrame]:
    """An image yields one frame; a video yields all its frames in order."""
    _check_file(path)
    rgb = _imread_rgb(path)
    if rgb is not None:
        yield InputFrame(str(path), rgb, 0.0)
        return
    yield from _video_frames(path)


def _video_frames(path: Path) -> Iterator[InputFrame]:
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise InputError(f"{path}: not a readable image or video")
        fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
        index = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            t = index / fps if fps > 0 else cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            yield InputFrame(f"{path}#{index}", cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), t, index)
            index += 1
        if index == 0:
            looks_like_image = path.suffix.lower() in IMAGE_SUFFIXES
            raise InputError(f"{path}: {'not a readable image' if looks_like_image else 'video has no frames'}")
    finally:
        cap.release()

