"""The whole face analysis of one frame: landmarks -> face frame -> quality -> measures."""

from __future__ import annotations

import numpy as np

from .crowd import FaceCounter
from .landmarks import LandmarkDetector
from .measures import measure_all
from .pose import face_frame
from .quality import QualityLimits, judge
from .types import FrameAnalysis


class Analyzer:
    """Turns RGB frames (unflipped) into `FrameAnalysis` values.

    `static=True` for unrelated photos, `static=False` (tracking) for a stream.
    Photos look for two faces in the mesh itself; a stream tracks one face (the
    mesh's detector then rests) and a `FaceCounter` looks for more about once a
    second (`crowd_check_s`, frame time). The largest face is measured when
    there are several; quality then says so.
    """

    def __init__(self, static: bool = False, limits: QualityLimits = QualityLimits(),
                 max_faces: int | None = None, crowd_check_s: float | None = 1.0):
        if max_faces is None:
            max_faces = 2 if static else 1
        self.detector = LandmarkDetector(static=static, max_faces=max_faces)
        self.crowd = FaceCounter(crowd_check_s) if not static and max_faces == 1 and crowd_check_s else None
        self.limits = limits

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        faces = self.detector.detect(rgb)
        if not faces:
            if self.crowd is not None:
                self.crowd.reset()
            return FrameAnalysis(timestamp=t, face=False, quality=judge(0, None, self.limits))
        n_faces = len(faces) if self.crowd is None else max(len(faces), self.crowd.count(rgb, t))
        frames = [face_frame(f) for f in faces]
        main = max(frames, key=lambda fr: fr.iid_px)
        return FrameAnalysis(
            timestamp=t,
            face=True,
            quality=judge(n_faces, main, self.limits),
            measures=measure_all(main.points),
            iid_px=main.iid_px,
            landmarks=main,
        )

    def close(self) -> None:
        self.detector.close()
        if self.crowd is not None:
            self.crowd.close()

    def __enter__(self) -> "Analyzer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
