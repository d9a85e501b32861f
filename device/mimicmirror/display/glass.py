"""Putting a drawn screen on the glass: only the parts that changed, already turned.

Drawing a screen model is cheap (well under a millisecond here: cached text,
a few shapes). Turning the whole 1080x1920 picture for a sideways screen is
not (about 12-15 ms here, several times that on a Pi), and neither is sending
all of it to the screen. Between two screens of a practice only a bar, a ring
or a number changes, so only the parts that differ are turned, placed where
they belong on the glass and sent to the screen.

What changed is found from a fingerprint of each picture, not from a copy of
the last one: a copy of a 1080x1920 picture is 8 MB, its fingerprint 1 MB.
The fingerprint sums each column's pixels in bands of `BAND_ROWS` rows, each
row weighted by its own odd number (32-bit, wrapping): a change of one pixel
always changes its sum (an odd weight has an inverse modulo 2^32), and a
change of several pixels in one 8-pixel column hides only when their weighted
changes cancel exactly, about once in four billion. It takes about 0.3 ms
here for a whole picture, less than comparing two pictures pixel by pixel.
"""

from __future__ import annotations

import numpy as np
import pygame

#: Rows per fingerprint band: the height resolution of what is found changed.
BAND_ROWS = 8
#: Changed rows closer than this are sent as one part (fewer, larger copies).
MERGE_GAP_PX = 24
#: Odd weights for the rows of a band (fixed, so fingerprints of two pictures compare).
_WEIGHTS = (np.random.default_rng(20240611).integers(0, 2**31, BAND_ROWS, dtype=np.uint32) * 2 + 1
            ).astype(np.uint32)


def _rows(surface: pygame.Surface) -> np.ndarray:
    """The surface's pixels as a (height, pitch/4) uint32 array (a view: the surface stays locked)."""
    h = surface.get_height()
    return np.frombuffer(surface.get_buffer(), dtype=np.uint32).reshape(h, surface.get_pitch() // 4)


def fingerprint(surface: pygame.Surface) -> np.ndarray:
    """A (bands, width) uint32 sum per column and band of `BAND_ROWS` rows of a 32-bit surface."""
    rows = _rows(surface)
    h, w = surface.get_height(), surface.get_width()
    whole = h // BAND_ROWS * BAND_ROWS
    sums = np.einsum("bij,i->bj", rows[:whole].reshape(-1, BAND_ROWS, rows.shape[1]), _WEIGHTS)[:, :w]
    if whole < h:
        last = np.einsum("ij,i->j", rows[whole:], _WEIGHTS[:h - whole])[:w]
        sums = np.concatenate([sums, last[None]])
    return sums


def changed_parts(new: np.ndarray, old: np.ndarray, size: tuple[int, int]) -> list[pygame.Rect]:
    """Rectangles of a picture of `size` covering every band and column whose fingerprint differs."""
    differs = new != old
    bands = np.flatnonzero(differs.any(axis=1))
    rects: list[pygame.Rect] = []
    if bands.size == 0:
        return rects
    breaks = np.flatnonzero(np.diff(bands) * BAND_ROWS > MERGE_GAP_PX + BAND_ROWS)
    starts = np.concatenate(([bands[0]], bands[breaks + 1]))
    ends = np.concatenate((bands[breaks], [bands[-1]])) + 1
    for first, last in zip(starts, ends):
        cols = np.flatnonzero(differs[first:last].any(axis=0))
        top, bottom = int(first) * BAND_ROWS, min(int(last) * BAND_ROWS, size[1])
        rects.append(pygame.Rect(int(cols[0]), top, int(cols[-1] - cols[0] + 1), bottom - top))
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
