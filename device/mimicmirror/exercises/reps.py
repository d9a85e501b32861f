"""From measures to an exercise signal, and from the signal to repetitions.

The signal of one side is the mean, over the exercise's moves, of
direction * (value - neutral) / target: 1.0 means "on target" whatever the
measures and their units. A repetition is a rest -> move -> hold -> release
cycle found with hysteresis on that signal, smoothed over a few frames because
a still face's landmarks jitter; the hold only counts while the signal stays in
the target zone, frame to frame, and any frame that could not be scored breaks
the count. A "movement" shorter than the rules' minimum is jitter and is dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..face.types import Measures, SidePair
from ..screen import Phase
from ..sides import SIDES, Side
from .catalogue import Move, Rules

#: Slack for comparing accumulated frame times with whole seconds.
EPS = 1e-6


#: A value per side: the same shape the face analysis hands out.
SideValues = SidePair


def signal(moves: tuple[Move, ...], measures: Measures, neutral: Measures) -> SideValues:
    """Each side's movement towards the exercise's target, 1.0 = on target."""
    out = {}
    for side in SIDES:
        total = 0.0
        for m in moves:
            total += m.direction * (measures[m.measure].on(side) - neutral[m.measure].on(side)) / m.target
        out[side] = total / len(moves)
    return SideValues(**out)


def primary(moves: tuple[Move, ...], measures: Measures, neutral: Measures) -> SideValues:
    """The first move's movement in its own unit (IID): what gets recorded and compared over weeks."""
    m = moves[0]
    return SideValues(*(m.direction * (measures[m.measure].on(s) - neutral[m.measure].on(s)) for s in SIDES))


@dataclass(frozen=True)
class Rep:
    """One finished repetition: peaks per side (signal and recorded unit), hold, zone."""

    peak: SideValues           # signal units, 1.0 = target
    peak_primary: SideValues   # the first move's unit (IID)
    hold_s: float
    hold_target_s: float
    reached_zone: bool
    overshoot: bool


class RepCycle:
    """The rep cycle of one set, driven by one frame at a time.

    `lead` is the side the set is about; None when both sides move together,
    then the side moving more leads (the strong side overdoing it leaves the
    target zone, so its hold stops counting).
    """

    def __init__(self, rules: Rules, hold_target_s: float, lead: Side | None):
        self.rules = rules
        self.hold_target_s = hold_target_s
        self.lead = lead
        self.phase = Phase.REST
        self.held = 0.0
        self.level = 0.0              # the lead signal of the last scored frame, smoothed
        self.smoothed = SideValues(0.0, 0.0)
        self._recent: deque[tuple[SideValues, SideValues]] = deque(maxlen=rules.smoothing_frames)
        self._started = 0.0
        self._last_in_zone: float | None = None
        self._reset_peaks()

    def _reset_peaks(self) -> None:
        self._peak = {s: float("-inf") for s in SIDES}
        self._peak_primary = {s: float("-inf") for s in SIDES}
        self._reached = False
        self._overshoot = False
        self.held = 0.0
        self._last_in_zone = None

    def lead_value(self, sig: SideValues) -> float:
        return sig.on(self.lead) if self.lead else max(sig.left, sig.right)

    def in_zone(self, level: float) -> bool:
        return self.rules.target_low - EPS <= level <= self.rules.target_high + EPS

    def gap(self) -> None:
        """A frame that cannot be scored: the hold stops counting until the next good one."""
        self._last_in_zone = None

    def _smooth(self, sig: SideValues, prim: SideValues) -> tuple[SideValues, SideValues]:
        self._recent.append((sig, prim))
        n = len(self._recent)
        mean = [SideValues(*(sum(v[k].on(s) for v in self._recent) / n for s in SIDES)) for k in (0, 1)]
        return mean[0], mean[1]

    def frame(self, t: float, raw: SideValues, raw_primary: SideValues) -> Rep | None:
        """Advance by one scored frame; returns the repetition that just ended, if any."""
        r = self.rules
        sig, prim = self._smooth(raw, raw_primary)
        self.smoothed = sig
        level = self.lead_value(sig)
        self.level = level
        if self.phase is Phase.REST:
            if level < r.start_threshold:
                return None
            self._reset_peaks()
            self._started = t
            self.phase = Phase.MOVE
        for s in SIDES:
            self._peak[s] = max(self._peak[s], sig.on(s))
            self._peak_primary[s] = max(self._peak_primary[s], prim.on(s))
        if level > r.target_high + EPS:
            self._overshoot = True
        if level < r.release_threshold:
            if t - self._started < r.min_rep_seconds - EPS:
                self.phase = Phase.REST       # too brief to be a movement: jitter
                self._reset_peaks()
                return None
            return self._finish()
        zone = self.in_zone(level)
        if self.phase is Phase.MOVE and zone:
            self.phase = Phase.HOLD
            self._reached = True
        if self.phase is Phase.HOLD:
            if zone:
                if self._last_in_zone is not None:
                    self.held = min(self.hold_target_s, self.held + t - self._last_in_zone)
                self._last_in_zone = t
            else:
                self._last_in_zone = None
            if self.held >= self.hold_target_s - EPS:
                self.phase = Phase.RELEASE
        if self.phase is not Phase.RELEASE and \
                t - self._started >= self.hold_target_s + r.hold_grace_seconds - EPS:
            self.phase = Phase.RELEASE        # enough: let go rather than strain
        return None

    def _finish(self) -> Rep:
        rep = Rep(peak=SideValues(**self._peak), peak_primary=SideValues(**self._peak_primary),
                  hold_s=round(self.held, 4), hold_target_s=self.hold_target_s,
                  reached_zone=self._reached, overshoot=self._overshoot)
        self.phase = Phase.REST
        self._reset_peaks()
        return rep

    @property
    def hold_left(self) -> float:
        return max(0.0, self.hold_target_s - self.held)
