"""Per-side facial measures in the face frame, and movement against neutral.

One function per measure, each with the clinical definition it follows
(Emotrics' where one exists). Inputs are face-frame points (see `pose`):
x > 0 is the patient's left, y grows downwards, unit = inter-iris distance.
Heights are positive upwards from the iris line. Signs are chosen so that the
named action makes the value grow, except where the action is a closing
(eye closure, frown, pucker make their measures shrink).
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

import numpy as np

from ..clinical import symmetry
from ..sides import SIDES, Side
from .regions import LOWER_LIP_BOTTOM, LOWER_LIP_INNER, REGIONS, UPPER_LIP_INNER
from .types import Measures, Movement, SidePair

Points = np.ndarray


# Every region mean (and every lid or lip pair gap, a mean of differences) is one
# row of a small weight matrix over the points the regions use: one gather and one
# matrix product a frame instead of about twenty small numpy means (these run for
# every frame; on a Pi each numpy call's own Python layer costs more than its sum).
_KEYS: tuple[tuple[str, Side], ...] = tuple((region, side) for region in REGIONS for side in SIDES)
_ROW = {key: row for row, key in enumerate(_KEYS)}
_USED = np.array(sorted({int(i) for r, s in _KEYS for i in np.ravel(REGIONS[r][s])}), dtype=np.int64)


def _weights() -> np.ndarray:
    col = {int(i): c for c, i in enumerate(_USED)}
    w = np.zeros((len(_KEYS), len(_USED)))
    for row, (region, side) in enumerate(_KEYS):
        idx = np.asarray(REGIONS[region][side])
        if idx.ndim == 2:   # (upper, lower) pairs: the mean lower-minus-upper gap
            for upper, lower in idx:
                w[row, col[int(lower)]] += 1.0 / len(idx)
                w[row, col[int(upper)]] -= 1.0 / len(idx)
        else:
            for i in idx:
                w[row, col[int(i)]] += 1.0 / len(idx)
    return w


_WEIGHTS = _weights()
#: Single points the measures read besides the regions (midline lip points, mouth corners).
_SINGLE = (LOWER_LIP_BOTTOM, UPPER_LIP_INNER, LOWER_LIP_INNER, REGIONS["mouth_corner"]["left"][0],
           REGIONS["mouth_corner"]["right"][0])
_SINGLE_AT = np.array(_SINGLE)


class _Regions:
    """A frame's points with every region's mean (x, y) worked out at once, and the
    single points the measures read, as plain floats (one gather each, not one numpy
    step per number: this runs for every frame)."""

    __slots__ = ("pts", "_means", "_single")

    def __init__(self, pts: Points):
        self.pts = pts
        self._means = (_WEIGHTS @ pts[_USED, :2]).tolist()
        self._single = dict(zip(_SINGLE, pts[_SINGLE_AT, :2].tolist()))

    def mean(self, region: str, side: Side) -> list[float]:
        return self._means[_ROW[region, side]]

    def point(self, index: int) -> list[float]:
        """(x, y) of one of the `_SINGLE` points."""
        return self._single[index]


#: A region's mean (x, y): `_Regions.mean` itself (one call fewer for each of about twenty a frame).
_mean = _Regions.mean


def _pair_gap(r: _Regions, region: str, side: Side) -> float:
    return r.mean(region, side)[1]


def brow_height(pts: _Regions, side: Side) -> float:
    """Upper brow margin above the iris line (Emotrics' brow height)."""
    return float(-_mean(pts, "brow_upper", side)[1])


def inner_brow(pts: _Regions, side: Side) -> float:
    """Medial brow end's distance from the midline; a frown brings it in."""
    return float(abs(_mean(pts, "brow_inner", side)[0]))


def eye_opening(pts: _Regions, side: Side) -> float:
    """Palpebral fissure height: upper to lower lid margin, mean of three pairs."""
    return _pair_gap(pts, "eyelid_pairs", side)


def mouth_corner_height(pts: _Regions, side: Side) -> float:
    """Oral commissure height relative to the iris line (negative: below it)."""
    return float(-_mean(pts, "mouth_corner", side)[1])


def mouth_corner_excursion(pts: _Regions, side: Side) -> float:
    """Commissure to the midline point at lower-lip level (Emotrics' commissure excursion).

    The midline comes from the eyes, not the lips, because the palsy pulls the
    lips towards the strong side.
    """
    corner = _mean(pts, "mouth_corner", side)
    return float(math.hypot(corner[0], corner[1] - pts.point(LOWER_LIP_BOTTOM)[1]))


def smile_angle(pts: _Regions, side: Side) -> float:
    """Degrees the commissure sits above the horizontal through the lip centre."""
    corner = _mean(pts, "mouth_corner", side)
    centre_y = (pts.point(UPPER_LIP_INNER)[1] + pts.point(LOWER_LIP_INNER)[1]) / 2.0
    return math.degrees(math.atan2(centre_y - corner[1], abs(corner[0])))


def nose_ala(pts: _Regions, side: Side) -> float:
    """Ala's distance from the midline: flaring the nostril widens it."""
    return float(abs(_mean(pts, "nose_ala", side)[0]))


def ala_height(pts: _Regions, side: Side) -> float:
    """Ala height relative to the iris line: wrinkling the nose lifts it."""
    return float(-_mean(pts, "nose_ala", side)[1])


def cheek(pts: _Regions, side: Side) -> float:
    """Cheek contour at mouth level to the midline: puffing pushes it out."""
    return float(abs(_mean(pts, "cheek_contour", side)[0]))


def lip_gap(pts: _Regions, side: Side) -> float:
    """Interlabial gap on this half of the mouth (inner lip margins)."""
    return _pair_gap(pts, "lip_pairs", side)


def mouth_width(pts: _Regions) -> float:
    """Commissure to commissure."""
    c = REGIONS["mouth_corner"]
    (lx, ly), (rx, ry) = pts.point(c["left"][0]), pts.point(c["right"][0])
    return float(np.hypot(lx - rx, ly - ry))


def mouth_opening(pts: _Regions) -> float:
    """Inner lips apart at the midline."""
    return pts.point(LOWER_LIP_INNER)[1] - pts.point(UPPER_LIP_INNER)[1]


PER_SIDE: Mapping[str, Callable[[_Regions, Side], float]] = {
    f.__name__: f for f in (brow_height, inner_brow, eye_opening, mouth_corner_height,
                            mouth_corner_excursion, smile_angle, nose_ala, ala_height,
                            cheek, lip_gap)
}
WHOLE_FACE: Mapping[str, Callable[[_Regions], float]] = {
    f.__name__: f for f in (mouth_width, mouth_opening)
}
MEASURE_NAMES: tuple[str, ...] = (*PER_SIDE, *WHOLE_FACE)

#: Unit of each measure: IID lengths, except the smile angle in degrees.
UNITS: Mapping[str, str] = {name: ("deg" if name == "smile_angle" else "iid") for name in MEASURE_NAMES}

#: Movement smaller than this on both sides is noise (landmark jitter on a still face).
NOISE_FLOOR: Mapping[str, float] = {name: (1.0 if UNITS[name] == "deg" else 0.01) for name in MEASURE_NAMES}


def measure_values(pts: Points) -> dict[str, tuple[float, float]]:
    """Every measure as (left, right) plain floats, as `measure_all` gives them but without
    its `SidePair`s, for a caller that makes its own from them (the analysis, every frame)."""
    regions = _Regions(pts)
    out = {name: (f(regions, "left"), f(regions, "right")) for name, f in PER_SIDE.items()}
    for name, f in WHOLE_FACE.items():
        value = f(regions)
        out[name] = (value, value)
    return out


def measure_all(pts: Points) -> dict[str, SidePair]:
    regions = _Regions(pts)
    out = {name: SidePair(f(regions, "left"), f(regions, "right")) for name, f in PER_SIDE.items()}
    for name, f in WHOLE_FACE.items():
        value = f(regions)
        out[name] = SidePair(value, value)
    return out


def movement(measures: Measures, neutral: Measures,
             noise_floor: Mapping[str, float] = NOISE_FLOOR) -> dict[str, Movement]:
    """Each measure's change from the person's own relaxed face, per side."""
    out: dict[str, Movement] = {}
    for name, now in measures.items():
        if name not in neutral:
            continue
        left, right = now.left - neutral[name].left, now.right - neutral[name].right
        sym, weaker = symmetry(left, right, noise_floor.get(name, 0.01))
        if name in WHOLE_FACE:
            sym, weaker = None, None
        out[name] = Movement(left, right, sym, weaker)
    return out


__all__ = ["MEASURE_NAMES", "NOISE_FLOOR", "SIDES", "UNITS", "measure_all", "measure_values", "movement",
           "symmetry"]
