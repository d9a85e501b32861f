"""The settings menu on the glass: two buttons, one setting per screen, saved only on "save"."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from mimicmirror.clock import SimClock
from mimicmirror.config import defaults, load, validate
from mimicmirror.display.renderer import open_display
from mimicmirror.events import ButtonEvent, ButtonName, TickEvent
from mimicmirror.exercises.catalogue import load_catalogue, load_programme
from mimicmirror.exercises.engine import Engine, State
from mimicmirror.exercises.settings_menu import IDLE_CLOSE_S, MenuChoices, ProgrammeChoice
from mimicmirror.service import Notifier, Service
from mimicmirror.screen import ScreenKind

from mimicmirror.store.db import Store

CONFIG = defaults()
CATALOGUE = load_catalogue(CONFIG.programme_path)
CHOICES = MenuChoices.from_schema(tuple(ProgrammeChoice(n, p.title, p.for_whom)
                                        for n, p in CATALOGUE.programmes.items()))


class Menu:
    """An engine at first start, and the buttons to drive it."""

    def __init__(self, first_start: bool = True) -> None:
        self.engine = Engine(load_programme(CONFIG.programme_path, "standard"), CONFIG, choices=CHOICES,
                             first_start=first_start)
        self.t = 100.0
        self.saved: list = []

    def press(self, button: str, long: bool = False):
        step = self.engine.handle(ButtonEvent(self.t, ButtonName(button), long))
        self.saved += step.settings
        self.t += 0.5
        return step.screen

    def next_to(self, title: str):
        for _ in range(10):
            if self.engine.screen.title == title:
                return self.engine.screen
            self.press("next")
        raise AssertionError(f"no screen titled {title!r}")


def test_first_start_opens_the_menu_on_the_affected_side_drawn_on_the_side_it_names():
    m = Menu()
    s = m.engine.screen
    assert m.engine.state is State.SETTINGS and s.kind is ScreenKind.SETTINGS
    assert s.title == "Which side of the face has the palsy?"
    assert (s.choice, s.cue_side) == ("Left", "left")
    s = m.press("repeat")
    assert (s.choice, s.cue_side) == ("Right", "right")
    assert "NEXT" in s.footer and "REPEAT" in s.footer


def test_next_goes_through_every_setting_then_save_and_leave_then_back_to_the_first():
    m = Menu()
    titles = [m.engine.screen.title]
    for _ in range(m.engine.menu.pages):
        titles.append(m.press("next").title)
    assert titles == ["Which side of the face has the palsy?", "Which exercises?", "Sessions a day", "Sound",
                      *(["Language"] if len(CHOICES.languages) > 1 else []),
                      "Save these settings?", "Leave without saving?", "Which side of the face has the palsy?"]
    assert [m.engine.screen.progress] == [(1, m.engine.menu.pages)]
    assert m.saved == []


def test_each_programme_says_in_one_line_who_it_is_for():
    m = Menu()
    m.next_to("Which exercises?")
    seen = {}
    for _ in CATALOGUE.programmes:
        s = m.press("repeat")
        seen[s.choice] = s.lines
    assert seen["Early care"] == ("The first weeks: massage and eye care only.",)
    assert all(len(lines) == 1 and lines[0] for lines in seen.values())


def test_save_hands_out_the_whole_config_with_the_choices_and_nothing_else_changed():
    m = Menu()
    m.press("repeat")                                   # right
    m.next_to("Which exercises?")
    while m.engine.screen.choice != "Gentle":
        m.press("repeat")
    m.next_to("Sessions a day")
    m.press("repeat")                                   # 3 -> 4
    s = m.next_to("Save these settings?")
    assert s.lines[:3] == ("Palsy on the right side", "Exercises: Gentle", "4 sessions a day")
    done = m.press("repeat")
    assert len(m.saved) == 1
    saved = m.saved[0]
    expected = {s: dict(v) for s, v in CONFIG.sections.items()}
    expected["user"].update(affected_side="right", programme="gentle", daily_sessions=4)
    assert saved == expected
    assert validate(saved) == saved
    assert done.kind is ScreenKind.NOTICE and done.title == "Settings saved"
    m.press("next")
    assert m.engine.state is State.IDLE


def test_leaving_without_saving_hands_out_nothing():
    m = Menu()
    m.press("repeat")
    m.next_to("Leave without saving?")
    s = m.press("repeat")
    assert s.title == "Nothing was changed" and m.saved == []
    m.engine.handle(TickEvent(m.t + 6))
    assert m.engine.state is State.IDLE and m.saved == []


def test_both_buttons_held_while_idle_open_the_menu_but_not_in_a_session():
    m = Menu(first_start=False)
    assert m.engine.state is State.IDLE
    m.press("both", long=True)
    assert m.engine.state is State.SETTINGS
    m = Menu(first_start=False)
    m.press("next")                                      # a session starts
    assert m.engine.in_session
    m.press("both", long=True)
    assert m.engine.state is not State.SETTINGS and m.engine.in_session


def test_a_menu_left_alone_closes_unsaved_but_not_at_first_start():
    m = Menu(first_start=False)
    m.press("both", long=True)
    m.press("repeat")
    m.engine.handle(TickEvent(m.t + IDLE_CLOSE_S - 1))
    assert m.engine.state is State.SETTINGS          # each press gives it the full time again
    m.engine.handle(TickEvent(m.t + IDLE_CLOSE_S + 1))
    assert m.engine.state is State.SETTINGS_DONE and m.saved == []
    first = Menu()
    first.engine.handle(TickEvent(first.t + 10 * IDLE_CLOSE_S))
    assert first.engine.state is State.SETTINGS


@pytest.mark.parametrize("side", ["left", "right"])
def test_the_side_is_lit_on_that_side_of_the_glass(tmp_path, side):
    m = Menu()
    if side == "right":
        m.press("repeat")
    display = open_display({"driver": "dummy", "width": 540, "height": 960, "rotation": 0, "fps": 60,
                            "show_camera": False})
    try:
        display.show(m.engine.screen)
        display.screenshot(tmp_path / "side.png")
    finally:
        display.close()
    image = pygame.surfarray.array3d(pygame.image.load(str(tmp_path / "side.png"))).swapaxes(0, 1)
    middle = image[int(960 * 0.45):int(960 * 0.8)].max(axis=2) > 40     # below the words, above the footer
    columns = np.nonzero(middle.any(axis=0))[0]
    assert columns.size
    if side == "left":
        assert columns.max() < 540 // 2 + 20
    else:
        assert columns.min() > 540 // 2 - 20


# --- the service saves what the menu chose ---------------------------------------------------

class _NoReference:
    """An analyzer that is never asked to analyse here (sessions only start and end)."""

    def clear_reference(self) -> None:
        pass


class _Still:
    """A display and buttons that do nothing (the menu is driven by events here)."""

    def events(self) -> list:
        return []

    def show(self, *args) -> None:
        pass


def service_at_first_start(tmp_path: Path, first_start: bool = True, mailbox=None) -> tuple[Service, Path]:
    path = tmp_path / "etc" / "mimicmirror.toml"
    path.parent.mkdir()
    config = replace(CONFIG, path=path)
    engine = Engine(load_programme(CONFIG.programme_path, "standard"), config, choices=CHOICES,
                    first_start=first_start)
    store = Store.open(tmp_path / "mimicmirror.db")
    service = Service(config=config, engine=engine, camera=None, buttons=_Still(), display=_Still(),
                      store=store, analyzer=_NoReference(), notifier=Notifier.from_env({}),
                      clock=SimClock(start=10.0), mailbox=mailbox)
    return service, path


def test_the_service_writes_the_same_commented_file_as_setup_and_uses_it_at_once(tmp_path):
    service, path = service_at_first_start(tmp_path)
    t = 10.0
    for button in ("repeat", "next", "repeat", "repeat", "next", "next", "next") + \
            (("next",) if len(CHOICES.languages) > 1 else ()) + ("repeat",):
        service._handle(ButtonEvent(t, ButtonName(button)))
        t += 0.5
    text = path.read_text()
    assert text.startswith("# Mimic Mirror device settings, written by `mimicmirror setup`")
    assert "# the side of the face with the palsy" in text
    data = tomllib.loads(text)
    assert (data["user"]["affected_side"], data["user"]["programme"]) == ("right", "gentle")
    assert load(path)["user"]["affected_side"] == "right"
    assert service.engine.affected == "right" and service.engine.programme.name == "gentle"
    assert service.config.path == path and service.config["user"]["programme"] == "gentle"


def test_leaving_the_menu_writes_no_file(tmp_path):
    service, path = service_at_first_start(tmp_path)
    t = 10.0
    for _ in range(service.engine.menu.pages - 1):
        service._handle(ButtonEvent(t, ButtonName.NEXT))
        t += 0.5
    service._handle(ButtonEvent(t, ButtonName.REPEAT))
    assert service.engine.screen.title == "Nothing was changed"
    assert not path.exists()


def test_the_stick_units_note_is_shown_between_sessions_only(tmp_path):
    from mimicmirror.stick import outcome as o
    from mimicmirror.stick.mailbox import Mailbox

    stick_side = Mailbox(tmp_path / "stick")
    service, _ = service_at_first_start(tmp_path, first_start=False, mailbox=Mailbox(tmp_path / "stick"))
    service._handle(ButtonEvent(10.0, ButtonName.NEXT))          # a session starts
    assert stick_side.mirror_busy()                                   # and the stick unit can see it
    stick_side.post([o.Outcome(o.SAVED, "MimicMirror-report-2026-03-14")])
    service._check_mailbox()
    assert service.shown == service.engine.screen                 # not over the exercises
    service._handle(ButtonEvent(11.0, ButtonName.NEXT, long=True))
    service._handle(ButtonEvent(12.0, ButtonName.NEXT, long=True))  # ended by the person
    assert not stick_side.mirror_busy()
    service.clock.advance_to(20.0)
    service._check_mailbox()
    assert service.shown.title == "USB stick"
    assert service.shown.lines == ("Report saved. You can take the stick out.",)


def test_new_settings_from_a_stick_are_used_as_soon_as_the_note_says_so(tmp_path):
    from mimicmirror.commands.setup import save
    from mimicmirror.stick import outcome as o
    from mimicmirror.stick.mailbox import Mailbox

    stick_side = Mailbox(tmp_path / "stick")
    service, path = service_at_first_start(tmp_path, first_start=False, mailbox=Mailbox(tmp_path / "stick"))
    assert service.engine.affected == "left"
    chosen = {s: dict(v) for s, v in CONFIG.sections.items()}
    chosen["user"].update(affected_side="right", programme="early")
    save(chosen, path)                                            # what the stick unit wrote
    stick_side.post([o.Outcome(o.SETTINGS_CHANGED, changes=(("user.affected_side", "right", "left"),)),
                     o.Outcome(o.SAVED)])
    service._check_mailbox()
    assert service.shown.lines == ("New settings from the stick: Palsy on the right side (was left).",
                                   "Report saved. You can take the stick out.")
    assert service.engine.affected == "right" and service.engine.programme.name == "early"
