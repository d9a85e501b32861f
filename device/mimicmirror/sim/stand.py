"""Where the rig's virtual person stands: a known distance and height before the glass.

The person is a photo. To stand them at a place, the photo is scaled and
shifted into the camera's frame as the camera (a pinhole with the configured
pose) would see a face there: the eyes land on their projected pixel, and
the eye gap takes the size the iris says it has in millimetres. The photo is
flat, so the truth is a flat face at that distance: each feature's true place
on the glass is the halfway crossing from the eyes, which the summary
compares with where the mirror drew its bars.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..reflection.geometry import FEATURES, IRIS, IRIS_MM, Mounting, crossing, project
from ..sides import SIDES, Side


@dataclass(frozen=True)
class Stand:
    """The eyes' place: `distance_mm` out from the glass, `below_mm` under the lens, `right_mm` to its right."""

    distance_mm: float
    below_mm: float = 0.0
    right_mm: float = 0.0

    def eyes_mm(self, mounting: Mounting) -> np.ndarray:
        return mounting.camera_mm + np.array([self.right_mm, self.below_mm, self.distance_mm])


class Placed:
    """A photo's face put at a stand, as one camera's frame sees it."""

    def __init__(self, stand: Stand, mounting: Mounting, landmarks_px: np.ndarray, frame_px: tuple[int, int]):
        self.stand, self.mounting, self.frame_px = stand, mounting, frame_px
        pts = np.asarray(landmarks_px, dtype=float)[:, :2]
        eyes = pts[[IRIS["right"][0], IRIS["left"][0]]]
        self._origin = eyes.mean(axis=0)
        spans = [np.hypot(*(pts[a] - pts[c])) for s in SIDES for a, c in
                 ((IRIS[s][1], IRIS[s][3]), (IRIS[s][2], IRIS[s][4]))]
        self.mm_per_photo_px = IRIS_MM / float(np.mean(spans))      # the photo's own scale
        self._landmarks = pts
        eye = stand.eyes_mm(mounting)
        seen = project(mounting, eye[None, :], frame_px)[0]
        scale = mounting.focal_px(frame_px) * self.mm_per_photo_px / seen[2]
        self.matrix = np.array([[scale, 0.0, seen[0] - scale * self._origin[0]],
                                [0.0, scale, seen[1] - scale * self._origin[1]]])

    def frame(self, photo: np.ndarray) -> np.ndarray:
        """The camera's frame with the photo's face standing there; the photo's edge fills the rest."""
        shrink = self.matrix[0, 0] < 1
        return cv2.warpAffine(photo, self.matrix, self.frame_px, flags=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)

    def true_level_px(self, feature: str, side: Side) -> float:
        """The screen height (pixels) where the person truly sees that part of their relaxed face."""
        eye = self.stand.eyes_mm(self.mounting)
        rel = self._landmarks[list(FEATURES[feature][side])].mean(axis=0) - self._origin
        # the camera's image right is the person's left: -x on the glass
        point = eye + np.array([-rel[0], rel[1], 0.0]) * self.mm_per_photo_px
        return float(crossing(eye, point)[0][1] / self.mounting.pixel_pitch_mm)

    def as_seen(self, photo: np.ndarray, screen_rgb: np.ndarray, dim: float = 0.55) -> np.ndarray:
        """What the person sees in the glass: their reflection (the photo, mirrored, half size
        around their eyes, where the geometry puts it) with the screen's light on top."""
        h, w = screen_rgb.shape[:2]
        eye = self.stand.eyes_mm(self.mounting)
        k = self.mm_per_photo_px / 2 / self.mounting.pixel_pitch_mm     # glass pixels per photo pixel
        ex, ey = eye[0] / self.mounting.pixel_pitch_mm, eye[1] / self.mounting.pixel_pitch_mm
        matrix = np.array([[-k, 0.0, ex + k * self._origin[0]], [0.0, k, ey - k * self._origin[1]]])
        reflection = cv2.warpAffine(photo, matrix, (w, h), flags=cv2.INTER_AREA, borderValue=(0, 0, 0))
        return np.clip(reflection.astype(np.float32) * dim + screen_rgb.astype(np.float32), 0, 255).astype(np.uint8)
