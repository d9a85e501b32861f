"""The blocks a screen is stacked from: each knows its height for a width, then draws there.

A band's words shrink together until they fit, so every block is asked its
height at a scale before anything is drawn; `Text` holds the text-fitting
rules (shrink first, then an ellipsis) shared by every screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import pygame

from . import widgets
from .text import TextCache
from .theme import RGB, Theme


class Block(Protocol):
    """What a screen's layout stacks: asked its height for a width (at each shrink step), then drawn."""

    def height(self, width: int) -> int: ...
    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None: ...


@dataclass
class Painter:
    """One frame's drawing context: the logical surface, the theme, the text cache and the unit."""

    surface: pygame.Surface
    theme: Theme
    text: TextCache

    @property
    def w(self) -> int:
        return self.surface.get_width()

    @property
    def h(self) -> int:
        return self.surface.get_height()

    @property
    def margin_x(self) -> int:
        return round(self.w * self.theme.margin_w)

    @property
    def margin_y(self) -> int:
        return round(self.h * self.theme.margin_h)

    def px(self, fraction: float, scale: float = 1.0) -> int:
        """A text size in pixels: a fraction of the unit, never below the readable minimum."""
        return max(self.theme.min_text_px, round(self.theme.unit(self.w, self.h) * fraction * scale))


# --- blocks: things that know their height for a width, then draw there -----------------

@dataclass
class Gap:
    size: int

    def height(self, width: int) -> int:
        return self.size

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        pass


@dataclass
class Text:
    """Wrapped text. With max_lines it first shrinks, then ends in an ellipsis, rather than grow.

    `side` keeps the text within that half of the line (a cue about one side
    of the face), aligned to that edge. `align` is "center", "left" or "right".
    It shrinks (down to `min_scale`) to get within `prefer_lines`, else within
    `max_lines`: a title on one line beats a bigger title on two.
    """

    painter: Painter
    text: str
    size: int
    colour: RGB
    max_lines: int | None = None
    side: str | None = None
    align: str = "center"
    prefer_lines: int | None = None
    min_scale: float = 0.7

    def _fit(self, width: int) -> tuple[int, list[str]]:
        """The size and lines for `width` (asked for each height and drawing: kept, see TextCache.kept)."""
        if self.side is not None:
            width = width // 2 - self.painter.margin_x // 2
        floor = min(self.size, max(self.painter.theme.min_text_px, round(self.size * self.min_scale)))
        least = self.painter.theme.min_text_px
        key = (self.text, self.size, width, floor, least, self.prefer_lines, self.max_lines)
        return self.painter.text.kept(key, self._fitted, width, floor, least)

    def _fitted(self, width: int, floor: int, min_text_px: int) -> tuple[int, tuple[str, ...]]:
        text_cache = self.painter.text
        size = self.size
        lines = text_cache.wrap(self.text, size, width)
        for goal in (self.prefer_lines, self.max_lines):
            if goal is None:
                continue
            size = self.size
            lines = text_cache.wrap(self.text, size, width)
            while len(lines) > goal and size > floor:
                size = max(floor, round(size * 0.93))
                lines = text_cache.wrap(self.text, size, width)
            if len(lines) <= goal:
                break
        # Still too long (a language with longer words, a long cue in half a line): smaller, down to
        # the smallest readable size, rather than cut a word off.
        least = min(size, min_text_px)
        while size > least and (self.max_lines and len(lines) > self.max_lines
                                or any(text_cache.width(line, size) > width for line in lines)):
            size = max(least, round(size * 0.93))
            lines = text_cache.wrap(self.text, size, width)
        if self.max_lines and len(lines) > self.max_lines:
            lines = lines[:self.max_lines]
            while lines[-1] and text_cache.width(lines[-1] + "…", size) > width:
                lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
            lines[-1] += "…"
        return size, tuple(lines)

    def height(self, width: int) -> int:
        size, lines = self._fit(width)
        return len(lines) * self.painter.text.line_height(size)

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        size, lines = self._fit(width)
        step = self.painter.text.line_height(size)
        for line in lines:
            image = self.painter.text.render(line, size, self.colour)
            align = self.side or self.align
            if align == "left":
                at = x
            elif align == "right":
                at = x + width - image.get_width()
            else:
                at = x + (width - image.get_width()) // 2
            surface.blit(image, (at, y))
            y += step


@dataclass
class Dots:
    painter: Painter
    current: int
    total: int

    def _radius(self) -> int:
        return max(4, round(self.painter.theme.unit(self.painter.w, self.painter.h) * self.painter.theme.dot_radius))

    def height(self, width: int) -> int:
        return self._radius() * 4

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        rect = pygame.Rect(x, y, width, self.height(width))
        widgets.progress_dots(surface, rect, self.current, self.total, self._radius(), self.painter.theme)


@dataclass
class PhaseRow:
    """The practice beat in one row at fixed places: reps at the left, the phase word
    in the middle, the hold countdown at the right, so nothing jumps as they come and go."""

    painter: Painter
    rep: str
    phase: str
    phase_colour: RGB
    countdown: float | None
    countdown_total: float | None
    scale: float = 1.0

    def _sizes(self) -> tuple[int, int, int]:
        t = self.painter.theme
        return self.painter.px(t.rep, self.scale), self.painter.px(t.phase, self.scale), \
            self.painter.px(t.countdown, self.scale)

    def _ring_radius(self) -> int:
        return round(self.painter.text.line_height(self._sizes()[1]) * 0.6)

    def height(self, width: int) -> int:
        rep_size, phase_size, _ = self._sizes()
        parts = [self.painter.text.line_height(phase_size) if self.phase else 0,
                 self.painter.text.line_height(rep_size) if self.rep else 0,
                 2 * self._ring_radius() if self.countdown is not None else 0]
        return max(parts)

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        t = self.painter.theme
        rep_size, phase_size, count_size = self._sizes()
        row_h = self.height(width)
        mid_y = y + row_h // 2
        centre_x = x + width // 2
        offset = round(width * 0.33)
        if self.phase:
            image = self.painter.text.render(self.phase, phase_size, self.phase_colour)
            surface.blit(image, image.get_rect(center=(centre_x, mid_y)))
        if self.rep:
            image = self.painter.text.render(self.rep, rep_size, t.text)
            surface.blit(image, image.get_rect(center=(centre_x - offset, mid_y)))
        if self.countdown is not None:
            radius = self._ring_radius()
            fraction = (self.countdown / self.countdown_total) if self.countdown_total else 1.0
            centre = (centre_x + offset, mid_y)
            widgets.ring(surface, centre, radius, max(4, radius // 7), fraction, t.good, t.faint)
            label = str(max(0, math.ceil(self.countdown - 1e-6)))
            number = self.painter.text.render(label, _fit_in_ring(count_size, label), t.text)
            surface.blit(number, number.get_rect(center=centre))


def _fit_in_ring(size: int, label: str) -> int:
    """Digits get smaller as they get more, so "45" and "1:30" sit inside the ring like "3"."""
    return round(size * {1: 1.0, 2: 0.8}.get(len(label), 0.6))


@dataclass
class Countdown:
    """A guided step's time left: a ring with the seconds (or minutes:seconds) inside."""

    painter: Painter
    seconds: float
    total: float | None
    scale: float = 1.0

    def _size(self) -> int:
        return self.painter.px(self.painter.theme.countdown, self.scale)

    def _radius(self) -> int:
        return round(self.painter.text.line_height(self._size()) * 0.8)

    def height(self, width: int) -> int:
        return 2 * self._radius()

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        t = self.painter.theme
        radius = self._radius()
        centre = (x + width // 2, y + radius)
        fraction = self.seconds / self.total if self.total else 1.0
        widgets.ring(surface, centre, radius, max(4, radius // 8), fraction, t.cue, t.faint)
        left = max(0, math.ceil(self.seconds - 1e-6))
        label = f"{left // 60}:{left % 60:02d}" if left >= 60 else str(left)
        image = self.painter.text.render(label, _fit_in_ring(self._size(), label), t.text)
        surface.blit(image, image.get_rect(center=centre))
