"""One day on the wall: the real service through a simulated day with every incident of the month.

People walk past, three sessions are practised, the camera stalls in the
first, the face analysis hangs in the second (the watchdog restarts the
mirror), the disk is full during the third, and a bad settings edit at noon
restarts the mirror on its last good settings. A second day has only people
walking past. `benchmarks/soak.py` runs the same for 30 days.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from mimicmirror.sim.soak import WATCHDOG_USEC, Soak
from mimicmirror.sim.soak_plan import HOUR_S, DayPlan, plan_days

ALL_INCIDENTS = {"camera_stall": 0, "hang": 0, "disk_full": 0, "bad_config": 0}


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    first, second = plan_days(2, seed=3, passers_per_day=6, sessions_per_day=3, incidents=ALL_INCIDENTS)
    # the bad edit is put right at 23:00 the same day, so the second day has no restart in it
    first = replace(first, incidents=tuple(replace(i, seconds=11 * HOUR_S) if i.kind == "bad_config" else i
                                           for i in first.incidents))
    passers_only = DayPlan(1, tuple(v for v in second.visits if v.kind == "passer"), ())
    return Soak([first, passers_only], tmp_path_factory.mktemp("soak")).run()


def test_every_session_the_engine_started_is_in_the_database_with_every_repetition(day):
    assert day.started >= 4                      # three planned, one begun again after the restart
    assert len(day.db_sessions) == day.started
    assert sum(reps for _, _, reps in day.db_sessions) == day.reps > 0
    assert all(reason is not None for _, reason, _ in day.db_sessions)


def test_a_hung_analysis_stops_the_pings_and_its_session_is_kept_as_stopped(day):
    assert (0, "watchdog") in day.restarts
    assert day.hang_gap_s is not None and day.hang_gap_s >= WATCHDOG_USEC / 2e6   # the ping interval
    stopped = [(seq, reps) for seq, reason, reps in day.db_sessions if reason == "stopped"]
    assert len(stopped) == 1 and stopped[0][1] >= 1                              # its repetitions kept


def test_a_bad_settings_edit_restarts_on_the_last_good_settings_and_the_fix_is_taken_up(day):
    assert day.restarts[0] == (0, "settings edited (with a mistake)")
    assert day.restarts[-1] == (0, "settings put right")
    assert [source for _, source in day.starts] == ["file", "last good", "last good", "file"]   # hang between


def test_the_journal_has_no_line_per_frame(day):
    practice, passers = day.days
    assert practice.journal_lines < 100 < practice.loop_passes
    assert passers.journal_lines == 0 < passers.loop_passes


def test_a_day_with_people_only_walking_past_writes_nothing_to_storage(day):
    practice, passers = day.days
    assert practice.written_bytes > 0 and practice.commits > 0     # the measurement sees writes
    assert passers.written_bytes == 0 and passers.commits == 0


def test_the_database_and_its_wal_stay_small(day):
    practice, _ = day.days
    assert practice.db_bytes < 1_000_000 and practice.wal_bytes < 4_200_000    # the WAL's checkpoint size
