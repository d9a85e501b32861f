"""What one event changed: the screen to show, plus everything else the edges must do.

The engine collects its outputs in an `Outbox` while it handles one event and
hands them out as one frozen `Step`. A new kind of output (a sound to play, a
notice for the caregiver) is one field with an empty default in each class:
the engine appends to the outbox's list, the service reads the step's tuple,
and no other signature changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from ..heard import Heard
from ..records import Record
from ..screen import Screen


@dataclass(frozen=True)
class Step:
    """The screen to show now and what to do besides: records to store, in order."""

    screen: Screen
    records: tuple[Record, ...] = ()
    #: the whole device config chosen on the glass, to be written and applied (one per "save")
    settings: tuple[Mapping[str, Mapping[str, Any]], ...] = ()
    #: the caregiver asked (on the settings menu) to line the cues up with the reflection
    line_up: tuple[bool, ...] = ()
    #: what should be heard now: chimes and the glass's words (exercises/hearing.py)
    heard: tuple[Heard, ...] = ()


@dataclass
class Outbox:
    """The outputs gathered while one event is handled; one list per `Step` field."""

    records: list[Record] = field(default_factory=list)
    settings: list[Mapping[str, Mapping[str, Any]]] = field(default_factory=list)
    line_up: list[bool] = field(default_factory=list)
    heard: list[Heard] = field(default_factory=list)

    def step(self, screen: Screen) -> Step:
        """The frozen step: each list becomes the `Step` field of the same name."""
        return Step(screen, **{f.name: tuple(getattr(self, f.name)) for f in fields(self)})
