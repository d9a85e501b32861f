"""Where on the glass a person sees each part of their own reflection.

A two-way mirror with the screen right behind it: a mark drawn on the glass is
seen on the reflection of a feature when it lies on the line from the eye to
the feature's mirror image. The image is as far behind the glass as the
feature is in front of it, so that line crosses the glass halfway between eye
and feature (in the glass's own plane), at any distance. Vertically this holds
for both eyes at once; horizontally each eye sees the mark shifted by half the
eyes' distance, so marks belong beside the face rather than on it.

Coordinates: millimetres in the glass frame, as the person sees it from the
front. The origin is the top-left corner of the screen's picture, x grows to
the viewer's right, y downwards, z out of the glass towards the person.
Standing at the mirror, the person's own left is at smaller x: a cue about
their left is drawn on the left (it is a mirror). The camera looks out of the
glass at the person, so in its unmirrored image their left is on the right.

Everything here is pure arithmetic on numbers and landmark arrays: no camera,
no pygame. The camera's pose comes from `Mounting`, built from the config.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np

from ..sides import SIDES, Side

#: The usual adult iris diameter (horizontal visible iris), in millimetres.
IRIS_MM = 11.7

#: Room kept around the face's reflection: the face's edge lies far back, where the
#: model's relative depth is least sure (a third off moves the edge up to 6 mm).
FACE_MARGIN_MM = 8.0

#: MediaPipe's refined iris landmarks: centre, then four points on the rim.
IRIS: Mapping[Side, tuple[int, int, int, int, int]] = {
    "right": (468, 469, 470, 471, 472),
    "left": (473, 474, 475, 476, 477),
}

#: The face's outline (MediaPipe's FACEMESH_FACE_OVAL): what the reflection covers.
FACE_OVAL: tuple[int, ...] = (
    10, 21, 54, 58, 67, 93, 103, 109, 127, 132, 136, 148, 149, 150, 152, 162, 172, 176,
    234, 251, 284, 288, 297, 323, 332, 338, 356, 361, 365, 377, 378, 379, 389, 397, 400, 454)

#: The parts of the face a cue can stand beside, as the landmarks whose mean is their place.
FEATURES: Mapping[str, Mapping[Side, tuple[int, ...]]] = {
    "brow": {"right": (63, 105, 66, 107, 55), "left": (293, 334, 296, 336, 285)},
    "eye": {"right": (158, 153, 159, 145, 160, 144), "left": (385, 380, 386, 374, 387, 373)},
    "nose": {"right": (129, 102), "left": (358, 331)},
    "cheek": {"right": (58, 172, 136), "left": (288, 397, 365)},
    "mouth_corner": {"right": (61,), "left": (291,)},
    "lips": {"right": (81, 178, 80, 88), "left": (311, 402, 310, 318)},
}

#: Points that stay put while the face exercises (the nose's bridge, the inner eye corners):
#: bars follow the head by these, not by the irises, which a lifted brow or a closing lid drags.
ANCHOR: tuple[int, ...] = (6, 168, 197, 133, 362)

#: Which part of the face each measure is about: an exercise's bars stand at its height.
MEASURE_FEATURE: Mapping[str, str] = {
    "brow_height": "brow", "inner_brow": "brow",
    "eye_opening": "eye",
    "nose_ala": "nose", "ala_height": "nose",
    "cheek": "cheek",
    "mouth_corner_height": "mouth_corner", "mouth_corner_excursion": "mouth_corner",
    "smile_angle": "mouth_corner",
    "lip_gap": "lips", "mouth_width": "mouth_corner", "mouth_opening": "lips",
}


@dataclass(frozen=True)
class Mounting:
    """The camera's pose relative to the screen, and the screen's pixels.

    `camera_right_mm` is the lens centre's distance right of the picture's
    vertical centre line and `camera_above_mm` its height above the picture's
    top edge, both as seen from the front; `camera_tilt_deg` is how far it
    looks down from level; `camera_fov_deg` is the vertical field of view of
    the frames it delivers. `offset_*` is the caregiver's calibration: where
    the camera really is, compared with what the measured numbers say.
    """

    screen_px: tuple[int, int]
    pixel_pitch_mm: float
    camera_right_mm: float = 0.0
    camera_above_mm: float = 20.0
    camera_tilt_deg: float = 0.0
    camera_fov_deg: float = 41.0
    offset_right_mm: float = 0.0
    offset_up_mm: float = 0.0

    @property
    def screen_mm(self) -> tuple[float, float]:
        return self.screen_px[0] * self.pixel_pitch_mm, self.screen_px[1] * self.pixel_pitch_mm

    @property
    def camera_mm(self) -> np.ndarray:
        """The lens centre in the glass frame."""
        x = self.screen_mm[0] / 2 + self.camera_right_mm + self.offset_right_mm
        y = -(self.camera_above_mm + self.offset_up_mm)
        return np.array([x, y, 0.0])

    def axes(self) -> np.ndarray:
        """Rows: the camera image's right, its down, and its viewing direction, in the glass frame.

        The camera looks out of the glass, so its image's right is the viewer's left (-x).
        """
        t = math.radians(self.camera_tilt_deg)
        return np.array([[-1.0, 0.0, 0.0],
                         [0.0, math.cos(t), -math.sin(t)],
                         [0.0, math.sin(t), math.cos(t)]])

    def focal_px(self, frame_px: tuple[int, int]) -> float:
        """The pinhole's focal length in pixels of a frame of this size (square pixels)."""
        return frame_px[1] / 2 / math.tan(math.radians(self.camera_fov_deg) / 2)

    def to_px(self, point_mm: np.ndarray) -> np.ndarray:
        """Glass-frame millimetres (x, y) to screen pixels."""
        return np.asarray(point_mm)[..., :2] / self.pixel_pitch_mm


def project(mounting: Mounting, points_mm: np.ndarray, frame_px: tuple[int, int]) -> np.ndarray:
    """Glass-frame points to the camera's pixels: (N, 3) -> (N, 3) of x, y and depth along the axis."""
    rel = np.atleast_2d(points_mm) - mounting.camera_mm
    cam = rel @ mounting.axes().T
    f = mounting.focal_px(frame_px)
    u = frame_px[0] / 2 + f * cam[:, 0] / cam[:, 2]
    v = frame_px[1] / 2 + f * cam[:, 1] / cam[:, 2]
    return np.stack([u, v, cam[:, 2]], axis=1)


def unproject(mounting: Mounting, pixels: np.ndarray, depth_mm: np.ndarray,
              frame_px: tuple[int, int]) -> np.ndarray:
    """Camera pixels at known depths (along the camera's axis) back to glass-frame points."""
    pixels = np.atleast_2d(pixels)
    depth = np.broadcast_to(np.asarray(depth_mm, dtype=float), (len(pixels),))
    f = mounting.focal_px(frame_px)
    cam = np.stack([(pixels[:, 0] - frame_px[0] / 2) * depth / f,
                    (pixels[:, 1] - frame_px[1] / 2) * depth / f, depth], axis=1)
    return mounting.camera_mm + cam @ mounting.axes()


def crossing(eye_mm: np.ndarray, feature_mm: np.ndarray) -> np.ndarray:
    """Where the line from the eye to the feature's mirror image crosses the glass (x, y in mm).

    The mirror image lies at -z, so the line crosses z = 0 at the fraction
    d_eye / (d_eye + d_feature) of the way: halfway for a feature as far from
    the glass as the eye.
    """
    eye = np.asarray(eye_mm, dtype=float)
    feature = np.atleast_2d(np.asarray(feature_mm, dtype=float))
    k = eye[2] / (eye[2] + feature[:, 2])
    return eye[:2] + (feature[:, :2] - eye[:2]) * k[:, None]


@dataclass(frozen=True)
class Reflection:
    """One frame's face as the person sees it on the glass, in screen pixels.

    `features[(name, side)]` is the screen point level with that part of the
    reflection (seen from between the eyes); `face_box` (left, top, right,
    bottom) is what the face's reflection covers for either eye; `eyes` is
    where the person sees their own eyes.
    """

    features: Mapping[tuple[str, Side], tuple[float, float]]
    face_box: tuple[float, float, float, float]
    eyes: tuple[float, float]
    distance_mm: float
    mm_per_px: float
    eye_gap_px: float = 0.0      # the eyes' own reflections are this far apart (each straight ahead)
    anchor: tuple[float, float] = (0.0, 0.0)   # where the still points (`ANCHOR`) are seen
    depth_mm: float = 0.0        # the irises' depth along the camera's axis

    def feature(self, name: str, side: Side) -> tuple[float, float]:
        return self.features[(name, side)]


def _flat(mounting: Mounting, pixels: np.ndarray, frame_px: tuple[int, int]) -> np.ndarray:
    """Pixels as points on a plane parallel to the glass, 1 mm out from the camera.

    The face looks at the mirror, so its irises and its eye line lie in a
    plane parallel to the glass: on this plane they keep their true shape
    (up to scale) whatever the camera's tilt and however far off its axis.
    """
    rays = unproject(mounting, pixels, 1.0, frame_px) - mounting.camera_mm
    return rays / rays[:, 2:3]


def _iris_and_gap(mounting: Mounting, landmarks: np.ndarray, frame_px: tuple[int, int]) -> tuple:
    """The irises' mean diameter and the eye gap, on the glass-parallel plane 1 mm out.

    `landmarks` may hold one frame (478, k) or several (n, 478, k); so do the results.
    """
    idx = [i for side in SIDES for i in IRIS[side]]
    centres = [IRIS[s][0] for s in SIDES]
    arr = np.asarray(landmarks)
    pts = arr[..., idx, :2]
    if arr.shape[-1] > 2:
        # a turned head puts one eye, and one side of each iris, nearer: off the camera's axis
        # that stretches or shrinks them in the image by a few per cent, so each point is put
        # at its own relative depth (along the camera's axis, where 1 is the irises' depth)
        rays = unproject(mounting, pts.reshape(-1, 2), 1.0, frame_px) - mounting.camera_mm
        z = arr[..., idx, 2] - arr[..., centres, 2].mean(axis=-1, keepdims=True)
        flat = rays.reshape(pts.shape[:-1] + (3,)) * (1 + z / mounting.focal_px(frame_px))[..., None]
    else:
        flat = _flat(mounting, pts.reshape(-1, 2), frame_px).reshape(pts.shape[:-1] + (3,))
    at = {i: flat[..., k, :] for k, i in enumerate(idx)}
    spans = []
    for side in SIDES:
        _, a, b, c, d = IRIS[side]
        # both spans: the wider alone would be the disc's diameter on a turned head, but picking
        # the larger of two jittery spans makes the iris a few per cent too big at a distance
        spans += [np.linalg.norm(at[a] - at[c], axis=-1), np.linalg.norm(at[b] - at[d], axis=-1)]
    gap = np.linalg.norm(at[centres[1]] - at[centres[0]], axis=-1)
    return np.mean(spans, axis=0), gap


def eye_gap_mm(mounting: Mounting, landmarks: np.ndarray, frame_px: tuple[int, int],
               iris_mm: float = IRIS_MM) -> Any:
    """The person's eye gap (iris centre to iris centre) in mm, measured by their iris.

    One frame's iris is only a dozen pixels wide, so its size jitters by a few
    per cent; the eye gap is five times wider in the image. The service takes
    the median of this over many frames, then finds each frame's distance from
    the eye gap: as true as the iris, without its jitter. Several frames at
    once (n, 478, k) give n values.
    """
    iris, gap = _iris_and_gap(mounting, landmarks, frame_px)
    if np.any(iris <= 0):
        raise ValueError("iris landmarks coincide")
    return gap * iris_mm / iris


def depth_of(mounting: Mounting, landmarks: np.ndarray, frame_px: tuple[int, int],
             iris_mm: float = IRIS_MM, gap_mm: float | None = None) -> tuple[float, float]:
    """The irises' depth along the camera's axis (mm; from the eye gap when known, else the iris),
    and the eye gap this frame's iris gives (see `eye_gap_mm`)."""
    iris, gap = (float(v) for v in _iris_and_gap(mounting, landmarks, frame_px))
    depth = gap_mm / gap if gap_mm is not None and gap > 0 else (iris_mm / iris if iris > 0 else math.inf)
    if not math.isfinite(depth) or depth <= 0:
        raise ValueError("iris landmarks coincide")
    return depth, gap * iris_mm / iris


def locate(mounting: Mounting, landmarks: np.ndarray, frame_px: tuple[int, int],
           iris_mm: float = IRIS_MM, gap_mm: float | None = None,
           which: np.ndarray | None = None, depth_mm: float | None = None) -> np.ndarray:
    """Landmarks in the glass frame (mm), from one frame's pixel landmarks (all, or the indices `which`).

    The eyes' distance from the glass comes from the iris size, or from the
    eye gap when the person's is known (`gap_mm`, see `eye_gap_mm`); each
    landmark's own depth from the model's relative depth (z, in the same pixel
    scale as x, along the camera's axis) around the irises. `depth_mm`, when
    known (the irises' depth along the camera's axis), is taken as it is.
    """
    if depth_mm is not None and landmarks.shape[1] > 2:
        scale = depth_mm
    else:
        iris, gap = (float(v) for v in _iris_and_gap(mounting, landmarks, frame_px))
        scale = gap_mm / gap if gap_mm is not None else (iris_mm / iris if iris > 0 else math.inf)
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError("iris landmarks coincide")
    centres = [IRIS[s][0] for s in SIDES]
    f = mounting.focal_px(frame_px)
    pts = landmarks if which is None else landmarks[which]
    if landmarks.shape[1] > 2:
        ref = scale                       # the irises' mean depth along the camera's axis
        depths = ref + (pts[:, 2] - landmarks[centres, 2].mean()) * ref / f
    else:                                 # the eyes lie `scale` mm out from the camera, parallel to the glass
        eyes = _flat(mounting, landmarks[centres, :2], frame_px) * scale
        depths = np.full(len(pts), float((eyes @ mounting.axes()[2]).mean()))
    return unproject(mounting, pts[:, :2], depths, frame_px)


def _feature_table() -> tuple[list[tuple[str, Side]], np.ndarray, np.ndarray]:
    """The landmarks `reflect` needs, and the weights that average them into features."""
    keys = [(name, side) for name in FEATURES for side in SIDES]
    groups = [FEATURES[name][side] for name, side in keys] + [ANCHOR]
    needed = sorted({IRIS[s][0] for s in SIDES} | set(FACE_OVAL) | {i for g in groups for i in g})
    weights = np.zeros((len(groups), len(needed)))
    for row, members in enumerate(groups):
        for i in members:
            weights[row, needed.index(i)] = 1.0 / len(members)
    return keys, np.array(needed), weights


_KEYS, _NEEDED, _WEIGHTS = _feature_table()
_OVAL_AT = np.searchsorted(_NEEDED, FACE_OVAL)
_EYES_AT = np.searchsorted(_NEEDED, [IRIS["right"][0], IRIS["left"][0]])


def reflect(mounting: Mounting, landmarks: np.ndarray, frame_px: tuple[int, int],
            iris_mm: float = IRIS_MM, gap_mm: float | None = None, depth_mm: float | None = None) -> Reflection:
    """Where the person sees their features and their face on the glass, from one frame's landmarks."""
    points = locate(mounting, landmarks, frame_px, iris_mm, gap_mm, which=_NEEDED, depth_mm=depth_mm)
    right, left = points[_EYES_AT]
    eye = (right + left) / 2
    half_gap = float(np.hypot(*(left - right)[:2])) / 2
    marks = mounting.to_px(crossing(eye, _WEIGHTS @ points))
    features = {key: (float(x), float(y)) for key, (x, y) in zip(_KEYS, marks)}
    anchor = (float(marks[-1][0]), float(marks[-1][1]))
    oval = points[_OVAL_AT]
    outline = crossing(eye, oval)
    # each eye sees the outline shifted by its own offset times (1 - k): about half the eyes' gap
    k = eye[2] / (eye[2] + oval[:, 2])
    pad = float(half_gap * (1 - k).max()) + FACE_MARGIN_MM
    box_mm = (outline[:, 0].min() - pad, outline[:, 1].min() - FACE_MARGIN_MM,
              outline[:, 0].max() + pad, outline[:, 1].max() + FACE_MARGIN_MM)
    box = tuple(float(v / mounting.pixel_pitch_mm) for v in box_mm)
    eyes_px = mounting.to_px(eye)
    return Reflection(features, box, (float(eyes_px[0]), float(eyes_px[1])), float(eye[2]),  # type: ignore[arg-type]
                      mounting.pixel_pitch_mm, 2 * half_gap / mounting.pixel_pitch_mm, anchor,
                      float((right + left - 2 * mounting.camera_mm) @ mounting.axes()[2] / 2))


def calibrated(mounting: Mounting, seen_eyes_px: tuple[float, float], marks_px: tuple[float, float]) -> Mounting:
    """The mounting corrected so the eyes the camera saw land where the person saw them.

    During calibration the person stands so the two marks sit on their eyes'
    reflection. An eye sees its own reflection straight ahead, so the point
    between the marks is where the eyes really are in the glass plane, while
    `seen_eyes_px` is where the uncorrected geometry put them. Every located
    point moves with the camera's assumed position, so the difference is the
    camera's offset. It also takes up what the person's iris size does to the
    height: that error grows with the eyes' height below the camera, which is
    the same person's same eye height at any distance.
    """
    dx = (marks_px[0] - seen_eyes_px[0]) * mounting.pixel_pitch_mm
    dy = (marks_px[1] - seen_eyes_px[1]) * mounting.pixel_pitch_mm
    return replace(mounting, offset_right_mm=mounting.offset_right_mm + dx,
                   offset_up_mm=mounting.offset_up_mm - dy)
