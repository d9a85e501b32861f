"""The loop's pace: at most `fps` passes a second, waited for on the injected clock.

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
