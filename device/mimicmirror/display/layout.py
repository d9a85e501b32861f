"""Where each part of a screen goes: the mirror's bands, as data per screen kind.

The reflection needs the middle of the glass, so words sit in a top band and
a bottom band and the movement bars hug the left and right edges. Each screen
kind is a `Layout`: which elements stack in the top band (downwards), which
in the bottom band (upwards, so the footer stays at the bottom edge), and what
fills the middle. When a band's words do not fit, everything in it shrinks a
little (never below a readable size) before it may reach into the middle.

Sides: the display sits behind a mirror, so the person's left appears on the
viewer's left. A bar or a cue about the left is drawn on the left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import pygame

from ..reflection.placement import BAR_GAP_MM
from ..screen import Screen, ScreenKind
from .bars import _bars, _placed_columns
from .blocks import Block, Countdown, Dots, Gap, Painter, PhaseRow, Text
from .summary import _result, _rows
from .text import TextCache
from .theme import Theme


#: Shrink factors tried, in order, until a band's contents fit.
FIT_SCALES: tuple[float, ...] = (1.0, 0.9, 0.8, 0.7)


# --- elements: the screen's fields, each as blocks at a scale ------------------------------

Element = Callable[[Painter, Screen, float], list[Block]]


def _title(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.title, p.px(p.theme.title, k), p.theme.text, max_lines=2, prefer_lines=1)] if s.title else []


def _prompt(p: Painter, s: Screen, k: float) -> list[Block]:
    """The attract screen's few words: small and soft, the mirror stays a mirror."""
    words = [w for w in (s.title, *s.lines) if w]
    return [Text(p, w, p.px(p.theme.prompt, k), p.theme.soft, max_lines=2) for w in words]


def _lines(p: Painter, s: Screen, k: float) -> list[Block]:
    size = p.px(p.theme.body, k)
    blocks: list[Block] = []
    for line in s.lines:
        if blocks:
            blocks.append(Gap(round(size * p.theme.line_gap)))
        blocks.append(Text(p, line, size, p.theme.soft, max_lines=3))
    return blocks


def _dots(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Dots(p, *s.progress)] if s.progress else []


def _phase_row(p: Painter, s: Screen, k: float) -> list[Block]:
    rep = f"{s.rep} / {s.reps_target}" if s.reps_target else ""
    phase = p.theme.phase_words.get(s.phase, "") if s.phase else ""
    colour = p.theme.phase_colours.get(s.phase, p.theme.text) if s.phase else p.theme.text
    if not (rep or phase or s.countdown is not None):
        return []
    return [PhaseRow(p, rep, phase, colour, s.countdown, s.countdown_total, k)]


def _countdown(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Countdown(p, s.countdown, s.countdown_total, k)] if s.countdown is not None else []


def _sentence(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.sentence, p.px(p.theme.cue_size, k * 0.85), p.theme.cue, max_lines=3)] if s.sentence else []


def _passage(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.passage, p.px(p.theme.passage, k), p.theme.text, max_lines=8)] if s.passage else []


def _cue(p: Painter, s: Screen, k: float) -> list[Block]:
    if not s.cue:
        return []
    return [Text(p, s.cue, p.px(p.theme.cue_size, k), p.theme.cue, max_lines=4 if s.cue_side else 3, side=s.cue_side)]


def _warning(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.warning, p.px(p.theme.warning, k), p.theme.caution, max_lines=2)] if s.warning else []


def _notice(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.title, p.px(p.theme.notice, k), p.theme.text, max_lines=3)] if s.title else []


def _footer(p: Painter, s: Screen, k: float) -> list[Block]:
    return [Text(p, s.footer, p.px(p.theme.footer), p.theme.dim, max_lines=2, prefer_lines=1,
                 min_scale=0.8)] if s.footer else []


ELEMENTS: dict[str, Element] = {
    "dots": _dots, "title": _title, "prompt": _prompt, "lines": _lines, "phase_row": _phase_row,
    "countdown": _countdown, "sentence": _sentence, "passage": _passage, "cue": _cue,
    "warning": _warning, "notice": _notice, "footer": _footer,
}


# --- middles: what fills the space between the bands ---------------------------------------

def _choice(p: Painter, s: Screen, top: int, bottom: int) -> None:
    """A setting's value, large. A side is drawn on that side, with an arrow to that edge."""
    if not s.choice:
        return
    size = p.px(p.theme.title * 1.3)
    text = Text(p, s.choice, size, p.theme.cue, max_lines=2, side=s.cue_side)
    x, width = p.margin_x, p.w - 2 * p.margin_x
    height = text.height(width)
    y = top + max(0, (bottom - top - height) // 2)
    if s.cue_side is not None:
        arrow = round(size * 0.9)
        mid = y + height // 2
        edge = p.margin_x if s.cue_side == "left" else p.w - p.margin_x
        back = edge + arrow if s.cue_side == "left" else edge - arrow
        pygame.draw.polygon(p.surface, p.theme.cue, [(edge, mid), (back, mid - arrow // 2), (back, mid + arrow // 2)])
        gap = arrow + round(size * 0.3)
        x, width = (x + gap, width - gap) if s.cue_side == "left" else (x, width - gap)
    text.draw(p.surface, x, y, width)


def _marks(p: Painter, s: Screen, top: int, bottom: int) -> None:
    """The calibration marks: a ring with a cross, each where one eye's reflection should sit."""
    radius = max(10, round(p.w * 0.022))
    thick = max(3, radius // 5)
    for x, y in s.marks:
        centre = (round(x), round(y))
        pygame.draw.circle(p.surface, p.theme.cue, centre, radius, width=thick)
        for dx, dy in ((1, 0), (0, 1)):
            a = (centre[0] - dx * radius * 2, centre[1] - dy * radius * 2)
            b = (centre[0] - dx * radius * 1.3, centre[1] - dy * radius * 1.3)
            c = (centre[0] + dx * radius * 1.3, centre[1] + dy * radius * 1.3)
            d = (centre[0] + dx * radius * 2, centre[1] + dy * radius * 2)
            pygame.draw.line(p.surface, p.theme.cue, a, b, thick)
            pygame.draw.line(p.surface, p.theme.cue, c, d, thick)


MIDDLES: dict[str, Callable[[Painter, Screen, int, int], None]] = {
    "bars": _bars, "rows": _rows, "result": _result, "choice": _choice, "marks": _marks}


# --- layouts per screen kind -----------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    top: tuple[str, ...] = ()
    bottom: tuple[str, ...] = ()          # listed top to bottom; stacked up from the bottom edge
    middle: str | None = None
    top_band: float | None = None         # override the theme's band heights (fractions of h)
    bottom_band: float | None = None
    tight: bool = False                   # the middle starts where the words end, not at the bands


LAYOUTS: dict[ScreenKind, Layout] = {
    ScreenKind.IDLE: Layout(),
    ScreenKind.ATTRACT: Layout(bottom=("prompt", "footer"), bottom_band=0.16),
    ScreenKind.GREETING: Layout(top=("title", "lines"), bottom=("cue", "warning", "footer")),
    ScreenKind.NEUTRAL: Layout(top=("title", "lines", "countdown"), bottom=("cue", "warning", "footer")),
    ScreenKind.INSTRUCTION: Layout(top=("dots", "title", "lines"), bottom=("cue", "warning", "footer"),
                                   top_band=0.46),
    ScreenKind.PRACTICE: Layout(top=("dots", "title", "phase_row", "lines"), bottom=("cue", "warning", "footer"),
                                middle="bars", top_band=0.30, bottom_band=0.27),
    ScreenKind.GUIDED: Layout(top=("dots", "title", "lines"),
                              bottom=("countdown", "passage", "cue", "warning", "footer"), middle="bars",
                              bottom_band=0.42),
    ScreenKind.EXERCISE_SUMMARY: Layout(top=("dots", "title", "sentence"), bottom=("lines", "cue", "warning", "footer"),
                                        middle="result", tight=True),
    ScreenKind.SESSION_SUMMARY: Layout(top=("title", "sentence"), bottom=("lines", "cue", "warning", "footer"),
                                       middle="rows", top_band=0.2, bottom_band=0.12, tight=True),
    ScreenKind.PAUSED: Layout(top=("title", "lines"), bottom=("cue", "warning", "footer")),
    ScreenKind.NOTICE: Layout(top=("notice", "lines"), bottom=("cue", "warning", "footer")),
    ScreenKind.SETTINGS: Layout(top=("dots", "title", "lines"), bottom=("footer",), middle="choice",
                                top_band=0.40, bottom_band=0.12),
    # the marks sit where the eyes' reflection is, high on the glass: the words go low
    ScreenKind.CALIBRATION: Layout(bottom=("title", "lines", "cue", "warning", "footer"), middle="marks",
                                   top_band=0.03, bottom_band=0.45),
}


def _blocks(p: Painter, s: Screen, names: tuple[str, ...], scale: float) -> list[Block]:
    """The elements' blocks with a gap between neighbours."""
    out: list[Block] = []
    gap = round(p.px(p.theme.body, scale) * 0.45)
    for name in names:
        blocks = ELEMENTS[name](p, s, scale)
        if blocks and out:
            out.append(Gap(gap))
        out.extend(blocks)
    return out


def _fit(p: Painter, s: Screen, names: tuple[str, ...], width: int, room: int) -> tuple[list[Block], int]:
    """The largest scale whose blocks fit the room (else the smallest), and their height."""
    for scale in FIT_SCALES:
        blocks = _blocks(p, s, names, scale)
        height = sum(b.height(width) for b in blocks)
        if height <= room:
            break
    return blocks, height


#: A cue about one side stands under that side's bar when there is this much room beside the face.
SIDE_CUE_MIN_W = 0.2      # of the screen's width


def _side_cue_place(p: Painter, s: Screen, layout: "Layout") -> tuple[int, int, int, Text] | None:
    """Where a cue about one side of the face goes when the bars stand beside the reflection:
    under that side's bar, between the glass's edge and the face (None: in the bottom band)."""
    placement = s.placement
    if placement is None or not s.cue or s.cue_side is None or layout.middle != "bars" or not s.bars:
        return None
    gap = BAR_GAP_MM / placement.mm_per_px
    if s.cue_side == "left":
        x0, x1 = p.margin_x, placement.face_box[0] - gap
    else:
        x0, x1 = placement.face_box[2] + gap, p.w - p.margin_x
    if x1 - x0 < SIDE_CUE_MIN_W * p.w:
        return None
    columns = {c.side: c for c in _placed_columns(p, s, placement)}
    column = columns.get(s.cue_side)
    if column is None:
        return None
    width = round(x1 - x0)
    block = Text(p, s.cue, p.px(p.theme.cue_size * 0.6), p.theme.cue, max_lines=5,
                 align="right" if s.cue_side == "left" else "left")   # towards the face
    y = round(column.y + column.h + column.reach)
    if y + block.height(width) > p.h - p.margin_y:
        return None
    return round(x0), y, width, block


def _words_from(p: Painter, s: Screen, layout: "Layout", width: int, room: int) -> int:
    """Where the top band's words start: at the top, unless the face's reflection is there;
    then just below the reflection and its bars, so no word covers the face."""
    placement = s.placement
    if placement is None or layout.middle != "bars" or not s.bars:
        return p.margin_y
    gap = round(BAR_GAP_MM / placement.mm_per_px)
    _, height = _fit(p, s, layout.top, width, room)
    if p.margin_y + height <= placement.face_box[1] - gap or placement.face_box[3] < p.margin_y:
        return p.margin_y
    below = max([placement.face_box[3]] + [c.y + c.h for c in _placed_columns(p, s, placement)])
    side_cue = _side_cue_place(p, s, layout)
    if side_cue is not None:
        cue_x, cue_y, cue_w, block = side_cue
        below = max(below, cue_y + block.height(cue_w))
    return round(below) + gap


def draw_screen(surface: pygame.Surface, screen: Screen, theme: Theme, text: TextCache) -> None:
    """Paint one screen model onto the logical (unrotated) surface.

    On a landscape screen the movement bars get columns of their own at the
    edges, running the full height, and the words keep to the middle column;
    on a portrait screen the bars sit between the bands.
    """
    surface.fill(theme.background)
    layout = LAYOUTS[screen.kind]
    p = Painter(surface, theme, text)
    x, width = p.margin_x, p.w - 2 * p.margin_x
    side_columns = layout.middle == "bars" and bool(screen.bars) and p.w > p.h
    if side_columns:
        column = round(p.w * theme.side_column_w)
        x, width = x + column, width - 2 * column
    top_room = round(p.h * (layout.top_band or theme.top_band_h)) - p.margin_y
    bottom_room = round(p.h * (layout.bottom_band or theme.bottom_band_h)) - p.margin_y

    y = _words_from(p, screen, layout, width, top_room)
    if y != p.margin_y:          # below the reflection: the words may use what is left above the bottom band
        top_room = max(top_room, p.h - y - round(p.h * (layout.bottom_band or theme.bottom_band_h)))
    blocks, _ = _fit(p, screen, layout.top, width, top_room)
    for block in blocks:
        block.draw(surface, x, y, width)
        y += block.height(width)
    top_used = y
    top_end = y if layout.tight else max(y, p.margin_y + top_room)

    side_cue = _side_cue_place(p, screen, layout)
    bottom_screen = replace(screen, cue="") if side_cue is not None else screen
    blocks, height = _fit(p, bottom_screen, layout.bottom, width, bottom_room)
    y = p.h - p.margin_y - height
    bottom_start = y if layout.tight else min(y, p.h - p.margin_y - bottom_room)
    # on a tiny screen with long words the bands could meet: the top band's words win
    surface.set_clip(pygame.Rect(0, top_used, p.w, p.h - top_used))
    for block in blocks:
        block.draw(surface, x, y, width)
        y += block.height(width)
    surface.set_clip(None)

    if side_columns:
        MIDDLES[layout.middle](p, screen, p.margin_y, p.h - p.margin_y)
    elif layout.middle:
        MIDDLES[layout.middle](p, screen, top_end + p.margin_y, bottom_start - p.margin_y)
    if side_cue is not None:
        cue_x, cue_y, cue_w, block = side_cue
        block.draw(surface, cue_x, cue_y, cue_w)
