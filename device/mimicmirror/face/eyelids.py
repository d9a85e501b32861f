"""How much of the relaxed eye the image still shows, read from pixels.

The face mesh pulls a shut eye towards the open one beside it: on real winks
(a shut eye beside an open one) it reads the shut eye as only about two thirds
closed. Image motion cannot help: the texture under a closing lid disappears
rather than moves. What the session's relaxed frame does give is a known-open
eye: the mesh's eye contour on it is right, and every row of pixels between
the lids is that eye's own look (iris, sclera, lid margins).

A closing lid covers those rows. So each band of rows of the relaxed fissure
is looked for again in the current frame, aligned onto the relaxed one, at the
same place: shifted as the eye corners moved (the mesh finds the corners of a
shut eye well), give or take a pixel, and also shifted as the iris moved
against the corners while the mesh still sees the eye open (a glance sideways
moves the iris, not the lids). A band is still seen when the normalised
correlation of its rows, each less its own left-right ramp (shading), reaches
`MATCH`. The reading is the share of bands still seen. Lighting drops out of
the correlation; roll and distance drop out of the alignment.

Measured (benchmarks/real_asymmetry.py): on the real winks none (median) of
the shut eye is seen, where the mesh reads it two thirds closed, and all of the
open eye. But the share does not grade a partly closed lid: a band the lid
covers only in its middle, or by a row or two, still matches, so on simulated
lids 80 % closed about half the bands are still seen. Taken as the eye
opening (relaxed opening times the share seen), alone it read the simulated
one-sided closures worse than the mesh; as the more closed of it and the mesh
it read the simulated demo's 0.8 : 1 eye closure as 0.56 where the face moved
0.84, and gave a false over-activity cue. So the analysis reports it
(`FrameAnalysis.eye_seen`, `analyze`'s "eye_seen") and the eye opening stays
the mesh's.

Nor does it help only at the end of the lid's travel: reading an eye shut
(opening 0) once the mesh reads it at most 0.6 of its relaxed opening and at
most a quarter of it is seen read every real wink's shut eye fully closed, but
the eye beside it keeps the mesh's reading, which under-reads a partly closed
lid: the simulated demo's 0.8 : 1 closure then read 0.53 (truly 0.84) with a
false over-activity cue. The mesh cannot grade it either: on the simulated
astronaut it reads a lid 80 % closed as far closed as a shut one.

Two graded readings of the lid's place were measured and set aside: which
lid position best explains the eye's pixels (the relaxed eye with its upper
lid moved down), and, per column, where a local-correlation map of the eye
switches from covered to still seen. The first read real shut eyes only
0.6 closed (their creases and lashes look nothing like a lid slid down); the
second graded simulated lids to 0.06 but read three of the seven real open
eyes as shut (dark, low-contrast eyes at 320 x 243), or, with a looser
threshold, the simulated lids as all-or-nothing.

Only two small grey eye patches of the relaxed frame are kept, in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..sides import SIDES, Side
from .regions import IRIS_CENTRE, REGIONS

#: Eye contour per side (mesh indices), each lid from the outer to the inner corner.
UPPER: dict[Side, tuple[int, ...]] = {"right": (33, 246, 161, 160, 159, 158, 157, 173, 133),
                                      "left": (263, 466, 388, 387, 386, 385, 384, 398, 362)}
LOWER: dict[Side, tuple[int, ...]] = {"right": (33, 7, 163, 144, 145, 153, 154, 155, 133),
                                      "left": (263, 249, 390, 373, 374, 380, 381, 382, 362)}
#: Eye corners: where the eye is now.
CORNERS: dict[Side, tuple[int, int]] = {"right": (33, 133), "left": (263, 362)}
#: Scale of the eye patches: pixels per inter-iris distance.
EYE_IID_PX = 64.0
#: A band still shows the relaxed eye when its best correlation reaches this.
MATCH = 0.6
#: Rows per band (odd), and the search around each expected place, in patch pixels.
BAND = 3
SEARCH_X = 1
SEARCH_Y = 1
#: Rows of the fissure narrower than this (patch pixels) say too little to be matched.
MIN_ROW = 4
#: Each band reaches this many pixels past the fissure on either side (the corners' look).
PAD = 2
#: Grey-level spread below which a relaxed band has no pattern to look for.
FLAT = 2.0
#: Margin of an eye patch around the eye's contour, in inter-iris distances.
MARGIN_IID = 0.12
#: The iris shift is tried only while the mesh sees at least this share of the
#: relaxed lid gap (the mesh's iris under a shut lid is a guess).
GAZE_OPEN = 0.5


_PAIRS: dict[Side, np.ndarray] = {side: np.asarray(REGIONS["eyelid_pairs"][side]) for side in SIDES}


def _gap(px: np.ndarray, side: Side) -> float:
    """The mesh's mean lid gap (lower minus upper margin, pixels) over the measured pairs."""
    pairs = _PAIRS[side]
    return float((px[pairs[:, 1], 1] - px[pairs[:, 0], 1]).sum()) / len(pairs)


def _detrend(block: np.ndarray, mask: np.ndarray, xc: np.ndarray) -> np.ndarray:
    """Each row (last axis) less its own straight-line fit over the masked columns.

    `xc` is each column's place from the band's middle (0 outside the mask), so
    the mean and the slope come out independently.
    """
    mean = (block * mask).sum(axis=-1, keepdims=True) / mask.sum(axis=-1, keepdims=True)
    slope = (block * xc).sum(axis=-1, keepdims=True) / (xc * xc).sum(axis=-1, keepdims=True)
    return (block - mean - slope * xc) * mask


@dataclass(frozen=True)
class _Eye:
    offset: np.ndarray      # relaxed-frame pixel at the patch's origin
    size: tuple[int, int]   # patch width, height
    corners: np.ndarray     # relaxed eye corners in patch pixels
    iris: np.ndarray        # relaxed iris centre in patch pixels
    gap: float              # the mesh's relaxed lid gap (pixels of the relaxed frame)
    ys: np.ndarray          # (n,) each band's middle row
    x0s: np.ndarray         # (n,) each band's first column
    x1s: np.ndarray         # (n,) each band's last column
    mask: np.ndarray        # (n, 1, w) the band's own columns
    xc: np.ndarray          # (n, 1, w) column place from the band's middle, 0 outside
    templates: np.ndarray   # (n, BAND, w) relaxed bands, detrended, unit length


class EyeRows:
    """The relaxed eyes, ready to say how much of each is still seen.

    `rgb` is the relaxed frame (unflipped), `landmarks_px` its (478, 3) mesh
    landmarks in pixels.
    """

    def __init__(self, rgb: np.ndarray, landmarks_px: np.ndarray):
        px = np.asarray(landmarks_px, dtype=np.float64)[:, :2]
        iid = float(np.hypot(*(px[IRIS_CENTRE["left"]] - px[IRIS_CENTRE["right"]])))
        if iid <= 1e-6:
            raise ValueError("iris centres coincide")
        self.scale = EYE_IID_PX / iid
        self.eyes: dict[Side, _Eye | None] = {}
        for side in SIDES:
            contour = px[list(UPPER[side]) + list(LOWER[side])]
            lo = contour.min(axis=0) - MARGIN_IID * iid
            hi = contour.max(axis=0) + MARGIN_IID * iid
            size = (int((hi[0] - lo[0]) * self.scale) + 1, int((hi[1] - lo[1]) * self.scale) + 1)
            patch = self._warp(rgb, np.eye(2, 3), lo, size)

            def to_patch(p: np.ndarray, lo: np.ndarray = lo) -> np.ndarray:
                return (p - lo) * self.scale

            fissure = np.zeros(size[::-1], np.uint8)
            ring = np.vstack([to_patch(px[list(UPPER[side])]), to_patch(px[list(LOWER[side])])[::-1]])
            cv2.fillPoly(fissure, [np.round(ring).astype(np.int32)], 1)
            self.eyes[side] = self._eye(patch, fissure, lo, size, to_patch(px[list(CORNERS[side])]),
                                        to_patch(px[IRIS_CENTRE[side]]), _gap(px, side))

    @staticmethod
    def _eye(patch: np.ndarray, fissure: np.ndarray, offset: np.ndarray, size: tuple[int, int],
             corners: np.ndarray, iris: np.ndarray, gap: float) -> _Eye | None:
        """The bands of one relaxed eye (None: the eye is too small to have any)."""
        h, w = fissure.shape
        half = BAND // 2
        bands = []
        for y in np.flatnonzero(fissure.any(axis=1)):
            xs = np.flatnonzero(fissure[y])
            if len(xs) < MIN_ROW:
                continue
            x0, x1 = int(xs[0]) - PAD, int(xs[-1]) + PAD + 1
            if y - half - SEARCH_Y < 0 or y + half + SEARCH_Y >= h or x0 - SEARCH_X < 0 or x1 + SEARCH_X > w:
                continue
            if float(patch[y - half:y + half + 1, x0:x1].std()) < FLAT:
                continue        # no pattern: it would match anything or nothing
            bands.append((int(y), x0, x1 - x0))
        if not bands:
            return None
        width = max(b[2] for b in bands)
        cols = np.arange(width, dtype=np.float64)
        mask = np.stack([(cols < n).astype(np.float64) for _, _, n in bands])[:, None, :]
        xc = np.stack([(cols - (n - 1) / 2.0) * (cols < n) for _, _, n in bands])[:, None, :]
        ys = np.array([b[0] for b in bands])
        x0s = np.array([b[1] for b in bands])
        rows = ys[:, None, None] + np.arange(-half, half + 1)[None, :, None]
        cols_at = np.minimum(x0s[:, None, None] + cols.astype(int)[None, None, :], w - 1)
        templates = _detrend(patch[rows, cols_at].astype(np.float64), mask, xc)
        templates /= np.maximum(np.linalg.norm(templates.reshape(len(bands), -1), axis=1), 1e-9)[:, None, None]
        x1s = x0s + np.array([n for _, _, n in bands]) - 1
        return _Eye(offset, size, corners, iris, gap, ys, x0s, x1s, mask, xc, templates)

    def _warp(self, rgb: np.ndarray, to_relaxed: np.ndarray, offset: np.ndarray,
              size: tuple[int, int]) -> np.ndarray:
        """The eye patch of `rgb` in the relaxed frame's coordinates, grey.

        Only the few pixels the patch covers are converted to grey.
        """
        m = self.scale * np.asarray(to_relaxed, dtype=np.float64)
        m[:, 2] -= self.scale * offset
        back = cv2.invertAffineTransform(m)
        w, h = size
        corners = np.array([[0.0, 0.0], [w, 0.0], [0.0, h], [w, h]]) @ back[:, :2].T + back[:, 2]
        x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
        x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 2
        x1, y1 = min(x1, rgb.shape[1]), min(y1, rgb.shape[0])
        if x1 - x0 < 2 or y1 - y0 < 2:
            return np.zeros((h, w), np.uint8)     # the eye is outside the frame: nothing matches
        crop = rgb[y0:y1, x0:x1]
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
        m[:, 2] += m[:, :2] @ np.array([x0, y0], dtype=np.float64)
        return cv2.warpAffine(grey, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def visible(self, rgb: np.ndarray, landmarks_px: np.ndarray, to_relaxed: np.ndarray) -> dict[Side, float | None]:
        """Share (0..1) of each relaxed fissure's bands still seen in `rgb`.

        `to_relaxed` (2x3) takes this frame's pixels onto the relaxed frame's
        (see `ReferenceMotion.alignment`). None for a side with no usable band.
        """
        m = np.asarray(to_relaxed, dtype=np.float64)
        px = np.asarray(landmarks_px, dtype=np.float64)[:, :2] @ m[:, :2].T + m[:, 2]
        return {side: None if self.eyes[side] is None else self._seen(rgb, px, side, self.eyes[side], m)
                for side in SIDES}

    def _seen(self, rgb: np.ndarray, px: np.ndarray, side: Side, eye: _Eye, m: np.ndarray) -> float:
        now = self._warp(rgb, m, eye.offset, eye.size).astype(np.float64)
        h, w = now.shape
        corners = (px[list(CORNERS[side])] - eye.offset) * self.scale
        dx, dy = (int(v) for v in np.round((corners - eye.corners).mean(axis=0)))
        starts = {dx}
        if _gap(px, side) >= GAZE_OPEN * eye.gap:
            iris = (px[IRIS_CENTRE[side]] - eye.offset) * self.scale
            gaze = (iris - corners.mean(axis=0)) - (eye.iris - eye.corners.mean(axis=0))
            starts.add(dx + int(np.round(gaze[0])))
        sx = np.array(sorted({s + k for s in starts for k in range(-SEARCH_X, SEARCH_X + 1)}))
        sy = dy + np.arange(-SEARCH_Y, SEARCH_Y + 1)
        shift_x = np.repeat(sx, len(sy))
        shift_y = np.tile(sy, len(sx))
        half = BAND // 2
        width = eye.templates.shape[2]
        # (bands, shifts, BAND rows, width) gathered at once.
        rows = (eye.ys[:, None, None, None] + shift_y[None, :, None, None]
                + np.arange(-half, half + 1)[None, None, :, None])
        cols = (eye.x0s[:, None, None, None] + shift_x[None, :, None, None]
                + np.arange(width)[None, None, None, :])
        ys, x0s, x1s = eye.ys[:, None], eye.x0s[:, None], eye.x1s[:, None]
        inside = ((ys - half + shift_y >= 0) & (ys + half + shift_y < h)
                  & (x0s + shift_x >= 0) & (x1s + shift_x < w))
        block = now[np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)]
        mask, xc = eye.mask[:, None], eye.xc[:, None]
        d = _detrend(block, mask, xc)
        norms = np.sqrt((d * d).sum(axis=(2, 3)))
        score = (d * eye.templates[:, None]).sum(axis=(2, 3)) / np.maximum(norms, 1e-9)
        best = np.where(inside, score, -1.0).max(axis=1)
        return float((best >= MATCH).mean())
