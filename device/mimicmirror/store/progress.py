"""From stored reps to the numbers the mirror shows: today, yesterday, 7 and 28 days.

Days are calendar days in the caller's time zone (a naive `now` means the
device's local time), because "today" for the person at the mirror starts at
midnight, not 24 hours ago. A session counts for the day it started on.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import fmean

from ..history import ExerciseHistory, History
from ..sides import Side

WEEK = 7
MONTH = 28
# The affected side's movement of each rep, by the side set in force in ITS session
# (the setting may have changed since), leaving out sets where only the other side
# moved on purpose ("lift one corner, then the other"): its affected peak is ~0.
AFFECTED_REPS = """
    SELECT r.exercise_id, r.wall, r.symmetry,
           CASE s.affected_side WHEN 'left' THEN r.peak_left ELSE r.peak_right END AS moved
    FROM reps r JOIN sessions s ON s.id = r.session_id
    WHERE r.flags NOT LIKE '%"' || CASE s.affected_side WHEN 'left' THEN 'right' ELSE 'left' END || '_only"%'
"""


def day_of(wall: float, tz: tzinfo | None) -> date:
    return datetime.fromtimestamp(wall, tz).date()


def day_start(day: date, tz: tzinfo | None) -> float:
    """Unix seconds of midnight starting `day`, in `tz` (None: local time)."""
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def _count_sessions(conn: sqlite3.Connection, start: float, end: float) -> int:
    return conn.execute("SELECT count(*) FROM sessions WHERE started_wall >= ? AND started_wall < ?",
                        (start, end)).fetchone()[0]


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def history(conn: sqlite3.Connection, now: datetime, affected_side: Side) -> History:
    """Sessions today and yesterday, and per exercise the 7/28-day picture and first week.

    `affected_side` is today's setting; past reps are read by their own session's side.
    """
    tz = now.tzinfo
    today = now.date()
    yesterday = today - timedelta(days=1)
    tomorrow = day_start(today + timedelta(days=1), tz)
    used_before_yesterday = conn.execute("SELECT 1 FROM sessions WHERE started_wall < ? LIMIT 1",
                                         (day_start(yesterday, tz),)).fetchone() is not None
    week_from = today - timedelta(days=WEEK - 1)
    month_from = today - timedelta(days=MONTH - 1)

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
    for exercise, first_wall in conn.execute("SELECT exercise_id, min(wall) FROM reps GROUP BY exercise_id"):
        first_day = day_of(first_wall, tz)
        first_week = None
        if first_day < week_from:  # otherwise the first week is this week: nothing to compare
            first_week = conn.execute(
                f"SELECT avg(moved) FROM ({AFFECTED_REPS} AND r.exercise_id = ? AND r.wall >= ? AND r.wall < ?)",
                (exercise, day_start(first_day, tz), day_start(first_day + timedelta(days=WEEK), tz))).fetchone()[0]
        days = symmetry.get(exercise, {})
        exercises[exercise] = ExerciseHistory(
            symmetry_7d=_mean([s for d, values in days.items() if d >= week_from for s in values]),
            symmetry_28d=_mean([s for values in days.values() for s in values]),
            trend=tuple(fmean(days[d]) for d in sorted(days)),
            affected_first_week=first_week,
            affected_last_week=_mean(movement_last_week.get(exercise, [])),
        )
    return History(
        sessions_today=_count_sessions(conn, day_start(today, tz), tomorrow),
        sessions_yesterday=(_count_sessions(conn, day_start(yesterday, tz), day_start(today, tz))
                            if used_before_yesterday else None),
        exercises=exercises,
    )
