"""What the fake camera is shown: a picture for every moment, and what goes wrong when.

A `FakeCameraWorld` (fake_picamera2.py) serves `frame_at(t)` for scenario
seconds t, scaled to the stream size the way the camera's ISP does (`fit`),
and applies the `Fault`s whose windows cover the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

FrameAt = Callable[[float], np.ndarray]

FAULT_KINDS: tuple[str, ...] = ("timeout", "disconnect", "black", "busy")


@dataclass(frozen=True)
class Fault:
    """Something going wrong from `start` for `duration` seconds (scenario time).

    timeout: frames stop arriving, then resume on the same camera.
    disconnect: the camera vanishes; an open camera never delivers again and
        constructing a new one fails as "no camera" until the window ends.
    black: frames arrive but are black (lens covered, lights off).
    busy: constructing a camera fails because another process holds it.
    """

    kind: str
    start: float
    duration: float

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {self.kind!r}: must be one of {', '.join(FAULT_KINDS)}")
        if self.duration < 0:
            raise ValueError(f"fault {self.kind!r} at {self.start}: duration must not be negative")

    @property
    def end(self) -> float:
        return self.start + self.duration

    def covers(self, t: float) -> bool:
        return self.start <= t < self.end


def fit(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale to the stream size keeping the aspect ratio (crop the excess), as the ISP does."""
    import cv2

    w, h = size
    ih, iw = rgb.shape[:2]
    if (iw, ih) == (w, h):
        return rgb
    scale = max(w / iw, h / ih)
    cw, ch = min(iw, round(w / scale)), min(ih, round(h / scale))
    x0, y0 = (iw - cw) // 2, (ih - ch) // 2
    crop = rgb[y0:y0 + ch, x0:x0 + cw]
    return cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def still(rgb: np.ndarray) -> FrameAt:
    """A world where nothing moves: the same picture at every moment."""
    frame = np.ascontiguousarray(rgb, dtype=np.uint8)
    return lambda t: frame
