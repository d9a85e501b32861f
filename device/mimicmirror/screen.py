"""The screen model: what the mirror shows, as plain data.

The engine produces it; the display draws it; tests and screenshots compare
it. Nothing here knows about pygame. Fields that a screen kind does not use
stay at their defaults. Side-specific things carry the patient's side; the
display decides where that side appears behind the mirror.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .sides import Side

if TYPE_CHECKING:   # only a type here: the reflection's folder builds screens, so it sits above this one
    from .reflection.placement import Placement


class ScreenKind(str, Enum):
    IDLE = "idle"                          # black: the mirror is just a mirror
    ATTRACT = "attract"                    # a face lingers: small prompt to start
    GREETING = "greeting"                  # "session k of n today"
    NEUTRAL = "neutral"                    # relax and keep still: baseline capture
    INSTRUCTION = "instruction"            # the exercise card before practice
    PRACTICE = "practice"                  # tracked rep cycle with bars
    GUIDED = "guided"                      # timed, unmeasured step (massage, reading)
    EXERCISE_SUMMARY = "exercise_summary"
    SESSION_SUMMARY = "session_summary"
    PAUSED = "paused"                      # long press, or no face for a while
    NOTICE = "notice"                      # calm message: camera gone, take a break
    SETTINGS = "settings"                  # the caregiver's menu: one setting per screen
    CALIBRATION = "calibration"            # set-up: two marks to line up with the eyes' reflection


class Phase(str, Enum):
    """Where a tracked rep is in its cycle."""

    REST = "rest"
    MOVE = "move"
    HOLD = "hold"
    RELEASE = "release"


@dataclass(frozen=True)
class SideBar:
    """One side's movement, scaled so 1.0 is the exercise's target movement."""

    side: Side
    value: float
    target_low: float = 0.6
    target_high: float = 1.4
    affected: bool = False


@dataclass(frozen=True)
class SummaryRow:
    """One exercise on a summary screen, with its history when the store has one."""

    exercise_id: str
    title: str
    reps: int = 0
    symmetry: float | None = None          # today's mean symmetry, 0..1
    weaker: Side | None = None
    symmetry_7d: float | None = None       # mean over the last 7 days
    symmetry_28d: float | None = None      # mean over the last 28 days
    trend: tuple[float, ...] = ()          # daily symmetry for a sparkline, oldest first
    affected_movement: float | None = None  # today's affected-side peak movement (IID)
    affected_first_week: float | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Screen:
    kind: ScreenKind
    title: str = ""
    exercise_id: str = ""                  # the exercise this screen belongs to, if any
    lines: tuple[str, ...] = ()            # instruction or body text, short lines
    cue: str = ""                          # the one coaching cue that matters now
    cue_side: Side | None = None           # the side a cue is about (drawn on that side)
    warning: str = ""                      # why a frame is not counted, or a caution
    phase: Phase | None = None
    countdown: float | None = None         # seconds left in a hold or a guided step
    countdown_total: float | None = None   # the hold or step length, so a ring can show the part left
    rep: int = 0                           # reps done in this exercise
    reps_target: int = 0
    bars: tuple[SideBar, ...] = ()
    progress: tuple[int, int] | None = None  # (exercise number, of how many)
    passage: str = ""                      # text to read aloud
    rows: tuple[SummaryRow, ...] = ()
    sentence: str = ""                     # one plain sentence on a summary
    footer: str = ""                       # what the buttons do here
    choice: str = ""                       # settings: the value shown, drawn large (on cue_side if set)
    placement: Placement | None = None     # bars beside the face's reflection (None: at the edges)
    marks: tuple[tuple[float, float], ...] = ()   # calibration marks, screen pixels
