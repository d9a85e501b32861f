"""What the engine asks to be stored: numbers only, never images.

Records carry monotonic engine time `t`; the service stamps wall-clock time
when it hands them to the store. They arrive in order within a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Union

from .sides import Side


@dataclass(frozen=True)
class SessionStarted:
    t: float
    programme: str
    affected_side: Side
    settings: Mapping[str, object] = field(default_factory=dict)  # settings in force


@dataclass(frozen=True)
class NeutralCaptured:
    t: float
    measures: Mapping[str, tuple[float, float]]  # name -> (left, right), IID units


@dataclass(frozen=True)
class RepDone:
    t: float
    exercise_id: str
    rep: int                        # 1-based within the exercise
    peak_left: float                # peak movement of the exercise signal, IID units
    peak_right: float
    symmetry: float | None          # weaker / stronger, 0..1
    weaker: Side | None
    hold_s: float                   # seconds held in the target zone
    hold_target_s: float
    flags: tuple[str, ...] = ()     # e.g. "overactivity", "synkinesis"


@dataclass(frozen=True)
class CueGiven:
    t: float
    exercise_id: str
    cue: str                        # cue id, e.g. "overactivity", "synkinesis", "break"
    text: str = ""


@dataclass(frozen=True)
class ExerciseDone:
    t: float
    exercise_id: str
    reps: int
    symmetry: float | None          # mean over reps
    skipped: bool = False
    ended_early: str | None = None  # e.g. "fatigue"
    weaker: Side | None = None      # as the mirror names it: None when the sides moved evenly


@dataclass(frozen=True)
class SessionEnded:
    t: float
    reason: str                     # "completed", "ended_by_user", "time_cap", "stopped"


Record = Union[SessionStarted, NeutralCaptured, RepDone, CueGiven, ExerciseDone, SessionEnded]
