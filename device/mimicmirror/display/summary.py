"""The summaries: one exercise's result large, and a session's rows (bar, number, trend, words).

Kept apart from the bands because a summary row has its own fitting rules:
roomy rows when few, one-liners when many, and what does not fit is counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import pygame

from ..clinical import percent
from ..screen import Screen, SummaryRow
from . import widgets
from .blocks import Gap, Painter, Text


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
        more = p.text.render(t.words["more_rows"].format(n=n - len(shown)), floor, t.dim)
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
    blocks: list = [Text(p, t.words["symmetry_today"], label, t.dim),
                     Text(p, percent(row.symmetry), p.px(t.title * 1.4), t.good),
                     _Bar(p, row, round(min(width * 0.8, p.h)), max(14, body // 3))]
    history = _comparison(row, t.words, spelled_out=True)
    if history:
        blocks += [Gap(body // 2), Text(p, history, body, t.soft, max_lines=3)]
    if len(row.trend) > 1:
        blocks += [Gap(body // 2), Text(p, t.words["last_days"].format(n=len(row.trend)), label, t.dim),
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
    words = t.words
    note = words["skipped"] if row.skipped else (
        words["one_rep" if row.reps == 1 else "reps"].format(n=row.reps) if row.reps else words["done"])
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
    history = _comparison(row, t.words) if full else ""
    if history:
        Text(p, history, small, t.dim, max_lines=1, align="left").draw(
            p.surface, rect.x, y + line_h + round(line_h * 0.1), rect.width)


def _comparison(row: SummaryRow, words: Mapping[str, str], spelled_out: bool = False) -> str:
    """The row's history in words: the 7- and 28-day means, and the affected side against
    week one; `spelled_out` for a screen with room."""
    parts = []
    mean = words["last_days_mean" if spelled_out else "days_mean"]
    if row.symmetry_7d is not None:
        parts.append(mean.format(n=7, percent=percent(row.symmetry_7d)))
    if row.symmetry_28d is not None:
        parts.append(mean.format(n=28, percent=percent(row.symmetry_28d)))
    line = " · ".join(parts)
    if row.affected_movement is not None and row.affected_first_week:
        change = row.affected_movement / row.affected_first_week - 1
        if spelled_out:
            line += "\n" + words["week1_more" if change >= 0 else "week1_less"].format(percent=percent(abs(change)))
        else:
            signed = f"{'+' if change >= 0 else '−'}{percent(abs(change))}"
            line += " · " + words["week1_short"].format(change=signed)
    return line.strip(" ·\n")
