"""Small inline SVG charts over calendar days, for a report that needs no network or files.

Drawn by hand rather than with a plotting library so the report is tiny,
fast on a Pi, identical on every machine, and scales cleanly on screen and
paper (a viewBox, no fixed pixels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Callable, Mapping, Sequence

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
GRID = "#d8dde3"
INK = "#4a5561"


@dataclass(frozen=True)
class Frame:
    """A plot area: days along x, values along y, inside a fixed viewBox."""

    first: date
    last: date
    lo: float
    hi: float
    width: float = 640
    height: float = 220
    left: float = 46
    right: float = 14
    top: float = 12
    bottom: float = 26

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def day_width(self) -> float:
        return (self.width - self.left - self.right) / self.days

    def x(self, day: date) -> float:
        """Centre of the day's slot."""
        return self.left + ((day - self.first).days + 0.5) * self.day_width()

    def y(self, value: float) -> float:
        span = (self.hi - self.lo) or 1.0
        clamped = min(max(value, self.lo), self.hi)
        return self.top + (self.hi - clamped) / span * (self.height - self.top - self.bottom)


@dataclass(frozen=True)
class Line:
    points: Sequence[tuple[date, float]]
    colour: str
    width: float = 2.5
    dots: bool = False          # daily values as dots instead of a line


def _date_label(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def _x_ticks(frame: Frame) -> list[date]:
    """About six labelled days: weekly for short spans, every few weeks for long ones."""
    step = max(1, -(-frame.days // 6))
    step = 7 * -(-step // 7) if step > 3 else step
    return [frame.first + timedelta(days=d) for d in range(0, frame.days, step)]


def _axes(frame: Frame, y_ticks: Sequence[float], y_label: Callable[[float], str]) -> list[str]:
    out = []
    for v in y_ticks:
        y = frame.y(v)
        out.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(y_label(v))}</text>')
    base = frame.height - frame.bottom
    for day in _x_ticks(frame):
        x = frame.x(day)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}" stroke="{INK}"/>')
        out.append(f'<text x="{x:.1f}" y="{base + 17}" text-anchor="middle">{_date_label(day)}</text>')
    out.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    return out


def _svg(frame: Frame, body: list[str], label: str) -> str:
    return (f'<svg viewBox="0 0 {frame.width} {frame.height}" role="img" aria-label="{escape(label)}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="11" fill="{INK}">' + "".join(body) + "</svg>")


def line_chart(frame: Frame, lines: Sequence[Line], y_ticks: Sequence[float],
               y_label: Callable[[float], str], label: str) -> str:
    body = _axes(frame, y_ticks, y_label)
    for line in lines:
        pts = [(frame.x(d), frame.y(v)) for d, v in sorted(line.points)]
        if line.dots:
            body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{line.colour}"/>' for x, y in pts]
        elif len(pts) == 1:
            body.append(f'<circle cx="{pts[0][0]:.1f}" cy="{pts[0][1]:.1f}" r="3" fill="{line.colour}"/>')
        elif pts:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            body.append(f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
                        f'stroke-width="{line.width}" stroke-linejoin="round" stroke-linecap="round"/>')
    return _svg(frame, body, label)


def stacked_bars(frame: Frame, stacks: Sequence[tuple[str, Mapping[date, float]]],
                 y_ticks: Sequence[float], y_label: Callable[[float], str], label: str) -> str:
    """One bar per day; each (colour, values-by-day) layer sits on the ones before it."""
    body = _axes(frame, y_ticks, y_label)
    width = max(frame.day_width() * 0.75, 1.0)
    height: dict[date, float] = {}
    for colour, values in stacks:
        for day, value in sorted(values.items()):
            if value <= 0:
                continue
            below = height.get(day, 0.0)
            top, bottom = frame.y(below + value), frame.y(below)
            body.append(f'<rect x="{frame.x(day) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                        f'height="{bottom - top:.1f}" fill="{colour}"/>')
            height[day] = below + value
    return _svg(frame, body, label)


def nice_ticks(hi: float, count: int = 4, whole: bool = False) -> list[float]:
    """0 and a few round steps up to at least `hi` (1, 2, 2.5, 5 times a power of ten).

    `whole` keeps steps to whole numbers, for counts.
    """
    if hi <= 0:
        return [0.0, 1.0]
    raw = hi / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    n = int(-(-hi // step))
    return [round(i * step, 10) for i in range(n + 1)]
