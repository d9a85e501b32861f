"""The loop's pace: at most `fps` passes a second, waited for on the injected clock;
and when to draw: at most `fps` drawings a second on average.

Pacing belongs to the loop, not to the display: drawing should only draw, and
the loop decides how often it runs. On a simulated clock the wait is instant,
so the virtual rig runs a ten-minute session in seconds, pass for pass the same.
"""

from __future__ import annotations

from ..clock import Clock


class Pacer:
    """Waits out the rest of each period since the previous pass (never to catch up)."""

    def __init__(self, fps: float, clock: Clock) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be above 0, not {fps!r}")
        self.period = 1.0 / fps
        self.clock = clock
        self._next_due: float | None = None

    def wait(self) -> None:
        """Sleep until one period after the previous pass; a late pass goes straight on."""
        now = self.clock.monotonic()
        if self._next_due is not None and now < self._next_due:
            self.clock.sleep(self._next_due - now)
            now = self._next_due
        self._next_due = now + self.period


#: Drawings a new frame may take ahead of the rate (a credit that refills at `fps` a
#: second): camera frames at the drawing rate arrive a little early or late, and an early
#: one is drawn at once instead of a camera period later; the average stays within `fps`.
DRAW_BURST = 1.5


class DrawGate:
    """Says whether a pass draws: a new frame when the drawing credit allows, else a period
    after the last drawing (so timers and notices still move on the glass)."""

    def __init__(self, fps: float) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be above 0, not {fps!r}")
        self.period = 1.0 / fps
        self._credit = DRAW_BURST
        self._drawn_at = float("-inf")

    def _credit_at(self, now: float) -> float:
        return min(DRAW_BURST, self._credit + (now - self._drawn_at) / self.period)

    def due(self, now: float, new_frame: bool) -> bool:
        if now - self._drawn_at >= self.period:
            return True
        return new_frame and self._credit_at(now) >= 1.0

    def drew(self, now: float) -> None:
        self._credit, self._drawn_at = max(0.0, self._credit_at(now) - 1.0), now
