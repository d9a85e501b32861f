"""The parts the service loop drives, one small interface each.

Each edge has several back-ends side by side (the real one on the Pi, a
desktop one, a fake for tests and the virtual rig), and the loop sees only
these Protocols, so any back-end that has the methods fits; none has to
inherit from anything. Time is the one `clock.Clock`; frames come through
`camera.base.FrameSource`; systemd hears from `service.systemd.Notifier`.

A new back-end for an edge: write a class with the methods below next to its
siblings (e.g. `controls/buttons.py`), choose it in that package's `open_*`
function from the config, and give it a fake or a test on the same methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Protocol, Sequence

import numpy as np

from .events import ButtonEvent, KeyChange
from .face.types import FrameAnalysis, SidePair
from .heard import Heard
from .history import History
from .records import Record
from .screen import Screen
from .sides import Side


class Display(Protocol):
    """Draws a screen model behind the glass; its window (if any) collects keys."""

    quit_requested: bool   # the window was closed or Escape pressed

    def show(self, screen: Screen, camera_rgb: np.ndarray | None = None) -> None:
        """Draw now (an unchanged screen may be skipped); never waits to pace anything."""

    def pump(self) -> list[KeyChange]:
        """Key changes since the last call (none for a display without a window)."""

    def close(self) -> None: ...


class Buttons(Protocol):
    """NEXT and REPEAT as timed presses, short or long."""

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        """Presses finished since the last call; `keys` are the window's key changes, if any."""

    def close(self) -> None: ...


class Store(Protocol):
    """Where the records go and the practice history comes from.

    `write` and `history` raise `store.errors.StoreUnavailable` when the
    storage cannot be used just now (the loop keeps the records and tries
    again) and `write` raises `store.errors.RecordsRefused` for a batch that
    will never be accepted (the loop logs and drops it).
    """

    notice: str | None        # one calm sentence for the caregiver after a repair at open, else None
    last_wall: float | None   # the latest wall time on any record: a clock reading earlier is not set

    def write(self, records: Sequence[Record], wall_time: float, date_known: bool = True) -> None: ...

    def history(self, now: datetime, affected_side: Side, date_known: bool = True) -> History: ...

    def close(self) -> None: ...


class Analyzer(Protocol):
    """One RGB frame (unflipped) in, the face's measures and their quality out.

    Within a session it may follow movement in the image from the relaxed frame:
    `set_reference` takes the last analysed frame as that frame (False when it
    cannot, and the landmarks are measured meanwhile); `clear_reference` forgets it.
    """

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis: ...

    def set_reference(self, rgb: np.ndarray | None = None,
                      neutral: Mapping[str, SidePair] | None = None) -> bool: ...

    def clear_reference(self) -> None: ...

    def close(self) -> None: ...


class Sound(Protocol):
    """What the loop needs from the sound edge (sound.Announcer over a speaker)."""

    def hear(self, items: Sequence[Heard], t: float) -> None:
        """Play what one engine step at time t asks for: chimes and words, a new clip cutting a stale one."""

    def prepare(self, texts: Sequence[str], background: bool = True) -> object:
        """Render what may be said before it is needed (once: later starts find it cached)."""

    def close(self) -> None: ...
