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

import math
from dataclasses import dataclass, replace
from typing import Callable, Protocol

import pygame

from ..clinical import percent
from ..reflection.placement import BAR_GAP_MM, Placement, place_column
from ..screen import Screen, ScreenKind, SummaryRow
from . import widgets
from .text import TextCache
from .theme import RGB, Theme

#: Shrink factors tried, in order, until a band's contents fit.
FIT_SCALES: tuple[float, ...] = (1.0, 0.9, 0.8, 0.7)


class Block(Protocol):
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
        text_cache = self.painter.text
        if self.side is not None:
            width = width // 2 - self.painter.margin_x // 2
        floor = min(self.size, max(self.painter.theme.min_text_px, round(self.size * self.min_scale)))
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
        if self.max_lines and len(lines) > self.max_lines:
            lines = lines[:self.max_lines]
            while lines[-1] and text_cache.width(lines[-1] + "…", size) > width:
                lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
            lines[-1] += "…"
        return size, lines

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


# --- elements: the screen's fields, each as blocks at a scale ------------------------------

Element = Callable[[Painter, Screen, float], list]


def _title(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.title, p.px(p.theme.title, k), p.theme.text, max_lines=2, prefer_lines=1)] if s.title else []


def _prompt(p: Painter, s: Screen, k: float) -> list:
    """The attract screen's few words: small and soft, the mirror stays a mirror."""
    words = [w for w in (s.title, *s.lines) if w]
    return [Text(p, w, p.px(p.theme.prompt, k), p.theme.soft, max_lines=2) for w in words]


def _lines(p: Painter, s: Screen, k: float) -> list:
    size = p.px(p.theme.body, k)
    blocks: list = []
    for line in s.lines:
        if blocks:
            blocks.append(Gap(round(size * p.theme.line_gap)))
        blocks.append(Text(p, line, size, p.theme.soft, max_lines=3))
    return blocks


def _dots(p: Painter, s: Screen, k: float) -> list:
    return [Dots(p, *s.progress)] if s.progress else []


def _phase_row(p: Painter, s: Screen, k: float) -> list:
    rep = f"{s.rep} / {s.reps_target}" if s.reps_target else ""
    phase = p.theme.phase_words.get(s.phase, "") if s.phase else ""
    colour = p.theme.phase_colours.get(s.phase, p.theme.text) if s.phase else p.theme.text
    if not (rep or phase or s.countdown is not None):
        return []
    return [PhaseRow(p, rep, phase, colour, s.countdown, s.countdown_total, k)]


def _countdown(p: Painter, s: Screen, k: float) -> list:
    return [Countdown(p, s.countdown, s.countdown_total, k)] if s.countdown is not None else []


def _sentence(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.sentence, p.px(p.theme.cue_size, k * 0.85), p.theme.cue, max_lines=3)] if s.sentence else []


def _passage(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.passage, p.px(p.theme.passage, k), p.theme.text, max_lines=8)] if s.passage else []


def _cue(p: Painter, s: Screen, k: float) -> list:
    if not s.cue:
        return []
    return [Text(p, s.cue, p.px(p.theme.cue_size, k), p.theme.cue, max_lines=4 if s.cue_side else 3, side=s.cue_side)]


def _warning(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.warning, p.px(p.theme.warning, k), p.theme.caution, max_lines=2)] if s.warning else []


def _notice(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.title, p.px(p.theme.notice, k), p.theme.text, max_lines=3)] if s.title else []


def _footer(p: Painter, s: Screen, k: float) -> list:
    return [Text(p, s.footer, p.px(p.theme.footer), p.theme.dim, max_lines=2, prefer_lines=1,
                 min_scale=0.8)] if s.footer else []


ELEMENTS: dict[str, Element] = {
    "dots": _dots, "title": _title, "prompt": _prompt, "lines": _lines, "phase_row": _phase_row,
    "countdown": _countdown, "sentence": _sentence, "passage": _passage, "cue": _cue,
    "warning": _warning, "notice": _notice, "footer": _footer,
}


# --- middles: what fills the space between the bands ---------------------------------------

def _bars(p: Painter, s: Screen, top: int, bottom: int) -> None:
    """One bar per side at that side's edge, labelled, the affected side marked."""
    if s.placement is not None:
        _placed_bars(p, s, s.placement)
        return
    t = p.theme
    label_size = p.px(t.label)
    label_h = p.text.line_height(label_size)
    bar_w = max(12, round(p.w * t.side_bar_w))
    reach = max(4, bar_w // 4)
    rect_top = top + label_h + reach
    rect_bottom = bottom - label_h - reach
    if rect_bottom - rect_top < 3 * bar_w:
        return
    for bar in s.bars:
        x = p.margin_x if bar.side == "left" else p.w - p.margin_x - bar_w
        rect = pygame.Rect(x, rect_top, bar_w, rect_bottom - rect_top)
        widgets.side_bar(p.surface, rect, bar, t)
        name = p.text.render(t.side_names[bar.side], label_size, t.text if bar.affected else t.dim)
        anchor = {"left": {"bottomleft": (x - reach, rect.top - reach)},
                  "right": {"bottomright": (rect.right + reach, rect.top - reach)}}[bar.side]
        p.surface.blit(name, name.get_rect(**anchor))
        if bar.affected:
            tag = p.text.render(t.affected_label, round(label_size * 0.8), t.cue)
            anchor = {"left": {"topleft": (x - reach, rect.bottom + reach)},
                      "right": {"topright": (rect.right + reach, rect.bottom + reach)}}[bar.side]
            p.surface.blit(tag, tag.get_rect(**anchor))


@dataclass(frozen=True)
class _Column:
    """A placed bar's column: the bar, its side's name above, "affected" below."""

    side: str
    x: float
    y: float
    w: float
    h: float
    label_size: int
    tag_size: int
    label_h: int
    bar_w: int
    bar_h: int
    reach: int


def _placed_columns(p: Painter, s: Screen, placement: Placement) -> list[_Column]:
    """Where each side's column goes: just outside the reflection, the target band level with the part."""
    t = p.theme
    label_size = p.px(t.label)
    tag_size = round(label_size * 0.8)
    label_h, tag_h = p.text.line_height(label_size), p.text.line_height(tag_size)
    bar_w = max(12, round(p.w * t.side_bar_w))
    reach = max(4, bar_w // 4)
    bar_h = max(3 * bar_w, round(p.h * t.placed_bar_h))
    words = [t.side_names[b.side] for b in s.bars] + [t.affected_label]
    column_w = max([bar_w + 2 * reach] + [p.text.width(w, label_size) for w in words])
    column_h = label_h + reach + bar_h + reach + tag_h
    gap = BAR_GAP_MM / placement.mm_per_px
    out = []
    for bar in s.bars:
        x, y, w, h = place_column(placement, bar.side, (column_w, column_h), label_h + reach + bar_h / 2,
                                  (p.w, p.h), gap, (p.margin_x, p.margin_y))
        out.append(_Column(bar.side, x, y, w, h, label_size, tag_size, label_h, bar_w, bar_h, reach))
    return out


def _placed_bars(p: Painter, s: Screen, placement: Placement) -> None:
    """Each side's bar just outside the face's reflection, its target band level with the part
    that moves; the side's name above and "affected" below, on the side away from the face."""
    t = p.theme
    for bar, c in zip(s.bars, _placed_columns(p, s, placement)):
        inner_left = bar.side == "right"          # the bar keeps to the face's side of its column
        bar_x = round(c.x + c.reach) if inner_left else round(c.x + c.w - c.reach - c.bar_w)
        rect = pygame.Rect(bar_x, round(c.y + c.label_h + c.reach), c.bar_w, c.bar_h)
        widgets.side_bar(p.surface, rect, bar, t)
        name = p.text.render(t.side_names[bar.side], c.label_size, t.text if bar.affected else t.dim)
        edge = {"bottomleft": (rect.x - c.reach, rect.top - c.reach)} if inner_left \
            else {"bottomright": (rect.right + c.reach, rect.top - c.reach)}
        p.surface.blit(name, name.get_rect(**edge))
        if bar.affected:
            tag = p.text.render(t.affected_label, c.tag_size, t.cue)
            edge = {"topleft": (rect.x - c.reach, rect.bottom + c.reach)} if inner_left \
                else {"topright": (rect.right + c.reach, rect.bottom + c.reach)}
            p.surface.blit(tag, tag.get_rect(**edge))


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


def _rows(p: Painter, s: Screen, top: int, bottom: int) -> None:
    """Summary rows: roomy (with the history in words) when few, one-liners in a smaller type
    when many, two columns on a wide screen; what still does not fit is counted, never
    squeezed unreadable."""
    if not s.rows:
        return
    t = p.theme
    area = pygame.Rect(p.margin_x, top, p.w - 2 * p.margin_x, bottom - top)
    size, floor = p.px(t.row), p.px(t.row_min)
    full_h = p.text.line_height(size) * 2.3 + p.text.line_height(p.px(t.row * 0.8)) * 1.1  # title, bar, words
    min_h = p.text.line_height(floor) * 1.3
    n = len(s.rows)
    columns = 2 if n * p.text.line_height(size) * 1.3 > area.height and area.width >= 1000 else 1
    gap = round(p.margin_x * 0.8)
    col_w = (area.width - gap * (columns - 1)) // columns
    per_column = math.ceil(n / columns)
    shown = list(s.rows)
    room = area.height
    if room / per_column < min_h:
        room -= min_h                                   # a line kept for "and N more"
        per_column = max(1, int(room // min_h))
        shown = shown[:per_column * columns]
    row_h = min(room / per_column, full_h * 1.4)
    full = row_h >= full_h
    if not full:
        size = max(floor, min(size, int(row_h / 1.3 / 1.09)))
    for k, row in enumerate(shown):
        col, r = divmod(k, per_column)
        rect = pygame.Rect(area.x + col * (col_w + gap), round(area.y + r * row_h), col_w, round(row_h))
        draw_row(p, rect, row, full, size)
    if len(shown) < n:
        more = p.text.render(f"and {n - len(shown)} more", floor, t.dim)
        p.surface.blit(more, more.get_rect(midbottom=(area.centerx, area.bottom)))


def _result(p: Painter, s: Screen, top: int, bottom: int) -> None:
    """One exercise's result, large: today's symmetry as a big number and a wide bar, the
    7- and 28-day means in words, the daily trend, the affected side against week one."""
    if len(s.rows) != 1 or s.rows[0].symmetry is None or s.rows[0].skipped:
        _rows(p, s, top, bottom)
        return
    t, row = p.theme, s.rows[0]
    width = p.w - 2 * p.margin_x
    label, body = p.px(t.label), p.px(t.body)
    blocks: list = [Text(p, "symmetry today", label, t.dim),
                     Text(p, percent(row.symmetry), p.px(t.title * 1.4), t.good),
                     _Bar(p, row, round(min(width * 0.8, p.h)), max(14, body // 3))]
    history = _comparison(row, words=True)
    if history:
        blocks += [Gap(body // 2), Text(p, history, body, t.soft, max_lines=3)]
    if len(row.trend) > 1:
        blocks += [Gap(body // 2), Text(p, f"the last {len(row.trend)} days", label, t.dim),
                   _Spark(p, row.trend, round(min(width * 0.8, p.h)), round(body * 1.6))]
    height = sum(b.height(width) for b in blocks)
    y = top + max(0, (bottom - top - height) // 2)
    for block in blocks:
        block.draw(p.surface, p.margin_x, y, width)
        y += block.height(width)


@dataclass
class _Bar:
    painter: Painter
    row: SummaryRow
    width: int
    thickness: int

    def height(self, width: int) -> int:
        return self.thickness * 3

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        rect = pygame.Rect(x + (width - self.width) // 2, y + self.thickness, self.width, self.thickness)
        widgets.symmetry_bar(surface, rect, self.row.symmetry, self.row.symmetry_7d, self.row.symmetry_28d,
                             self.painter.theme)


@dataclass
class _Spark:
    painter: Painter
    values: tuple[float, ...]
    width: int
    tall: int

    def height(self, width: int) -> int:
        return self.tall

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        rect = pygame.Rect(x + (width - self.width) // 2, y, self.width, self.tall)
        widgets.sparkline(surface, rect, self.values, self.painter.theme)


def draw_row(p: Painter, rect: pygame.Rect, row: SummaryRow, full: bool, size: int) -> None:
    """One exercise: title; today's symmetry as a bar (ticks: the 7- and 28-day means) and a
    number; its daily trend as a sparkline. A roomy row puts the title on its own line and adds
    the comparison in words; a one-line row gives the title half the width."""
    t = p.theme
    small = max(t.min_text_px, round(size * 0.8))
    line_h = p.text.line_height(size)
    measured = row.symmetry is not None and not row.skipped
    note = "skipped" if row.skipped else (f"{row.reps} rep{'s' if row.reps != 1 else ''}" if row.reps else "done")
    note_img = p.text.render(note, size if full else small, t.soft if measured and full else t.dim)
    title = Text(p, row.title, size, t.dim if row.skipped else t.text, align="left", min_scale=1.0,
                 max_lines=1 if full or rect.height < 2.4 * line_h else 2)
    pct_w = p.text.width("100 %", size)
    gap = max(8, p.margin_x // 2)
    if full:
        y = rect.y
        title.draw(p.surface, rect.x, y, rect.width - note_img.get_width() - gap)
        p.surface.blit(note_img, note_img.get_rect(topright=(rect.right, y)))
        if not measured:
            return
        y += line_h
        cy = y + line_h // 2
        x, bar_w, spark_w = rect.x, round(rect.width * 0.42), round(rect.width * 0.3)
    else:
        cy = rect.centery
        title_w = round(rect.width * 0.5)
        title.draw(p.surface, rect.x, cy - title.height(title_w) // 2, title_w)
        x = rect.x + title_w + gap
        if not measured:
            p.surface.blit(note_img, note_img.get_rect(midleft=(x, cy)))
            return
        bar_w = round(rect.width * 0.2)
        spark_w = rect.right - (x + bar_w + gap + pct_w + gap)
    bar = pygame.Rect(x, cy - max(4, line_h // 6), bar_w, max(8, line_h // 3))
    widgets.symmetry_bar(p.surface, bar, row.symmetry, row.symmetry_7d, row.symmetry_28d, t)
    pct = p.text.render(percent(row.symmetry), size, t.good)
    p.surface.blit(pct, pct.get_rect(midright=(bar.right + gap + pct_w, cy)))
    if len(row.trend) > 1 and spark_w > rect.width * 0.1:
        spark = pygame.Rect(0, 0, spark_w, round(line_h * 0.75))
        spark.midright = (rect.right, cy)
        widgets.sparkline(p.surface, spark, row.trend, t)
    words = _comparison(row) if full else ""
    if words:
        Text(p, words, small, t.dim, max_lines=1, align="left").draw(
            p.surface, rect.x, y + line_h + round(line_h * 0.1), rect.width)


def _comparison(row: SummaryRow, words: bool = False) -> str:
    """The row's history in words: the 7- and 28-day means, and the affected side against
    week one; `words` spells it out for a screen with room."""
    parts = []
    if row.symmetry_7d is not None:
        parts.append(f"{'last ' if words else ''}7 days {percent(row.symmetry_7d)}")
    if row.symmetry_28d is not None:
        parts.append(f"{'last ' if words else ''}28 days {percent(row.symmetry_28d)}")
    line = " · ".join(parts)
    if row.affected_movement is not None and row.affected_first_week:
        change = row.affected_movement / row.affected_first_week - 1
        more = "more" if change >= 0 else "less"
        if words:
            line += f"\nThe affected side moved {percent(abs(change))} {more} than in week 1"
        else:
            line += f" · weak side {'+' if change >= 0 else '−'}{percent(abs(change))} vs week 1"
    return line.strip(" ·\n")


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


def _blocks(p: Painter, s: Screen, names: tuple[str, ...], scale: float) -> list:
    """The elements' blocks with a gap between neighbours."""
    out: list = []
    gap = round(p.px(p.theme.body, scale) * 0.45)
    for name in names:
        blocks = ELEMENTS[name](p, s, scale)
        if blocks and out:
            out.append(Gap(gap))
        out.extend(blocks)
    return out


def _fit(p: Painter, s: Screen, names: tuple[str, ...], width: int, room: int) -> tuple[list, int]:
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
