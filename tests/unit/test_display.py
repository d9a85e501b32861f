"""The mirror display, drawn for real by pygame-ce on SDL's dummy driver.

Screenshots are checked by their pixels: black where the reflection must come
through, lit where a cue belongs, on the side of the face it is about.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from mimicmirror.display.renderer import Display, KeyChange, open_display
from mimicmirror.display.theme import MIRROR
from mimicmirror.screen import Screen, ScreenKind, SideBar
from sample_screens import LANDSCAPE, PORTRAIT, SAMPLES


def glass(display: Display, tmp_path: Path, name: str = "shot") -> np.ndarray:
    """The glass as an HxWx3 array, read back from a real PNG file."""
    path = tmp_path / f"{name}.png"
    display.screenshot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return pygame.surfarray.array3d(pygame.image.load(str(path))).swapaxes(0, 1)


def lit(image: np.ndarray, threshold: int = 40) -> np.ndarray:
    return image.max(axis=2) > threshold


def test_every_screen_kind_has_a_sample():
    assert {s.kind for s in SAMPLES.values()} == set(ScreenKind)


@pytest.mark.parametrize("section", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_screen_renders_to_a_png_of_the_glass_size(section, tmp_path):
    display = open_display(section)
    try:
        for name, screen in SAMPLES.items():
            display.show(screen)
            image = glass(display, tmp_path, name)
            assert image.shape[:2] == (section["height"], section["width"])
            assert lit(image).any() == (screen.kind != ScreenKind.IDLE), name
    finally:
        display.close()


def test_idle_is_a_plain_mirror(portrait, tmp_path):
    portrait.show(SAMPLES["practice"])
    portrait.show(SAMPLES["idle"])
    assert glass(portrait, tmp_path).max() == 0


def test_attract_is_a_small_prompt_low_on_the_glass(portrait, tmp_path):
    portrait.show(SAMPLES["attract"])
    on = lit(glass(portrait, tmp_path))
    rows = np.nonzero(on.any(axis=1))[0]
    assert rows.min() > 0.8 * on.shape[0]
    assert on.mean() < 0.01


@pytest.mark.parametrize("section", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("name", ["practice", "practice_overdoing", "guided_massage"])
def test_the_middle_stays_clear_for_the_reflection(section, name, tmp_path):
    display = open_display(section)
    try:
        display.show(SAMPLES[name])
        on = lit(glass(display, tmp_path))
    finally:
        display.close()
    h, w = on.shape
    # the face's reflection: everything but the bars' edge columns, between the bands
    middle = on[int(0.32 * h):int(0.68 * h), int(0.18 * w):int(0.82 * w)]
    assert not middle.any()
    assert on[:int(0.3 * h)].any() and on[int(0.7 * h):].any()


def bar_columns(on: np.ndarray) -> np.ndarray:
    """Columns lit in the middle band: where the side bars are."""
    h = on.shape[0]
    return np.nonzero(on[int(0.4 * h):int(0.6 * h)].any(axis=0))[0]


def test_a_left_bar_is_drawn_on_the_left_edge(portrait, tmp_path):
    left_only = replace(SAMPLES["practice"], bars=(SideBar("left", 0.9, affected=True),), cue="")
    portrait.show(left_only)
    columns = bar_columns(lit(glass(portrait, tmp_path)))
    assert columns.size and columns.max() < 0.15 * 1080
    portrait.show(replace(left_only, bars=(SideBar("right", 0.9),)))
    columns = bar_columns(lit(glass(portrait, tmp_path, "right")))
    assert columns.size and columns.min() > 0.85 * 1080


def test_a_bar_fills_further_up_the_more_the_side_moves(portrait, tmp_path):
    def fill_top(value: float) -> int:
        portrait.show(replace(SAMPLES["practice"], bars=(SideBar("left", value),), cue=""))
        image = glass(portrait, tmp_path, f"v{value}")
        x = int(0.045 * 1080 + 0.025 * 1080)           # the middle of the left bar
        band = image[int(0.3 * 1920):int(0.75 * 1920), x]
        fill = (band == MIRROR.moving).all(axis=1) | (band == MIRROR.good).all(axis=1)
        return int(np.nonzero(fill)[0].min())

    assert fill_top(1.0) < fill_top(0.4) < fill_top(0.1)


def test_overdoing_it_is_amber_not_red(portrait, tmp_path):
    portrait.show(replace(SAMPLES["practice_overdoing"], cue="", warning=""))
    image = glass(portrait, tmp_path)
    right_bar = image[int(0.35 * 1920):int(0.65 * 1920), int(0.85 * 1080):]
    r, g, b = (right_bar[..., k].astype(int) for k in range(3))
    amber = (r > 200) & (g > 150) & (b < 130)
    assert amber.sum() > 1000
    assert not ((r > 180) & (g < 90) & (b < 90)).any()


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_cue_about_one_side_is_lit_on_that_side(portrait, tmp_path, side):
    screen = Screen(ScreenKind.PRACTICE, cue="Keep your eye soft", cue_side=side)
    portrait.show(screen)
    on = lit(glass(portrait, tmp_path))
    columns = np.nonzero(on.any(axis=0))[0]
    assert columns.size
    if side == "left":
        assert columns.max() < 540
    else:
        assert columns.min() > 540


def test_a_cue_without_a_side_is_centred(portrait, tmp_path):
    portrait.show(Screen(ScreenKind.PRACTICE, cue="Breathe out slowly"))
    columns = np.nonzero(lit(glass(portrait, tmp_path)).any(axis=0))[0]
    assert columns.min() < 540 < columns.max()
    assert abs((columns.min() + columns.max()) / 2 - 540) < 20


def test_rotation_turns_the_drawing_clockwise_onto_the_glass(tmp_path):
    display = open_display({**PORTRAIT, "rotation": 90})
    try:
        screen = replace(SAMPLES["practice"], bars=(SideBar("left", 0.9),), cue="", footer="", warning="")
        display.show(screen)
        image = glass(display, tmp_path)
    finally:
        display.close()
    assert image.shape[:2] == (1080, 1920)          # the glass is landscape
    on = lit(image)
    # the logical top (title) is now at the right edge; the left edge (the bar) is at the top
    columns = np.nonzero(on.any(axis=0))[0]
    assert columns.max() > 0.7 * 1920 and on[:, int(0.7 * 1920):].sum() > on[:, :int(0.3 * 1920)].sum()
    bar_rows = np.nonzero(on[:, int(0.4 * 1920):int(0.6 * 1920)].any(axis=1))[0]
    assert bar_rows.size and bar_rows.max() < 0.15 * 1080


def test_rotation_180_puts_the_title_at_the_bottom(tmp_path):
    display = open_display({**PORTRAIT, "rotation": 180})
    try:
        display.show(Screen(ScreenKind.PAUSED, title="Paused"))
        on = lit(glass(display, tmp_path))
    finally:
        display.close()
    rows = np.nonzero(on.any(axis=1))[0]
    assert on.shape == (1920, 1080) and rows.min() > 0.7 * 1920


def test_unchanged_screens_are_not_redrawn(portrait):
    portrait.show(SAMPLES["practice"])
    drawn = portrait.frames_drawn
    for _ in range(5):
        portrait.show(SAMPLES["practice"])
    assert portrait.frames_drawn == drawn
    portrait.show(replace(SAMPLES["practice"], countdown=1.0))
    assert portrait.frames_drawn == drawn + 1


def test_keys_come_out_as_named_changes_and_escape_asks_to_quit(portrait):
    pygame.event.clear()
    for key, kind in ((pygame.K_n, pygame.KEYDOWN), (pygame.K_n, pygame.KEYUP),
                      (pygame.K_SPACE, pygame.KEYDOWN), (pygame.K_RIGHT, pygame.KEYDOWN), (pygame.K_r, pygame.KEYUP)):
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))
    assert portrait.pump() == [KeyChange("n", True), KeyChange("n", False), KeyChange("space", True),
                               KeyChange("right", True), KeyChange("r", False)]
    assert not portrait.quit_requested
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    assert portrait.pump() == [KeyChange("escape", True)]
    assert portrait.quit_requested


def test_closing_the_window_asks_to_quit(portrait):
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    portrait.pump()
    assert portrait.quit_requested


def test_the_camera_is_never_shown_unless_asked(tmp_path):
    frame = np.full((480, 640, 3), 200, np.uint8)
    for show_camera, expect in ((False, 0), (True, 1)):
        display = open_display({**PORTRAIT, "show_camera": show_camera})
        try:
            display.show(SAMPLES["idle"], camera_rgb=frame)
            assert lit(glass(display, tmp_path)).any() == bool(expect)
        finally:
            display.close()


def test_the_debug_camera_picture_is_mirrored_like_the_reflection(tmp_path):
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[:, 600:] = 255                      # the image's right edge: the user's left
    display = open_display({**PORTRAIT, "show_camera": True})
    try:
        display.show(SAMPLES["idle"], camera_rgb=frame)
        on = lit(glass(display, tmp_path))
    finally:
        display.close()
    inset_w = round(1080 * 0.24)
    inset_x = 1080 - round(1080 * 0.045) - inset_w
    row = on[round(1080 * 0.045) + 50, inset_x + 4:inset_x + inset_w - 4]   # inside the frame line
    bright = np.nonzero(row)[0]
    assert bright.size and bright.max() < 0.1 * inset_w


def test_bad_driver_and_rotation_are_user_errors():
    from mimicmirror.errors import UserError

    with pytest.raises(UserError, match="driver"):
        open_display({**PORTRAIT, "driver": "fbcon"})
    with pytest.raises(UserError, match="rotation"):
        open_display({**PORTRAIT, "rotation": 45})


def test_the_window_driver_honours_a_headless_environment(tmp_path):
    display = open_display({**LANDSCAPE, "driver": "window"})
    try:
        display.show(SAMPLES["paused"])
        assert glass(display, tmp_path).shape[:2] == (720, 1280)
        assert pygame.display.get_driver() == "dummy"
    finally:
        display.close()


def test_on_a_landscape_screen_the_bars_run_the_full_height_at_the_edges(tmp_path):
    display = open_display(LANDSCAPE)
    try:
        display.show(replace(SAMPLES["practice"], cue=""))
        image = glass(display, tmp_path)
    finally:
        display.close()
    x = int(0.045 * 1280 + 0.025 * 1280)
    column = (image[:, x] == MIRROR.faint).all(axis=1) | (image[:, x] == MIRROR.zone).all(axis=1)
    rows = np.nonzero(column)[0]
    assert rows.min() < 0.12 * 720 and rows.max() > 0.85 * 720


@pytest.mark.parametrize("size", [(320, 240), (240, 320), (3840, 2160)])
def test_every_screen_renders_on_the_smallest_and_largest_screens(size, tmp_path):
    display = open_display({**PORTRAIT, "width": size[0], "height": size[1]})
    try:
        for screen in SAMPLES.values():
            display.show(screen)
        assert glass(display, tmp_path).shape[:2] == (size[1], size[0])
    finally:
        display.close()


def test_overlong_words_shrink_or_end_in_an_ellipsis_but_stay_on_the_glass(portrait, tmp_path):
    long = "Gently lift the corner of your mouth towards your ear without moving the eye " * 4
    screen = Screen(ScreenKind.INSTRUCTION, title=long, lines=(long, long, long, long), cue=long,
                    warning=long, footer=long, progress=(30, 30))
    portrait.show(screen)
    on = lit(glass(portrait, tmp_path))
    columns = np.nonzero(on.any(axis=0))[0]
    assert columns.min() >= 0.03 * 1080 and columns.max() <= 0.97 * 1080


@pytest.mark.skipif(Path("/dev/dri").exists(), reason="this machine has a DRM device")
def test_kmsdrm_without_a_screen_is_one_calm_line_and_leaves_the_environment_alone():
    import os

    from mimicmirror.errors import UserError

    before = os.environ.get("SDL_VIDEODRIVER")
    with pytest.raises(UserError, match=r"kmsdrm.*driver = \"window\""):
        open_display({**PORTRAIT, "driver": "kmsdrm"})
    assert os.environ.get("SDL_VIDEODRIVER") == before
    display = open_display(PORTRAIT)          # and the next display still opens
    display.close()


def test_rotation_270_turns_the_other_way(tmp_path):
    display = open_display({**PORTRAIT, "rotation": 270})
    try:
        display.show(replace(SAMPLES["practice"], bars=(SideBar("left", 0.9),), cue="", footer="", warning=""))
        on = lit(glass(display, tmp_path))
    finally:
        display.close()
    assert on.shape == (1080, 1920)
    assert on[:, :int(0.3 * 1920)].sum() > on[:, int(0.7 * 1920):].sum()    # the title at the left edge
    bar_rows = np.nonzero(on[:, int(0.4 * 1920):int(0.6 * 1920)].any(axis=1))[0]
    assert bar_rows.size and bar_rows.min() > 0.85 * 1080                   # the left bar at the bottom
