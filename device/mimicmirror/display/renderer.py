"""The mirror display: a screen model in, pixels behind the glass out.

One implementation, three SDL video drivers chosen by the config: `kmsdrm`
(fullscreen on a Raspberry Pi with no desktop), `window` (a desktop window,
SDL picks the windowing system) and `dummy` (no screen at all: tests, the
headless demo). Everything is drawn on a surface of the logical size
(`[display] width` x `height`), then turned by `rotation` degrees clockwise
onto the glass, so a screen mounted sideways still reads upright. Only the
parts that changed since the last picture are turned and sent (see glass.py).
When the glass is not the size asked for (a fullscreen mode, a small laptop),
the picture is scaled to fit, keeping its shape.

The camera picture is never drawn unless `show_camera` is set (a debug aid).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pygame

from ..errors import UserError
from ..events import KeyChange
from ..screen import Screen
from .glass import changed_parts, fingerprint, put_on_glass
from .layout import draw_screen
from .text import TextCache
from .theme import MIRROR, Theme
from . import widgets

#: config driver name -> SDL_VIDEODRIVER value (None: let SDL choose, honouring the environment)
SDL_DRIVERS: Mapping[str, str | None] = {"kmsdrm": "kmsdrm", "window": None, "dummy": "dummy"}

#: the pixel layout of the pictures drawn: an upright glass with the same one is drawn on directly
_UPRIGHT_MASKS = (0xFF0000, 0x00FF00, 0x0000FF, 0)

#: keys that ask the program to stop when the display has focus
QUIT_KEYS: frozenset[str] = frozenset({"escape"})


__all__ = ["Display", "KeyChange", "open_display"]


class Display:
    """The mirror: draws screens and collects the window's key changes (the loop paces itself)."""

    def __init__(self, *, size: tuple[int, int], rotation: int, show_camera: bool,
                 window: pygame.Surface, theme: Theme = MIRROR) -> None:
        if rotation not in (0, 90, 180, 270):
            raise ValueError(f"rotation must be 0, 90, 180 or 270, not {rotation!r}")
        self.size = size
        self.rotation = rotation
        self.show_camera = show_camera
        self.theme = theme
        self.text = TextCache(theme.text_cache_size, theme.font_path)
        self.quit_requested = False
        self.frames_drawn = 0
        self._window = window
        self._shown: Screen | None = None
        self._stale = True
        # Drawn straight on the glass when it is upright and of the drawing's pixel
        # format; else on an upright picture whose changed parts are turned onto it.
        # What changed is found from fingerprints (glass.py), not a copy of the last
        # picture: no 8 MB copy of a 1080x1920 picture is kept.
        upright = (rotation == 0 and window.get_size() == size and window.get_bitsize() == 32
                   and window.get_masks() == _UPRIGHT_MASKS)
        self._logical = window if upright else pygame.Surface(size, 0, 32)
        self._before: np.ndarray | None = None      # the fingerprint of the picture on the glass
        self.last_sent: list[pygame.Rect] = []    # the glass rects the last picture changed
        self._glass = window if self._fits() else pygame.Surface(self.glass_size)

    @property
    def shown(self) -> Screen | None:
        """The screen model last drawn (what the glass shows now)."""
        return self._shown

    @property
    def pictures_kept(self) -> int:
        """Full-size pictures this display holds besides the glass itself (8 MB each at 1080x1920)."""
        return (self._logical is not self._window) + (self._glass is not self._window)

    @property
    def glass_size(self) -> tuple[int, int]:
        """The picture's size on the glass: the logical size, turned."""
        w, h = self.size
        return (h, w) if self.rotation in (90, 270) else (w, h)

    def _fits(self) -> bool:
        return self._window.get_size() == self.glass_size

    def show(self, screen: Screen, camera_rgb: Any = None) -> None:
        """Draw the screen and flip; never waits (the loop keeps its own pace).

        An unchanged screen is not redrawn, so a mirror with nothing new to say
        costs next to nothing.
        """
        camera = camera_rgb is not None and self.show_camera
        if self._stale or camera or screen != self._shown:
            self._draw(screen, camera_rgb if camera else None)

    def _draw(self, screen: Screen, camera_rgb: Any) -> None:
        draw_screen(self._logical, screen, self.theme, self.text)
        if camera_rgb is not None:
            w = self._logical.get_width()
            widgets.camera_inset(self._logical, camera_rgb, round(w * self.theme.camera_w),
                                 round(w * self.theme.margin_w), self.theme)
        self._present()
        self._shown = screen
        self._stale = False
        self.frames_drawn += 1

    def _present(self) -> None:
        if self._fits():
            now = fingerprint(self._logical)
            full = self._stale or self._before is None
            rects = [self._logical.get_rect()] if full else changed_parts(now, self._before, self.size)
            self._before = now
            if self._logical is self._window:
                touched = rects
            else:
                touched = put_on_glass(self._logical, rects, self._window, self.rotation)
            if touched:
                pygame.display.update(touched)
            self.last_sent = touched
        else:
            glass = pygame.transform.rotate(self._logical, -self.rotation) if self.rotation else self._logical
            self._glass = glass.copy()
            self._window.fill(self.theme.background)
            fitted = glass.get_rect().fit(self._window.get_rect())
            self._window.blit(pygame.transform.smoothscale(glass, fitted.size), fitted)
            pygame.display.flip()
            self.last_sent = [self._window.get_rect()]

    def screenshot(self, path: Path | str) -> None:
        """Save what is on the glass (after rotation, before any fit-to-window scaling) as PNG."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self._glass, str(path))

    def pump(self) -> list[KeyChange]:
        """Key changes since the last call; a window close or Escape sets `quit_requested`."""
        changes: list[KeyChange] = []
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.quit_requested = True
            elif event.type in (pygame.KEYDOWN, pygame.KEYUP):
                key = pygame.key.name(event.key).lower()
                changes.append(KeyChange(key, event.type == pygame.KEYDOWN))
                if key in QUIT_KEYS and event.type == pygame.KEYDOWN:
                    self.quit_requested = True
            elif event.type in (pygame.WINDOWEXPOSED, pygame.WINDOWSIZECHANGED, pygame.VIDEOEXPOSE):
                self._stale = True
        return changes

    def close(self) -> None:
        self.text.clear()            # fonts hold their files open: a display opened again must not add more
        pygame.display.quit()


def open_display(display_section: Mapping[str, Any], driver: str | None = None, *,
                 theme: Theme = MIRROR) -> Display:
    """Open the mirror from the `[display]` config section; `driver` overrides its driver.

    The SDL driver is chosen only for this start-up: the environment is put
    back afterwards, so a later display in the same process chooses afresh.
    """
    driver = driver or display_section.get("driver", "kmsdrm")
    if driver not in SDL_DRIVERS:
        raise UserError(f"[display] driver = {driver!r}: must be one of {', '.join(map(repr, SDL_DRIVERS))}")
    size = (int(display_section.get("width", 1080)), int(display_section.get("height", 1920)))
    rotation = int(display_section.get("rotation", 0))
    if rotation not in (0, 90, 180, 270):
        raise UserError(f"[display] rotation = {rotation!r}: must be one of 0, 90, 180, 270")
    glass = (size[1], size[0]) if rotation in (90, 270) else size
    window = _open_window(driver, glass)
    return Display(size=size, rotation=rotation, show_camera=bool(display_section.get("show_camera", False)),
                   window=window, theme=theme)


def _open_window(driver: str, glass: tuple[int, int]) -> pygame.Surface:
    sdl_driver = SDL_DRIVERS[driver]
    saved = os.environ.get("SDL_VIDEODRIVER")
    if pygame.display.get_init():
        pygame.display.quit()
    try:
        if sdl_driver is not None:
            os.environ["SDL_VIDEODRIVER"] = sdl_driver
        pygame.display.init()
        if driver == "kmsdrm":
            # the console's own mode, fullscreen: kmsdrm in a window drops to a low resolution
            window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            pygame.mouse.set_visible(False)
        elif driver == "window":
            window = pygame.display.set_mode(_window_size(glass))
            pygame.display.set_caption("Mimic Mirror")
        else:
            window = pygame.display.set_mode(glass)
    except pygame.error as e:
        pygame.display.quit()
        hint = " (on a desktop, set [display] driver = \"window\")" if driver == "kmsdrm" else ""
        raise UserError(f"cannot open the screen with the {driver} driver: {e}{hint}") from None
    finally:
        if saved is None:
            os.environ.pop("SDL_VIDEODRIVER", None)
        else:
            os.environ["SDL_VIDEODRIVER"] = saved
    return window


def _window_size(glass: tuple[int, int]) -> tuple[int, int]:
    """The glass's size, shrunk to fit the desktop with room for window borders."""
    try:
        desktop = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return glass
    scale = min(1.0, desktop[0] * 0.9 / glass[0], desktop[1] * 0.9 / glass[1])
    return max(1, round(glass[0] * scale)), max(1, round(glass[1] * scale))
