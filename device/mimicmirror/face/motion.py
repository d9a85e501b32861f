"""Image motion from the session's relaxed frame straight to the current frame.

The face mesh is trained on faces that move both halves together, so on a
one-sided movement it pulls the halves towards each other. The pixels do not:
this module follows the measured landmarks through the image itself.

- The current frame is aligned onto the relaxed frame by a similarity
  (rotation, scale, shift) fitted to points that expressions do not move
  (nose bridge, eye corners, forehead), so head roll and distance
  drop out before any motion is read.
- Only a small patch around the face is warped, at about `PATCH_IID_PX`
  pixels per inter-iris distance, in grey: the cost stays a small fraction
  of the model's.
- Each measured landmark is followed by pyramidal Lucas-Kanade from its
  place in the relaxed frame to the aligned current frame. Motion is always
  taken from the relaxed frame, never chained frame to frame, so nothing
  drifts over a session.
- The rigid points' pixels then settle the alignment, the eye corners' and the
  forehead's each followed at five places. One track on a smooth ridge wanders
  along it (the nose bridge, vertically); more well-textured tracks hold the
  alignment's tilt and scale steadier, which the mouth, furthest from these
  points, would otherwise read as movement.
- That alignment is a similarity plus the parallax of a head turned or nodded
  since the relaxed frame (`alignment.turned_similarity`): a turn moves each point
  sideways by its depth (the nose tip far more than the eye corners), which no
  similarity takes out, and the two halves of the face then read as moving
  unevenly. Each point's depth is the relaxed mesh's; how far the head turned
  comes from the pixels of the rigid tracks. Measured on a real talking-face clip
  (the FGNet Talking Face video, research use, not in the repository), frames with
  the mouth at rest turned 1-10 degrees from the relaxed frame: the nose flare
  read one-sided by 0.04-0.07 IID (median per few degrees; its target is 0.025),
  now 0.01-0.02; the brow 0.02-0.045, now 0.01-0.035. The cheek (its outline is
  the face's edge, which a turn changes) 0.19-0.38, still 0.13-0.20; the mouth
  corners' excursion as before (-0.01 to 0.07).
- Lucas-Kanade matches grey levels, and the light may change after the relaxed
  frame (a lamp switched on, daylight, the camera's exposure settling, a lamp
  beside the mirror): a still face 10 % brighter or 20 % darker read as moving
  by 3.7 to 73 noise floors. So it follows each patch's texture
  (`light.texture`: each pixel against its neighbourhood), which a light even
  over a few pixels leaves the same, however it changes across the face.
- Points that flow cannot follow honestly keep the mesh's own reading: the
  eyelids (a closing lid covers the eye, so the texture under the lid margin
  disappears and no image motion follows it; measured on real winks, see
  `benchmarks/real_asymmetry.py`; the analyzer reads the eye opening against
  the image another way, see `eyelids`) and any point whose track is lost.

The aligned patch of a frame (`Look`) is made once and read by the eye rows
too (`eyelids`), so a frame is warped and turned grey once.

Frames stay in memory; nothing here is ever written anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import cv2
import numpy as np

from .alignment import TURN_MIN_TRACKS, similarity, turned_similarity
from .light import Texture, texture
from .pose import face_frame
from .regions import (IRIS_CENTRE, LOWER_LIP_BOTTOM, LOWER_LIP_INNER, REGIONS, RIGID, RIGID_TEXTURED,
                      UPPER_LIP_INNER)

#: Scale of the working patch: pixels per inter-iris distance.
PATCH_IID_PX = 64.0
#: Lucas-Kanade window, in inter-iris distances (odd pixel size at the patch scale).
WINDOW_IID = 0.15
#: Pyramid levels above the patch: one (the patch at half size). The search starts where
#: the mesh puts each point, so a large movement (a mouth opening) needs no more.
LEVELS = 1
#: Lucas-Kanade stops after this many iterations or a step this small (patch pixels).
CRITERIA = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 10, 0.03)
#: The textured rigid points (eye corners, forehead: `RIGID_TEXTURED`) are also followed
#: this far (inter-iris distances) to their left, right, above and below; the alignment is
#: fitted to all of these tracks. Not the nose's: beside its bridge lie the sides of the
#: nose and the inner eye corners, which a brow raise moves (followed there too, the
#: astronaut's one-sided brow raise read 0.56 where the warp moved 0.70).
RIGID_SPREAD_IID = 0.05
#: The face patch reaches this far (inter-iris distances) beyond the points it follows (a
#: Lucas-Kanade window at the pyramid's half size and a cheek puffed outward stay inside
#: it), and `MARGIN_BELOW_IID` further below them: a mouth opening moves the lower lip
#: down by up to 0.2. The rest of the face (the chin, the sides of the forehead) is not
#: followed, so not warped: the patch was the mesh's whole bounding box with this margin,
#: and is now 12-14 % smaller (the warp, the texture and the pyramids with it).
#: Its pixels lie where they lay in the whole box's patch (`ReferenceMotion`).
MARGIN_IID = 0.3
MARGIN_BELOW_IID = 0.2
#: Regions whose points the mesh keeps reading (flow cannot see under a closing lid).
MESH_REGIONS: frozenset[str] = frozenset({"eyelid_pairs"})
#: Measures made only of those points: not followed here (see `eyelids` for the eye opening).
MESH_MEASURES: frozenset[str] = frozenset({"eye_opening"})


@dataclass(frozen=True)
class Look:
    """A frame aligned onto the relaxed one: its grey face patch in the relaxed patch's
    coordinates, and the similarity (2x3) from the frame's pixels onto the relaxed frame's."""

    patch: np.ndarray
    to_relaxed: np.ndarray


def _flatten(values: Iterable) -> list[int]:
    out: list[int] = []
    for v in values:
        out.extend(_flatten(v) if isinstance(v, (tuple, list)) else [int(v)])
    return out


def followed_points(mesh_regions: frozenset[str] = MESH_REGIONS) -> np.ndarray:
    """Landmarks the measures read that flow follows (sorted, unique)."""
    regions = [REGIONS[r][s] for r in REGIONS if r not in mesh_regions for s in ("left", "right")]
    midline = [LOWER_LIP_BOTTOM, UPPER_LIP_INNER, LOWER_LIP_INNER]
    return np.array(sorted(set(_flatten(regions) + midline)), dtype=np.int64)


class ReferenceMotion:
    """The relaxed frame, ready to follow the measured points into later frames.

    `landmarks_px` are the mesh's (478, 3) pixel landmarks on `rgb`.
    """

    def __init__(self, rgb: np.ndarray, landmarks_px: np.ndarray,
                 mesh_regions: frozenset[str] = MESH_REGIONS):
        self.landmarks = np.array(landmarks_px, dtype=np.float64)
        iid = float(np.hypot(*(self.landmarks[IRIS_CENTRE["left"], :2]
                               - self.landmarks[IRIS_CENTRE["right"], :2])))
        if iid <= 1e-6:
            raise ValueError("iris centres coincide")
        self.scale = PATCH_IID_PX / iid
        self.points = followed_points(mesh_regions)
        self._rigid = np.asarray(RIGID)
        # The patch of the mesh's bounding box and the margin, less the whole pixels of it
        # beyond what is followed: its pixels fall where they always did (the eye rows'
        # bands are read at the same places), only fewer of them are made.
        lo = self.landmarks[:, :2].min(axis=0) - MARGIN_IID * iid
        hi = self.landmarks[:, :2].max(axis=0) + MARGIN_IID * iid
        followed = self.landmarks[np.r_[self.points, self._rigid], :2]
        skip = np.floor(np.maximum(followed.min(axis=0) - MARGIN_IID * iid - lo, 0.0) * self.scale / 2.0) * 2.0
        lo = lo + skip / self.scale     # whole pixels, and an even number: the half-size level's too
        hi = np.minimum(hi, followed.max(axis=0) + np.array([MARGIN_IID, MARGIN_IID + MARGIN_BELOW_IID]) * iid)
        self.offset = lo
        self.size = (int((hi[0] - lo[0]) * self.scale) + 1, int((hi[1] - lo[1]) * self.scale) + 1)
        self._offset = (float(lo[0]), float(lo[1]))
        self._corner_list = ((0.0, 0.0), (float(self.size[0]), 0.0), (0.0, float(self.size[1])),
                             (float(self.size[0]), float(self.size[1])))
        w = int(round(WINDOW_IID * PATCH_IID_PX)) | 1
        self.window = (w, w)
        self._rigid_here = self.landmarks[self._rigid, :2].astype(np.float32)   # what frames are aligned onto
        spread = RIGID_SPREAD_IID * PATCH_IID_PX
        beside = self._to_patch(self.landmarks[list(RIGID_TEXTURED), :2])
        around = [beside + np.array(d, np.float32) * spread for d in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        self._p0 = np.concatenate([self._to_patch(followed), *around])
        self._p0_rigid = self._p0.reshape(-1, 2)[len(self.points):]
        # Each track's depth (the relaxed mesh's, in patch pixels; the places around a rigid
        # point at its depth), for the parallax of a turned head (`alignment.turned_similarity`).
        relaxed = face_frame(self.landmarks)
        self.pose = (relaxed.yaw_deg, relaxed.pitch_deg)     # how the relaxed face was turned
        depth = relaxed.points[:, 2:3] * PATCH_IID_PX
        self._depth_points = depth[self.points].astype(np.float32)
        self._depth_rigid = np.concatenate([depth[self._rigid], *[depth[list(RIGID_TEXTURED)]] * 4])
        identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        self.patch = self._warp(rgb, identity)
        self.texture = texture(self.patch)              # what Lucas-Kanade follows (`light.texture`)
        self._texture = Texture(self.texture.shape)      # each frame's, made into buffers of its own
        # Patch pixels -> the relaxed frame's face frame (as `pose.face_frame` makes it).
        right = self._to_patch(self.landmarks[IRIS_CENTRE["right"], :2]).ravel()
        left = self._to_patch(self.landmarks[IRIS_CENTRE["left"], :2]).ravel()
        u = (left - right) / float(np.hypot(*(left - right)))
        v = np.array([-u[1], u[0]])
        self._face_origin = tuple(((left + right) / 2.0).tolist())
        self._face_axes = tuple(map(tuple, (np.stack([u, v], axis=1) / PATCH_IID_PX).tolist()))

    def _to_patch(self, px: np.ndarray) -> np.ndarray:
        return ((px - self.offset) * self.scale).astype(np.float32).reshape(-1, 1, 2)

    def _warp(self, rgb: np.ndarray, to_reference: np.ndarray) -> np.ndarray:
        """The face patch of `rgb` in the relaxed frame's coordinates, grey.

        Only the part of the frame the patch covers is converted and smoothed. The
        few numbers of the similarity and its inverse are plain floats (this runs
        every frame: one numpy step each would cost more than the arithmetic).
        """
        sc, (ox, oy) = self.scale, self._offset
        (a, b, c), (d, e, f) = to_reference.tolist()
        a, b, c, d, e, f = sc * a, sc * b, sc * c - sc * ox, sc * d, sc * e, sc * f - sc * oy
        det = a * e - b * d
        if det == 0.0:
            raise ValueError("cannot align the frame on the relaxed face")
        # The patch's corners in the frame, with a margin: the inverse similarity at each.
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        ic, if_ = -ia * c - ib * f, -id_ * c - ie * f
        xs = [ia * x + ib * y + ic for x, y in self._corner_list]
        ys = [id_ * x + ie * y + if_ for x, y in self._corner_list]
        pad = 4.0 / sc
        x0, y0 = max(math.floor(min(xs) - pad), 0), max(math.floor(min(ys) - pad), 0)
        x1, y1 = min(math.ceil(max(xs) + pad), rgb.shape[1]), min(math.ceil(max(ys) + pad), rgb.shape[0])
        if x1 - x0 < 2 or y1 - y0 < 2:
            raise ValueError("the face is outside the frame")
        crop = rgb[y0:y1, x0:x1]
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
        if sc < 0.5:   # many pixels per patch pixel: smooth first, so the warp does not alias
            k = int(0.5 / sc) * 2 + 1
            grey = cv2.GaussianBlur(grey, (k, k), 0)
        m = np.array([[a, b, c + a * x0 + b * y0], [d, e, f + d * x0 + e * y0]])
        return cv2.warpAffine(grey, m, self.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def alignment(self, landmarks_px: np.ndarray) -> np.ndarray:
        """Similarity (2x3) taking the current frame's pixels onto the relaxed frame's."""
        m = similarity(landmarks_px[self._rigid, :2].astype(np.float32), self._rigid_here)
        if m is None:
            raise ValueError("cannot align the frame on the relaxed face")
        return np.array(m)

    def look(self, rgb: np.ndarray, landmarks_px: np.ndarray) -> Look:
        """`rgb` aligned onto the relaxed frame by its mesh's rigid points (ValueError: cannot)."""
        m = self.alignment(landmarks_px)
        return Look(self._warp(rgb, m), m)

    def follow(self, look: Look, landmarks_px: np.ndarray, face_points: np.ndarray) -> np.ndarray:
        """Face-frame points (see `pose`) for measuring the frame `look` was made of: the
        followed points where the image shows them, in the relaxed frame's face frame; every
        other point (the eyelids) is the mesh's own `face_points` of this frame."""
        n = len(self.points)
        # The few numbers of each small transform are composed as plain floats (this runs
        # every frame), so each point set is mapped by one matrix product.
        sc, (ox, oy) = self.scale, self._offset
        (a, b, c), (d, e, f) = look.to_relaxed.tolist()
        # Each measured point's search starts where the mesh puts it in this frame (a
        # mouth opening moves the lower lip 13 patch pixels, beyond Lucas-Kanade's reach
        # from where it was); the pixels decide where it ends.
        start = self._p0.copy()
        start[:n, 0] = landmarks_px[self.points, :2] @ np.array([[sc * a, sc * d], [sc * b, sc * e]]) \
            + np.array([sc * (c - ox), sc * (f - oy)])
        p1, status, _ = cv2.calcOpticalFlowPyrLK(self.texture, self._texture.of(look.patch), self._p0, start,
                                                 winSize=self.window,
                                                 maxLevel=LEVELS, criteria=CRITERIA,
                                                 flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
        p1, status = p1.reshape(-1, 2), status.ravel()
        every = bool(np.logical_and.reduce(status))      # as a rule every track holds: no masks
        ok = None if every else status == 1
        # The mesh's rigid points are only roughly where it says: the pixels of those
        # points (and of the places around some) settle the alignment, a similarity plus
        # the head's turn since the relaxed frame (`alignment.turned_similarity`; most of them,
        # which did not move, decide).
        if every:
            r = turned_similarity(self._p0_rigid, self._depth_rigid, p1[n:])
        elif np.count_nonzero(ok[n:]) >= TURN_MIN_TRACKS:
            r = turned_similarity(self._p0_rigid[ok[n:]], self._depth_rigid[ok[n:]], p1[n:][ok[n:]])
        else:
            r = None
        # Patch pixels, less the turn's parallax at each point's depth -> back through the
        # tracks' similarity -> the relaxed face frame.
        (ux, vx), (uy, vy) = self._face_axes
        gx, gy = self._face_origin
        q = p1[:n]
        if r is not None:
            scale_cos, scale_sin, c, f, turn_x, turn_y = r
            # The tracks' similarity as the 2x3 [[a, b, c], [d, e, f]]: a rotation and scale.
            a, b, d, e = scale_cos, -scale_sin, scale_sin, scale_cos
            q = q - self._depth_points * np.array([turn_x, turn_y], np.float32)
            det = a * e - b * d
            a, b, d, e = e / det, -b / det, -d / det, a / det
            c, f = -a * c - b * f, -d * c - e * f
            gx, gy = gx - c, gy - f
        shift = np.array([-(gx * ux + gy * uy), -(gx * vx + gy * vy)])
        if r is not None:
            ux, uy, vx, vy = a * ux + d * uy, b * ux + e * uy, a * vx + d * vy, b * vx + e * vy
        to_face = np.array([[ux, vx], [uy, vy]])
        out = np.array(face_points, dtype=np.float64)
        if every:
            out[self.points, :2] = q @ to_face + shift
        else:
            out[self.points[ok[:n]], :2] = q[ok[:n]] @ to_face + shift
        return out
