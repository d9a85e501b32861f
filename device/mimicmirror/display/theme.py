"""The mirror theme, as data: colours, sizes and bands.

Black is the mirror: every pixel left black lets the reflection through the
two-way glass, so only cues are lit. Colours are calm (no alarming red; a warm
amber for cautions) and bright enough to read through the glass. Sizes are
fractions of a unit that follows the screen's height but is held back on
narrow portrait screens, so titles stay big without running off the sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Mapping

from ..screen import Phase

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    # colours
    background: RGB = (0, 0, 0)
    text: RGB = (238, 238, 232)        # titles, numbers
    soft: RGB = (196, 198, 194)        # body lines, passages
    dim: RGB = (128, 130, 128)         # hints, labels, the footer
    faint: RGB = (58, 60, 60)          # outlines and tracks that must not glare
    cue: RGB = (132, 206, 236)         # the coaching cue: a calm sky blue
    caution: RGB = (255, 186, 84)      # warm amber: warnings, overdoing it
    good: RGB = (126, 210, 158)        # in the target zone, hold achieved
    moving: RGB = (116, 164, 224)      # on the way to the target zone
    zone: RGB = (34, 58, 46)           # the target zone's fill inside a bar
    zone_edge: RGB = (170, 224, 190)   # the target zone's edges
    phase_colours: Mapping[Phase, RGB] = field(default_factory=lambda: {
        Phase.REST: (196, 198, 194), Phase.MOVE: (132, 206, 236),
        Phase.HOLD: (126, 210, 158), Phase.RELEASE: (196, 198, 194)})

    # font: None = the font bundled with pygame-ce (FreeSans Bold), present everywhere
    font_path: str | None = None

    # sizes, as fractions of the unit (see `unit`)
    title: float = 0.068
    phase: float = 0.086
    countdown: float = 0.075
    rep: float = 0.056
    body: float = 0.044
    cue_size: float = 0.058
    warning: float = 0.042
    passage: float = 0.054
    row: float = 0.036
    row_min: float = 0.027            # summary rows shrink to this when there are many
    label: float = 0.030
    footer: float = 0.030
    prompt: float = 0.040              # the small start prompt on the attract screen
    notice: float = 0.056
    min_text_px: int = 16

    # geometry, as fractions of the logical width (w) or height (h)
    margin_w: float = 0.045
    margin_h: float = 0.028
    top_band_h: float = 0.30           # text above the reflection
    bottom_band_h: float = 0.30        # text below the reflection
    side_bar_w: float = 0.05           # a movement bar at each edge
    placed_bar_h: float = 0.13         # a bar beside the reflection: its length, of h
    side_column_w: float = 0.11        # landscape: the bars' own columns, kept free of words
    bar_full_scale: float = 2.0        # a bar's top = twice the target movement
    dot_radius: float = 0.0085         # progress dots, of the unit
    line_gap: float = 0.45             # extra space between paragraphs, of the text size
    camera_w: float = 0.24             # the debug camera picture, of the width

    # the unit: the logical height, but no more than this many widths
    unit_max_widths: float = 1.4

    # how many rendered strings the text cache keeps
    text_cache_size: int = 384

    # the phrases the display adds itself: a language catalogue's [display] words
    # (texts/en.toml's here; `in_language` puts another's in)
    words: Mapping[str, str] = field(default_factory=lambda: dict(_english()))

    def in_language(self, display: Mapping[str, str]) -> "Theme":
        """This theme with a language catalogue's [display] words (language.py)."""
        return replace(self, words=dict(display))

    @cached_property
    def side_names(self) -> Mapping[str, str]:
        return {"left": self.words["left"], "right": self.words["right"]}

    @cached_property
    def affected_label(self) -> str:
        return self.words["affected"]

    @cached_property
    def phase_words(self) -> Mapping[Phase, str]:
        return {p: self.words[p.value] for p in Phase}

    def unit(self, width: int, height: int) -> float:
        """The length every text size is a fraction of."""
        return min(height, width * self.unit_max_widths)


def _english() -> Mapping[str, str]:
    """The display's own words in the reference language (the same keys in every language)."""
    from ..language import REFERENCE, language

    return language(REFERENCE).display


MIRROR = Theme()
