"""The practice screen with its bars placed on the reflection: drawn for real, checked by pixels.

And the `Placer` between the analysis and the display: bars follow the head
(not the movement), stay at the edges when the setting is off or no face is
there, and the calibration's offset is kept and read back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from mimicmirror.config import defaults, validate
from mimicmirror.face.types import Quality
from mimicmirror.reflection import calibration
from mimicmirror.reflection.follow import Placer, features_of, mounting_from
from mimicmirror.reflection.placement import Placement
from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar

PITCH = 0.2475
#: A face whose reflection is high on the glass, as it is with the camera above the screen.
FACE = (330.0, 150.0, 750.0, 640.0)
BROW, MOUTH = 300.0, 520.0

PRACTICE = Screen(ScreenKind.PRACTICE, title="Raise your eyebrows", exercise_id="raise_brows", phase=Phase.HOLD,
                  countdown=2.0, countdown_total=3.0, rep=2, reps_target=5,
                  bars=(SideBar("left", 0.5, affected=True), SideBar("right", 1.0)),
                  lines=("Gently lift both eyebrows.",), progress=(2, 8),
                  footer="NEXT: skip · REPEAT: start over")


def lit_glass(display, tmp_path: Path, name: str = "shot") -> np.ndarray:
    path = tmp_path / f"{name}.png"
    display.screenshot(path)
    image = pygame.surfarray.array3d(pygame.image.load(str(path))).swapaxes(0, 1)
    return image.max(axis=2) > 40


def zone_edges(on_image: np.ndarray, x0: int, x1: int) -> list[int]:
    """Rows where a bar's target-zone edge lines run (long horizontal lines in these columns)."""
    rows = on_image[:, x0:x1].sum(axis=1)
    return [int(y) for y in np.nonzero(rows >= 0.9 * (x1 - x0))[0]]


def test_placed_bars_stand_beside_the_face_and_never_on_it(portrait, tmp_path):
    portrait.show(replace(PRACTICE, placement=Placement("brow", (BROW, BROW), FACE, PITCH)))
    on = lit_glass(portrait, tmp_path)
    x0, y0, x1, y1 = (round(v) for v in FACE)
    assert not on[y0:y1, x0:x1].any()                     # the reflection stays dark
    beside_left, beside_right = on[y0:y1, :x0], on[y0:y1, x1:]
    assert beside_left.any() and beside_right.any()


@pytest.mark.parametrize("level", [BROW, MOUTH])
def test_the_target_band_is_level_with_the_part_being_exercised(portrait, tmp_path, level):
    portrait.show(replace(PRACTICE, placement=Placement("brow", (level, level), FACE, PITCH)))
    on = lit_glass(portrait, tmp_path)
    x1 = round(FACE[0])
    edges = [y for y in zone_edges(on, x1 - 120, x1 - 60) if 100 < y < 1200]
    assert edges, "no target zone beside the face"
    middle = (min(edges) + max(edges)) / 2
    assert abs(middle - level) < 8


def test_words_move_below_the_reflection_when_it_is_high_on_the_glass(portrait, tmp_path):
    portrait.show(replace(PRACTICE, placement=Placement("brow", (BROW, BROW), FACE, PITCH)))
    on = lit_glass(portrait, tmp_path)
    x0, x1 = round(FACE[0]), round(FACE[2])
    assert not on[:round(FACE[3]), x0:x1].any()           # no title or count over the face
    assert on[round(FACE[3]):round(0.6 * 1920), x0:x1].any()   # they are below it


def test_a_face_at_the_edge_of_the_glass_keeps_its_bars_off_it(portrait, tmp_path):
    face = (-80.0, 300.0, 330.0, 760.0)
    portrait.show(replace(PRACTICE, placement=Placement("brow", (450.0, 450.0), face, PITCH)))
    on = lit_glass(portrait, tmp_path)
    assert not on[300:760, 0:330].any()
    assert on[:, :200].any()                              # the left bar found a free place on its side


def test_without_a_placement_the_bars_stay_at_the_edges(portrait, tmp_path):
    portrait.show(PRACTICE)
    on = lit_glass(portrait, tmp_path)
    h = on.shape[0]
    columns = np.nonzero(on[int(0.4 * h):int(0.6 * h)].any(axis=0))[0]
    assert columns.min() < 0.15 * 1080 and columns.max() > 0.85 * 1080


# -- the placer -------------------------------------------------------------------------------

class Conf(dict):
    def state_path(self, value: str) -> Path:
        return Path(value)


def make_config(**mirror) -> Conf:
    sections = {s: dict(v) for s, v in defaults().sections.items()}
    sections["mirror"].update(mirror)
    return Conf(validate(sections))


def head_landmarks(eye_px=(320.0, 250.0), gap_px=70.0, brow_up=0.0) -> np.ndarray:
    """A flat face in the camera's pixels, sized by its eye gap (iris 11.7 mm, gap 63 mm)."""
    from mimicmirror.reflection.geometry import FACE_OVAL, FEATURES, IRIS

    pts = np.zeros((478, 3))
    ex, ey = eye_px
    mm = gap_px / 63.0                         # pixels per mm at the face
    for side, sign in (("right", -1), ("left", 1)):   # the image's right is the person's left
        c, a, b, d, e = IRIS[side]
        cx = ex + sign * 31.5 * mm
        r = 5.85 * mm
        pts[c, :2], pts[a, :2], pts[b, :2], pts[d, :2], pts[e, :2] = \
            (cx, ey), (cx + r, ey), (cx, ey - r), (cx - r, ey), (cx, ey + r)
        for i in FEATURES["brow"][side]:
            pts[i, :2] = (cx, ey - (24 + brow_up) * mm)
        for name, dy in (("eye", 0), ("nose", 44), ("cheek", 65), ("mouth_corner", 72), ("lips", 70)):
            for i in FEATURES[name][side]:
                pts[i, :2] = (ex + sign * 25 * mm, ey + dy * mm)
    for i in (6, 168, 197, 133, 362):          # the nose's bridge and the inner eye corners
        pts[i, :2] = (ex, ey + 5 * mm)
    for k, i in enumerate(FACE_OVAL):
        angle = 2 * np.pi * k / len(FACE_OVAL)
        pts[i, :2] = (ex + 72 * mm * np.sin(angle), ey + (20 - 97 * np.cos(angle)) * mm)
    return pts


def analysis(t: float, landmarks: np.ndarray | None) -> SimpleNamespace:
    return SimpleNamespace(timestamp=t, face=landmarks is not None, landmarks_px=landmarks,
                           quality=Quality(ok=landmarks is not None))


def test_bars_follow_the_head_but_not_the_brow_that_rises():
    placer = Placer(mounting_from(make_config()), {"raise_brows": "brow"})
    resting = replace(PRACTICE, phase=Phase.REST)
    t = 0.0
    for _ in range(30):                                   # relaxed, then the practice screen
        t += 1 / 15
        placer.see(analysis(t, head_landmarks()), (640, 480))
        shown = placer.place(resting)
    level = shown.placement.level("left")
    for _ in range(30):                                   # the brow rises 12 mm; the head stays
        t += 1 / 15
        placer.see(analysis(t, head_landmarks(brow_up=12)), (640, 480))
        shown = placer.place(PRACTICE)
    assert shown.placement.level("left") == pytest.approx(level, abs=1)
    for _ in range(45):                                   # the head goes 40 px lower in the camera
        t += 1 / 15
        placer.see(analysis(t, head_landmarks(eye_px=(320.0, 290.0))), (640, 480))
        shown = placer.place(resting)
    assert shown.placement.level("left") > level + 20


def test_the_setting_off_leaves_the_bars_at_the_edges():
    placer = Placer.from_config(make_config(place_cues=False), [])
    placer.see(analysis(0.1, head_landmarks()), (640, 480))
    assert placer.place(PRACTICE) is PRACTICE


def test_no_face_for_a_while_puts_the_bars_back_at_the_edges():
    placer = Placer(mounting_from(make_config()), {"raise_brows": "brow"})
    placer.see(analysis(0.0, head_landmarks()), (640, 480))
    assert placer.place(replace(PRACTICE, phase=Phase.REST)).placement is not None
    placer.see(analysis(5.0, None), (640, 480))
    assert placer.place(PRACTICE).placement is None


def test_each_exercise_stands_its_bars_at_the_part_it_moves():
    from mimicmirror.exercises.catalogue import load_programme

    programme = load_programme(defaults().programme_path, "standard")
    parts = features_of(programme.exercises)
    assert parts["raise_brows"] == "brow"
    assert {parts[e] for e in parts if "smile" in e} == {"mouth_corner"}
    assert "close_eyes" not in parts or parts["close_eyes"] == "eye"


def test_the_calibration_offset_is_kept_and_read_back(tmp_path):
    path = tmp_path / "state" / calibration.FILE_NAME
    assert not calibration.load(path)
    calibration.save(path, calibration.Offset(12.5, -4.0))
    assert calibration.load(path) == calibration.Offset(12.5, -4.0)
    assert "12 mm further right and 4 mm lower" in calibration.load(path).describe()


def test_a_damaged_calibration_file_means_no_correction(tmp_path, caplog):
    path = tmp_path / calibration.FILE_NAME
    path.write_text("offset_right_mm = [")
    assert calibration.load(path) == calibration.Offset()
    assert str(path) in caplog.text


def test_the_calibration_rings_go_where_the_eyes_are_seen_and_stay_there():
    mounting = mounting_from(make_config())
    flow = calibration.Calibrating(mounting)
    assert flow.screen().warning                          # nobody there yet
    placer = Placer(mounting, {})
    t = 0.0
    for _ in range(20):
        t += 1 / 15
        placer.see(analysis(t, head_landmarks()), (640, 480))
        placer.place(flow.screen())
        flow.see(placer.reflection, t)
    (x0, y0), (x1, y1) = flow.screen().marks
    eyes = placer.reflection.eyes
    assert y0 == y1 == pytest.approx(eyes[1])
    assert (x0 + x1) / 2 == pytest.approx(eyes[0])
    assert (x1 - x0) * mounting.pixel_pitch_mm == pytest.approx(63, abs=3)   # each eye's own reflection
    for _ in range(10):                                   # the person moves down 30 px in the camera
        t += 1 / 15
        placer.see(analysis(t, head_landmarks(eye_px=(320.0, 280.0))), (640, 480))
        placer.place(flow.screen())
        flow.see(placer.reflection, t)
    assert flow.screen().marks == ((x0, y0), (x1, y1))    # the rings stay put
    offset = flow.finish()
    # their eyes are now lower than the rings by what the camera saw: the camera is taken to be higher
    seen_now = placer.reflection.eyes
    assert offset.up_mm == pytest.approx((seen_now[1] - y0) * mounting.pixel_pitch_mm, abs=0.2)


def test_without_a_face_at_the_rings_nothing_is_saved():
    flow = calibration.Calibrating(mounting_from(make_config()))
    with pytest.raises(ValueError, match="no face"):
        flow.finish()


def test_check_reports_the_stored_offset(tmp_path, monkeypatch):
    from mimicmirror.commands.check import Check

    monkeypatch.setenv("MIMICMIRROR_STATE_DIR", str(tmp_path))
    config = make_config()
    config.state_path = lambda value: tmp_path / value          # type: ignore[method-assign]
    check = Check(config, None, press_within=1, face_within=1, out=lambda text: None)
    assert "not calibrated yet" in check.check_mirror().detail
    calibration.save(tmp_path / calibration.FILE_NAME, calibration.Offset(-6.0, 9.5))
    result = check.check_mirror()
    assert result.status == "PASS"
    assert "6 mm further left and 10 mm higher" in result.detail
    off = make_config(place_cues=False)
    assert Check(off, None, press_within=1, face_within=1).check_mirror().status == "SKIP"


# -- lining up from the settings menu -------------------------------------------------------------

def test_the_settings_menu_offers_lining_up_and_hands_the_request_to_the_service():
    from mimicmirror.events import ButtonEvent, ButtonName
    from mimicmirror.exercises.catalogue import load_catalogue, load_programme
    from mimicmirror.exercises.engine import Engine
    from mimicmirror.exercises.settings_menu import MenuChoices, ProgrammeChoice

    config = defaults()
    choices = replace(MenuChoices.from_schema(tuple(ProgrammeChoice(n, p.title) for n, p in
                                                    load_catalogue(config.programme_path).programmes.items())),
                      line_up=True)
    engine = Engine(load_programme(config.programme_path, "standard"), config, choices=choices, first_start=True)
    t = 100.0
    for _ in range(engine.menu.pages):
        if engine.screen.title == "Line up the bars with the reflection":
            break
        engine.handle(ButtonEvent(t, ButtonName("next")))
        t += 0.5
    assert engine.screen.title == "Line up the bars with the reflection"
    step = engine.handle(ButtonEvent(t, ButtonName("repeat")))
    assert step.line_up == (True,) and not step.settings
    assert engine.screen.title == "Line up the bars with the reflection"      # the menu waits
    assert engine.handle(ButtonEvent(t + 1, ButtonName("next"))).screen.title == "Save these settings?"


class _Glass:
    """A display and buttons for a service driven by hand: remembers what it showed."""

    def __init__(self) -> None:
        self.presses: list = []
        self.shown = None

    def events(self, keys=()) -> list:
        presses, self.presses = self.presses, []
        return presses

    def pump(self) -> list:
        return []

    def show(self, screen, camera_rgb=None) -> None:
        self.shown = screen


def test_the_service_lines_up_the_bars_saves_the_offset_and_uses_it_at_once(tmp_path, monkeypatch):
    from mimicmirror.events import ButtonEvent, ButtonName
    from mimicmirror.exercises.catalogue import load_programme
    from mimicmirror.exercises.engine import Engine
    from mimicmirror.clock import SimClock
    from mimicmirror.service import Notifier, Service
    from mimicmirror.store.db import Store

    monkeypatch.setenv("MIMICMIRROR_STATE_DIR", str(tmp_path))
    config = defaults()
    glass = _Glass()
    placer = Placer(mounting_from(config), {})
    service = Service(config=config, engine=Engine(load_programme(config.programme_path, "gentle"), config),
                      camera=None, buttons=glass, display=glass, store=Store.open(tmp_path / "mimicmirror.db"),
                      analyzer=None, notifier=Notifier.from_env({}), clock=SimClock(start=10.0), placer=placer)
    service._start_line_up()
    t = 10.0
    for _ in range(20):                                   # the person stands still before the rings
        t += 1 / 15
        seen = analysis(t, head_landmarks())
        placer.see(seen, (640, 480))
        service._line_up_sees(seen, t)
    assert service.shown.kind == ScreenKind.CALIBRATION and service.shown.marks
    ring_y = service.shown.marks[0][1]
    for _ in range(10):                                   # and steps down into them (the camera sees 20 px lower)
        t += 1 / 15
        seen = analysis(t, head_landmarks(eye_px=(320.0, 270.0)))
        placer.see(seen, (640, 480))
        service._line_up_sees(seen, t)
    assert service._line_up_presses([ButtonEvent(t, ButtonName("next"))]) == []
    assert service.shown.title == "Lined up"
    offset = calibration.load(tmp_path / calibration.FILE_NAME)
    assert offset.up_mm > 0                               # seen lower than the rings: the camera is higher
    assert placer.mounting.offset_up_mm == offset.up_mm   # used at once
    placer.see(analysis(t + 0.1, head_landmarks(eye_px=(320.0, 270.0))), (640, 480))
    placer.place(Screen(ScreenKind.INSTRUCTION))
    assert placer.reflection.eyes[1] == pytest.approx(ring_y, abs=2)


def test_a_cue_about_one_side_stands_under_that_sides_bar_beside_the_face(portrait, tmp_path):
    cue = "Lift the left brow a little more"
    placed = replace(PRACTICE, cue=cue, cue_side="left", placement=Placement("brow", (BROW, BROW), FACE, PITCH))
    portrait.show(placed)
    on = lit_glass(portrait, tmp_path, "placed")
    portrait.show(replace(placed, placement=None))
    edges = lit_glass(portrait, tmp_path, "edges")
    x0, x1 = round(FACE[0]), round(FACE[2])
    under_left_bar = on[round(BROW) + 200:round(FACE[3]), :x0]      # beside the face, under the left bar
    assert under_left_bar.any()
    assert not on[round(BROW) + 200:round(FACE[3]), x1:].any()      # not on the other side
    bottom = slice(int(0.75 * 1920), int(0.93 * 1920))     # above the footer
    assert edges[bottom].any() and not on[bottom].any()    # no longer in the bottom band


def test_landmarks_that_make_no_sense_leave_the_bars_where_they_were():
    placer = Placer(mounting_from(make_config()), {"raise_brows": "brow"})
    t = 0.0
    for _ in range(5):
        t += 1 / 15
        placer.see(analysis(t, head_landmarks()), (640, 480))
        shown = placer.place(replace(PRACTICE, phase=Phase.REST))
    broken = head_landmarks()
    broken[468] = np.nan
    placer.see(analysis(t + 0.1, broken), (640, 480))
    placer.see(analysis(t + 0.2, np.zeros((478, 3))), (640, 480))     # every point in one place
    after = placer.place(replace(PRACTICE, phase=Phase.REST))
    assert after.placement == shown.placement


def lined_up_rings(seconds: float = 1.5) -> tuple[calibration.Calibrating, Placer, float]:
    """The calibration screen after a person stood still before it long enough for the rings."""
    config = defaults()
    placer = Placer(mounting_from(config), {})
    rings = calibration.Calibrating(placer.mounting)
    t = 10.0
    while t < 10.0 + seconds:
        t += 1 / 15
        placer.see(analysis(t, head_landmarks()), (640, 480))
        rings.look(placer, True, t)
    return rings, placer, t


def test_on_the_calibration_screen_next_saves_the_offset_and_ends_it(tmp_path):
    rings, _, _ = lined_up_rings()
    answer = rings.press("next", False, tmp_path / calibration.FILE_NAME)
    assert answer.over and answer.saved is not None and answer.problem is None
    assert calibration.load(tmp_path / calibration.FILE_NAME) == answer.saved


def test_on_the_calibration_screen_a_long_next_cancels_and_saves_nothing(tmp_path):
    rings, _, _ = lined_up_rings()
    answer = rings.press("next", True, tmp_path / calibration.FILE_NAME)
    assert answer.over and answer.saved is None and answer.problem is None
    assert not (tmp_path / calibration.FILE_NAME).exists()


def test_on_the_calibration_screen_repeat_puts_the_rings_again_and_goes_on():
    rings, placer, t = lined_up_rings()
    assert rings.marks is not None
    answer = rings.press("repeat", False, Path("unused"))
    assert not answer.over and rings.marks is None
    rings.look(placer, True, t + 2.0)                          # still there: the rings come back
    assert rings.marks is not None


def test_a_next_that_saves_nothing_says_why_and_the_rings_stay(tmp_path):
    rings, _, _ = lined_up_rings(seconds=0.5)                   # not yet settled: no rings
    answer = rings.press("next", False, tmp_path / calibration.FILE_NAME)
    assert not answer.over and answer.problem == "no face was seen at the rings"
    rings, _, _ = lined_up_rings()
    (tmp_path / "a-file").write_text("")
    answer = rings.press("next", False, tmp_path / "a-file" / calibration.FILE_NAME)   # cannot be written
    assert not answer.over and answer.saved is None and answer.problem
    assert rings.marks is not None
