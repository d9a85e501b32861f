"""Texts drawn on the glass as the layout really fits them: what the person would read.

Shared by the language tests: each screen is drawn on a portrait and a landscape glass,
and every text's last fitted line is recorded, so a test can ask whether a long word
was cut (a last line ending in "…" that the text itself does not end with).
"""

from __future__ import annotations

from typing import Iterable

import pygame

from mimicmirror.display import layout
from mimicmirror.display.text import TextCache
from mimicmirror.display.theme import Theme
from mimicmirror.screen import Screen

GLASSES = ((1080, 1920), (1280, 720))


def fitted_lines(screens: Iterable[Screen], theme: Theme) -> list[tuple[str, str]]:
    """(text, last line it was fitted to) for every text of every screen, on both glasses."""
    screens = list(screens)
    out: list[tuple[str, str]] = []
    real_fit = layout.Text._fit

    def recording_fit(self, width):
        size, lines = real_fit(self, width)
        out.append((self.text, lines[-1] if lines else ""))
        return size, lines

    layout.Text._fit = recording_fit
    try:
        for size in GLASSES:
            surface = pygame.Surface(size)
            cache = TextCache(theme.text_cache_size, theme.font_path)
            for screen in screens:
                layout.draw_screen(surface, screen, theme, cache)
    finally:
        layout.Text._fit = real_fit
    return out


def cut_texts(lines: Iterable[tuple[str, str]]) -> list[str]:
    """The texts whose last fitted line was shortened with an ellipsis."""
    return sorted({text for text, last in lines if last.endswith("…") and not text.endswith("…")})
