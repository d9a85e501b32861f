"""Timestamped inputs to the engine.

Times are monotonic seconds taken from frame timestamps (or the simulated
clock), never the wall clock, so a recorded session replays identically and
faster than real time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Union

from .face.types import FrameAnalysis


class ButtonName(str, Enum):
    NEXT = "next"
    REPEAT = "repeat"
    BOTH = "both"          # both held together for a few seconds: the settings menu


@dataclass(frozen=True)
class FrameEvent:
    """A camera frame has been analysed."""

    t: float
    analysis: FrameAnalysis


@dataclass(frozen=True)
class ButtonEvent:
    """A button was released: a short press, or a long one (held past the threshold)."""

    t: float
    button: ButtonName
    long: bool = False


@dataclass(frozen=True)
class TickEvent:
    """Time passes without a frame (timers for guided steps keep running)."""

    t: float


@dataclass(frozen=True)
class CameraEvent:
    """The camera went away (ok=False, with a reason) or came back (ok=True)."""

    t: float
    ok: bool
    reason: str = ""


Event = Union[FrameEvent, ButtonEvent, TickEvent, CameraEvent]


@dataclass(frozen=True)
class KeyChange:
    """A key of the mirror's window went down or up; `key` is pygame's lower-case name ("n", "space").

    The window owns the key queue; the loop takes the changes from the display
    and hands them to the buttons, which decide what a key means.
    """

    key: str
    down: bool
