"""A screen goes on the glass part by part: the same pixels as turning the whole picture, far less work."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from mimicmirror.display.glass import BAND_ROWS, changed_parts, fingerprint
from mimicmirror.display.renderer import open_display
from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar

SIZE = (360, 640)


def practice(value: float) -> Screen:
    return Screen(kind=ScreenKind.PRACTICE, title="Smile", exercise_id="smile", cue="Hold it gently",
                  phase=Phase.HOLD, countdown=3.0 - value, countdown_total=3.0, rep=2, reps_target=5,
                  bars=(SideBar("left", value, affected=True), SideBar("right", 1.0)), progress=(2, 8),
                  footer="NEXT: skip")


def display(rotation: int):
    return open_display({"driver": "dummy", "width": SIZE[0], "height": SIZE[1], "rotation": rotation, "fps": 60})


def glass_pixels(d) -> np.ndarray:
    return pygame.surfarray.array3d(pygame.display.get_surface())


def whole_picture_turned(screen: Screen, rotation: int) -> np.ndarray:
    """The reference: the screen drawn on its own, the whole picture turned."""
    d = display(rotation)
    d.show(screen)
    return glass_pixels(d)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_changed_parts_give_the_same_glass_as_turning_the_whole_picture(rotation):
    d = display(rotation)
    for value in (0.2, 0.5, 0.9):
        d.show(practice(value))
    got = glass_pixels(d)
    d.close()
    assert np.array_equal(got, whole_picture_turned(practice(0.9), rotation))


@pytest.mark.parametrize("rotation", [0, 90])
def test_a_moving_bar_sends_a_small_part_of_the_glass(rotation):
    d = display(rotation)
    d.show(practice(0.5))
    assert d.last_sent == [pygame.Rect((0, 0), d.glass_size)]     # the first picture goes whole
    d.show(practice(0.55))
    sent = sum(r.width * r.height for r in d.last_sent)
    d.close()
    assert 0 < sent < 0.35 * SIZE[0] * SIZE[1]


def test_an_unchanged_screen_sends_nothing():
    d = display(90)
    d.show(practice(0.5))
    drawn = d.frames_drawn
    d.show(practice(0.5))
    d.close()
    assert d.frames_drawn == drawn


@pytest.mark.parametrize("rotation, kept", [(0, 0), (90, 1), (180, 1), (270, 1)])
def test_no_copy_of_the_last_picture_is_kept(rotation, kept):
    """Upright, the screen is drawn on the glass itself; turned, one upright picture is kept beside it."""
    d = display(rotation)
    for value in (0.2, 0.5):
        d.show(practice(value))
    got = d.pictures_kept
    d.close()
    assert got == kept


@pytest.mark.parametrize("x, y", [(0, 0), (360, 644), (123, 641), (200, 301)])
def test_a_single_changed_pixel_is_found_wherever_it_is(x, y):
    size = (361, 645)     # neither a whole number of bands high nor a round width
    picture = pygame.Surface(size, 0, 32)
    picture.fill((10, 20, 30))
    before = fingerprint(picture)
    picture.set_at((x, y), (10, 20, 31))
    (rect,) = changed_parts(fingerprint(picture), before, size)
    assert rect.collidepoint(x, y)
    assert rect.width == 1 and rect.height <= BAND_ROWS
    assert pygame.Rect((0, 0), size).contains(rect)


def test_changes_far_apart_are_sent_as_separate_parts_covering_them():
    picture = pygame.Surface(SIZE, 0, 32)
    before = fingerprint(picture)
    picture.fill((255, 255, 255), pygame.Rect(10, 20, 30, 40))
    picture.fill((255, 0, 0), pygame.Rect(200, 500, 5, 5))
    rects = changed_parts(fingerprint(picture), before, SIZE)
    assert len(rects) == 2
    assert rects[0].contains(pygame.Rect(10, 20, 30, 40)) and rects[1].contains(pygame.Rect(200, 500, 5, 5))
    assert sum(r.width * r.height for r in rects) < 2 * (30 * 40 + 5 * 5)
