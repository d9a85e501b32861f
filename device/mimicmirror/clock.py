"""Where the service gets its time: the real clocks, or a simulated one.

The engine never reads a clock (its time comes from frame timestamps); the
service does, to stamp records with wall time, pace the loop and time the
camera retries. Behind this one small interface the virtual rig swaps in a
`SimClock`, so a ten-minute session runs in seconds with identical results.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds for timing, wall seconds for records, and a way to wait."""

    def monotonic(self) -> float: ...

    def wall(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The machine's clocks: `time.monotonic` for timing, `time.time` for records."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class SimClock:
    """A clock that only moves when told to.

    `sleep` advances it instantly, so waiting costs nothing, and the rig (or
    a fake camera) can `advance` it to the next frame's time. Wall time is a
    fixed start plus the monotonic time, so records written by a simulated
    session land on a known, repeatable date. Thread-safe: the capture thread
    of the camera and the loop may both read it.
    """

    #: 2024-03-04 09:00:00 UTC, a Monday morning: an arbitrary, fixed origin.
    DEFAULT_WALL_START = 1709542800.0

    def __init__(self, start: float = 0.0, wall_start: float = DEFAULT_WALL_START) -> None:
        self._now = float(start)
        self._start = float(start)
        self._wall_start = float(wall_start)
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def wall(self) -> float:
        with self._lock:
            return self._wall_start + (self._now - self._start)

    def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    def advance(self, seconds: float) -> float:
        """Move time forward (never back); returns the new monotonic time."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go back ({seconds} s)")
        with self._lock:
            self._now += seconds
            return self._now

    def advance_to(self, t: float) -> float:
        """Move time forward to `t` if it is later; returns the new monotonic time."""
        with self._lock:
            self._now = max(self._now, float(t))
            return self._now
