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
from typing import Any, Callable, Hashable, TypeVar

import pygame

RGB = tuple[int, int, int]
V = TypeVar("V")


def bundled_font_path() -> str:
    """The font that ships inside pygame-ce, so every machine draws the same letters."""
    return os.path.join(os.path.dirname(pygame.__file__), pygame.font.get_default_font())


class _Recent(OrderedDict):
    """A bounded map that lets go of the least recently used entry first.

    The one mechanism behind every kept answer here (rendered lines, wrapped
    lines, fitted blocks), so they are bounded and evicted alike.
    """

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity
        self.hits = 0
        self.misses = 0

    def recall(self, key: Hashable, make: Callable[..., V], *args: Any) -> V:
        """The value kept for `key`, or `make(*args)`'s, kept from now on (the arguments
        are passed, not closed over: this runs for every line of every drawing)."""
        value = self.get(key)
        if value is not None:
            self.hits += 1
            self.move_to_end(key)
            return value
        self.misses += 1
        value = self[key] = make(*args)
        if len(self) > self.capacity:
            self.popitem(last=False)
        return value


class TextCache:
    """Fonts by pixel size; rendered lines by (text, size, colour), the lines a text wraps
    into and a block's fitted size and lines, each bounded, least recently used first out."""

    def __init__(self, capacity: int = 384, font_path: str | None = None) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.font_path = font_path or bundled_font_path()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._lines: _Recent = _Recent(capacity)
        self._wrapped: _Recent = _Recent(capacity)
        self._kept: _Recent = _Recent(capacity)

    @property
    def hits(self) -> int:
        """Rendered lines found kept (wrapping and fitting are not counted)."""
        return self._lines.hits

    @property
    def misses(self) -> int:
        """Lines rendered with FreeType."""
        return self._lines.misses

    def __len__(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        """Let go of every font and kept answer (each open font holds its file open)."""
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
        return self._lines.recall((text, size, tuple(colour)), self._render, text, size, colour)

    def _render(self, text: str, size: int, colour: RGB) -> pygame.Surface:
        return self.font(size).render(text, True, colour)

    def width(self, text: str, size: int) -> int:
        return self.font(size).size(text)[0]

    def line_height(self, size: int) -> int:
        return self.font(size).get_linesize()

    def kept(self, key: Hashable, make: Callable[..., tuple[int, tuple[str, ...]]],
             *args: Any) -> tuple[int, list[str]]:
        """A text block's fitted (size, lines) by everything it depends on; `make(*args)` when
        not kept. A new list each time: callers may change it.
        """
        size, lines = self._kept.recall(key, make, *args)
        return size, list(lines)

    def wrap(self, text: str, size: int, max_width: int) -> list[str]:
        """Break text into lines no wider than max_width, at spaces; explicit newlines are kept.

        A single word wider than the line stays whole: it is better clipped
        by a shrink-to-fit than broken mid-word. The same question again is
        answered from the cache (a new list each time: callers may change it).
        """
        return list(self._wrapped.recall((text, size, max_width), self._wrap, text, size, max_width))

    def _wrap(self, text: str, size: int, max_width: int) -> tuple[str, ...]:
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
        return tuple(lines)
