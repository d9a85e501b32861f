"""Drawing primitives of the mirror: movement bars, the hold ring, dots, small charts.

Each function draws one thing into a rectangle it is given; where things go
is decided by the layout. Colours come from the theme.
"""

from __future__ import annotations

import math
from typing import Sequence

import pygame

from ..screen import SideBar
from .theme import RGB, Theme


def side_bar(surface: pygame.Surface, rect: pygame.Rect, bar: SideBar, theme: Theme) -> None:
    """A vertical bar filling from the bottom; 1.0 (the target movement) sits at mid-height.

    The target zone is a lit band with edges that reach past the bar, so it
    reads as "get the fill in here" from across the room. Below the zone the
    fill is blue (keep going), inside it green, above it amber (smaller
    movements: the strong side overdoing it is what hurts recovery).
    """
    full = theme.bar_full_scale

    def y_of(value: float) -> int:
        value = min(max(value, 0.0), full)
        return round(rect.bottom - value / full * rect.height)

    zone = pygame.Rect(rect.x, y_of(bar.target_high), rect.width, y_of(bar.target_low) - y_of(bar.target_high))
    pygame.draw.rect(surface, theme.zone, zone)
    top = y_of(bar.value)
    if bar.value > bar.target_high:
        colour = theme.caution
    elif bar.value >= bar.target_low:
        colour = theme.good
    else:
        colour = theme.moving
    inset = max(2, rect.width // 8)
    fill = pygame.Rect(rect.x + inset, top, rect.width - 2 * inset, rect.bottom - top)
    if fill.height > 0:
        pygame.draw.rect(surface, colour, fill)
    pygame.draw.rect(surface, theme.faint, rect, width=max(2, rect.width // 20))
    reach = max(4, rect.width // 4)
    thick = max(3, rect.width // 14)
    for y in (zone.top, zone.bottom):
        pygame.draw.line(surface, theme.zone_edge, (rect.x - reach, y), (rect.right + reach, y), thick)


def ring(surface: pygame.Surface, centre: tuple[int, int], radius: int, thickness: int,
         fraction: float, colour: RGB, track: RGB) -> None:
    """A ring that empties clockwise from twelve o'clock as `fraction` falls from 1 to 0."""
    pygame.draw.circle(surface, track, centre, radius, width=thickness)
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction <= 0:
        return
    steps = max(8, int(96 * fraction))
    cx, cy = centre
    outer, inner = [], []
    for k in range(steps + 1):
        angle = -math.pi / 2 + 2 * math.pi * fraction * k / steps
        c, s = math.cos(angle), math.sin(angle)
        outer.append((cx + radius * c, cy + radius * s))
        inner.append((cx + (radius - thickness) * c, cy + (radius - thickness) * s))
    pygame.draw.polygon(surface, colour, outer + inner[::-1])


def progress_dots(surface: pygame.Surface, rect: pygame.Rect, current: int, total: int,
                  radius: int, theme: Theme) -> None:
    """Exercise `current` of `total` as a row of dots: done, this one (larger), still to come."""
    if total <= 0:
        return
    spacing = min(radius * 3.4, (rect.width - 2 * radius) / max(total - 1, 1))
    radius = max(2, min(radius, int(spacing / 2.6)))
    width = spacing * (total - 1)
    x0 = rect.centerx - width / 2
    cy = rect.centery
    for k in range(1, total + 1):
        centre = (round(x0 + (k - 1) * spacing), cy)
        if k < current:
            pygame.draw.circle(surface, theme.dim, centre, radius)
        elif k == current:
            pygame.draw.circle(surface, theme.text, centre, round(radius * 1.35))
        else:
            pygame.draw.circle(surface, theme.dim, centre, radius, width=max(1, radius // 3))


def symmetry_bar(surface: pygame.Surface, rect: pygame.Rect, today: float | None,
                 week: float | None, month: float | None, theme: Theme) -> None:
    """Today's symmetry (0..1) as a fill; the 7-day mean as a bright tick, the 28-day mean as a dim one."""
    pygame.draw.rect(surface, theme.faint, rect, border_radius=rect.height // 3)
    if today is not None:
        fill = rect.copy()
        fill.width = max(rect.height // 2, round(rect.width * min(max(today, 0.0), 1.0)))
        pygame.draw.rect(surface, theme.good, fill, border_radius=rect.height // 3)
    reach = max(3, rect.height // 3)
    thick = max(2, rect.height // 5)
    for value, colour in ((month, theme.dim), (week, theme.text)):
        if value is not None:
            x = rect.x + round(rect.width * min(max(value, 0.0), 1.0))
            pygame.draw.line(surface, colour, (x, rect.top - reach), (x, rect.bottom + reach), thick)


def sparkline(surface: pygame.Surface, rect: pygame.Rect, values: Sequence[float], theme: Theme,
              min_span: float = 0.3) -> None:
    """Daily symmetry, oldest left, the newest day a dot. The scale spans the values but never
    less than `min_span`, so day-to-day noise does not look like a climb."""
    if not values:
        return
    pygame.draw.line(surface, theme.faint, rect.bottomleft, rect.bottomright, max(1, rect.height // 16))
    low, high = min(values), max(values)
    middle, span = (low + high) / 2, max(high - low, min_span)
    low = min(max(middle - span / 2, 0.0), 1.0 - span)

    def point(k: int, v: float) -> tuple[float, float]:
        x = rect.x + (rect.width * k / (len(values) - 1) if len(values) > 1 else rect.width)
        return x, rect.bottom - rect.height * (v - low) / span

    points = [point(k, v) for k, v in enumerate(values)]
    if len(points) > 1:
        pygame.draw.lines(surface, theme.cue, False, points, max(2, rect.height // 14))
    last = points[-1]
    pygame.draw.circle(surface, theme.text, (round(last[0]), round(last[1])), max(3, rect.height // 9))


def camera_inset(surface: pygame.Surface, rgb, width: int, margin: int, theme: Theme) -> None:
    """Debug only: the camera picture, mirrored like the reflection, small in the top-right corner."""
    import numpy as np

    frame = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)[:, ::-1, :3].swapaxes(0, 1))
    picture = pygame.surfarray.make_surface(frame)
    height = round(width * picture.get_height() / picture.get_width())
    picture = pygame.transform.smoothscale(picture, (width, height))
    at = (surface.get_width() - width - margin, margin)
    surface.blit(picture, at)
    pygame.draw.rect(surface, theme.dim, pygame.Rect(at, (width, height)), width=2)
