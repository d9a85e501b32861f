"""The progress database: what is written stays, survives power cuts, upgrades and damage."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mimicmirror.records import (CueGiven, ExerciseDone, NeutralCaptured, RepDone, SessionEnded,
                                 SessionStarted)
from mimicmirror.store.db import Store
from mimicmirror.store.errors import RecordsRefused, StoreError, StoreUnavailable
from mimicmirror.store.schema import LATEST, MIGRATIONS, migrate, version
from store_script import NOW, rep, rows, session


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "state" / "mimicmirror.db"


# --- what is written is there -------------------------------------------------------------

def test_a_whole_session_is_stored_as_numbers(db):
    with Store.open(db) as store:
        assert store.notice is None
        store.write([SessionStarted(1.0, "standard", "left", {"daily_sessions": 3, "ratio": 1.5})], 1000.0)
        store.write([NeutralCaptured(3.0, {"brow_height": (0.41, 0.43), "mouth_width": (2.1, 2.1)})], 1003.0)
        store.write([rep(1, 0.05, 0.10, flags=("overactivity",)),
                     CueGiven(12.0, "smile", "overactivity", "Smaller movements")], 1012.0)
        store.write([rep(2, 0.08, 0.10), ExerciseDone(20.0, "smile", 2, 0.65)], 1020.0)
        store.write([SessionEnded(30.0, "completed")], 1030.0)

    assert rows(db, "SELECT programme, affected_side, started_wall, ended_wall, end_reason FROM sessions") == [
        ("standard", "left", 1000.0, 1030.0, "completed")]
    assert json.loads(rows(db, "SELECT json FROM settings")[0][0]) == {"daily_sessions": 3, "ratio": 1.5}
    assert rows(db, "SELECT name, left_value, right_value FROM neutral_measures ORDER BY name") == [
        ("brow_height", 0.41, 0.43), ("mouth_width", 2.1, 2.1)]
    assert rows(db, "SELECT rep, peak_left, peak_right, symmetry, weaker, hold_s, hold_target_s, flags, wall "
                    "FROM reps ORDER BY rep") == [
        (1, 0.05, 0.10, 0.5, "left", 3.0, 4.0, '["overactivity"]', 1012.0),
        (2, 0.08, 0.10, pytest.approx(0.8), "left", 3.0, 4.0, "[]", 1020.0)]
    assert rows(db, "SELECT exercise_id, cue, text FROM cues") == [("smile", "overactivity", "Smaller movements")]
    assert rows(db, "SELECT exercise_id, reps, symmetry, skipped FROM exercises") == [("smile", 2, 0.65, 0)]


def test_identical_settings_are_stored_once_and_a_change_is_a_dated_step(db):
    with Store.open(db) as store:
        session(store, 1000.0, [], settings={"reps": 8})
        session(store, 2000.0, [], settings={"reps": 8})
        session(store, 3000.0, [], settings={"reps": 5})
    assert rows(db, "SELECT json, first_wall FROM settings ORDER BY id") == [
        ('{"reps": 8}', 1000.0), ('{"reps": 5}', 3000.0)]
    assert rows(db, "SELECT settings_id FROM sessions ORDER BY id") == [(1,), (1,), (2,)]


def test_a_write_is_all_or_nothing(db):
    with Store.open(db) as store:
        with pytest.raises(RecordsRefused, match="outside a session"):
            store.write([SessionEnded(1.0, "completed"), rep(1, 0.1, 0.1)], 1000.0)
        store.write([SessionStarted(1.0, "standard", "left"), rep(1, 0.1, 0.1)], 1000.0)
        with pytest.raises(RecordsRefused, match="CHECK constraint"):  # the second record breaks a constraint
            store.write([rep(2, 0.1, 0.1), RepDone(2, "smile", 3, 0.1, 0.1, 1.0, "middle", 1, 1)], 1010.0)
        store.write([rep(3, 0.1, 0.1)], 1020.0)  # the store carries on in the same session
    assert rows(db, "SELECT rep, session_id FROM reps") == [(1, 1), (3, 1)]


def test_a_database_held_by_another_writer_is_unavailable_for_now_and_the_same_write_succeeds_later(db):
    with Store.open(db) as store:
        store._conn.execute("PRAGMA busy_timeout = 50")     # give up quickly instead of after 5 s
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        batch = [SessionStarted(1.0, "standard", "left"), rep(1, 0.1, 0.1)]
        with pytest.raises(StoreUnavailable, match="locked"):
            store.write(batch, 1000.0)
        blocker.execute("ROLLBACK")
        blocker.close()
        store.write(batch, 1000.0)
    assert rows(db, "SELECT rep, session_id FROM reps") == [(1, 1)]


def test_a_new_session_without_the_old_one_ending_marks_the_old_one_interrupted(db):
    with Store.open(db) as store:
        session(store, 1000.0, [rep(1, 0.1, 0.1)], end=None)
        session(store, 2000.0, [rep(1, 0.1, 0.1)])
    assert rows(db, "SELECT end_reason, ended_wall FROM sessions ORDER BY id") == [
        ("interrupted", 2000.0), ("completed", 2030.0)]


def test_a_session_left_open_is_closed_as_interrupted_at_its_last_record_on_the_next_open(db):
    with Store.open(db) as store:
        session(store, 1000.0, [rep(1, 0.1, 0.1), rep(2, 0.1, 0.1)], end=None)
    assert rows(db, "SELECT end_reason FROM sessions") == [(None,)]
    with Store.open(db) as store:
        assert store.interrupted == 1
    assert rows(db, "SELECT end_reason, ended_wall FROM sessions") == [("interrupted", 1020.0)]


def test_the_database_uses_wal_and_full_sync(db):
    with Store.open(db) as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_no_table_can_hold_an_image(db):
    Store.open(db).close()
    tables = [t for (t,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    types = {ty.upper() for t in tables for (_, _, ty, *_) in rows(db, f"PRAGMA table_info({t})")}
    assert "BLOB" not in types and "" not in types


# --- migrations -----------------------------------------------------------------------------

def test_migrations_are_numbered_one_by_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    assert LATEST >= 3


def _columns(path: Path) -> dict[str, set[str]]:
    tables = [t for (t,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {c[1] for c in rows(path, f"PRAGMA table_info({t})")} for t in tables}


def _old_database(path: Path, old: int) -> None:
    """A database as version `old` of the software left it, with two sessions in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=old)
    assert version(conn) == old
    for sid, wall, settings in ((1, 1000.0, '{"reps": 8}'), (2, 2000.0, '{"reps": 8}')):
        if old >= 4:  # ... and sessions numbered in order
            conn.execute("INSERT OR IGNORE INTO settings (id, json, first_wall) VALUES (1, ?, ?)", (settings, wall))
            conn.execute("INSERT INTO sessions (id, started_wall, started_t, programme, affected_side, settings_id, "
                         "ended_wall, end_reason, seq) VALUES (?, ?, 1, 'standard', 'right', 1, ?, 'completed', ?)",
                         (sid, wall, wall + 60, sid))
        elif old >= 3:  # settings stored once, referred to by id
            conn.execute("INSERT OR IGNORE INTO settings (id, json, first_wall) VALUES (1, ?, ?)", (settings, wall))
            conn.execute("INSERT INTO sessions (id, started_wall, started_t, programme, affected_side, settings_id, "
                         "ended_wall, end_reason) VALUES (?, ?, 1, 'standard', 'right', 1, ?, 'completed')",
                         (sid, wall, wall + 60))
        else:
            conn.execute("INSERT INTO sessions (id, started_wall, started_t, programme, affected_side, settings, "
                         "ended_wall, end_reason) VALUES (?, ?, 1, 'standard', 'right', ?, ?, 'completed')",
                         (sid, wall, settings, wall + 60))
        conn.execute("INSERT INTO reps (session_id, exercise_id, rep, t, wall, peak_left, peak_right, symmetry, "
                     "weaker, hold_s, hold_target_s) VALUES (?, 'smile', 1, 5, ?, 0.1, 0.05, 0.5, 'right', 3, 4)",
                     (sid, wall + 10))
    if old >= 2:
        conn.execute("INSERT INTO cues (session_id, exercise_id, cue, t, wall) VALUES (1, 'smile', 'overactivity', 5, 1010)")
    conn.close()


@pytest.mark.parametrize("old", range(1, LATEST))
def test_a_database_from_each_earlier_version_is_upgraded_keeping_everything(db, tmp_path, old):
    db.parent.mkdir(parents=True)
    _old_database(db, old)
    with Store.open(db) as store:
        assert store.notice is None
        session(store, 3000.0, [rep(1, 0.075, 0.1)])
        store.write([SessionStarted(1, "standard", "right"), CueGiven(2, "smile", "break")], 4000.0)
    assert rows(db, "PRAGMA user_version") == [(LATEST,)]
    assert rows(db, "SELECT id, started_wall, affected_side, end_reason FROM sessions ORDER BY id")[:2] == [
        (1, 1000.0, "right", "completed"), (2, 2000.0, "right", "completed")]
    assert rows(db, "SELECT session_id, symmetry FROM reps ORDER BY id") == [(1, 0.5), (2, 0.5), (3, pytest.approx(0.75))]
    assert rows(db, "SELECT json FROM settings s JOIN sessions ON settings_id = s.id WHERE sessions.id = 1") == [
        ('{"reps": 8}',)]
    assert [c for (c,) in rows(db, "SELECT cue FROM cues ORDER BY id")] == (["overactivity"] if old >= 2 else []) + ["break"]
    assert rows(db, "SELECT seq, date_known FROM sessions ORDER BY id") == [(1, 1), (2, 1), (3, 1), (4, 1)]
    # the old sessions had their right side set as affected, the new one its left
    assert rows(db, "SELECT affected_moved FROM reps ORDER BY id") == [(0.05,), (0.05,), (0.075,)]
    fresh = tmp_path / "fresh.db"
    Store.open(fresh).close()
    assert _columns(db) == _columns(fresh)


def test_a_database_from_a_newer_version_is_refused_and_left_alone(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer Mimic Mirror"):
        Store.open(db)
    assert db.read_bytes() == before


def test_someone_elses_sqlite_file_is_refused_and_left_alone(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (x)")
    conn.close()
    with pytest.raises(StoreError, match="not a Mimic Mirror one"):
        Store.open(db)
    assert rows(db, "SELECT name FROM sqlite_master") == [("photos",)]


# --- damage -------------------------------------------------------------------------------

def _not_a_database(path: Path) -> None:
    path.write_bytes(b"this was a shopping list, not a database\n" * 200)


def _malformed(path: Path) -> None:
    """Real pages overwritten in the middle of the file (a torn write on a card)."""
    with Store.open(path) as store:
        for day in range(20):
            session(store, 1000.0 + day * 86400, [rep(i, 0.1, 0.1) for i in range(1, 30)])
    with open(path, "r+b") as f:
        f.seek(4096 * 3)
        f.write(os.urandom(4096 * 2))


def _fails_integrity_check(path: Path) -> None:
    """Opens and reads fine, but an index no longer matches its table."""
    with Store.open(path) as store:
        session(store, 1000.0, [rep(i, 0.1, 0.1) for i in range(1, 5)])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX reps_by_session ON reps (rep)' "
                 "WHERE name = 'reps_by_session'")
    conn.commit()
    conn.close()
    assert rows(path, "SELECT count(*) FROM reps") == [(4,)]


@pytest.mark.parametrize("damage", [_not_a_database, _malformed, _fails_integrity_check])
def test_a_damaged_database_is_kept_aside_and_a_fresh_one_started(db, damage):
    db.parent.mkdir(parents=True)
    damage(db)
    damaged = db.read_bytes()
    with Store.open(db) as store:
        assert store.notice is not None
        session(store, 5000.0, [rep(1, 0.1, 0.05)])
        assert store.history(NOW, "left").sessions_today == 0
    aside = [p for p in db.parent.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].name.startswith("mimicmirror.db.corrupt-")
    assert aside[0].read_bytes() == damaged
    assert aside[0].name in store.notice
    sentence = store.notice.replace(aside[0].name, "the file")
    assert sentence.endswith(".") and sentence.count(".") == 1 and "\n" not in sentence  # one calm sentence
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT count(*) FROM reps") == [(1,)]
    with Store.open(db) as again:
        assert again.notice is None


def test_two_damaged_files_in_the_same_second_are_both_kept(db):
    db.parent.mkdir(parents=True)
    for _ in range(2):
        _not_a_database(db)
        Store.open(db).close()
    assert len([p for p in db.parent.iterdir() if ".corrupt-" in p.name]) == 2


def test_a_path_that_cannot_be_opened_is_an_error_not_a_corruption(tmp_path):
    where = tmp_path / "a-folder.db"
    where.mkdir()
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(where)
    assert where.is_dir() and not list(tmp_path.glob("*.corrupt-*"))


# --- power cut --------------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from mimicmirror.records import RepDone, SessionStarted
    from mimicmirror.store.db import Store
    store = Store.open(sys.argv[1])
    store.write([SessionStarted(0.0, "standard", "left")], 1000.0)
    batch = 0
    while True:
        batch += 1
        store.write([RepDone(batch + i / 100, "smile", i, 0.05, 0.1, 0.5, "left", 3.0, 4.0)
                     for i in range(1, 21)], 1000.0 + batch)
        print(batch, flush=True)
""")


@pytest.mark.parametrize("committed_before_cut", [3, 17, 40])
def test_a_power_cut_mid_write_loses_at_most_the_write_in_progress(db, committed_before_cut):
    db.parent.mkdir(parents=True)
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(committed_before_cut):
            acknowledged = int(child.stdout.readline())
    finally:
        os.kill(child.pid, signal.SIGKILL)  # the process dies wherever it is, likely inside a write
        child.wait()
    with Store.open(db) as store:
        assert store.notice is None  # integrity_check passed: nothing moved aside
        assert store.interrupted == 1
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    (reps,) = rows(db, "SELECT count(*) FROM reps")[0]
    assert reps % 20 == 0  # whole writes only
    assert reps // 20 >= acknowledged  # every acknowledged write is there
    batches = [b for (b,) in rows(db, "SELECT DISTINCT CAST(t AS INTEGER) FROM reps ORDER BY 1")]
    assert batches == list(range(1, reps // 20 + 1))
    assert rows(db, "SELECT end_reason FROM sessions") == [("interrupted",)]


def test_an_upgrade_leaves_out_the_affected_side_where_only_the_other_side_moved(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=4)
    conn.execute("INSERT INTO settings (id, json, first_wall) VALUES (1, '{}', 1000)")
    conn.execute("INSERT INTO sessions (id, started_wall, started_t, programme, affected_side, settings_id, seq) "
                 "VALUES (1, 1000, 1, 'standard', 'left', 1, 1)")
    for n, left, right, flags in ((1, 0.02, 0.08, '["overactivity"]'), (2, 0.0, 0.07, '["right_only"]'),
                                  (3, 0.05, 0.0, '["left_only", "short"]')):
        conn.execute("INSERT INTO reps (session_id, exercise_id, rep, t, wall, peak_left, peak_right, symmetry, "
                     "weaker, hold_s, hold_target_s, flags) VALUES (1, 'smile', ?, 5, 1010, ?, ?, NULL, NULL, 3, 3, ?)",
                     (n, left, right, flags))
    conn.close()
    Store.open(db).close()
    assert rows(db, "SELECT rep, affected_moved FROM reps ORDER BY id") == [(1, 0.02), (2, None), (3, 0.05)]
