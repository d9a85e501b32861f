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
`MATCH`. The reading is the share of bands still seen, less the one a shut
lid leaves at the lower lid's margin. Lighting drops out of the correlation;
roll and distance drop out of the alignment.

Measured (benchmarks/real_asymmetry.py): on the real winks none (median) of
the shut eye is seen, where the mesh reads it two thirds closed, and all of the
open eye. The share alone does not grade a partly closed lid: a band the lid
covers only in its middle, or by a row or two, still matches, so on simulated
lids 80 % closed a third to two thirds of the bands are still seen. Nor does the mesh: it
draws a closing lid where an open eye's would be, so it reads a shut eye about
half closed. Each reads a partly closed lid too open; the analysis takes the
mesh's lid gap times the share seen (`Analyzer._eyes`), which reads the real
shut eyes fully closed and the simulated one-sided closures, partial ones
included, within 0.1 of their symmetry on average.

Why a partly closed lid still leaves most bands matching (simulated lids, the
rows printed and looked at): a band reaches two rows past its own middle (its
three rows, and a row of search either way), and a lid's edge is an arc, dark
in the middle and lighter towards the corners, the same dark-middle pattern as
the iris between the whites of the eye. So the rows at and above the edge
still match, and a lid 30-60 % closed leaves 0.8-1.0 of the bands seen, which
the allowance for an eye's own look changing (`analyzer.ALL_SEEN`) took for an
open eye. A lid covers from the top, though: the bands missed from the top
band down to the first one seen are its own and count in full
(`Seen.uncovered`); bands missed below a band still seen (a glance, the lower
lid, blur) keep the allowance. Measured (benchmarks/real_asymmetry.py, five
session starts): simulated one-sided closures 0.118 -> 0.079 mean symmetry
error; the real winks, sleepy eyes and a webcam clip read about as before.

Read alone, the share gave the simulated one-sided closures worse than the
mesh, and as the more closed of the two it read the simulated demo's 0.8 : 1
closure as 0.56 where the face moved 0.84. Reading an eye shut (opening 0) once
the mesh reads it at most 0.6 of its relaxed opening and at most a quarter of
it is seen read the same closure 0.53 (a false over-activity cue): the eye
beside it kept the mesh's under-reading.

Two graded readings of the lid's place were measured and set aside: which
lid position best explains the eye's pixels (the relaxed eye with its upper
lid moved down), and, per column, where a local-correlation map of the eye
switches from covered to still seen. The first read real shut eyes only
0.6 closed (their creases and lashes look nothing like a lid slid down); the
second graded simulated lids to 0.06 but read three of the seven real open
eyes as shut (dark, low-contrast eyes at 320 x 243), or, with a looser
threshold, the simulated lids as all-or-nothing.

The bands are read in the face patch image following warps each frame to
(`motion.Look`), so no frame is warped twice. Only the relaxed bands are kept,
in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from ..sides import SIDES, Side
from .motion import Look, ReferenceMotion
from .regions import IRIS_CENTRE, REGIONS

#: Eye contour per side (mesh indices), each lid from the outer to the inner corner.
UPPER: dict[Side, tuple[int, ...]] = {"right": (33, 246, 161, 160, 159, 158, 157, 173, 133),
                                      "left": (263, 466, 388, 387, 386, 385, 384, 398, 362)}
LOWER: dict[Side, tuple[int, ...]] = {"right": (33, 7, 163, 144, 145, 153, 154, 155, 133),
                                      "left": (263, 249, 390, 373, 374, 380, 381, 382, 362)}
#: Eye corners: where the eye is now.
CORNERS: dict[Side, tuple[int, int]] = {"right": (33, 133), "left": (263, 362)}
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
#: Margin of an eye's window around its contour, in inter-iris distances.
MARGIN_IID = 0.12
#: The iris shift is tried only while the mesh sees at least this share of the
#: relaxed lid gap (the mesh's iris under a shut lid is a guess).
GAZE_OPEN = 0.5


_PAIRS: dict[Side, np.ndarray] = {side: np.asarray(REGIONS["eyelid_pairs"][side]) for side in SIDES}
#: The points a reading of an eye needs (`EyeRows._seen`): its two corners, its iris
#: centre, then its measured lid pairs' upper and lower points.
_READ: dict[Side, np.ndarray] = {side: np.array([*CORNERS[side], IRIS_CENTRE[side], *_PAIRS[side][:, 0],
                                                 *_PAIRS[side][:, 1]]) for side in SIDES}
_READ_BOTH = np.concatenate([_READ[side] for side in SIDES])


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


class Seen(NamedTuple):
    """How much of one relaxed eye a frame still shows (each 0..1).

    A lid comes down from the top, so the bands missed from the top band down to
    the first one still seen are what it covers (`uncovered` is the share below
    them); bands missed further down, below bands still seen, are the eye's own
    look changing (a glance, the lower lid, light, blur), not the lid. Both
    shares count beyond the band a shut lid leaves seen at the lower lid.
    """

    share: float        # of all the bands, those still seen
    uncovered: float    # of all the bands, those below the first still seen from the top


@dataclass(frozen=True)
class _Eye:
    middle: tuple[float, float]   # relaxed eye corners' midpoint, face patch pixels
    gaze: float             # relaxed iris centre's x from that midpoint, face patch pixels
    gap: float              # the mesh's relaxed lid gap (pixels of the relaxed frame)
    starts: np.ndarray      # (n, 1, BAND) where each band row's first column is in the flattened face patch
    reach: tuple[int, int, int, int]   # shifts (x from, x to, y from, y to) that stay in the patch
    last_start: int         # the largest of `starts`
    weights: np.ndarray     # (n, w, 2) per column: in the band (1, else 0), place from its middle (0 outside)
    templates: np.ndarray   # (n, 1, BAND, w) relaxed bands, detrended, unit length, 0 outside
    count: np.ndarray       # (n, 1, 1) each band's width in columns
    xx: np.ndarray          # (n, 1, 1) each band's sum of its columns' squared places from its middle


class EyeRows:
    """The relaxed eyes, ready to say how much of each is still seen.

    They are read in the face patch `motion` warps each frame to (see
    `ReferenceMotion.look`), at its scale; `landmarks_px` are the relaxed
    frame's (478, 3) mesh landmarks in pixels.
    """

    def __init__(self, motion: ReferenceMotion, landmarks_px: np.ndarray):
        px = np.asarray(landmarks_px, dtype=np.float64)[:, :2]
        iid = float(np.hypot(*(px[IRIS_CENTRE["left"]] - px[IRIS_CENTRE["right"]])))
        self.scale, self.offset = motion.scale, motion.offset
        self._offset = (float(self.offset[0]), float(self.offset[1]))
        face = motion.patch
        self.eyes: dict[Side, _Eye | None] = {}
        for side in SIDES:
            contour = self._to_patch(px[list(UPPER[side]) + list(LOWER[side])])
            lo = np.floor(contour.min(axis=0) - MARGIN_IID * iid * self.scale).astype(int)
            hi = np.ceil(contour.max(axis=0) + MARGIN_IID * iid * self.scale).astype(int)
            lo, hi = np.maximum(lo, 0), np.minimum(hi, [face.shape[1] - 1, face.shape[0] - 1])
            window = face[lo[1]:hi[1] + 1, lo[0]:hi[0] + 1]
            fissure = np.zeros(window.shape, np.uint8)
            ring = np.vstack([self._to_patch(px[list(UPPER[side])]), self._to_patch(px[list(LOWER[side])])[::-1]])
            cv2.fillPoly(fissure, [np.round(ring - lo).astype(np.int32)], 1)
            self.eyes[side] = self._eye(window, fissure, lo, face.shape, self._to_patch(px[list(CORNERS[side])]),
                                        self._to_patch(px[IRIS_CENTRE[side]]), _gap(px, side))
        # What `_seen` multiplies each eye's runs of pixels by, alone and with both eyes read
        # in one go (their bands stacked, the narrower eye's padded to the wider's width
        # with columns that weigh nothing), and each band's eye.
        both = [eye for eye in self.eyes.values() if eye is not None]
        self._alone = {side: _products(eye, eye.templates.shape[-1]) for side, eye in self.eyes.items()
                       if eye is not None}
        self._both = None if len(both) < 2 else (
            *(np.concatenate(a) for a in zip(*(_products(eye, max(e.templates.shape[-1] for e in both))
                                               for eye in both))),
            np.repeat(np.arange(len(both)), [len(eye.starts) for eye in both]))

    def _to_patch(self, p: np.ndarray) -> np.ndarray:
        return (p - self.offset) * self.scale

    @staticmethod
    def _eye(patch: np.ndarray, fissure: np.ndarray, origin: np.ndarray, face: tuple[int, int],
             corners: np.ndarray, iris: np.ndarray, gap: float) -> _Eye | None:
        """The bands of one relaxed eye (None: the eye is too small to have any).

        `patch` is the eye's window of the relaxed face patch, at `origin` in it;
        `face` is the face patch's (height, width).
        """
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
        rows, cols_at = rows + origin[1], cols_at + origin[0]
        reach = (-int(cols_at.min()), face[1] - 1 - int(cols_at.max()),
                 -int(rows.min()), face[0] - 1 - int(rows.max()))
        middle = corners.mean(axis=0)
        f32 = np.float32
        starts = (rows * face[1] + cols_at)[:, :, 0]
        return _Eye((float(middle[0]), float(middle[1])), float(iris[0] - middle[0]), gap,
                    starts[:, None].astype(np.intp), reach, int(starts.max()),
                    np.stack([mask[:, 0], xc[:, 0]], axis=2).astype(f32), templates[:, None].astype(f32),
                    mask.sum(axis=2)[:, None].astype(f32), (xc * xc).sum(axis=2)[:, None].astype(f32))

    def visible(self, look: Look, landmarks_px: np.ndarray, sides: tuple[Side, ...] = SIDES) -> dict[Side, Seen | None]:
        """How much of each relaxed fissure's bands is still seen in the frame `look` was
        made of (see `ReferenceMotion.look`), for `sides`; `landmarks_px` are that frame's.
        None for a side with no usable band.
        """
        row = look.patch.shape[1]
        read = [side for side in SIDES if side in sides and self.eyes[side] is not None]   # as `_both`
        out: dict[Side, Seen | None] = {side: None for side in sides}
        if read:
            # Only the eyes' own few points are read (both eyes' in one gather), as plain floats.
            points = np.asarray(landmarks_px)[_READ_BOTH if len(read) > 1 else _READ[read[0]], :2].tolist()
            each = len(_READ[read[0]])
            m = look.to_relaxed.tolist()
            shifts = [self._shifts(row, m, points[i * each:(i + 1) * each], self.eyes[side])
                      for i, side in enumerate(read)]
            out.update(zip(read, self._seen(look.patch.ravel(), read, shifts)))
        return out

    def _shifts(self, row: int, m: list[list[float]], points: list[list[float]], eye: _Eye) -> list[int]:
        """Where to look for `eye`'s bands, as shifts in the flattened face patch (`row`
        pixels a row); `points` are its `_READ` points in the frame, `m` the similarity
        (2x3) taking them into the relaxed frame."""
        (a, b, c), (d, e, f) = m
        (ax, ay), (bx, by), (ix, iy) = points[:3]
        x, y = (ax + bx) / 2.0, (ay + by) / 2.0
        mx, my = a * x + b * y + c, d * x + e * y + f      # the corners' midpoint, mapped
        (ox, oy), sc = self._offset, self.scale
        dx = round((mx - ox) * sc - eye.middle[0])
        dy = round((my - oy) * sc - eye.middle[1])
        x0, x1, y0, y1 = eye.reach
        xs = {min(max(x, x0), x1) for x in range(dx - SEARCH_X, dx + SEARCH_X + 1)}
        # The mesh's lid gap now, as `_gap` reads it (mapped: the mean of each pair's
        # lower-minus-upper, through the similarity's second row).
        pairs = (len(points) - 3) // 2
        upper, lower = points[3:3 + pairs], points[3 + pairs:]
        gap = (d * sum([lo[0] - up[0] for up, lo in zip(upper, lower)])
               + e * sum([lo[1] - up[1] for up, lo in zip(upper, lower)])) / pairs
        if gap >= GAZE_OPEN * eye.gap:
            gx = dx + round((a * ix + b * iy + c - mx) * sc - eye.gaze)
            xs.update(min(max(x, x0), x1) for x in range(gx - SEARCH_X, gx + SEARCH_X + 1))
        ys = {min(max(y, y0), y1) for y in range(dy - SEARCH_Y, dy + SEARCH_Y + 1)}
        return [y * row + x for y in ys for x in xs]      # any order: the best is kept

    def _seen(self, flat: np.ndarray, sides: list[Side], shifts: list[list[int]]) -> list[Seen]:
        """How much of each eye of `sides` is seen at its `shifts` in the flattened face patch.

        Both eyes are read in one go (the same steps on one array of all their bands:
        each numpy step's own overhead is most of this step's time here).
        """
        k = max(len(s) for s in shifts)
        # Every eye is tried at as many places: a shorter list repeats its last (the best is kept).
        at = np.array([s + s[-1:] * (k - len(s)) for s in shifts], np.intp)
        if len(sides) == 1:
            starts, template, weights, squares, norm = self._alone[sides[0]]
            at = at[0]
        else:
            starts, template, weights, squares, norm, owner = self._both
            at = at[owner]
        # (bands, shifts, BAND rows x width): w pixels from each band row's start, taken row
        # by row from a view of the patch that has the w pixels from every place as one row
        # (a gather of whole rows, half the time of one pixel by pixel here); the columns
        # past a band's own weigh nothing below.
        n, w = len(starts), weights.shape[1]
        if max(self.eyes[side].last_start for side in sides) + max(max(s) for s in shifts) + w > flat.size:
            flat = np.concatenate([flat, np.zeros(w, flat.dtype)])     # a run would pass the patch's end
        runs = np.ndarray((flat.size - w + 1, w), flat.dtype, flat, 0, (flat.strides[0], flat.strides[0]))
        block = runs[starts + at[..., None]].astype(np.float32).reshape(n, k, BAND * w)
        block -= 128.0      # (exact) the products below then add up smaller numbers: see below
        # The templates are detrended (each row's mean and ramp removed), of unit length
        # and 0 past each band, so their product with the block equals that with the
        # detrended band, whatever is taken off every pixel. The detrended block's length
        # comes from three sums per row over the band's columns (of its pixels, of their
        # places from the middle, of their squares), each a matrix product: sums of whole
        # and half values, exact in float32. What is left of the squares' sum once the two
        # others' squares are taken away is a small difference of large numbers: worked
        # out in float64. Measured against correlations worked out wholly in float64 (eye
        # closure clip and a webcam clip, 360 eye reads): largest error 3.5e-5, where
        # these sums in float32 on the pixels as they are gave 9.2e-5.
        rows = (block.reshape(n, k * BAND, w) @ weights).reshape(n, k, 2 * BAND).astype(np.float64)
        energy = (block * block) @ squares - (rows * rows) @ norm
        # A band is seen where its correlation at some place reaches MATCH (without the division).
        seen = np.logical_or.reduce((block @ template >= MATCH * np.sqrt(np.maximum(energy, 1e-12)))[..., 0],
                                    axis=1).tolist()    # a dozen bands: plain Python is quicker from here
        # A shut lid rests on the lower lid's margin, so one band there stays seen with
        # the eye shut (measured: 0-2 of 9-11 on real and simulated shut eyes): both shares
        # count the bands beyond that one.
        out, first = [], 0
        for side in sides:
            n = len(self.eyes[side].starts)
            out.append(_share(seen[first:first + n]))
            first += n
        return out


def _products(eye: _Eye, w: int) -> tuple[np.ndarray, ...]:
    """What `EyeRows._seen` multiplies `eye`'s runs of `w` pixels (BAND rows a band, one
    after the other) by: the band starts; per band its template, each row's column weights
    (in the band: 1, and the place from its middle; 0 past it), those of all its rows for
    the sum of squares, and how each row's two sums' squares count against that (one over
    the band's width, one over its sum of squared places)."""
    pad = w - eye.templates.shape[-1]
    weights = np.pad(eye.weights, [(0, 0), (0, pad), (0, 0)])
    template = np.pad(eye.templates, [(0, 0), (0, 0), (0, 0), (0, pad)]).reshape(len(weights), BAND * w, 1)
    squares = np.tile(weights[:, :, :1], (1, BAND, 1))
    norm = np.tile(np.concatenate([1.0 / eye.count, 1.0 / eye.xx], axis=2).astype(np.float64), (1, BAND, 1))
    return eye.starts, template, weights, squares, norm.reshape(len(weights), 2 * BAND, 1)


def _share(seen: list[bool]) -> Seen:
    """An eye's `Seen` from whether each of its bands (top first) is still seen."""
    n = len(seen)
    if n == 1:
        return Seen(float(seen[0]), float(seen[0]))   # a slit of an eye: its one band is all there is
    if True not in seen:
        return Seen(0.0, 0.0)
    # The bands missed from the top down to the first one seen are the lid's.
    return Seen((seen.count(True) - 1) / (n - 1), (n - 1 - seen.index(True)) / (n - 1))
