"""Writing the progress database as the service does, for the store and history tests."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from mimicmirror.records import RepDone, SessionEnded, SessionStarted
from mimicmirror.store.db import Store

NOW = datetime(2025, 3, 20, 12, 0)  # naive: the device's local time


def at(days_ago: int, hour: float) -> float:
    """Unix seconds of a local time `days_ago` days before NOW's date."""
    day = datetime.combine(NOW.date() - timedelta(days=days_ago), datetime.min.time())
    return (day + timedelta(hours=hour)).timestamp()


def rep(n: int, left: float, right: float, exercise: str = "smile", flags: tuple[str, ...] = ()) -> RepDone:
    sym = min(left, right) / max(left, right)
    return RepDone(10.0 + n, exercise, n, left, right, sym, "left" if left < right else "right",
                   hold_s=3.0, hold_target_s=4.0, flags=flags)


def session(store: Store, wall: float, reps: list[RepDone], end: str | None = "completed",
            settings: dict | None = None, affected: str = "left", date_known: bool = True) -> None:
    """One session written the way the service does: each Step's records in one call."""
    store.write([SessionStarted(1.0, "standard", affected, settings or {"reps": len(reps)})], wall, date_known)
    for i, r in enumerate(reps):
        store.write([r], wall + 10 * (i + 1), date_known)
    if end:
        store.write([SessionEnded(99.0, end)], wall + 10 * (len(reps) + 2), date_known)


def rows(path: Path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
