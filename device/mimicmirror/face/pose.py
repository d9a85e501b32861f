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
    # This runs for every frame: the few single numbers are plain floats (the same
    # arithmetic as on numpy's, fewer small numpy steps), the 478 points stay arrays.
    (rx, ry), (lx, ly) = landmarks_px[[IRIS_CENTRE["right"], IRIS_CENTRE["left"]], :2].tolist()
    iid = float(np.hypot(lx - rx, ly - ry))
    if iid <= 1e-6:
        raise ValueError("iris centres coincide")
    ux, uy = (lx - rx) / iid, (ly - ry) / iid
    # x and y: rotated about the irises' midpoint and scaled, as one matrix product
    # (the 2x2 and the shift worked out as plain floats); z / iid.
    cx, cy = (lx + rx) / 2.0, (ly + ry) / 2.0
    ax, ay, bx, by = ux / iid, uy / iid, -uy / iid, ux / iid
    pts = landmarks_px / iid
    pts[:, :2] = landmarks_px[:, :2] @ np.array([[ax, bx], [ay, by]]) - np.array([cx * ax + cy * ay,
                                                                                   cx * bx + cy * by])
    roll = math.degrees(math.atan2(uy, ux))
    edge_r, edge_l, top, chin = pts[[FACE_EDGE["right"], FACE_EDGE["left"], FOREHEAD, CHIN]].tolist()
    return FaceFrame(pts, iid, roll, _yaw(edge_r, edge_l), _pitch(top, chin))


def _yaw(edge_r: list[float], edge_l: list[float]) -> float:
    """Degrees the face is turned, from the depth of its edges at the cheekbones (face-frame points)."""
    return math.degrees(math.atan2(edge_l[2] - edge_r[2], edge_l[0] - edge_r[0]))


def _pitch(top: list[float], chin: list[float]) -> float:
    """Degrees the head is tilted back, from the depth of forehead and chin (face-frame points)."""
    return math.degrees(math.atan2(chin[2] - top[2], chin[1] - top[1])) - PITCH_OFFSET_DEG
