"""The relaxed-face (neutral) capture at the start of each session.

Movement is measured against the person's own relaxed face, never against a
norm, so the baseline must really be relaxed: a window of good frames in which
no measure wanders more than `stillness` times its noise floor. A frame that
moves, or cannot be scored, starts the window again; the retries are counted so
the mirror can ask the person to keep still.
"""

from __future__ import annotations

from ..face.measures import NOISE_FLOOR
from ..face.types import Measures, SidePair
from ..sides import SIDES, Side


class NeutralCapture:
    """A still window of good frames, restarted when broken; its mean is the baseline."""

    def __init__(self, stillness: float):
        self.stillness = stillness
        self.retries = 0
        self.reset()

    def reset(self) -> None:
        self.frames: list[Measures] = []
        self.first_t: float | None = None
        self.last_t: float | None = None
        self._lo: dict[tuple[str, Side], float] = {}
        self._hi: dict[tuple[str, Side], float] = {}

    @property
    def span(self) -> float:
        """Seconds the current still window covers."""
        return 0.0 if self.first_t is None or self.last_t is None else self.last_t - self.first_t

    def bad_frame(self) -> None:
        """A frame that cannot be scored breaks the window (a retry if it had begun)."""
        if self.frames:
            self.retries += 1
        self.reset()

    def add(self, t: float, measures: Measures) -> bool:
        """Add a good frame; False (and a fresh window from this frame) when it moved."""
        for name, pair in measures.items():
            for side in SIDES:
                v = pair.on(side)
                key = (name, side)
                lo, hi = min(self._lo.get(key, v), v), max(self._hi.get(key, v), v)
                if hi - lo > self.stillness * NOISE_FLOOR.get(name, 0.01):
                    self.reset()
                    self.retries += 1
                    self.add(t, measures)
                    return False
                self._lo[key], self._hi[key] = lo, hi
        self.frames.append(measures)
        self.first_t = t if self.first_t is None else self.first_t
        self.last_t = t
        return True

    def mean(self) -> dict[str, SidePair]:
        """Each measure's mean over the window, per side."""
        n = len(self.frames)
        return {name: SidePair(sum(f[name].left for f in self.frames) / n,
                               sum(f[name].right for f in self.frames) / n)
                for name in self.frames[0]}
