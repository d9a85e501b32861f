"""The whole face analysis of one frame: landmarks -> face frame -> quality -> measures."""

from __future__ import annotations

import numpy as np

from .landmarks import LandmarkDetector
from .measures import measure_all
from .pose import face_frame
from .quality import QualityLimits, judge
from .types import FrameAnalysis


class Analyzer:
    """Turns RGB frames (unflipped) into `FrameAnalysis` values.

    `static=True` for unrelated photos, `static=False` (tracking) for a stream.
    The largest face is measured when there are several; quality then says so.
    """

    def __init__(self, static: bool = False, limits: QualityLimits = QualityLimits(),
                 max_faces: int = 2):
        self.detector = LandmarkDetector(static=static, max_faces=max_faces)
        self.limits = limits

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        faces = self.detector.detect(rgb)
        if not faces:
            return FrameAnalysis(timestamp=t, face=False, quality=judge(0, None, self.limits))
        frames = [face_frame(f) for f in faces]
        main = max(frames, key=lambda fr: fr.iid_px)
        return FrameAnalysis(
            timestamp=t,
            face=True,
            quality=judge(len(faces), main, self.limits),
            measures=measure_all(main.points),
            iid_px=main.iid_px,
            landmarks=main,
        )

    def close(self) -> None:
        self.detector.close()

    def __enter__(self) -> "Analyzer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
