"""Where the service gets its time: the real clocks, or a simulated one.

The engine never reads a clock (its time comes from frame timestamps); the
service does, to stamp records with wall time, pace the loop and time the
camera retries. Behind this one small interface the virtual rig swaps in a
`SimClock`, so a ten-minute session runs in seconds with identical results.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, time as day_time, timedelta, timezone
from typing import Protocol

from . import RELEASE_DATE

log = logging.getLogger("mimicmirror")


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


def release_time() -> float:
    """Unix seconds at the start of the release day (UTC): no set clock reads earlier."""
    return datetime.combine(datetime.fromisoformat(RELEASE_DATE).date(), day_time(), tzinfo=timezone.utc).timestamp()


def _monday_after_release() -> float:
    """09:00 UTC on the first Monday after the release day."""
    day = datetime.fromisoformat(RELEASE_DATE).date()
    day += timedelta(days=7 - day.weekday())
    return datetime.combine(day, day_time(9), tzinfo=timezone.utc).timestamp()


class SimClock:
    """A clock that only moves when told to.

    `sleep` advances it instantly, so waiting costs nothing, and the rig (or
    a fake camera) can `advance` it to the next frame's time. Wall time is a
    fixed start plus the monotonic time, so records written by a simulated
    session land on a known, repeatable date. Thread-safe: the capture thread
    of the camera and the loop may both read it.
    """

    #: 09:00 UTC on the first Monday after the release date: a fixed origin the
    #: software accepts as a set clock (see `WallTrust`), repeatable per version.
    DEFAULT_WALL_START = _monday_after_release()

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

    def jump_wall(self, seconds: float) -> None:
        """Step the wall clock alone (time arriving from the network, or set back); monotonic time runs on."""
        with self._lock:
            self._wall_start += seconds


@dataclass(frozen=True)
class Stamp:
    """A wall time for records, and whether its date can be believed."""

    wall: float
    date_known: bool


class WallTrust:
    """Whether the wall clock's date can be believed, decided as time goes on.

    A Pi 4 has no real-time clock, a Pi 5 keeps time only with a battery, and
    the service has no network: at boot the clock may read 1970, or resume
    from the last shutdown and stay behind. The clock is "not set" when it
    reads earlier than the last record already written (less a small
    allowance for the network's own corrections) or earlier than the release
    date. Records are still written, with the time the clock has and
    `date_known=False`, so no practice is lost and none lands on a wrong day.

    Once not set, the clock counts as set again only after it jumps forward
    (wall time moving ahead of monotonic time by more than `JUMP_S`) to a
    reading past the last record: a clock merely creeping past the last record
    from an old starting point is still wrong by the time it was off.
    Durations never come from here; they come from monotonic time.
    """

    #: Corrections smaller than this (network time slewing, a leap second) are not a jump.
    JUMP_S = 60.0

    def __init__(self, clock: Clock, last_record: float | None, not_before: float | None = None) -> None:
        self.clock = clock
        self.not_before = release_time() if not_before is None else not_before
        self.latest = max(last_record or 0.0, self.not_before)   # nothing right reads earlier
        self._offset: float | None = None    # wall - monotonic at the last reading
        self.date_known = True
        self._judge(clock.wall(), clock.monotonic(), first=True)

    def stamp(self) -> Stamp:
        """The wall time to put on records now, with its verdict."""
        wall = self.clock.wall()
        self._judge(wall, self.clock.monotonic())
        return Stamp(wall, self.date_known)

    def _judge(self, wall: float, mono: float, first: bool = False) -> None:
        offset = wall - mono
        jumped = self._offset is not None and offset - self._offset > self.JUMP_S
        self._offset = offset
        if first:
            known = wall >= self.latest
        elif self.date_known:
            known = wall >= self.latest - self.JUMP_S
        else:
            known = jumped and wall >= self.latest
        if known != self.date_known or (first and not known):
            if known:
                log.info("the clock is set now (%s); later records carry this date", _iso(wall))
            else:
                log.warning("the clock is not set (it reads %s, before the last record or this version's "
                            "release); practice goes on, recorded with an unknown date", _iso(wall))
        self.date_known = known
        if known:
            self.latest = max(self.latest, wall)


def _iso(wall: float) -> str:
    return datetime.fromtimestamp(wall, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
