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
  since the relaxed frame (`_turned_similarity`): a turn moves each point
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
  frame (a lamp switched on, daylight, the camera's exposure settling): a still
  face 10 % brighter or 20 % darker read as moving by 3.7 to 73 noise floors.
  So each frame's patch is first given the relaxed patch's grey levels (`Light`).
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

import bisect
import math
from dataclasses import dataclass
from typing import Iterable

import cv2
import numpy as np

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
#: The tracks' alignment (`_turned_similarity`) drops, `TURN_ROUNDS` times, the tracks
#: further from the fit than this many times the median distance (and than this many
#: patch pixels), and needs at least this many tracks. Measured against the least-median
#: similarity it replaces (benchmarks/real_asymmetry.py, five session starts): simulated
#: movements' symmetry error 0.045 -> 0.043 (brow 0.068 -> 0.045, cheek 0.016 -> 0.026),
#: against the warp's truth 0.044 -> 0.039 (brow 0.080 -> 0.045); symmetric movement min
#: 0.87 both; a still face's largest followed movement 0.64 -> 0.63 noise floors (cheek 0.32 -> 0.41);
#: roll and scale 0.022 both; a still face turned or nodded 6 degrees (sim) read one-sided
#: by up to 0.127 IID (the cheek), now 0.024 (the nose flare). A least-median similarity
#: picking the tracks before the same fit read the brow 0.054.
TURN_TRIM = 3.0
TURN_TRIM_FLOOR_PX = 0.3
TURN_MIN_TRACKS = 6
TURN_ROUNDS = 2
#: Margin around the mesh's bounding box, in inter-iris distances.
MARGIN_IID = 0.3
#: A frame's light is matched to the relaxed frame's at the grey levels below which these
#: shares of the face patch's pixels lie (`Light`). Measured (benchmarks/real_asymmetry.py,
#: five session starts) against no matching: the simulated movements' symmetry error 0.044
#: -> 0.045 (nose 0.019 -> 0.025; against the truth the brow 0.074 -> 0.080), symmetric
#: movement min 0.88 -> 0.87, a still face's largest followed movement 0.82 -> 0.64 noise
#: floors, head roll and scale 0.022 both; a still face under other light
#: (sim.warp.LIGHT_CHANGES) 3.7-73 floors -> at most 0.35 (tests/model/test_image_motion.py).
#: Two shares (0.1, 0.9: a gain and an offset) read the movements the same, but a gamma of
#: 0.8 or 1.25 still 2.4 and 1.6 floors.
#: Reading the light in squares around the rigid points instead: each expression changes
#: some of those squares (the brow raise's forehead, the shut eyes' corners), and the
#: simulated brow raise read worse (0.068 -> 0.079).
LIGHT_SHARES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: A frame whose grey levels would have to be stretched or squeezed more than this between
#: two of those shares to match (a covered camera, a flat or blown-out patch) keeps its own.
LIGHT_STEEPEST = 4.0
#: The counts are taken on every this many rows of the patch; the levels are kept to this
#: much of a grey level (`Light`).
LIGHT_ROWS = 4
LIGHT_STEP = 1.0 / 16.0
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


class Light:
    """The relaxed patch's grey levels, and a frame's patch given them.

    Movement moves the face's pixels about but hardly changes how many of each
    grey level the face patch holds; a change of the light changes exactly
    that. So the grey levels below which `LIGHT_SHARES` of a frame's patch lie
    are taken to the relaxed patch's, piecewise straight between them and
    straight on past the ends (one look-up table): a gain, an offset or a gamma
    of the light comes out as it went in. An expression changes the counts a
    little (teeth shown, an eye shut, a wrinkled nose): measured on the simulated
    movements, the table then moves mid-grey by 0-2 grey levels, at most 4.
    Where brighter light clips much of the face, no detail is left there to follow.

    Every frame is matched on its own levels: a grey level's difference already
    moves the followed points (on the astronaut's small face, 20 levels read as
    movement of up to 19 noise floors), and the levels of a single frame seen
    through a camera wander by 1-3 grey levels, which a table kept over several
    frames turned into movement above the floor on a still face. This runs for
    every frame, so the counts come from every `LIGHT_ROWS`-th row of the patch
    (thousands of pixels: plenty for five shares), the few levels are plain floats,
    and a table is made again only when they change (to `LIGHT_STEP` of a level).
    Measured after the model has run: about 0.1 ms a frame.
    """

    def __init__(self, patch: np.ndarray):
        self.levels = _levels(patch)
        self._made: tuple[tuple[float, ...], np.ndarray | None] = ((), None)

    def matched(self, patch: np.ndarray) -> np.ndarray:
        """`patch` (grey, 8 bits) with the relaxed patch's light."""
        now = tuple(round(v / LIGHT_STEP) * LIGHT_STEP for v in _levels(patch))
        made, table = self._made
        if now != made:
            table = self._table(now)
            self._made = (now, table)
        return patch if table is None else cv2.LUT(patch, table)

    def _table(self, now: tuple[float, ...]) -> np.ndarray | None:
        """The look-up table taking levels `now` to the relaxed ones (None: no light does
        that: a flat patch, covered, dark or blown out, stays as it is)."""
        was = self.levels
        steps = [(b1 - b0) / max(a1 - a0, 1e-9) for a0, a1, b0, b1 in zip(now, now[1:], was, was[1:])]
        if not all(1.0 / LIGHT_STEEPEST <= k <= LIGHT_STEEPEST for k in steps):
            return None
        xs = [now[0] - 256.0, *now, now[-1] + 256.0]
        ys = [was[0] - 256.0 * steps[0], *was, was[-1] + 256.0 * steps[-1]]
        table = np.interp(_GREY, xs, ys)
        np.clip(table, 0.0, 255.0, out=table)
        return np.rint(table, out=table).astype(np.uint8)


_GREY = np.arange(256, dtype=np.float64)


def _levels(patch: np.ndarray) -> tuple[float, ...]:
    """The grey levels below which `LIGHT_SHARES` of `patch`'s pixels lie (counted on every
    `LIGHT_ROWS`-th row; within a level, the pixels there are taken as spread evenly over
    it, so the levels move smoothly with the light)."""
    counts = cv2.calcHist([patch[::LIGHT_ROWS]], [0], None, [256], [0, 256]).ravel()
    below = np.cumsum(counts).tolist()
    total, out = below[-1], []
    for share in LIGHT_SHARES:
        k = bisect.bisect_left(below, share * total)
        before = below[k - 1] if k else 0.0
        out.append(k + (share * total - before) / max(below[k] - before, 1e-9))
    return tuple(out)


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
        lo = self.landmarks[:, :2].min(axis=0) - MARGIN_IID * iid
        hi = self.landmarks[:, :2].max(axis=0) + MARGIN_IID * iid
        self.offset = lo
        self.size = (int((hi[0] - lo[0]) * self.scale) + 1, int((hi[1] - lo[1]) * self.scale) + 1)
        self._offset = (float(lo[0]), float(lo[1]))
        self._corner_list = ((0.0, 0.0), (float(self.size[0]), 0.0), (0.0, float(self.size[1])),
                             (float(self.size[0]), float(self.size[1])))
        w = int(round(WINDOW_IID * PATCH_IID_PX)) | 1
        self.window = (w, w)
        self.points = followed_points(mesh_regions)
        self._rigid = np.asarray(RIGID)
        self._rigid_here = self.landmarks[self._rigid, :2].astype(np.float32)   # what frames are aligned onto
        spread = RIGID_SPREAD_IID * PATCH_IID_PX
        beside = self._to_patch(self.landmarks[list(RIGID_TEXTURED), :2])
        around = [beside + np.array(d, np.float32) * spread for d in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        self._p0 = np.concatenate([self._to_patch(self.landmarks[np.r_[self.points, self._rigid], :2]), *around])
        self._p0_rigid = self._p0.reshape(-1, 2)[len(self.points):]
        # Each track's depth (the relaxed mesh's, in patch pixels; the places around a rigid
        # point at its depth), for the parallax of a turned head (`_turned_similarity`).
        relaxed = face_frame(self.landmarks)
        self.pose = (relaxed.yaw_deg, relaxed.pitch_deg)     # how the relaxed face was turned
        depth = relaxed.points[:, 2:3] * PATCH_IID_PX
        self._depth_points = depth[self.points].astype(np.float32)
        self._depth_rigid = np.concatenate([depth[self._rigid], *[depth[list(RIGID_TEXTURED)]] * 4])
        identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        self.patch = self._warp(rgb, identity)
        self.light = Light(self.patch)
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
        m = _similarity(landmarks_px[self._rigid, :2].astype(np.float32), self._rigid_here)
        if m is None:
            raise ValueError("cannot align the frame on the relaxed face")
        return np.array(m)

    def look(self, rgb: np.ndarray, landmarks_px: np.ndarray) -> Look:
        """`rgb` aligned onto the relaxed frame by its mesh's rigid points (ValueError: cannot)."""
        m = self.alignment(landmarks_px)
        return Look(self.light.matched(self._warp(rgb, m)), m)

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
        p1, status, _ = cv2.calcOpticalFlowPyrLK(self.patch, look.patch, self._p0, start, winSize=self.window,
                                                 maxLevel=LEVELS, criteria=CRITERIA,
                                                 flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
        p1, status = p1.reshape(-1, 2), status.ravel()
        every = bool(np.logical_and.reduce(status))      # as a rule every track holds: no masks
        ok = None if every else status == 1
        # The mesh's rigid points are only roughly where it says: the pixels of those
        # points (and of the places around some) settle the alignment, a similarity plus
        # the head's turn since the relaxed frame (`_turned_similarity`; most of them,
        # which did not move, decide).
        if every:
            r = _turned_similarity(self._p0_rigid, self._depth_rigid, p1[n:])
        elif np.count_nonzero(ok[n:]) >= TURN_MIN_TRACKS:
            r = _turned_similarity(self._p0_rigid[ok[n:]], self._depth_rigid[ok[n:]], p1[n:][ok[n:]])
        else:
            r = None
        # Patch pixels, less the turn's parallax at each point's depth -> back through the
        # tracks' similarity -> the relaxed face frame.
        (ux, vx), (uy, vy) = self._face_axes
        gx, gy = self._face_origin
        q = p1[:n]
        if r is not None:
            a, b, c, f, turn_x, turn_y = r
            d, e = b, a
            b = -b
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


def _turned_similarity(src: np.ndarray, depth: np.ndarray, dst: np.ndarray) -> tuple[float, ...] | None:
    """The similarity and parallax taking the relaxed patch's points `src` (at `depth`)
    onto `dst`: (a, b, tx, ty, px, py) with dst = [[a, -b], [b, a]] src + (tx, ty) + depth (px, py),
    or None.

    A head that turns or nods a few degrees moves each point sideways or up and down
    in proportion to its depth (the nose tip most, the eye corners least): to first
    order that is the (px, py) term, and the rest is a similarity. Fitted by least
    squares on every track, then again on those within `TURN_TRIM` times the median
    distance from the fit (at least `TURN_TRIM_FLOOR_PX`), twice, so the few tracks an
    expression moves (a brow raise's forehead) do not decide. Tracks all at one
    depth leave the parallax at 0.
    """
    n = len(src)
    if n < TURN_MIN_TRACKS:
        return None
    # x, y, depth, 1, and where each track went: one matrix product gives a fit's sums.
    table = np.empty((n, 6))
    table[:, :2], table[:, 2:3], table[:, 3], table[:, 4:] = src, depth, 1.0, dst
    fit = _fit_turned(table)
    for _ in range(TURN_ROUNDS):
        if fit is None:
            return None
        a, b, tx, ty, px, py = fit
        miss = table[:, :4] @ np.array([[a, b], [-b, a], [px, py], [tx, ty]]) - table[:, 4:]
        miss = np.einsum("ij,ij->i", miss, miss)
        middle = float(np.partition(miss, n // 2)[n // 2])      # the median (of an odd count; one above it of an even)
        keep = miss <= max(TURN_TRIM ** 2 * middle, TURN_TRIM_FLOOR_PX ** 2)
        if np.count_nonzero(keep) < TURN_MIN_TRACKS:
            return fit
        fit = _fit_turned(table[keep])
    return fit


def _fit_turned(table: np.ndarray) -> tuple[float, ...] | None:
    """`_turned_similarity`'s least-squares step on the tracks `table` holds (rows of x, y,
    depth, 1, x', y'). The 4 x 4 normal equations of (a, b, px, py), their point sums
    taken about the means, come apart into two 2 x 2 blocks solved in closed form: this
    runs up to three times a frame, where a solver's own steps would cost more."""
    g = (table.T @ table).tolist()
    n = g[3][3]
    sx, sy, sz, su, sv = g[0][3] / n, g[1][3] / n, g[2][3] / n, g[3][4] / n, g[3][5] / n
    xx, yy, zz = g[0][0] - n * sx * sx, g[1][1] - n * sy * sy, g[2][2] - n * sz * sz
    xz, yz = g[0][2] - n * sx * sz, g[1][2] - n * sy * sz
    xu, xv, yu, yv = g[0][4] - n * sx * su, g[0][5] - n * sx * sv, g[1][4] - n * sy * su, g[1][5] - n * sy * sv
    zu, zv = g[2][4] - n * sz * su, g[2][5] - n * sz * sv
    r2 = xx + yy
    if r2 <= 1e-9:
        return None
    g1, g2 = xu + yv, xv - yu                  # (a, b) r2 + B (px, py) = (g1, g2), B = [[xz, yz], [-yz, xz]]
    left = zz - (xz * xz + yz * yz) / r2       # (B^T B = (xz^2 + yz^2) I: the parallax's block is scalar)
    if left <= 1e-9 * zz or zz <= 1e-9 * r2:   # all at one depth: a similarity alone
        px = py = 0.0
    else:
        px = (zu - (xz * g1 - yz * g2) / r2) / left
        py = (zv - (yz * g1 + xz * g2) / r2) / left
    a = (g1 - xz * px - yz * py) / r2
    b = (g2 + yz * px - xz * py) / r2
    if a * a + b * b < 1e-6:                   # collapsed (every track on one point): no fit
        return None
    return (a, b, su - a * sx + b * sy - px * sz, sv - b * sx - a * sy - py * sz, px, py)


def _similarity(src: np.ndarray, dst: np.ndarray) -> list[list[float]] | None:
    """The similarity (2x3, plain floats) taking the points `src` onto `dst`, or None.

    A least-median fit picks the points that agree (a majority that did not move
    decides), as OpenCV's LMEDS does; the similarity is then the least-squares one
    on them, worked out in closed form. That is what OpenCV's own refinement
    converges to (its error is linear in the four unknowns), without its solver's
    steps: the same fit within 2e-12 on the eye-closure clip, cheaper after the
    model has run. Used to align a frame on the relaxed one by the mesh's rigid
    points (`ReferenceMotion.alignment`); their tracks are fitted by
    `_turned_similarity`.
    """
    m, keep = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS, refineIters=0)
    if m is None:
        return None
    pairs = [(p, q) for p, q, k in zip(src.tolist(), dst.tolist(), keep.ravel().tolist()) if k]
    if len(pairs) < 2:
        return m.tolist()
    n = len(pairs)
    sx, sy = sum(p[0] for p, _ in pairs) / n, sum(p[1] for p, _ in pairs) / n
    dx, dy = sum(q[0] for _, q in pairs) / n, sum(q[1] for _, q in pairs) / n
    a = b = norm = 0.0
    for (x, y), (u, v) in pairs:
        x, y, u, v = x - sx, y - sy, u - dx, v - dy
        a += x * u + y * v
        b += x * v - y * u
        norm += x * x + y * y
    if norm <= 0.0:
        return m.tolist()
    a, b = a / norm, b / norm
    return [[a, -b, dx - a * sx + b * sy], [b, a, dy - b * sx - a * sy]]
