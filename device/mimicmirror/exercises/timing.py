"""The engine's sense of time: active time, pauses, camera gaps and the cue's countdown.

Time is the events' own monotonic time, never a clock. Timers run on "active"
time, which stands still while the session is paused or the camera is away,
so a state's time-out, a session's ten minutes and a cue's few seconds all
mean time the person could actually practise.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sides import Side


@dataclass
class Cue:
    """The one short coaching line on the glass, shown for a few seconds of active time."""

    text: str = ""
    side: Side | None = None
    left: float = 0.0      # active seconds it stays up

    def show(self, text: str, side: Side | None, seconds: float) -> None:
        self.text, self.side, self.left = text, side, seconds

    def clear(self) -> None:
        self.show("", None, 0.0)

    @property
    def showing(self) -> bool:
        return self.left > 0


@dataclass
class Timing:
    """Event time, active time in the current state and session, and why time stands still."""

    t: float | None = None          # the latest event's time (never goes back)
    elapsed: float = 0.0            # active seconds in the current state
    session_s: float = 0.0          # active seconds in the current session
    paused: str | None = None       # "button" or "no_face" while paused
    paused_for: float = 0.0         # seconds paused so far (ends an abandoned session)
    camera: str | None = None       # the reason while the camera is away
    last_face: float = 0.0          # event time a face was last seen (or the state began)

    @property
    def now(self) -> float:
        return self.t or 0.0

    @property
    def stopped(self) -> bool:
        """Active time stands still (the camera is away or the session is paused)."""
        return self.camera is not None or self.paused is not None

    def step_to(self, t: float) -> float:
        """Move to an event's time; returns the seconds that passed (0 for a late event)."""
        dt = 0.0 if self.t is None else max(0.0, t - self.t)
        self.t = t if self.t is None else max(self.t, t)
        return dt

    def advance(self, dt: float, cue: Cue, in_session: bool) -> None:
        """Let `dt` seconds pass: paused time while paused, active time otherwise."""
        if self.camera is not None:
            return
        if self.paused is not None:
            self.paused_for += dt
            return
        self.elapsed += dt
        cue.left = max(0.0, cue.left - dt)
        if in_session:
            self.session_s += dt

    def restart(self) -> None:
        """A new state: its active time starts at zero and the face watch afresh."""
        self.elapsed = 0.0
        self.last_face = self.now

    def pause(self, reason: str) -> None:
        self.paused = reason
        self.paused_for = 0.0

    def resume(self) -> None:
        self.paused = None
        self.last_face = self.now

    def left(self, total: float) -> float:
        """Active seconds left of `total` in this state, for a countdown on the glass."""
        return round(max(0.0, total - self.elapsed), 2)
