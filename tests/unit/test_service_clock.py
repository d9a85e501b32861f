"""The service's clocks: the real one, the simulated one the rig drives, and whether a date can be believed."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, datetime, timezone

import pytest

from mimicmirror import RELEASE_DATE
from mimicmirror.clock import SimClock, Stamp, SystemClock, WallTrust, release_time


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


# -- whether the date can be believed ----------------------------------------------------------

RELEASED = release_time()
DAY = 86400.0


def trust_at(wall: float, last_record: float | None = None) -> tuple[SimClock, WallTrust]:
    clock = SimClock(start=50.0, wall_start=wall)
    return clock, WallTrust(clock, last_record)


def test_the_release_date_is_not_in_the_future_and_the_simulated_clock_starts_after_it():
    assert date.fromisoformat(RELEASE_DATE) <= date.today()
    assert SimClock.DEFAULT_WALL_START > RELEASED
    assert datetime.fromtimestamp(SimClock.DEFAULT_WALL_START, timezone.utc).weekday() == 0   # a Monday
    assert WallTrust(SimClock(), None).date_known


def test_a_clock_in_1970_is_not_set_and_its_records_say_so(caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    clock, trust = trust_at(12.0)
    stamp = trust.stamp()
    assert stamp == Stamp(12.0 + 0.0, False)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "the clock is not set" in caplog.records[0].getMessage()
    clock.advance(3600)
    assert trust.stamp().date_known is False
    assert len(caplog.records) == 1                 # said once, not at every stamp


def test_a_clock_earlier_than_the_last_record_is_not_set():
    last = RELEASED + 30 * DAY
    assert not trust_at(last - 3600, last_record=last)[1].date_known
    assert trust_at(last + 5, last_record=last)[1].date_known


def test_a_clock_creeping_past_the_last_record_stays_not_set_until_it_jumps_forward(caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    last = RELEASED + 30 * DAY
    clock, trust = trust_at(last - 600, last_record=last)    # resumed from a save before the power cut
    clock.advance(3600)                                      # now an hour past the last record, still behind
    assert trust.stamp() == Stamp(last + 3000, False)
    clock.jump_wall(5 * DAY)                                 # network time arrives
    assert trust.stamp() == Stamp(last + 3000 + 5 * DAY, True)
    assert "the clock is set now" in caplog.records[-1].getMessage()


def test_a_jump_forward_that_still_reads_before_the_last_record_is_not_enough():
    last = RELEASED + 30 * DAY
    clock, trust = trust_at(5.0, last_record=last)
    clock.jump_wall(RELEASED)                                 # to the release day: still before the last record
    assert not trust.stamp().date_known


def test_a_set_clock_corrected_back_a_little_stays_set_but_one_thrown_back_is_not():
    clock, trust = trust_at(RELEASED + 10 * DAY)
    clock.advance(100)
    assert trust.stamp().date_known
    clock.jump_wall(-20)                                      # a network correction
    assert trust.stamp().date_known
    clock.jump_wall(-2 * DAY)                                 # a battery-less clock restored from an old save
    assert not trust.stamp().date_known
