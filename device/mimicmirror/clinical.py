"""The clinical arithmetic, in one place: the engine, the store, the report and the rig use it.

Each rule here is a sentence of facial-retraining practice turned into a small
function, so that the mirror, the progress figures and the therapist's report
can never disagree about what a number means:

- symmetry: the weaker side's movement over the stronger side's (0..1), in the
  direction the stronger side moved; a side moving the other way counts as not
  moving; undefined when neither side moved past the noise floor.
- the affected side's movement of a repetition, left out (None) in a set where
  only the other side moved on purpose ("lift one corner, then the other"):
  there the affected peak is about 0 by design, not by weakness.
- the sides "moved evenly" from the programme's `even_from` symmetry on; only
  below it is a weaker side named.
- weeks are the last 7 calendar days including today; a rolling mean is the
  mean of every value in the week ending each practice day.
- a share is written one way everywhere, "80 %".
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from enum import StrEnum
from statistics import fmean
from typing import Iterable, Mapping

from .sides import Side, other

WEEK = 7     # days in "last week", "the first week", the rolling mean
MONTH = 28   # days in "the last month"


class Flag(StrEnum):
    """What a repetition is marked with when it is recorded (stored by these names)."""

    OVERACTIVITY = "overactivity"   # the unaffected side moved much more than the affected side
    SYNKINESIS = "synkinesis"       # a quiet zone (e.g. the affected eye) moved with the exercise
    SHORT = "short"                 # the movement never reached the target zone
    OVERSHOOT = "overshoot"         # the movement went well past the target zone
    LEFT_ONLY = "left_only"         # a set where only the left side moved on purpose
    RIGHT_ONLY = "right_only"       # a set where only the right side moved on purpose

    @classmethod
    def only(cls, side: Side) -> "Flag":
        """The flag of a set where only `side` moves."""
        return cls.LEFT_ONLY if side == "left" else cls.RIGHT_ONLY


def symmetry(left: float, right: float, floor: float,
             direction: int | None = None) -> tuple[float | None, Side | None]:
    """Weaker / stronger movement (0..1) and the weaker side; (None, None) under the noise floor.

    `direction` (+1 or -1) is the wanted direction of the movement, when known (a
    repetition's peaks); without it, the direction the stronger side moved is taken
    (a raw measure). Movement against that direction counts as no movement.
    """
    if direction is None:
        direction = 1 if abs(left) >= abs(right) else -1
        direction = int(math.copysign(1, left if direction == 1 else right))
    l, r = left * direction, right * direction
    strong = max(l, r)
    if strong < floor:
        return None, None
    weaker: Side = "left" if l < r else "right"
    return min(max(0.0, min(l, r)) / strong, 1.0), weaker


def affected_movement(peak_left: float, peak_right: float, affected: Side,
                      flags: Iterable[str]) -> float | None:
    """The affected side's peak, or None in a set where only the other side moved on purpose."""
    if Flag.only(other(affected)) in flags:
        return None
    return peak_left if affected == "left" else peak_right


def named_weaker(symmetry: float | None, weaker: Side | None, even_from: float) -> Side | None:
    """The weaker side as the mirror names it: None when the sides moved evenly or it is unknown."""
    if symmetry is None or symmetry >= even_from:
        return None
    return weaker


def mean(values: Iterable[float]) -> float | None:
    """The mean, or None when there is nothing to average (never a made-up 0)."""
    values = list(values)
    return fmean(values) if values else None


def week_start(day: date, days: int = WEEK) -> date:
    """The first day of the `days`-day window that ends on (and includes) `day`."""
    return day - timedelta(days=days - 1)


def rolling_means(by_day: Mapping[date, list[float]], days: int = WEEK) -> list[tuple[date, float]]:
    """For each practice day, the mean of all values in the `days` days ending that day."""
    out = []
    for day in sorted(by_day):
        window = [v for back in range(days) for v in by_day.get(day - timedelta(days=back), ())]
        out.append((day, fmean(window)))
    return out


def percent(share: float) -> str:
    """A share (0..1) as people read it: "80 %"."""
    return f"{share * 100:.0f} %"
