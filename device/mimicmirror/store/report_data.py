"""What the therapist's report reads: a private snapshot of the database, as plain data.

The snapshot (SQLite's backup API into memory) never writes to, locks or
repairs the device's file, works while the mirror is in use, and brings an
older schema up to date in memory only. Sessions are taken in the order they
happened (`seq`); those recorded while the clock was not set keep no day and
are placed between their dated neighbours instead.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..clinical import affected_movement
from ..errors import InputError, UserError
from ..sides import Side
from .db import connect, is_corruption
from .schema import LATEST, migrate, version


def snapshot(path: Path) -> sqlite3.Connection:
    """A private in-memory copy of the database at `path`, at the current schema."""
    if not path.is_file():
        raise InputError(f"{path}: no database there (give --db or --config)")
    try:
        source = connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        copy = connect(":memory:")
        try:
            source.backup(copy)
        finally:
            source.close()
        found = version(copy)
        if found > LATEST:
            raise UserError(f"{path}: written by a newer Mimic Mirror (schema version {found}); update the software")
        if found == 0:
            raise InputError(f"{path}: not a Mimic Mirror database")
        migrate(copy)
        return copy
    except sqlite3.DatabaseError as e:
        problem = "damaged or not a database" if is_corruption(e) else str(e)
        raise InputError(f"{path}: cannot read the database ({problem})") from None


@dataclass
class Rep:
    session: int
    session_start: float
    programme: str
    exercise: str
    rep: int
    wall: float
    affected: Side
    peak_left: float
    peak_right: float
    symmetry: float | None
    weaker: str | None
    hold_s: float
    hold_target_s: float
    flags: tuple[str, ...]
    date_known: bool = True
    day: date = field(init=False)  # local calendar day, worked out once (only used when date_known)

    def __post_init__(self) -> None:
        self.day = datetime.fromtimestamp(self.wall).date()

    def peak(self, side: Side) -> float:
        return self.peak_left if side == "left" else self.peak_right

    def moved(self, side: Side) -> float | None:
        """The side's movement, or None in a set where only the other side moved on purpose."""
        return affected_movement(self.peak_left, self.peak_right, side, self.flags)


@dataclass(frozen=True)
class Session:
    id: int
    start: float
    programme: str
    affected: Side
    end_reason: str | None
    date_known: bool
    seq: int


@dataclass
class Undated:
    """A session whose date is unknown, placed between its dated neighbours."""

    session: Session
    after: date | None          # day of the nearest earlier dated session
    before: date | None         # day of the nearest later dated session
    reps: list[Rep]
    cues: int


@dataclass
class Data:
    """Everything the report shows, for sessions started on or after `since`.

    Per-day figures (`first`..`last`, `by_exercise`, `cues`, `settings`) hold
    dated sessions only; `sessions` and `reps` hold all; `undated` the rest.
    `first`/`last` are None when no session in the period has a known date.
    """

    first: date | None
    last: date | None
    sessions: list[Session]                                     # in the order they happened
    reps: list[Rep]
    cues: list[tuple[float, str, str]]                          # wall, exercise, cue (dated sessions)
    settings: list[tuple[float | None, dict]]                   # first dated use (None: unknown), settings
    by_exercise: dict[str, list[Rep]]                           # in programme order, dated reps
    undated: list[Undated] = field(default_factory=list)

    @property
    def exercises(self) -> list[str]:
        return list(self.by_exercise)


SESSIONS = "SELECT id, started_wall, programme, affected_side, end_reason, date_known, seq FROM sessions"


def _in_period(conn: sqlite3.Connection, start: float) -> str:
    """SQL condition on sessions `s`: dated ones from `start`, undated ones after the last dated one before it."""
    if start == float("-inf"):
        return "1"
    before = conn.execute("SELECT coalesce(max(seq), 0) FROM sessions WHERE date_known = 1 AND started_wall < ?",
                          (start,)).fetchone()[0]
    return f"((s.date_known = 1 AND s.started_wall >= {start!r}) OR (s.date_known = 0 AND s.seq > {int(before)}))"


def load(conn: sqlite3.Connection, path: Path, since: date | None) -> Data:
    start = datetime.combine(since, datetime.min.time()).timestamp() if since else float("-inf")
    period = _in_period(conn, start)
    sessions = [Session(*row[:5], bool(row[5]), row[6])
                for row in conn.execute(f"{SESSIONS} AS s WHERE {period} ORDER BY seq")]
    if not sessions:
        span = conn.execute("SELECT max(started_wall) FROM sessions WHERE date_known = 1").fetchone()
        if not conn.execute("SELECT count(*) FROM sessions").fetchone()[0]:
            raise UserError(f"{path}: no sessions recorded yet, so there is nothing to report")
        raise UserError(f"{path}: no sessions since {since} (the last one was on "
                        f"{datetime.fromtimestamp(span[0]).date()})")
    reps = [Rep(*row[:13], tuple(json.loads(row[13])), bool(row[14])) for row in conn.execute(
        f"""SELECT r.session_id, s.started_wall, s.programme, r.exercise_id, r.rep, r.wall, s.affected_side,
                  r.peak_left, r.peak_right, r.symmetry, r.weaker, r.hold_s, r.hold_target_s, r.flags, s.date_known
           FROM reps r JOIN sessions s ON s.id = r.session_id
           WHERE {period} ORDER BY s.seq, r.id""")]
    cues = conn.execute(f"SELECT c.wall, c.exercise_id, c.cue FROM cues c JOIN sessions s ON s.id = c.session_id "
                        f"WHERE {period} AND s.date_known = 1 ORDER BY c.wall").fetchall()
    settings = [(wall, json.loads(text)) for wall, text in conn.execute(
        "SELECT min(CASE s.date_known WHEN 1 THEN s.started_wall END), t.json FROM settings t "
        f"JOIN sessions s ON s.settings_id = t.id WHERE {period} GROUP BY t.id ORDER BY min(s.seq)")]
    by_exercise: dict[str, list[Rep]] = {e: [] for (e,) in conn.execute(
        "SELECT exercise_id FROM reps GROUP BY exercise_id ORDER BY min(id)")}
    for r in reps:
        if r.date_known:
            by_exercise[r.exercise].append(r)
    days = [datetime.fromtimestamp(s.start).date() for s in sessions if s.date_known]
    first = since or (days[0] if days else None)
    return Data(first, days[-1] if days else None, sessions, reps, cues, settings,
                {e: practised for e, practised in by_exercise.items() if practised},
                _undated(conn, sessions, reps))


def _undated(conn: sqlite3.Connection, sessions: list[Session], reps: list[Rep]) -> list[Undated]:
    """Each undated session with the days of the dated sessions on either side of it (in the whole database)."""
    out = []
    for s in sessions:
        if s.date_known:
            continue
        near = [conn.execute(f"SELECT started_wall FROM sessions WHERE date_known = 1 AND seq {op} ? "
                             f"ORDER BY seq {order} LIMIT 1", (s.seq,)).fetchone()
                for op, order in (("<", "DESC"), (">", "ASC"))]
        after, before = (datetime.fromtimestamp(row[0]).date() if row else None for row in near)
        cues = conn.execute("SELECT count(*) FROM cues WHERE session_id = ?", (s.id,)).fetchone()[0]
        out.append(Undated(s, after, before, [r for r in reps if r.session == s.id], cues))
    return out
