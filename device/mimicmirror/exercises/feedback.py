"""The coaching rules: each decides from numbers alone, thresholds come from the programme.

Over-activity and fatigue look at finished repetitions; the quiet-zone watch
(synkinesis) looks at every scored frame of a repetition. Each rule returns
the cue ids it fires; the engine turns them into texts and records.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..face.types import Measures
from ..sides import Side
from .catalogue import QuietRule, Rules
from .reps import EPS, SideValues


def overactive(peak: SideValues, affected: Side, rules: Rules) -> bool:
    """The unaffected side moved more than `overactivity_ratio` times the affected side."""
    strong = peak.on("right" if affected == "left" else "left")
    weak = max(0.0, peak.on(affected))
    if strong < rules.noise_floor:
        return False
    return weak <= 0.0 or strong / weak > rules.overactivity_ratio


class Overactivity:
    """Counts flagged repetitions in a row and warnings since the last break."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.in_a_row = 0
        self.warnings = 0

    def new_set(self) -> None:
        self.in_a_row = 0

    def after_break(self) -> None:
        self.in_a_row = 0
        self.warnings = 0

    def rep(self, flagged: bool) -> tuple[str, ...]:
        """Cue ids fired by this repetition: "overactivity", and "break" when repeated."""
        self.in_a_row = self.in_a_row + 1 if flagged else 0
        if self.in_a_row < self.rules.overactivity_reps:
            return ()
        self.in_a_row = 0
        self.warnings += 1
        if self.warnings >= self.rules.break_after_warnings:
            self.warnings = 0
            return ("overactivity", "break")
        return ("overactivity",)


@dataclass
class _Run:
    since: float | None = None
    fired: bool = False


class QuietWatch:
    """Synkinesis: a quiet measure on the affected side changing too far for too long."""

    def __init__(self, rules: tuple[QuietRule, ...], affected: Side):
        self.rules = rules
        self.affected = affected
        self._runs = {q.measure: _Run() for q in rules}

    def new_rep(self) -> None:
        self._runs = {q.measure: _Run() for q in self.rules}

    def gap(self) -> None:
        for run in self._runs.values():
            run.since = None

    def frame(self, t: float, measures: Measures, neutral: Measures) -> tuple[QuietRule, ...]:
        """The quiet rules that fire at this frame (each at most once per repetition)."""
        fired = []
        for q in self.rules:
            run = self._runs[q.measure]
            rest = neutral[q.measure].on(self.affected)
            change = q.direction * (measures[q.measure].on(self.affected) - rest) / rest
            if change <= q.max_change:
                run.since = None
                continue
            run.since = t if run.since is None else run.since
            if not run.fired and t - run.since >= q.min_seconds - EPS:
                run.fired = True
                fired.append(q)
        return tuple(fired)

    @property
    def flagged(self) -> bool:
        return any(run.fired for run in self._runs.values())


def falling(values: list[float], falls: int, drop: float) -> bool:
    """Fell `falls` times in a row to the last value, which is below (1 - drop) of the best."""
    if len(values) < falls + 1:
        return False
    tail = values[-(falls + 1):]
    if not all(b < a for a, b in zip(tail, tail[1:])):
        return False
    return tail[-1] < (1.0 - drop) * max(values)


def fatigued(amplitudes: list[float], symmetries: list[float | None], rules: Rules) -> bool:
    """Movement or symmetry falling over the last repetitions: time to end the set."""
    if falling(amplitudes, rules.fatigue_falls, rules.fatigue_drop):
        return True
    known = [s for s in symmetries if s is not None]
    return len(known) == len(symmetries) and falling(known, rules.fatigue_falls, rules.fatigue_drop)
