"""One day on the wall: the real service through a simulated day with every incident of the month.

People walk past, three sessions are practised, the camera stalls in the
first, the face analysis hangs in the second (the watchdog restarts the
mirror), the disk is full during the third, and a bad settings edit at noon
restarts the mirror on its last good settings. `benchmarks/soak.py` runs the
same for 30 days.
"""

from __future__ import annotations

import pytest

from mimicmirror.sim.soak import WATCHDOG_USEC, Soak
from mimicmirror.sim.soak_plan import plan_days

ALL_INCIDENTS = {"camera_stall": 0, "hang": 0, "disk_full": 0, "bad_config": 0}


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    plan = plan_days(1, seed=3, passers_per_day=6, sessions_per_day=3, incidents=ALL_INCIDENTS)
    return Soak(plan, tmp_path_factory.mktemp("soak")).run()


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
    assert [source for _, source in day.starts] == ["file", "last good", "last good"]   # also after the hang


def test_the_journal_has_no_line_per_frame(day):
    (figures,) = day.days
    assert figures.journal_lines < 100 < figures.loop_passes


def test_the_database_and_its_wal_stay_small(day):
    (figures,) = day.days
    assert figures.db_bytes < 1_000_000 and figures.wal_bytes < 4_200_000    # the WAL's checkpoint size
