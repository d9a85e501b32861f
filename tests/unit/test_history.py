"""What the mirror reads back from the progress database: today's and yesterday's
sessions, symmetry over 7 and 28 days, the affected side against its first week,
and days when the clock was not set."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from store_script import NOW, at, rep, rows, session

from mimicmirror.records import SessionStarted
from mimicmirror.store.db import Store



@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "state" / "mimicmirror.db"


# --- history: what the mirror shows --------------------------------------------------------------

@pytest.fixture
def known(db) -> Path:
    """First use 20 days ago; practice 10 days ago, 3 days ago, yesterday and twice today."""
    with Store.open(db) as store:
        session(store, at(20, 9), [rep(1, 0.02, 0.10), rep(2, 0.04, 0.10)])             # sym .2 .4, moved .02 .04
        session(store, at(19, 9), [rep(1, 0.03, 0.10, exercise="frown")])
        session(store, at(10, 9), [rep(1, 0.05, 0.10)])                                  # .5
        session(store, at(3, 9), [rep(1, 0.06, 0.10), rep(2, 0.07, 0.10)])               # .6 .7
        session(store, at(1, 20), [rep(1, 0.08, 0.10)])                                  # .8
        session(store, at(0, 8), [rep(1, 0.09, 0.10)])                                   # .9
        session(store, at(0, 11), [], end="ended_by_user")
        store.write([SessionStarted(1, "standard", "left"), rep(1, 0.10, 0.01)], at(-1, 9))  # tomorrow: ignored
    return db


def test_history_counts_todays_and_yesterdays_sessions(known):
    with Store.open(known) as store:
        h = store.history(NOW, "left")
    assert (h.sessions_today, h.sessions_yesterday) == (2, 1)


def test_history_compares_symmetry_over_7_and_28_days_with_one_trend_point_per_day(known):
    with Store.open(known) as store:
        smile = store.history(NOW, "left").exercises["smile"]
    assert smile.symmetry_7d == pytest.approx((0.6 + 0.7 + 0.8 + 0.9) / 4)
    assert smile.symmetry_28d == pytest.approx((0.2 + 0.4 + 0.5 + 0.6 + 0.7 + 0.8 + 0.9) / 7)
    assert smile.trend == pytest.approx((0.3, 0.5, 0.65, 0.8, 0.9))


def test_history_compares_the_affected_sides_movement_with_the_first_week(known):
    with Store.open(known) as store:
        left = store.history(NOW, "left").exercises["smile"]
    assert left.affected_first_week == pytest.approx(0.03)
    assert left.affected_last_week == pytest.approx((0.06 + 0.07 + 0.08 + 0.09) / 4)


def test_past_reps_count_the_side_that_was_affected_in_their_own_session(known):
    """A caregiver correcting the side today does not rewrite what last week meant."""
    with Store.open(known) as store:
        now_right = store.history(NOW, "right").exercises["smile"]
    assert now_right.affected_first_week == pytest.approx(0.03)   # those sessions were set to "left"


def test_sets_where_only_the_other_side_moves_do_not_count_as_the_affected_sides_movement(db):
    with Store.open(db) as store:
        session(store, at(3, 9), [rep(1, 0.06, 0.01, "lift_corner", ("left_only",)),
                                  rep(2, 0.001, 0.09, "lift_corner", ("right_only",))])
        corner = store.history(NOW, "left").exercises["lift_corner"]
    assert corner.affected_last_week == pytest.approx(0.06)


def test_an_exercise_not_practised_lately_keeps_its_first_week_but_has_no_recent_numbers(known):
    with Store.open(known) as store:
        frown = store.history(NOW, "left").exercises["frown"]
    assert frown.affected_first_week == pytest.approx(0.03)
    assert (frown.symmetry_7d, frown.affected_last_week) == (None, None)
    assert frown.symmetry_28d == pytest.approx(0.3)


def test_in_the_first_week_there_is_no_first_week_to_compare_with(db):
    with Store.open(db) as store:
        session(store, at(3, 9), [rep(1, 0.05, 0.10)])
        smile = store.history(NOW, "left").exercises["smile"]
    assert smile.affected_first_week is None and smile.affected_last_week == pytest.approx(0.05)


def test_yesterday_is_unknown_until_the_device_was_used_before_it(db):
    with Store.open(db) as store:
        assert store.history(NOW, "left").sessions_yesterday is None
        session(store, at(1, 9), [])
        assert store.history(NOW, "left").sessions_yesterday is None
        session(store, at(2, 9), [])
        assert store.history(NOW, "left").sessions_yesterday == 1


def test_days_follow_the_time_zone_of_now(db):
    late = datetime(2025, 3, 19, 23, 30, tzinfo=timezone.utc).timestamp()  # 09:30 on the 20th in UTC+10
    with Store.open(db) as store:
        session(store, late, [])
        utc = store.history(datetime(2025, 3, 20, 12, tzinfo=timezone.utc), "left")
        sydney = store.history(datetime(2025, 3, 20, 12, tzinfo=timezone(timedelta(hours=10))), "left")
    assert (utc.sessions_today, sydney.sessions_today) == (0, 1)


def test_an_empty_store_has_an_empty_history(db):
    with Store.open(db) as store:
        h = store.history(NOW, "left")
    assert (h.sessions_today, h.sessions_yesterday, dict(h.exercises)) == (0, None, {})


# --- a clock that is not set ----------------------------------------------------------------------

def test_sessions_are_numbered_in_order_and_the_latest_wall_time_is_known_at_open(db):
    with Store.open(db) as store:
        assert store.last_wall is None
        session(store, at(2, 9), [rep(1, 0.05, 0.10)])
        session(store, 5000.0, [rep(1, 0.05, 0.10)], date_known=False)     # a clock in 1970
    with Store.open(db) as store:
        assert store.last_wall == at(2, 9) + 30                            # the first session's end
    assert rows(db, "SELECT seq, date_known FROM sessions ORDER BY id") == [(1, 1), (2, 0)]


def test_sessions_of_unknown_date_count_for_no_day(db):
    """Stamped with a clock that happened to read today, they still are not today's."""
    with Store.open(db) as store:
        session(store, at(1, 9), [rep(1, 0.05, 0.10)])
        session(store, at(0, 9), [rep(1, 0.01, 0.10)], date_known=False)
        h = store.history(NOW, "left")
    assert (h.sessions_today, h.sessions_yesterday) == (0, None)
    assert h.exercises["smile"].symmetry_7d == pytest.approx(0.5)         # the dated rep only
    assert h.exercises["smile"].trend == (pytest.approx(0.5),)


def test_without_a_date_today_is_the_run_of_sessions_since_the_last_long_idle(db):
    clock_start = 100_000.0                                                 # the clock's own reading, not a date
    with Store.open(db) as store:
        session(store, at(1, 9), [rep(1, 0.05, 0.10)])
        session(store, clock_start, [], date_known=False)                   # first after a power cut
        after_first = store.history(datetime.fromtimestamp(clock_start + 4 * 3600), "left", date_known=False)
        session(store, clock_start + 4 * 3600, [], date_known=False)         # four hours later: the same day
        later = store.history(datetime.fromtimestamp(clock_start + 6 * 3600), "left", date_known=False)
        next_morning = store.history(datetime.fromtimestamp(clock_start + 14 * 3600), "left", date_known=False)
    assert after_first.sessions_today == 1
    assert later.sessions_today == 2 and later.sessions_yesterday is None
    assert next_morning.sessions_today == 0


def test_without_a_date_a_clock_reset_by_a_restart_starts_a_new_today(db):
    with Store.open(db) as store:
        session(store, 100_000.0, [], date_known=False)
        h = store.history(datetime.fromtimestamp(99_000.0), "left", date_known=False)   # restarted from an old save
    assert h.sessions_today == 0


def test_without_a_date_the_week_figures_are_those_of_the_last_known_week(db):
    with Store.open(db) as store:
        session(store, at(40, 9), [rep(1, 0.02, 0.10)])                     # .2, a month before the last week
        session(store, at(3, 9), [rep(1, 0.06, 0.10)])                      # .6
        session(store, at(2, 9), [rep(1, 0.08, 0.10)])                      # .8
        session(store, 7000.0, [rep(1, 0.01, 0.10)], date_known=False)
        smile = store.history(datetime.fromtimestamp(9000.0), "left", date_known=False).exercises["smile"]
    assert smile.symmetry_7d == pytest.approx(0.7)
    assert smile.affected_first_week == pytest.approx(0.02)
