"""One exercise's sets and repetitions: the runner the practice state drives frame by frame.

An exercise runs as one or more sets (both sides together, or each side on its
own, affected side first). Each set counts repetitions found by `RepCycle`,
watches the quiet zones for synkinesis while the face moves, and notices when
the movement fades (fatigue). The runner only counts and judges; the engine
decides what the person sees next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from ..clinical import Flag, affected_movement, named_weaker, symmetry
from ..face.types import Measures
from ..records import RepDone
from ..screen import Phase
from ..sides import SIDES, Side
from .catalogue import Exercise, QuietRule, Rules
from .feedback import QuietWatch, fatigued, overactive
from .reps import Rep, RepCycle, SideValues, primary, signal


@dataclass(frozen=True)
class RepResult:
    """One recorded repetition and how even it was."""

    side: Side | None          # the side practised alone, None = both together
    rep: Rep
    symmetry: float | None
    weaker: Side | None
    flags: tuple[Flag, ...] = ()


def peak_symmetry(peak: SideValues, floor: float) -> tuple[float | None, Side | None]:
    """A repetition's symmetry (peaks are in the wanted direction), to 4 places as recorded."""
    sym, weaker = symmetry(peak.left, peak.right, floor, direction=1)
    return (None if sym is None else round(sym, 4)), weaker


class SetRunner:
    """The sets and repetitions of the current exercise, from its card to its summary."""

    def __init__(self, exercise: Exercise, affected: Side, rules: Rules, quiet: Mapping[str, QuietRule]):
        self.exercise = exercise
        self.affected = affected
        self.rules = rules
        self.quiet = quiet
        self.sides: tuple[Side | None, ...] = exercise.sides_in_order(affected) if exercise.tracked else (None,)
        self.index = 0              # which of `sides` is being practised
        self.reps: list[RepResult] = []
        self.open = False           # an attempt started (set or timed step) and not yet recorded
        self.set_reps = 0
        self.set_done = False
        self.fatigue = False
        self.cycle = RepCycle(rules, exercise.hold_seconds, self.side)
        self.watch = QuietWatch((), affected)
        self.bars = SideValues(0.0, 0.0)
        self.activity_at = 0.0      # active time of the last movement in this set
        self.rest_at = 0.0          # active time the last repetition ended

    @property
    def side(self) -> Side | None:
        """The side practised alone in this set; None when both sides move together."""
        return self.sides[self.index]

    @property
    def more_sets(self) -> bool:
        return self.index + 1 < len(self.sides)

    def next_set(self) -> None:
        self.index += 1

    def start_set(self) -> None:
        """The attempt begins: a timed step runs, or a set's count starts at zero."""
        self.open = True
        if self.exercise.tracked:
            self.set_reps = 0
            self.set_done = False

    def new_cycle(self, elapsed: float) -> None:
        """Count afresh from rest (a new set, or after a pause or a camera gap)."""
        ex = self.exercise
        self.cycle = RepCycle(self.rules, ex.hold_seconds, self.side)
        self.watch = QuietWatch(tuple(self.quiet[q] for q in ex.quiet), self.affected)
        self.bars = SideValues(0.0, 0.0)
        self.activity_at = elapsed

    def gap(self) -> None:
        """A frame that could not be scored: holds and quiet-zone runs are broken."""
        self.cycle.gap()
        self.watch.gap()

    def frame(self, now: float, elapsed: float, measures: Measures,
              neutral: Measures) -> tuple[Rep | None, tuple[QuietRule, ...]]:
        """One scored frame: a finished repetition (or None) and the quiet zones that just broke."""
        ex, cycle, watch = self.exercise, self.cycle, self.watch
        was_resting = cycle.phase is Phase.REST
        rep = cycle.frame(now, signal(ex.moves, measures, neutral), primary(ex.moves, measures, neutral))
        self.bars = cycle.smoothed
        moving = not was_resting or cycle.phase is not Phase.REST
        if was_resting and cycle.phase is not Phase.REST:
            watch.new_rep()
        broken: tuple[QuietRule, ...] = ()
        if moving:
            self.activity_at = elapsed
            broken = tuple(watch.frame(now, measures, neutral))
        return rep, broken

    def add_rep(self, rep: Rep, now: float, elapsed: float) -> tuple[RepDone, bool]:
        """Count a finished repetition; its record, and whether the strong side overdid it."""
        ex, side = self.exercise, self.side
        sym, weaker = peak_symmetry(rep.peak, self.rules.noise_floor) if side is None else (None, None)
        over = side is None and overactive(rep.peak, self.affected, self.rules)
        flags = tuple(flag for flag, on in (
            (Flag.OVERACTIVITY, over), (Flag.SYNKINESIS, self.watch.flagged),
            (Flag.SHORT, not rep.reached_zone), (Flag.OVERSHOOT, rep.overshoot),
            (Flag.only(side) if side else None, side is not None)) if on)
        self.reps.append(RepResult(side, rep, sym, weaker, flags))
        self.set_reps += 1
        self.rest_at = elapsed
        self.set_done = self.set_reps >= ex.reps
        record = RepDone(now, ex.id, len(self.reps),
                         round(rep.peak_primary.left, 5), round(rep.peak_primary.right, 5),
                         sym, weaker, rep.hold_s, rep.hold_target_s, flags)
        return record, over

    def fatigued(self) -> bool:
        """This set's movement has faded: stop while the movement is still good."""
        this_set = self.reps[-self.set_reps:]
        lead = self.side or self.affected
        return fatigued([r.rep.peak.on(lead) for r in this_set], [r.symmetry for r in this_set], self.rules)

    def symmetry(self) -> tuple[float | None, Side | None]:
        """The exercise's symmetry and weaker side: the mean over reps, or one side's sets against the other's."""
        if not self.reps:
            return None, None
        if all(r.side is None for r in self.reps):
            known = [r.symmetry for r in self.reps if r.symmetry is not None]
            if not known:
                return None, None
            weaker = Counter(r.weaker for r in self.reps if r.weaker).most_common(1)[0][0]
            return round(sum(known) / len(known), 4), weaker
        means = {}
        for side in SIDES:
            peaks = [r.rep.peak.on(side) for r in self.reps if r.side == side]
            if not peaks:
                return None, None
            means[side] = sum(peaks) / len(peaks)
        return peak_symmetry(SideValues(**means), self.rules.noise_floor)

    def named_weaker(self) -> Side | None:
        """The weaker side as the mirror names it: None when the sides moved evenly."""
        return named_weaker(*self.symmetry(), self.rules.even_from)

    def affected_movement(self) -> float | None:
        """The affected side's mean peak (recorded unit), leaving out sets where only the other side moved."""
        moved = [affected_movement(r.rep.peak_primary.left, r.rep.peak_primary.right, self.affected, r.flags)
                 for r in self.reps]
        mine = [m for m in moved if m is not None]
        return round(sum(mine) / len(mine), 5) if mine else None
