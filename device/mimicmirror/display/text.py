"""Rendered text, cached: a mirror redraws the same few words many times a second.

Rendering a string with FreeType is the most expensive thing the display
does, and a practice screen repeats its words frame after frame, so rendered
surfaces are kept by (text, size, colour) in a bounded least-recently-used
cache. Fonts are kept by size.

Fitting words to a band measures them too: every block is asked its height
at each shrink step before anything is drawn, one FreeType measurement per
word each time. A practice screen asks the same questions at every drawing,
so the lines a text wraps into, and a block's fitted size and lines, are
kept as well, in bounded caches of their own: measuring was half of a
drawing's time (1.5 -> 1.0 ms a drawing here, 15 drawings a second in a
session).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Callable, Hashable

import pygame

RGB = tuple[int, int, int]


def bundled_font_path() -> str:
    """The font that ships inside pygame-ce, so every machine draws the same letters."""
    return os.path.join(os.path.dirname(pygame.__file__), pygame.font.get_default_font())


class TextCache:
    """Fonts by pixel size and rendered lines by (text, size, colour), least recently used first out."""

    def __init__(self, capacity: int = 384, font_path: str | None = None) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.capacity = capacity
        self.font_path = font_path or bundled_font_path()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._lines: OrderedDict[tuple[str, int, RGB], pygame.Surface] = OrderedDict()
        self._wrapped: OrderedDict[tuple[str, int, int], tuple[str, ...]] = OrderedDict()
        self._kept: OrderedDict[Hashable, tuple[int, tuple[str, ...]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        """Let go of every font and rendered line (each open font holds its file open)."""
        self._fonts.clear()
        self._lines.clear()
        self._wrapped.clear()
        self._kept.clear()

    def font(self, size: int) -> pygame.font.Font:
        font = self._fonts.get(size)
        if font is None:
            font = self._fonts[size] = pygame.font.Font(self.font_path, size)
        return font

    def render(self, text: str, size: int, colour: RGB) -> pygame.Surface:
        """One line of text, antialiased, on a transparent background."""
        key = (text, size, tuple(colour))
        surface = self._lines.get(key)
        if surface is not None:
            self.hits += 1
            self._lines.move_to_end(key)
            return surface
        self.misses += 1
        surface = self.font(size).render(text, True, colour)
        self._lines[key] = surface
        if len(self._lines) > self.capacity:
            self._lines.popitem(last=False)
        return surface

    def width(self, text: str, size: int) -> int:
        return self.font(size).size(text)[0]

    def line_height(self, size: int) -> int:
        return self.font(size).get_linesize()

    def kept(self, key: Hashable, make: Callable[[], tuple[int, list[str]]]) -> tuple[int, list[str]]:
        """A text block's fitted (size, lines) by everything it depends on; `make` when not kept."""
        got = self._kept.get(key)
        if got is None:
            size, lines = make()
            got = self._kept[key] = (size, tuple(lines))
            if len(self._kept) > self.capacity:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return got[0], list(got[1])

    def wrap(self, text: str, size: int, max_width: int) -> list[str]:
        """Break text into lines no wider than max_width, at spaces; explicit newlines are kept.

        A single word wider than the line stays whole: it is better clipped
        by a shrink-to-fit than broken mid-word. The same question again is
        answered from the cache (a new list each time: callers may change it).
        """
        key = (text, size, max_width)
        lines = self._wrapped.get(key)
        if lines is not None:
            self._wrapped.move_to_end(key)
            return list(lines)
        lines = self._wrapped[key] = tuple(self._wrap(text, size, max_width))
        if len(self._wrapped) > self.capacity:
            self._wrapped.popitem(last=False)
        return list(lines)

    def _wrap(self, text: str, size: int, max_width: int) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                lines.append("")
                continue
            line = words[0]
            for word in words[1:]:
                candidate = f"{line} {word}"
                if self.width(candidate, size) <= max_width:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines
