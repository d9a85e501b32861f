"""Simulated exercises on a real face: landmark-driven image warps with a known truth.

The neutral face's landmarks are found once. An action moves chosen landmarks
by a known amount per side (see `actions`); a smooth field spreads that
displacement over the image and the frame is resampled. The field is a
normalised Gaussian-kernel average of the control displacements: bounded, so
it never overshoots and the image never folds. Fields are linear in the
amplitudes, so each action's left and right fields are computed once and a
frame costs a weighted sum and one remap.

Eyelids are different: a closing lid covers the eye rather than squeezing it,
which no smooth warp can show, so the lid model makes each pixel between the
lids show the skin just above the upper lid (`_lid_shift`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import cv2
import numpy as np

from ..errors import InputError
from ..face.landmarks import LandmarkDetector
from ..face.pose import face_frame
from ..sides import SIDES, Side
from .actions import ACTIONS, ANCHORS, LID_ACTION, LIDS, SKIN_BAND

SIGMA_IID = 0.10        # reach of each control point, in inter-iris distances
FALLOFF = 0.15          # kernel mass at which the field fades to zero away from controls
GRID_STEP = 4           # the smooth field is computed on a coarse grid, then upsampled
MIDLINE_IID = 0.06      # control points this close to the midline move with both sides

KNOWN_ACTIONS: tuple[str, ...] = (*ACTIONS, LID_ACTION)


class ExerciseWarper:
    """Renders a neutral face doing an action with given per-side amplitudes (0..1)."""

    def __init__(self, neutral_rgb: np.ndarray, detector: LandmarkDetector | None = None):
        self.neutral = np.ascontiguousarray(neutral_rgb)
        own = detector is None
        detector = detector or LandmarkDetector(static=True, max_faces=1)
        try:
            faces = detector.detect(self.neutral)
        finally:
            if own:
                detector.close()
        if not faces:
            raise InputError("simulated exercise: no face found in the neutral image")
        self.landmarks = faces[0][:, :2]
        self._depth = faces[0][:, 2]                   # the mesh's depth, in pixels like x
        #: The face's extent across the picture (pixels, the person's right edge first), where
        #: `side_lit` ramps its light.
        self.face_x = (float(self.landmarks[:, 0].min()), float(self.landmarks[:, 0].max()))
        frame = face_frame(faces[0])
        self.iid = frame.iid_px
        self._face_pts = frame.points[:, :2]           # x > 0: the patient's left; y down
        right, left = self.landmarks[468], self.landmarks[473]
        self._origin = (left + right) / 2.0
        self._u = (left - right) / self.iid            # towards the patient's left
        self._v = np.array([-self._u[1], self._u[0]])  # downwards
        h, w = self.neutral.shape[:2]
        gy, gx = np.mgrid[0:h + GRID_STEP:GRID_STEP, 0:w + GRID_STEP:GRID_STEP]
        self._grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float64)
        self._grid_shape = gx.shape
        self._pix_y, self._pix_x = np.mgrid[0:h, 0:w].astype(np.float32)
        rel_x, rel_y = self._pix_x - self._origin[0], self._pix_y - self._origin[1]
        self._face_x = ((rel_x * self._u[0] + rel_y * self._u[1]) / self.iid).astype(np.float32)
        self._face_y = ((rel_x * self._v[0] + rel_y * self._v[1]) / self.iid).astype(np.float32)

    def render(self, action: str | None = None, left: float = 0.0, right: float = 0.0) -> np.ndarray:
        """One frame of `action` at the given amplitudes per patient side (0 = neutral)."""
        if action is None:
            return self.neutral.copy()
        return self.render_many([(action, left, right)])

    def render_many(self, actions: Iterable[tuple[str, float, float]]) -> np.ndarray:
        """Several actions at once (e.g. a smile while one eye narrows)."""
        field, lids = self._combined(actions)
        if not field.any() and not any(lids.values()):
            return self.neutral.copy()
        return self._remapped(field, lids)

    def turned(self, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> np.ndarray:
        """The neutral face turned (`yaw_deg` > 0: the person's left side away from the
        camera) and nodded (`pitch_deg` > 0: the chin towards the camera), as `face.pose`
        names them: each landmark turned in depth about the face's centre (the mesh's
        own depth), and the smooth field spreading that over the picture. A small turn
        only: what the turn hides or shows at the face's edges is not drawn."""
        yaw, pitch = np.radians(yaw_deg), np.radians(pitch_deg)
        p = np.column_stack([self.landmarks, self._depth])
        centre = p.mean(axis=0)
        q = p - centre
        x = q[:, 0] * np.cos(yaw) - q[:, 2] * np.sin(yaw)
        z = q[:, 0] * np.sin(yaw) + q[:, 2] * np.cos(yaw)
        y = q[:, 1] * np.cos(pitch) - z * np.sin(pitch)
        moved = np.column_stack([x, y]) + centre[:2]
        field = self._spread(self.landmarks, moved - self.landmarks)
        return self._remapped(field, {side: 0.0 for side in SIDES})

    def _remapped(self, field: np.ndarray, lids: dict[str, float]) -> np.ndarray:
        """The neutral face moved by `field` (the coarse grid's), its lids closed by `lids`."""
        moving = self._full_size(field)
        # The pixel at p came from s with s + d(s) = p: a few fixed-point steps invert it.
        sx, sy = self._pix_x.copy(), self._pix_y.copy()
        if moving.any():
            for _ in range(3):
                d = cv2.remap(moving, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
                sx, sy = self._pix_x - d[..., 0], self._pix_y - d[..., 1]
        for side in SIDES:
            if lids[side] > 0:
                cover = self._lid_shift(side, min(lids[side], 1.0))
                sx -= cover * self._v[0]
                sy -= cover * self._v[1]
        return cv2.remap(self.neutral, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)

    def moved_landmarks(self, actions: Iterable[tuple[str, float, float]]) -> np.ndarray:
        """The neutral face's (478, 2) pixel landmarks where the rendered actions put them.

        This is the ground truth a measurement is judged by: the smooth field moves
        each landmark by its value there, and a closing lid moves the upper lid
        margin down by its share of the fissure (the lower lid stays). An imposed
        amplitude ratio is not exactly the ratio of the measures' movements: the
        field mixes neighbouring control points differently on each side of a real face.
        """
        field, lids = self._combined(actions)
        # The field as rendered: the coarse grid resized to full size (pixel-centre aligned).
        pts = self.landmarks.astype(np.float32)
        gx = ((pts[:, 0] + 0.5) / GRID_STEP - 0.5).reshape(-1, 1)
        gy = ((pts[:, 1] + 0.5) / GRID_STEP - 0.5).reshape(-1, 1)
        moved = self.landmarks + cv2.remap(field, gx, gy, cv2.INTER_LINEAR,
                                           borderMode=cv2.BORDER_REPLICATE).reshape(-1, 2)
        for side in SIDES:
            amount = min(lids[side], 1.0)
            if amount <= 0:
                continue
            lower = self._face_pts[list(LIDS[side]["lower"])]
            lower = lower[np.argsort(lower[:, 0])]
            for i in LIDS[side]["upper"][1:-1]:       # the corners stay
                x, y = self._face_pts[i]
                drop = amount * max(float(np.interp(x, lower[:, 0], lower[:, 1])) - y, 0.0)
                moved[i] += drop * self.iid * self._v
        return moved

    def _full_size(self, field: np.ndarray) -> np.ndarray:
        h, w = self.neutral.shape[:2]
        size = (self._grid_shape[1] * GRID_STEP, self._grid_shape[0] * GRID_STEP)
        return cv2.resize(field, size, interpolation=cv2.INTER_LINEAR)[:h, :w]

    def _lid_shift(self, side: Side, amount: float) -> np.ndarray:
        """Pixels to look upwards (along the face's vertical) for each pixel, closing one eye.

        The upper lid descends to `amount` of the way to the lower lid; the band of
        skin above it stretches down to cover the eye; below the lid nothing moves.
        """
        upper = self._face_pts[list(LIDS[side]["upper"])]
        lower = self._face_pts[list(LIDS[side]["lower"])]
        upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
        x = self._face_x
        inside = (x > upper[0, 0]) & (x < upper[-1, 0])
        y_up = np.interp(x, upper[:, 0], upper[:, 1])
        y_low = np.interp(x, lower[:, 0], lower[:, 1])
        fissure = np.maximum(y_low - y_up, 0.0)
        band = SKIN_BAND * float(fissure.max(initial=0.0, where=inside))
        top = y_up - band
        lid = y_up + amount * fissure
        y = self._face_y
        covered = inside & (y > top) & (y < lid)
        source = top + (y - top) * band / np.maximum(lid - top, 1e-6)
        return np.where(covered, (y - source) * self.iid, 0.0).astype(np.float32)

    def _combined(self, actions: Iterable[tuple[str, float, float]]) -> tuple[np.ndarray, dict[str, float]]:
        """The actions' summed displacement field (coarse grid) and each side's lid closing:
        what a frame is rendered from and what its landmarks' truth is worked out from."""
        field = np.zeros((*self._grid_shape, 2), np.float32)
        lids = {"left": 0.0, "right": 0.0}
        for action, left, right in actions:
            if action == LID_ACTION:
                lids["left"] += left
                lids["right"] += right
                continue
            if action not in ACTIONS:
                raise ValueError(f"unknown action {action!r} (known: {', '.join(KNOWN_ACTIONS)})")
            field_left, field_right = self._basis(action)
            field += left * field_left + right * field_right
        return field, lids

    @lru_cache(maxsize=None)
    def _basis(self, action: str) -> tuple[np.ndarray, np.ndarray]:
        """Displacement fields (pixels) of one action at amplitude 1 on each side alone."""
        return self._field(action, "left"), self._field(action, "right")

    def _controls(self, action: str, side: Side) -> tuple[np.ndarray, np.ndarray]:
        idx: list[int] = []
        disp: list[np.ndarray] = []
        moved: set[int] = set()
        for move in ACTIONS[action]:
            moved.update(move.right + move.left + move.mid)
            for side_of, indices in (("right", move.right), ("left", move.left), ("mid", move.mid)):
                for i in indices:
                    on_mid = side_of == "mid" or abs(self._face_pts[i, 0]) < MIDLINE_IID
                    weight = 0.5 if on_mid else (1.0 if side_of == side else 0.0)
                    lateral = 0.0 if on_mid else move.lateral * (1.0 if side_of == "left" else -1.0)
                    d_face = np.array([lateral, -move.up]) * weight
                    idx.append(i)
                    disp.append((d_face[0] * self._u + d_face[1] * self._v) * self.iid)
        moving_pts = self.landmarks[sorted(moved)]
        for a in ANCHORS:
            near = np.min(np.hypot(*(moving_pts - self.landmarks[a]).T)) < 0.05 * self.iid
            if a not in moved and not near:
                idx.append(a)
                disp.append(np.zeros(2))
        return self.landmarks[idx], np.array(disp)

    def _field(self, action: str, side: Side) -> np.ndarray:
        return self._spread(*self._controls(action, side))

    def _spread(self, centres: np.ndarray, disp: np.ndarray) -> np.ndarray:
        """The smooth field (on the coarse grid) of control points `centres` moving by `disp`."""
        sigma2 = 2.0 * (SIGMA_IID * self.iid) ** 2
        kernel = np.exp(-_sqdist(self._grid, centres) / sigma2)
        field = (kernel @ disp) / (kernel.sum(axis=1, keepdims=True) + FALLOFF)
        return field.reshape(*self._grid_shape, 2).astype(np.float32)


def _sqdist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


# --- the whole picture: a head rolled, a person nearer or further, a camera's jitter ---------------------------

def rotated(img: np.ndarray, degrees: float) -> np.ndarray:
    """The picture turned about its centre (a rolled head), edges filled from the border."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def scaled(img: np.ndarray, factor: float) -> np.ndarray:
    """The picture resized by `factor` (a person further away or nearer)."""
    return cv2.resize(img, None, fx=factor, fy=factor,
                      interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


#: Changes of the light a mirror sees between the relaxed capture and later frames
#: (a lamp switched on or off, daylight, the camera's exposure settling): name ->
#: (gain, offset in grey levels, gamma), as `relit` applies them.
LIGHT_CHANGES: dict[str, tuple[float, float, float]] = {
    "20 % darker": (0.8, 0.0, 1.0), "10 % brighter": (1.1, 0.0, 1.0),
    "20 levels lighter": (1.0, 20.0, 1.0), "20 levels darker": (1.0, -20.0, 1.0),
    "gamma 0.8": (1.0, 0.0, 0.8), "gamma 1.25": (1.0, 0.0, 1.25)}


def relit(rgb: np.ndarray, gain: float = 1.0, offset: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    """The same picture under other light: each level (0..1) raised to `gamma`, times
    `gain`, plus `offset` grey levels, clipped as a camera clips."""
    levels = np.clip((np.arange(256) / 255.0) ** gamma * gain * 255.0 + offset, 0, 255)
    return cv2.LUT(rgb, np.round(levels).astype(np.uint8))


#: Light from one side that changed after the relaxed capture (a window beside the mirror,
#: a lamp switched on to one side): name -> (gain at the person's right edge of the face,
#: gain at their left edge), ramping straight across the face, as `side_lit` applies them.
SIDE_LIGHTS: dict[str, tuple[float, float]] = {
    "20 % more on the left": (0.8, 1.2), "20 % more on the right": (1.2, 0.8),
    "10 % more on the left": (0.9, 1.1), "10 % more on the right": (1.1, 0.9)}


def side_lit(rgb: np.ndarray, face_x: tuple[float, float], right_gain: float, left_gain: float) -> np.ndarray:
    """The same picture lit more on one side of the face: the gain ramps straight from
    `right_gain` at the face's right edge (the person's right: the image's smaller x,
    `face_x[0]`) to `left_gain` at its left edge (`face_x[1]`), and stays beyond them."""
    w = rgb.shape[1]
    gain = np.interp(np.arange(w), face_x, (right_gain, left_gain)).astype(np.float32)
    return np.clip(rgb.astype(np.float32) * gain[None, :, None], 0, 255).astype(np.uint8)


def jittered(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same still face as a camera sees it: sub-pixel sway, sensor noise, light flicker."""
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.normal(0, 0.1), 1.0 + rng.normal(0, 0.001))
    m[:, 2] += rng.normal(0, 0.25, 2)
    img = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    noisy = img.astype(np.float32) * (1.0 + rng.normal(0, 0.005)) + rng.normal(0, 2.0, img.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)
