"""The service's clocks: the real one, and the simulated one the rig drives."""

from __future__ import annotations

import threading
import time

import pytest

from mimicmirror.clock import SimClock, SystemClock


def test_system_clock_is_the_machine_clock():
    clock = SystemClock()
    before = time.monotonic()
    assert before <= clock.monotonic() <= time.monotonic()
    assert abs(clock.wall() - time.time()) < 1.0
    clock.sleep(0)        # no wait, no error
    clock.sleep(-1)


def test_sim_clock_sleep_advances_instantly():
    clock = SimClock(start=100.0)
    started = time.monotonic()
    clock.sleep(600.0)    # ten minutes of simulated waiting
    assert time.monotonic() - started < 1.0
    assert clock.monotonic() == 700.0


def test_sim_clock_wall_is_a_fixed_start_plus_elapsed_time():
    clock = SimClock(start=5.0, wall_start=1_700_000_000.0)
    assert clock.wall() == 1_700_000_000.0
    clock.advance(90.5)
    assert clock.wall() == 1_700_000_090.5
    assert SimClock().wall() == SimClock.DEFAULT_WALL_START


def test_sim_clock_never_goes_back():
    clock = SimClock()
    clock.advance_to(10.0)
    clock.advance_to(4.0)
    assert clock.monotonic() == 10.0
    clock.sleep(-3)
    assert clock.monotonic() == 10.0
    with pytest.raises(ValueError):
        clock.advance(-1.0)


def test_sim_clock_is_safe_to_advance_from_several_threads():
    clock = SimClock()
    threads = [threading.Thread(target=lambda: [clock.advance(0.001) for _ in range(1000)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clock.monotonic() == pytest.approx(4.0)


def test_two_sim_clocks_driven_alike_read_alike():
    a, b = SimClock(), SimClock()
    for step in (0.1, 2.5, 0.0, 7.25):
        a.sleep(step)
        b.sleep(step)
        assert (a.monotonic(), a.wall()) == (b.monotonic(), b.wall())
