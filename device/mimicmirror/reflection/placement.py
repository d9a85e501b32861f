"""Where the movement bars stand: beside the face's reflection, level with the part that moves.

Pure functions on screen pixels: a bar's column (the bar with its labels)
goes just outside the face's reflection on its own side (the person's left
on the viewer's left), with the bar's target band level with the feature.
When the face is too near an edge for that, the column takes the nearest
place on its side that keeps clear of the reflection: above or below it.

`Follower` keeps the placement still while the face is still, and lets it
glide after the face when the face really moves (more than a few
millimetres), so the bars never jitter with the landmarks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..sides import Side
from .geometry import Reflection

#: The bars keep this far (on the glass) from the face's reflection: the placement's spread.
BAR_GAP_MM = 10.0

Rect = tuple[float, float, float, float]     # left, top, width, height (pixels)
Box = tuple[float, float, float, float]      # left, top, right, bottom (pixels)


@dataclass(frozen=True)
class Placement:
    """What the display needs to put the bars beside the reflection, as plain numbers.

    `levels` are the heights (pixels) of the left and the right side's part
    (the person's own sides), where each side's target band is drawn;
    `face_box` is the reflection's extent, to keep clear of; `mm_per_px`
    lets the layout keep gaps in millimetres on the glass.
    """

    feature: str
    levels: tuple[float, float]
    face_box: Box
    mm_per_px: float = 0.25

    def level(self, side: Side) -> float:
        return self.levels[0] if side == "left" else self.levels[1]

    @classmethod
    def of(cls, reflection: Reflection, feature: str) -> "Placement":
        levels = (reflection.feature(feature, "left")[1], reflection.feature(feature, "right")[1])
        return cls(feature, levels, reflection.face_box, reflection.mm_per_px)


def overlaps(rect: Rect, box: Box) -> bool:
    """Whether a rectangle (left, top, width, height) and a box (left, top, right, bottom) share area."""
    x, y, w, h = rect
    return x < box[2] and x + w > box[0] and y < box[3] and y + h > box[1]


def place_column(placement: Placement, side: Side, size: tuple[float, float], level_at: float,
                 screen: tuple[int, int], gap: float, margin: tuple[float, float]) -> Rect:
    """A bar column's rectangle: outside the reflection on `side`, `level_at` (pixels from its top) level.

    The ideal place touches the reflection's edge (with `gap`) at the feature's
    height. Columns never leave the screen (less `margin`); if the ideal place
    does not fit, the nearest place on the same side that keeps clear of the
    reflection is taken (pressed against the screen's edge, above or below the
    face); only a screen with no such place gets an overlap.
    """
    w, h = size
    left, top, right, bottom = placement.face_box
    mx, my = margin
    ideal_x = left - gap - w if side == "left" else right + gap
    ideal_y = placement.level(side) - level_at
    x = _clamp(ideal_x, mx, screen[0] - mx - w)
    y = _clamp(ideal_y, my, screen[1] - my - h)
    if not overlaps((x, y, w, h), placement.face_box):
        return (x, y, w, h)
    candidates = []
    # above or below the face the gap is doubled: the chin and the hairline are the least sure edges
    for cy in (top - 2 * gap - h, bottom + 2 * gap):
        cy = _clamp(cy, my, screen[1] - my - h)
        if not overlaps((x, cy, w, h), placement.face_box):
            candidates.append((abs(cy - ideal_y), cy))
    if candidates:
        return (x, min(candidates)[1], w, h)
    return (x, y, w, h)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high)) if high >= low else low


@dataclass
class Follower:
    """The placement the bars use: still while the face is still, gliding after it when it moves.

    The measured placement is low-pass filtered (time constant `smooth_s`, on
    the frames' own time). The shown placement starts to follow once the
    filtered one is more than `deadband_mm` away and follows until it is
    within a tenth of that, then stays put again.
    """

    deadband_mm: float = 4.0
    smooth_s: float = 0.5
    _filtered: Placement | None = None
    _shown: Placement | None = None
    _t: float | None = None
    _moving: bool = False

    def update(self, measured: Placement, t: float) -> Placement:
        """Take one frame's placement at time t; return the one to show."""
        if self._filtered is None or self._filtered.feature != measured.feature or self._t is None:
            self._filtered, self._shown, self._t, self._moving = measured, measured, t, False
            return measured
        dt = max(0.0, t - self._t)
        self._t = t
        a = 1.0 - math.exp(-dt / self.smooth_s) if self.smooth_s > 0 else 1.0
        self._filtered = _blend(self._filtered, measured, a)
        assert self._shown is not None
        mm_per_px = measured.mm_per_px
        apart_mm = _distance(self._shown, self._filtered) * mm_per_px
        if apart_mm > self.deadband_mm:
            self._moving = True
        if self._moving:
            self._shown = self._filtered
            if _distance(self._filtered, measured) * mm_per_px < self.deadband_mm / 10:
                self._moving = False
        return self._shown

    def reset(self) -> None:
        self._filtered = self._shown = self._t = None
        self._moving = False

    @property
    def shown(self) -> Placement | None:
        return self._shown


def _blend(old: Placement, new: Placement, a: float) -> Placement:
    levels = tuple(o + a * (n - o) for o, n in zip(old.levels, new.levels))
    box = tuple(o + a * (n - o) for o, n in zip(old.face_box, new.face_box))
    return replace(new, levels=levels, face_box=box)  # type: ignore[arg-type]


def _distance(a: Placement, b: Placement) -> float:
    """The largest pixel change between two placements (levels and the box's edges)."""
    return max(abs(x - y) for x, y in zip(a.levels + a.face_box, b.levels + b.face_box))
