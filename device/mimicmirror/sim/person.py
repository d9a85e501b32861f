"""The virtual person at the rig's mirror: follows the cues like a patient would.

They arrive, wait for the start prompt and press NEXT, keep still for the
relaxed-face capture, read each card, and in practice move when invited,
keep the movement until the mirror says let go, and relax while it says
relax, with the per-side amplitudes of the scenario (their palsy). They leave after the
session. What they see comes from the screens the service draws; what the
camera sees of them is rendered on demand by `frame_at`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..language import REFERENCE, load_language
from ..screen import Phase, Screen, ScreenKind
from .scenario import Happening, Movement, Scenario
from .warp import ExerciseWarper

#: Rendered frames kept for reuse: holds repeat the same amplitudes many times.
FRAME_CACHE = 96
#: Amplitudes are rendered in steps this fine (a 20th of the full movement).
AMPLITUDE_STEP = 0.05
#: Effort follows "a little more / less" by this factor per frame the cue is seen.
EFFORT_STEP = 1.04
EFFORT_RANGE = (0.3, 1.6)
#: Nobody holds a movement forever: after this long the person lets go anyway.
LONGEST_HOLD_S = 8.0
#: A press held this long (a long NEXT is held past the device's threshold).
SHORT_PRESS_S = 0.2
LONG_PRESS_S = 2.5



@dataclass(frozen=True)
class Press:
    at: float          # monotonic seconds
    button: str        # "next" or "repeat"
    hold: float        # seconds held down


class VirtualPerson:
    """Decides presses from screens, and renders what the camera sees."""

    def __init__(self, scenario: Scenario, warper: ExerciseWarper, start_at: float, cues: dict[str, str],
                 menu_wants: dict[str, str] | None = None, menu_words: Mapping[str, str] | None = None):
        self.scenario = scenario
        self.cues = cues            # the programme's cue texts: the person reads them
        #: settings menu: a setting's screen title -> the choice wanted there (as the glass words it)
        self.menu_wants = menu_wants or {}
        #: the settings menu's words in the mirror's language (its "save" and "leave" pages)
        self.menu_words = menu_words or load_language(REFERENCE).menu
        self._menu_seen: set[str] = set()
        self.warper = warper
        self.start_at = start_at
        self._lock = threading.Lock()
        self._absent: list[tuple[float, float]] = [(float("-inf"), start_at + scenario.person.arrive)]
        self._presses: list[Press] = []
        self._faults: list[tuple[str, float, float]] = []      # new (kind, start, seconds), scenario time
        self._checkpoints: list[tuple[float, str]] = []         # (monotonic time, name)
        self._screen_key: tuple | None = None
        self._seen_practice: set[str] = set()
        self._movement: Movement | None = None
        self._target = 0.0
        self._amplitude = 0.0
        self._effort = 1.0          # scales both sides: the palsy's ratio stays the same
        self._moving_since: float | None = None
        self._last_t: float | None = None
        self._left_for_good = False
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._empty = _empty_scene(warper.neutral)
        self.placed: Any = None      # a `stand.Placed`: the photo stood at a known place before the glass
        self._neutral = warper.neutral
        for h in scenario.happenings:
            if not h.anchored():
                self._schedule(h, start_at + h.at)

    # -- what the person does ---------------------------------------------------------

    def see(self, screen: Screen, t: float) -> None:
        """The person reads the mirror at monotonic time t."""
        with self._lock:
            key = (screen.kind, screen.exercise_id, screen.title, screen.choice)
            self._follow_effort_cues(screen)
            self._target = self._effort if self._invited_to_move(screen, t) else 0.0
            self._movement = self.scenario.exercises.get(screen.exercise_id) \
                if screen.kind == ScreenKind.PRACTICE else self._movement
            if key == self._screen_key:
                return
            if screen.exercise_id != (self._screen_key or ("", ""))[1]:
                self._effort = 1.0      # a new exercise: full effort again
            self._screen_key = key
            self._react(screen, t)

    def _invited_to_move(self, screen: Screen, t: float) -> bool:
        """In practice, move unless told to let go or to relax between repetitions."""
        if screen.kind != ScreenKind.PRACTICE or screen.phase is Phase.RELEASE:
            self._moving_since = None
            return False
        if screen.phase is Phase.REST and screen.cue == self.cues["relax"]:
            self._moving_since = None
            return False
        if self._moving_since is None:
            self._moving_since = t
        return t - self._moving_since < LONGEST_HOLD_S

    def _follow_effort_cues(self, screen: Screen) -> None:
        if screen.kind != ScreenKind.PRACTICE:
            return
        if screen.cue == self.cues["less"]:
            self._effort = max(EFFORT_RANGE[0], self._effort / EFFORT_STEP)
        elif screen.cue == self.cues["more"]:
            self._effort = min(EFFORT_RANGE[1], self._effort * EFFORT_STEP)

    def _react(self, screen: Screen, t: float) -> None:
        p = self.scenario.person
        kind = screen.kind
        if kind == ScreenKind.ATTRACT:
            self._press(t + p.start_after, "next")
        elif kind in (ScreenKind.GREETING, ScreenKind.INSTRUCTION) and p.read_seconds > 0:
            self._press(t + p.read_seconds, "next")
        elif kind == ScreenKind.GUIDED and p.guided_seconds > 0:
            self._press(t + p.guided_seconds, "next")
        elif kind == ScreenKind.EXERCISE_SUMMARY and p.summary_seconds > 0:
            self._press(t + p.summary_seconds, "next")
        elif kind == ScreenKind.SESSION_SUMMARY and p.leave_after_session and not self._left_for_good:
            self._left_for_good = True
            leave = t + max(p.summary_seconds, 1.0)
            self._press(leave - 0.5, "next")
            self._absent.append((leave, float("inf")))
        elif kind == ScreenKind.SETTINGS:
            self._work_the_menu(screen, t + p.read_seconds)
        elif kind == ScreenKind.PRACTICE and screen.exercise_id not in self._seen_practice:
            self._seen_practice.add(screen.exercise_id)
            for h in self.scenario.happenings:
                if h.exercise == screen.exercise_id:
                    self._schedule(h, t + h.after)
            if screen.exercise_id not in self.scenario.exercises:
                self._press(t + 1.0, "next")   # an exercise the scenario does not do: skipped

    def _work_the_menu(self, screen: Screen, at: float) -> None:
        """Look through every page once (NEXT past save and leave, back to the first), then change
        each setting until it shows the wanted choice, and save."""
        self._menu_seen.add(screen.title)
        wanted = self.menu_wants.get(screen.title)
        looked_around = self.menu_words["leave"] in self._menu_seen
        if screen.title == self.menu_words["save"] and looked_around:
            self._press(at, "repeat")
        elif looked_around and wanted is not None and screen.choice != wanted:
            self._press(at, "repeat")
        else:
            self._press(at, "next")

    def _schedule(self, h: Happening, at: float) -> None:
        if h.what == "press":
            button, hold = ("next", LONG_PRESS_S) if h.kind == "next_long" else (h.kind, SHORT_PRESS_S)
            self._presses.append(Press(at, button, h.seconds or hold))
        elif h.what == "away":
            self._absent.append((at, at + h.seconds))
        elif h.what == "fault":
            self._faults.append((h.kind, at - self.start_at, h.seconds))
        elif h.what == "checkpoint":
            self._checkpoints.append((at, h.kind))

    def _press(self, at: float, button: str) -> None:
        self._presses.append(Press(at, button, SHORT_PRESS_S))

    def press(self, at: float, button: str = "next") -> None:
        """Press a button at monotonic time `at` (for notices of the service's own, which the engine does not show)."""
        with self._lock:
            self._press(at, button)

    def take_presses(self, now: float) -> list[Press]:
        """Presses that are due by `now`, in order (each handed out once)."""
        with self._lock:
            due = sorted((p for p in self._presses if p.at <= now), key=lambda p: p.at)
            self._presses = [p for p in self._presses if p.at > now]
            return due

    def take_checkpoints(self, now: float) -> list[str]:
        """Names of the checkpoints due by `now` (each handed out once)."""
        with self._lock:
            due = [name for at, name in sorted(self._checkpoints) if at <= now]
            self._checkpoints = [(at, name) for at, name in self._checkpoints if at > now]
            return due

    def take_faults(self) -> list[tuple[str, float, float]]:
        with self._lock:
            faults, self._faults = self._faults, []
            return faults

    def present(self, t: float) -> bool:
        return not any(a <= t < b for a, b in self._absent)

    @property
    def gone(self) -> bool:
        return self._left_for_good

    # -- what the camera sees -----------------------------------------------------------

    def stand_at(self, placed: Any) -> None:
        """Stand at a known place: every frame is the photo put where the camera sees that place."""
        self.placed = placed
        self._neutral = placed.frame(self.warper.neutral)
        self._empty = _empty_scene(self._neutral)
        self._cache.clear()

    def frame_at(self, scenario_t: float) -> np.ndarray:
        """The camera's view at scenario time (seconds since the rig started)."""
        t = self.start_at + scenario_t
        with self._lock:
            self._move_towards_target(t)
            if not self.present(t):
                return self._empty
            movement, amplitude = self._movement, self._amplitude
        if movement is None or amplitude <= 0:
            return self._neutral
        return self._render(movement, round(amplitude / AMPLITUDE_STEP) * AMPLITUDE_STEP)

    def _move_towards_target(self, t: float) -> None:
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        step = dt / max(self.scenario.person.move_seconds, 1e-3)
        if self._amplitude < self._target:
            self._amplitude = min(self._target, self._amplitude + step)
        else:
            self._amplitude = max(self._target, self._amplitude - step)

    def _render(self, movement: Movement, a: float) -> np.ndarray:
        key = (movement, round(a, 3))
        frame = self._cache.get(key)
        if frame is None:
            actions = [(movement.action, a * movement.left, a * movement.right)]
            actions += [(name, a * left, a * right) for name, left, right in movement.also]
            frame = self.warper.render_many(actions)
            if self.placed is not None:
                frame = self.placed.frame(frame)
            self._cache[key] = frame
            while len(self._cache) > FRAME_CACHE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return frame


def _empty_scene(face: np.ndarray) -> np.ndarray:
    """The bathroom without anyone in it: the photo's border colour, evenly."""
    border = np.concatenate([face[0], face[-1], face[:, 0], face[:, -1]])
    return np.broadcast_to(border.mean(axis=0).astype(np.uint8), face.shape).copy()
