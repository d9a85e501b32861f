"""The practice screen's movement bars: one per side, at the glass's edges or beside the reflection.

Sides: the display sits behind a mirror, so the person's left appears on the
viewer's left; a bar about the left is drawn on the left. When the face's
reflection is placed, each bar's target band stands level with the part that
moves, just outside the face.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from ..reflection.placement import BAR_GAP_MM, Placement, place_column
from ..screen import Screen
from . import widgets
from .blocks import Painter


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
