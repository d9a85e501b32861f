"""The loop keeps its own pace on the injected clock; drawing never waits."""

from __future__ import annotations

import pytest

from mimicmirror.service.pacing import DRAW_BURST, DrawGate, Pacer


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


def drawn_frames(gate: DrawGate, arrivals: list[float]) -> list[float]:
    """The arrival times of the frames drawn in the pass that took them."""
    drawn = []
    for t in arrivals:
        if gate.due(t, new_frame=True):
            gate.drew(t)
            drawn.append(t)
    return drawn


def test_camera_frames_at_the_drawing_rate_are_each_drawn_at_once_early_or_late():
    period = 1 / 15
    jitter = [0.0, -0.2, 0.15, -0.1, 0.2, -0.15, 0.05, -0.2, 0.1, 0.0] * 15   # of a period
    arrivals = [10.0 + (i + j) * period for i, j in enumerate(jitter)]
    assert drawn_frames(DrawGate(15), arrivals) == arrivals


def test_a_strict_gap_would_have_left_early_frames_for_a_period_later():
    period = 1 / 15
    arrivals = [10.0 + (i + (-0.2 if i % 2 else 0.0)) * period for i in range(30)]
    last, drawn = float("-inf"), 0
    for t in arrivals:                                           # the rule before the drawing credit
        if t - last >= period:
            last, drawn = t, drawn + 1
    assert drawn < len(arrivals) * 0.8
    assert drawn_frames(DrawGate(15), arrivals) == arrivals


def test_drawing_stays_within_the_rate_however_fast_frames_come():
    gate = DrawGate(15)
    arrivals = [10.0 + i / 100 for i in range(1000)]            # 100 frames a second for 10 s
    drawn = drawn_frames(gate, arrivals)
    assert len(drawn) <= 15 * 10 + DRAW_BURST + 1
    assert len(drawn) >= 15 * 10 - 1


def test_without_frames_a_pass_draws_once_a_period():
    gate = DrawGate(10)
    times = [5.0 + i / 100 for i in range(300)]                  # passes every 10 ms, no new frame
    drawn = [t for t in times if gate.due(t, new_frame=False) and (gate.drew(t) or True)]
    gaps = [b - a for a, b in zip(drawn, drawn[1:])]
    assert drawn[0] == 5.0 and all(0.1 - 1e-9 <= g <= 0.1 + 0.01 + 1e-9 for g in gaps)
