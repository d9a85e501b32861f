"""The loop keeps its own pace on the injected clock; drawing never waits."""

from __future__ import annotations

import pytest

from mimicmirror.service.pacing import Pacer


class StepClock:
    """A clock that only moves when slept on (or told to): the pacing is visible and instant."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_passes_are_capped_at_the_frame_rate_by_the_injected_clock():
    clock = StepClock()
    pacer = Pacer(10, clock)
    for _ in range(5):
        pacer.wait()
    assert clock.slept == pytest.approx([0.1] * 4)
    assert clock.now == pytest.approx(100.4)


def test_a_pass_that_took_part_of_the_period_waits_only_for_the_rest():
    clock = StepClock()
    pacer = Pacer(10, clock)
    pacer.wait()
    clock.now += 0.03                     # the pass's own work
    pacer.wait()
    assert clock.slept == pytest.approx([0.07])


def test_a_late_pass_goes_straight_on_without_catching_up():
    clock = StepClock()
    pacer = Pacer(10, clock)
    pacer.wait()
    clock.now += 0.35                     # a slow frame: three periods late
    pacer.wait()
    pacer.wait()
    assert clock.slept == pytest.approx([0.1])   # the next pass is one period on, not a burst


def test_a_frame_rate_of_zero_is_refused():
    with pytest.raises(ValueError, match="fps must be above 0"):
        Pacer(0, StepClock())
