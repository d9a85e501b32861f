"""Quality gating: which frames may be scored, and the reason when not.

A turned or tilted head foreshortens one half of the face, which would read
as asymmetry; a tiny face is mostly landmark jitter. Such frames are not
scored and the person is told why.
"""

from __future__ import annotations

from dataclasses import dataclass

from .pose import FaceFrame
from .types import Quality


@dataclass(frozen=True)
class QualityLimits:
    max_yaw_deg: float = 20.0
    max_pitch_deg: float = 20.0
    min_iid_px: float = 25.0   # about 1.2 m from a 640x480 Camera Module 3


def judge(n_faces: int, frame: FaceFrame | None, limits: QualityLimits = QualityLimits()) -> Quality:
    if n_faces == 0 or frame is None:
        return Quality(ok=False, reason="no_face")
    pose = dict(roll_deg=round(frame.roll_deg, 2), yaw_deg=round(frame.yaw_deg, 2),
                pitch_deg=round(frame.pitch_deg, 2))
    if n_faces > 1:
        reason = "several_faces"
    elif frame.iid_px < limits.min_iid_px:
        reason = "face_too_small"
    elif abs(frame.yaw_deg) > limits.max_yaw_deg:
        reason = "head_turned"
    elif abs(frame.pitch_deg) > limits.max_pitch_deg:
        reason = "head_tilted"
    else:
        reason = None
    return Quality(ok=reason is None, reason=reason, **pose)
