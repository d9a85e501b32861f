"""Frames from a recording, a folder of pictures, or a frame generator.

Timestamps come from the frame index and the frame rate (t = start_at + i / fps),
never from the clock, so a replay gives the same results every time and runs
as fast as the analysis can go. A replay that runs out raises EndOfFrames.
Reopening after a fault continues where it was; `rewind` starts over.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..errors import InputError
from .base import EndOfFrames, Frame

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

FrameReader = Callable[[], Iterator[np.ndarray]]


class ReplaySource:
    """Plays frames from `reader` (a function returning a fresh iterator of RGB arrays)."""

    def __init__(self, reader: FrameReader, fps: float, *, start_at: float = 0.0, loop: bool = False,
                 name: str = "replay") -> None:
        if fps <= 0:
            raise InputError(f"{name}: frame rate must be positive, got {fps}")
        self.reader = reader
        self.fps = float(fps)
        self.start_at = start_at
        self.loop = loop
        self.name = name
        self._frames: Iterator[np.ndarray] | None = None
        self._index = 0

    @classmethod
    def from_callable(cls, frame_at: Callable[[float], np.ndarray], fps: float, *,
                      duration: float | None = None, start_at: float = 0.0) -> "ReplaySource":
        """A generator such as the simulated exercises: frame_at(seconds since start) -> RGB."""
        count = None if duration is None else int(round(duration * fps))

        def reader() -> Iterator[np.ndarray]:
            indices = itertools.count() if count is None else range(count)
            return (frame_at(i / fps) for i in indices)

        return cls(reader, fps, start_at=start_at, name="generated frames")

    @classmethod
    def from_path(cls, path: Path | str, fps: float = 15, *, loop: bool = False) -> "ReplaySource":
        """A video file (at its own frame rate) or a folder of images (at `fps`, in name order)."""
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not files:
                raise InputError(f"{path}: no images ({', '.join(IMAGE_SUFFIXES)}) in this folder")
            return cls(lambda: (_read_image(p) for p in files), fps, loop=loop, name=str(path))
        if not path.exists():
            raise InputError(f"{path}: no such video file or image folder")
        video_fps = _video_fps(path)
        return cls(lambda: _read_video(path), video_fps or fps, loop=loop, name=str(path))

    def start(self) -> None:
        if self._frames is None:
            self._frames = self.reader()

    def rewind(self) -> None:
        self._frames, self._index = None, 0

    def read(self, timeout: float) -> Frame:
        if self._frames is None:
            self.start()
        assert self._frames is not None
        rgb = next(self._frames, None)
        if rgb is None and self.loop and self._index > 0:
            self._frames = self.reader()
            rgb = next(self._frames, None)
        if rgb is None:
            raise EndOfFrames(f"{self.name}: end of the recording after {self._index} frames")
        frame = Frame(rgb, self.start_at + self._index / self.fps)
        self._index += 1
        return frame

    def stop(self) -> None:
        """Nothing to release between reads; the position is kept for a restart."""


def _read_image(path: Path) -> np.ndarray:
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"{path}: not a readable image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _video_fps(path: Path) -> float:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise InputError(f"{path}: not a readable video")
        return float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    finally:
        capture.release()


def _read_video(path: Path) -> Iterator[np.ndarray]:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, bgr = capture.read()
            if not ok:
                return
            yield cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()
