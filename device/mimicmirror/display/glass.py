"""Putting a drawn screen on the glass: only the parts that changed, already turned.

Drawing a screen model is cheap (well under a millisecond here: cached text,
a few shapes). Turning the whole 1080x1920 picture for a sideways screen is
not (about 12-15 ms here, several times that on a Pi), and neither is sending
all of it to the screen. Between two screens of a practice only a bar, a ring
or a number changes, so the new picture is compared with the one before, row
by row, and only the bands that differ are turned, placed where they belong
on the glass and sent to the screen.
"""

from __future__ import annotations

import numpy as np
import pygame

#: Changed rows closer than this are sent as one band (fewer, larger copies).
MERGE_GAP_PX = 24


def _rows(surface: pygame.Surface) -> np.ndarray:
    """The surface's pixels as a (height, pitch/4) uint32 array (a view: the surface stays locked)."""
    h = surface.get_height()
    return np.frombuffer(surface.get_buffer(), dtype=np.uint32).reshape(h, surface.get_pitch() // 4)


def changed_rects(new: pygame.Surface, old: pygame.Surface) -> list[pygame.Rect]:
    """Rectangles (in the surfaces' own coordinates) covering every pixel that differs."""
    a, b = _rows(new), _rows(old)
    w = new.get_width()
    differs = a[:, :w] != b[:, :w]
    rows = np.flatnonzero(differs.any(axis=1))
    rects: list[pygame.Rect] = []
    if rows.size == 0:
        return rects
    breaks = np.flatnonzero(np.diff(rows) > MERGE_GAP_PX)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]])) + 1
    for top, bottom in zip(starts, ends):
        cols = np.flatnonzero(differs[top:bottom].any(axis=0))
        rects.append(pygame.Rect(int(cols[0]), int(top), int(cols[-1] - cols[0] + 1), int(bottom - top)))
    return rects


def turned_rect(rect: pygame.Rect, size: tuple[int, int], rotation: int) -> pygame.Rect:
    """Where `rect` of a picture of `size` lands after turning it `rotation` degrees clockwise."""
    w, h = size
    x, y, rw, rh = rect
    if rotation == 90:
        return pygame.Rect(h - y - rh, x, rh, rw)
    if rotation == 180:
        return pygame.Rect(w - x - rw, h - y - rh, rw, rh)
    if rotation == 270:
        return pygame.Rect(y, w - x - rw, rh, rw)
    return pygame.Rect(rect)


def put_on_glass(picture: pygame.Surface, rects: list[pygame.Rect], glass: pygame.Surface,
                 rotation: int) -> list[pygame.Rect]:
    """Turn each rect of `picture` and copy it onto `glass`; the glass rects touched."""
    size = picture.get_size()
    touched = []
    for rect in rects:
        part = picture.subsurface(rect)
        if rotation:
            part = pygame.transform.rotate(part, -rotation)
        at = turned_rect(rect, size, rotation)
        glass.blit(part, at)
        touched.append(at)
    return touched
