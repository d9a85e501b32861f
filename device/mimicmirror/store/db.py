"""Progress on disk: the engine's records in SQLite, numbers only, never images.

Durability, because the mirror is switched off at the wall:
- WAL journal with `synchronous=FULL`: each write call is one transaction and
  is on the storage when `write` returns. With NORMAL a power cut could drop
  the last few committed reps (WAL commits are only synced at checkpoints);
  FULL costs one fsync per call, and calls come once per rep (seconds apart).
- A session that never got its SessionEnded (power cut, crash) is closed as
  "interrupted" the next time the store opens.
- Each session carries `seq` (the device's n-th session) and `date_known`
  (0 when the wall clock was not set as it started, see clock.WallTrust);
  `last_wall`, the latest wall time on any record, is read once at open and
  is what a clock must not read earlier than.
- A file that is not a database, is malformed or fails `integrity_check` is
  moved aside as `<name>.corrupt-<timestamp>` (kept for a later rescue), a
  fresh database is started, and `notice` holds one calm sentence for the
  caregiver; the mirror keeps working either way.

Only the service opens a Store (it is the single writer); the report reads a
snapshot without writing (see report.py).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from ..history import History
from ..clinical import affected_movement
from ..records import (CueGiven, ExerciseDone, NeutralCaptured, Record, RepDone,
                       SessionEnded, SessionStarted)
from ..sides import Side
from . import progress
from .errors import RecordsRefused, StoreError, StoreUnavailable
from .schema import LATEST, migrate, version

INTERRUPTED = "interrupted"


class CorruptDatabase(Exception):
    """The file is damaged; the store moves it aside."""


def is_corruption(error: sqlite3.DatabaseError) -> bool:
    """SQLite's own verdict: not a database, or a malformed one (not 'locked', not 'read-only')."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def connect(path: Path | str, **kwargs) -> sqlite3.Connection:
    """An autocommit connection (transactions are explicit) with foreign keys on."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0, **kwargs)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _open_checked(path: Path) -> sqlite3.Connection:
    """Open, switch to WAL, prove the file sound and bring the schema up to date."""
    conn = connect(path, check_same_thread=False)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise CorruptDatabase(problems[0])
        found = version(conn)
        if found > LATEST:
            raise StoreError(f"{path}: written by a newer Mimic Mirror (schema version {found}, "
                             f"this one knows up to {LATEST}); update the software")
        if found == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{path}: an SQLite database, but not a Mimic Mirror one; "
                             "point [store] path somewhere else")
        conn.execute("PRAGMA journal_mode = WAL")  # only now: a refused file is left byte for byte
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
        return conn
    except sqlite3.DatabaseError as e:
        conn.close()
        if is_corruption(e):
            raise CorruptDatabase(str(e)) from e
        raise
    except BaseException:
        conn.close()
        raise


def move_aside(path: Path, stamp: str) -> Path:
    """Rename the database (and its WAL/SHM companions) to `<name>.corrupt-<stamp>`."""
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    path.rename(aside)
    return aside


def _last_wall(conn: sqlite3.Connection) -> float | None:
    """The latest wall time written on any record (None in a new database)."""
    return conn.execute(
        """SELECT max(coalesce((SELECT max(started_wall) FROM sessions), 0),
                      coalesce((SELECT max(ended_wall) FROM sessions), 0),
                      coalesce((SELECT max(wall) FROM reps), 0), coalesce((SELECT max(wall) FROM exercises), 0),
                      coalesce((SELECT max(wall) FROM cues), 0), coalesce((SELECT max(wall) FROM neutral_captures), 0))
        """).fetchone()[0] or None


def _close_interrupted(conn: sqlite3.Connection) -> int:
    """Sessions left open by a power cut end at their last recorded moment."""
    with transaction(conn):
        return conn.execute(
            """UPDATE sessions SET end_reason = ?, ended_wall = max(started_wall,
                   coalesce((SELECT max(wall) FROM reps WHERE session_id = sessions.id), 0),
                   coalesce((SELECT max(wall) FROM exercises WHERE session_id = sessions.id), 0),
                   coalesce((SELECT max(wall) FROM cues WHERE session_id = sessions.id), 0))
               WHERE end_reason IS NULL""", (INTERRUPTED,)).rowcount


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, value, tb) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


class Store:
    """The device's progress database. Create with `Store.open(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None, interrupted: int):
        self._conn = conn
        self._lock = threading.Lock()
        self._session: int | None = None
        self._date_known = True           # the stamp of the batch being written
        self.last_wall: float | None = _last_wall(conn)
        self.path = path
        self.notice = notice              # one sentence for the caregiver, or None
        self.interrupted = interrupted    # sessions closed as interrupted at this open

    @classmethod
    def open(cls, path: Path | str) -> "Store":
        """Open (or create) the database; a damaged file is moved aside, never deleted."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        notice = None
        try:
            try:
                conn = _open_checked(path)
            except CorruptDatabase:
                aside = move_aside(path, time.strftime("%Y%m%d-%H%M%S"))
                notice = (f"The practice history could not be read, so it was set aside as {aside.name} "
                          "and a fresh one started; practice can go on as usual.")
                conn = _open_checked(path)
        except sqlite3.DatabaseError as e:  # locked, read-only, not a file: nothing to move aside
            raise StoreError(f"{path}: cannot open the database ({e})") from None
        return cls(conn, path, notice, _close_interrupted(conn))

    def write(self, records: Sequence[Record], wall_time: float, date_known: bool = True) -> None:
        """Store one Step's records in one transaction: all of them or, after a crash, none.

        `date_known=False`: the clock was not set; a session started now is marked so.
        RecordsRefused: this batch can never be stored (a constraint, a record
        outside a session). StoreUnavailable: the storage cannot be written just
        now (locked, full, an I/O error); the same call may succeed later.
        """
        if not records:
            return
        with self._lock:
            session = self._session
            self._date_known = date_known
            try:
                with transaction(self._conn):
                    for record in records:
                        session = self._WRITERS[type(record)](self, session, record, wall_time)
            except (sqlite3.IntegrityError, ValueError) as e:
                raise RecordsRefused(str(e)) from e
            except sqlite3.Error as e:
                raise StoreUnavailable(str(e)) from e
            self._session = session  # only once committed: a rolled-back call changes nothing

    def history(self, now: datetime, affected_side: Side, date_known: bool = True) -> History:
        """What the engine shows at greeting and summary; `now` naive means local time.

        `date_known=False`: `now` comes from a clock that is not set; "today" is
        then counted by the order of sessions (see progress.history).
        StoreUnavailable when the database cannot be read just now.
        """
        with self._lock:
            try:
                return progress.history(self._conn, now, affected_side, date_known)
            except sqlite3.Error as e:
                raise StoreUnavailable(str(e)) from e

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # One writer per record type; each returns the session the next record belongs to.

    def _session_started(self, session: int | None, r: SessionStarted, wall: float) -> int:
        if session is not None:  # the engine started again without ending: keep what we have
            self._end(session, INTERRUPTED, wall)
        settings = json.dumps(dict(r.settings), sort_keys=True, default=str)
        self._conn.execute("INSERT OR IGNORE INTO settings (json, first_wall) VALUES (?, ?)", (settings, wall))
        return self._conn.execute(
            """INSERT INTO sessions (started_wall, started_t, programme, affected_side, settings_id, date_known, seq)
               VALUES (?, ?, ?, ?, (SELECT id FROM settings WHERE json = ?), ?,
                       (SELECT coalesce(max(seq), 0) + 1 FROM sessions))""",
            (wall, r.t, r.programme, r.affected_side, settings, int(self._date_known))).lastrowid

    def _neutral(self, session: int | None, r: NeutralCaptured, wall: float) -> int:
        session = _require(session, r)
        capture = self._conn.execute("INSERT INTO neutral_captures (session_id, t, wall) VALUES (?, ?, ?)",
                                     (session, r.t, wall)).lastrowid
        self._conn.executemany(
            "INSERT INTO neutral_measures (capture_id, name, left_value, right_value) VALUES (?, ?, ?, ?)",
            [(capture, name, float(left), float(right)) for name, (left, right) in r.measures.items()])
        return session

    def _rep(self, session: int | None, r: RepDone, wall: float) -> int:
        session = _require(session, r)
        (affected,), = self._conn.execute("SELECT affected_side FROM sessions WHERE id = ?", (session,))
        self._conn.execute(
            """INSERT INTO reps (session_id, exercise_id, rep, t, wall, peak_left, peak_right, symmetry,
                                 weaker, hold_s, hold_target_s, flags, affected_moved)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (session, r.exercise_id, r.rep, r.t, wall, r.peak_left, r.peak_right, r.symmetry, r.weaker,
             r.hold_s, r.hold_target_s, json.dumps(list(r.flags)),
             affected_movement(r.peak_left, r.peak_right, affected, r.flags)))
        return session

    def _cue(self, session: int | None, r: CueGiven, wall: float) -> int:
        session = _require(session, r)
        self._conn.execute("INSERT INTO cues (session_id, exercise_id, cue, text, t, wall) VALUES (?, ?, ?, ?, ?, ?)",
                           (session, r.exercise_id, r.cue, r.text, r.t, wall))
        return session

    def _exercise(self, session: int | None, r: ExerciseDone, wall: float) -> int:
        session = _require(session, r)
        self._conn.execute(
            """INSERT INTO exercises (session_id, exercise_id, t, wall, reps, symmetry, skipped, ended_early)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (session, r.exercise_id, r.t, wall, r.reps, r.symmetry, int(r.skipped), r.ended_early))
        return session

    def _session_ended(self, session: int | None, r: SessionEnded, wall: float) -> None:
        self._end(_require(session, r), r.reason, wall)
        return None

    def _end(self, session: int, reason: str, wall: float) -> None:
        self._conn.execute("UPDATE sessions SET ended_wall = ?, end_reason = ? WHERE id = ?", (wall, reason, session))

    _WRITERS: dict[type, Callable] = {
        SessionStarted: _session_started,
        NeutralCaptured: _neutral,
        RepDone: _rep,
        CueGiven: _cue,
        ExerciseDone: _exercise,
        SessionEnded: _session_ended,
    }


def _require(session: int | None, record: Record) -> int:
    """Records after SessionStarted belong to that session; anything else is an engine bug."""
    if session is None:
        raise ValueError(f"{type(record).__name__} arrived outside a session (no SessionStarted before it)")
    return session
