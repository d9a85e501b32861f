"""The database schema as a list of migrations, oldest first.

A device in a bathroom is updated rarely and never by someone who can repair
a database by hand, so every schema a released version wrote must open in
every later version. `PRAGMA user_version` says which migrations a file has
had; `migrate` applies the missing ones, each in its own transaction, so a
power cut during an upgrade leaves the file at the previous version, intact.
Steps are append-only: a shipped step is never edited, a change is a new step.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step from `version - 1` to `version`."""

    version: int
    summary: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, neutral captures, reps and exercises; settings as JSON on each session", (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_wall REAL NOT NULL,          -- Unix seconds when SessionStarted arrived
            started_t REAL NOT NULL,             -- engine (monotonic) time
            programme TEXT NOT NULL,
            affected_side TEXT NOT NULL CHECK (affected_side IN ('left', 'right')),
            settings TEXT NOT NULL DEFAULT '{}', -- JSON of the settings in force
            ended_wall REAL,
            end_reason TEXT                      -- NULL while running; 'interrupted' after a power cut
        )""",
        "CREATE INDEX sessions_by_start ON sessions (started_wall)",
        """CREATE TABLE neutral_captures (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            t REAL NOT NULL,
            wall REAL NOT NULL
        )""",
        """CREATE TABLE neutral_measures (
            capture_id INTEGER NOT NULL REFERENCES neutral_captures (id),
            name TEXT NOT NULL,
            left_value REAL NOT NULL,
            right_value REAL NOT NULL,
            PRIMARY KEY (capture_id, name)
        ) WITHOUT ROWID""",
        """CREATE TABLE reps (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            exercise_id TEXT NOT NULL,
            rep INTEGER NOT NULL,
            t REAL NOT NULL,
            wall REAL NOT NULL,
            peak_left REAL NOT NULL,
            peak_right REAL NOT NULL,
            symmetry REAL,                       -- NULL when both sides stayed below the noise floor
            weaker TEXT CHECK (weaker IN ('left', 'right')),
            hold_s REAL NOT NULL,
            hold_target_s REAL NOT NULL,
            flags TEXT NOT NULL DEFAULT '[]'     -- JSON list of flag ids
        )""",
        "CREATE INDEX reps_by_session ON reps (session_id)",
        "CREATE INDEX reps_by_exercise ON reps (exercise_id, wall)",
        """CREATE TABLE exercises (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            exercise_id TEXT NOT NULL,
            t REAL NOT NULL,
            wall REAL NOT NULL,
            reps INTEGER NOT NULL,
            symmetry REAL,
            skipped INTEGER NOT NULL DEFAULT 0,
            ended_early TEXT
        )""",
        "CREATE INDEX exercises_by_session ON exercises (session_id)",
    )),
    Migration(2, "cues given to the user, so the therapist sees how often each rule fired", (
        """CREATE TABLE cues (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            exercise_id TEXT NOT NULL,
            cue TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            t REAL NOT NULL,
            wall REAL NOT NULL
        )""",
        "CREATE INDEX cues_by_session ON cues (session_id)",
    )),
    Migration(3, "settings in force stored once per distinct set, so changes of dosing show as dated steps", (
        """CREATE TABLE settings (
            id INTEGER PRIMARY KEY,
            json TEXT NOT NULL UNIQUE,
            first_wall REAL NOT NULL             -- first session that ran with these settings
        )""",
        """INSERT INTO settings (json, first_wall)
           SELECT settings, MIN(started_wall) FROM sessions GROUP BY settings ORDER BY MIN(started_wall)""",
        "ALTER TABLE sessions ADD COLUMN settings_id INTEGER REFERENCES settings (id)",
        "UPDATE sessions SET settings_id = (SELECT id FROM settings WHERE json = sessions.settings)",
        "ALTER TABLE sessions DROP COLUMN settings",
    )),
    Migration(4, "a session counter and a mark for sessions recorded while the clock was not set", (
        # 1 unless the wall clock was not set when the session started (see clock.WallTrust):
        # such a session's times are the clock's own, kept but never put on a calendar day.
        "ALTER TABLE sessions ADD COLUMN date_known INTEGER NOT NULL DEFAULT 1",
        # the device's n-th session: the order of sessions when their dates cannot be trusted
        "ALTER TABLE sessions ADD COLUMN seq INTEGER",
        "UPDATE sessions SET seq = (SELECT count(*) FROM sessions AS s WHERE s.id <= sessions.id)",
        "CREATE UNIQUE INDEX sessions_by_seq ON sessions (seq)",
    )),
    Migration(5, "the affected side's movement of each rep, worked out once when it is written", (
        # clinical.affected_movement: the peak of the side set as affected in the rep's own
        # session; NULL in a set where only the other side moved on purpose.
        "ALTER TABLE reps ADD COLUMN affected_moved REAL",
        """UPDATE reps SET affected_moved = (
               SELECT CASE WHEN EXISTS (SELECT 1 FROM json_each(reps.flags)
                                        WHERE value = CASE s.affected_side WHEN 'left' THEN 'right_only'
                                                                            ELSE 'left_only' END)
                           THEN NULL
                           WHEN s.affected_side = 'left' THEN reps.peak_left ELSE reps.peak_right END
               FROM sessions s WHERE s.id = reps.session_id)""",
    )),
)

LATEST = MIGRATIONS[-1].version


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Apply the missing steps up to `target`; returns the versions applied.

    The connection must be in autocommit mode (isolation_level=None): each step
    runs inside its own BEGIN IMMEDIATE ... COMMIT, together with the new
    user_version, so a step is either wholly there or not at all.
    """
    applied = []
    for step in MIGRATIONS:
        if step.version <= version(conn) or step.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in step.statements:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {step.version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied
