"""The face frame: roll-corrected, centred between the irises, in IID units.

As in Emotrics, the horizontal axis is the line through both iris centres and
the midline is its perpendicular bisector, so measures do not change when the
head rolls or the camera is nearer or farther. The x axis points towards the
patient's left (x > 0 is the left half), y points down (chin-wards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .regions import CHIN, FACE_EDGE, FOREHEAD, IRIS_CENTRE

#: A frontal, level face still shows this much forehead-to-chin depth slope
#: (measured on the bundled faces): subtracted so "looking straight" reads about 0.
PITCH_OFFSET_DEG = 8.0


@dataclass(frozen=True)
class FaceFrame:
    """Landmarks in face coordinates plus the pose they were taken in."""

    points: np.ndarray   # (478, 3): x to the patient's left, y down, z depth; IID units
    iid_px: float        # inter-iris distance in pixels
    roll_deg: float
    yaw_deg: float       # > 0: the patient's left side turned away from the camera
    pitch_deg: float     # > 0: chin towards the camera (head tilted back)


def face_frame(landmarks_px: np.ndarray) -> FaceFrame:
    right = landmarks_px[IRIS_CENTRE["right"], :2]
    left = landmarks_px[IRIS_CENTRE["left"], :2]
    axis = left - right
    iid = float(np.hypot(*axis))
    if iid <= 1e-6:
        raise ValueError("iris centres coincide")
    u = axis / iid
    v = np.array([-u[1], u[0]])
    rel = landmarks_px[:, :2] - (left + right) / 2.0
    pts = np.empty_like(landmarks_px)
    pts[:, 0] = rel @ u / iid
    pts[:, 1] = rel @ v / iid
    pts[:, 2] = landmarks_px[:, 2] / iid
    roll = math.degrees(math.atan2(u[1], u[0]))
    return FaceFrame(pts, iid, roll, _yaw(pts), _pitch(pts))


def _yaw(pts: np.ndarray) -> float:
    edge_r, edge_l = pts[FACE_EDGE["right"]], pts[FACE_EDGE["left"]]
    return math.degrees(math.atan2(edge_l[2] - edge_r[2], edge_l[0] - edge_r[0]))


def _pitch(pts: np.ndarray) -> float:
    top, chin = pts[FOREHEAD], pts[CHIN]
    return math.degrees(math.atan2(chin[2] - top[2], chin[1] - top[1])) - PITCH_OFFSET_DEG
