"""From stored reps to the numbers the mirror shows: today, yesterday, 7 and 28 days.

Days are calendar days in the caller's time zone (a naive `now` means the
device's local time), because "today" for the person at the mirror starts at
midnight, not 24 hours ago. A session counts for the day it started on.

Sessions recorded while the clock was not set (`date_known = 0`) belong to no
day: they never count for today, yesterday or a week. When the clock is not
set now either, "today" is the run of sessions since the last long idle (see
`sessions_since_long_idle`), yesterday is unknown, and the 7- and 28-day
figures are those of the last days whose dates are known.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import fmean

from ..clinical import MONTH, WEEK, mean, week_start
from ..history import ExerciseHistory, History
from ..sides import Side

#: Without a date, a pause this long between sessions (on the device's own running clock,
#: right in its durations even when its date is wrong) starts a new "today": a night.
LONG_IDLE_S = 8 * 3600.0
# The affected side's movement of each rep, as stored when the rep was written
# (clinical.affected_movement, by the side set in ITS session): NULL, and left out,
# in sets where only the other side moved on purpose.
AFFECTED_REPS = """
    SELECT r.exercise_id, r.wall, r.symmetry, r.affected_moved AS moved
    FROM reps r JOIN sessions s ON s.id = r.session_id
    WHERE s.date_known = 1 AND r.affected_moved IS NOT NULL
"""


def day_of(wall: float, tz: tzinfo | None) -> date:
    return datetime.fromtimestamp(wall, tz).date()


def day_start(day: date, tz: tzinfo | None) -> float:
    """Unix seconds of midnight starting `day`, in `tz` (None: local time)."""
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def _count_sessions(conn: sqlite3.Connection, start: float, end: float) -> int:
    return conn.execute("SELECT count(*) FROM sessions WHERE date_known = 1 AND started_wall >= ? "
                        "AND started_wall < ?", (start, end)).fetchone()[0]


def sessions_since_long_idle(conn: sqlite3.Connection, now_wall: float) -> int:
    """Sessions, newest first by their order, back to the last long idle.

    A long idle is a pause of `LONG_IDLE_S` or more between one session's end
    and the next start (or now), or the clock reading earlier than the end of
    the session before: the clock was reset by a restart, so the pause is
    unknown and is taken as a night.
    """
    count = 0
    later = now_wall
    for start, end in conn.execute(
            "SELECT started_wall, coalesce(ended_wall, started_wall) FROM sessions ORDER BY seq DESC LIMIT 50"):
        if later < end or later - end >= LONG_IDLE_S:
            break
        count += 1
        later = start
    return count


def history(conn: sqlite3.Connection, now: datetime, affected_side: Side, date_known: bool = True) -> History:
    """Sessions today and yesterday, and per exercise the 7/28-day picture and first week.

    `affected_side` is today's setting; past reps are read by their own session's side.
    `date_known=False`: `now` is from a clock that is not set (see the module's docstring).
    """
    if not date_known:
        last_known = conn.execute("SELECT max(started_wall) FROM sessions WHERE date_known = 1").fetchone()[0]
        days = (_by_day(conn, datetime.fromtimestamp(last_known, now.tzinfo), affected_side)
                if last_known is not None else History())
        return History(sessions_today=sessions_since_long_idle(conn, now.timestamp()), sessions_yesterday=None,
                       exercises=days.exercises)
    return _by_day(conn, now, affected_side)


def _by_day(conn: sqlite3.Connection, now: datetime, affected_side: Side) -> History:
    tz = now.tzinfo
    today = now.date()
    yesterday = today - timedelta(days=1)
    tomorrow = day_start(today + timedelta(days=1), tz)
    used_before_yesterday = conn.execute("SELECT 1 FROM sessions WHERE date_known = 1 AND started_wall < ? LIMIT 1",
                                         (day_start(yesterday, tz),)).fetchone() is not None
    week_from = week_start(today)
    month_from = week_start(today, MONTH)

    symmetry: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    movement_last_week: dict[str, list[float]] = defaultdict(list)
    for exercise, wall, sym, moved in conn.execute(
            f"{AFFECTED_REPS} AND r.wall >= ? AND r.wall < ?", (day_start(month_from, tz), tomorrow)):
        day = day_of(wall, tz)
        if sym is not None:
            symmetry[exercise][day].append(sym)
        if day >= week_from:
            movement_last_week[exercise].append(moved)

    exercises = {}
    for exercise, first_wall in conn.execute("SELECT r.exercise_id, min(r.wall) FROM reps r JOIN sessions s "
                                             "ON s.id = r.session_id WHERE s.date_known = 1 GROUP BY r.exercise_id"):
        first_day = day_of(first_wall, tz)
        first_week = None
        if first_day < week_from:  # otherwise the first week is this week: nothing to compare
            first_week = conn.execute(
                f"SELECT avg(moved) FROM ({AFFECTED_REPS} AND r.exercise_id = ? AND r.wall >= ? AND r.wall < ?)",
                (exercise, day_start(first_day, tz), day_start(first_day + timedelta(days=WEEK), tz))).fetchone()[0]
        days = symmetry.get(exercise, {})
        exercises[exercise] = ExerciseHistory(
            symmetry_7d=mean([s for d, values in days.items() if d >= week_from for s in values]),
            symmetry_28d=mean([s for values in days.values() for s in values]),
            trend=tuple(fmean(days[d]) for d in sorted(days)),
            affected_first_week=first_week,
            affected_last_week=mean(movement_last_week.get(exercise, [])),
        )
    return History(
        sessions_today=_count_sessions(conn, day_start(today, tz), tomorrow),
        sessions_yesterday=(_count_sessions(conn, day_start(yesterday, tz), day_start(today, tz))
                            if used_before_yesterday else None),
        exercises=exercises,
    )
