"""A month on the wall in minutes: the real service loop through simulated days.

The parts are the rig's (the production picamera2 adapter on the fake camera,
gpiozero mock pins, pygame on SDL's dummy driver, SQLite on disk, a real
notify socket) and the service is the real one, running for days on a
simulated clock, restarted only when a real mirror's service would be (an
analysis that never returns, a settings edit). Two things make a month fit
in minutes, and both skip only work a real mirror skips or repeats:

- Recorded analysis: each distinct camera picture is analysed by the real
  model once and the result replayed when the same picture comes again (an
  empty bathroom, a person holding still, the same movement rendered again).
- Empty stretches are fast-forwarded: when nobody is at the mirror and the
  mirror is idle, the loop runs on for a while and the clock then skips to
  shortly before the next visitor. Nothing on the screen, in the store or in
  the journal changes at an empty mirror, so skipping changes no outcome;
  loop passes per day are reported so the compression is visible.

After each simulated day it measures resident memory, open file
descriptors, the database and its WAL, bytes the process wrote to storage
and journal lines; at the end it checks every session's records against the
database. `benchmarks/soak.py` prints the month; a one-day run is a test.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..clock import SimClock
from ..records import RepDone, SessionStarted
from .soak_plan import DAY_S, DayPlan, Incident, Visit

log = logging.getLogger("mimicmirror")

SOAK_START = 1000.0          # monotonic origin of the simulated clock
#: The loop keeps running this long into an empty stretch before the clock skips ahead,
#: and the skip stops this long before the next visitor.
IDLE_RUN_S = 10.0
SKIP_LEAD_S = 5.0
#: The soak's watchdog (WATCHDOG_USEC) and the real seconds a hung pass may last before
#: the service gives up on it (see the service's hang guard).
WATCHDOG_USEC = 4_000_000


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def storage_bytes_written() -> int:
    """Bytes this process has caused to be written to storage (the kernel's write_bytes)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


class RecordedAnalysis:
    """The real analyzer, run once per distinct picture; the same picture gets the same answer.

    Within a session the analysis follows the image from the session's relaxed
    frame, so an answer is kept per (relaxed frame and its measures, picture):
    the same person relaxing the same way each session meets the same answers.
    """

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self.known: dict[tuple, Any] = {}
        self.hits = 0
        self.misses = 0
        self.hang_at: float | None = None              # frame time from which the next call hangs
        self.released = threading.Event()
        self._reference: tuple | None = None
        self._last: tuple[np.ndarray, Any, bytes] | None = None   # (picture, its analysis, fingerprint)

    @staticmethod
    def fingerprint(rgb: np.ndarray) -> bytes:
        # every 4th pixel in each direction: distinct pictures differ over whole regions
        return hashlib.blake2b(np.ascontiguousarray(rgb[::4, ::4]).data, digest_size=16).digest()

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> Any:
        if self.hang_at is not None and t >= self.hang_at:
            self.hang_at = None
            self.released.wait()                       # a native call that never returns, until "killed"
        seen = self.fingerprint(rgb)
        key = (self._reference, seen)
        found = self.known.get(key)
        if found is None:
            self.misses += 1
            found = self.known[key] = self.analyzer.analyze(rgb, t)
        else:
            self.hits += 1
        self._last = (rgb, found, seen)
        return replace(found, timestamp=t)

    def set_reference(self, rgb: np.ndarray | None = None, neutral: Any = None, analysis: Any = None) -> bool:
        if rgb is None and self._last is not None:
            rgb, analysis, seen = self._last
        elif rgb is not None:
            seen = self.fingerprint(rgb)
        else:
            return False
        taken = self.analyzer.set_reference(rgb, neutral=neutral, analysis=analysis)
        values = tuple(sorted((k, round(v.left, 6), round(v.right, 6)) for k, v in (neutral or {}).items()))
        self._reference = (seen, values) if taken else None
        return taken

    def clear_reference(self) -> None:
        self.analyzer.clear_reference()
        self._reference = None

    def close(self) -> None:
        self.analyzer.close()


class LineCounter(logging.Handler):
    """Counts the journal's lines (what the service logs at INFO and above)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0
        self.messages: collections.Counter[str] = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        template = record.msg if isinstance(record.msg, str) else str(record.msg)
        self.messages[record.getMessage()[:80] if template == "%s" else template] += 1


@dataclass
class DayFigures:
    day: int
    rss_kb: int
    fds: int
    db_bytes: int
    wal_bytes: int
    written_bytes: int          # to storage during the day
    journal_lines: int
    loop_passes: int
    sessions: int
    seconds: float              # real seconds the day took
    commits: int = 0            # database transactions committed (each one synced to storage)


@dataclass
class SoakResult:
    days: list[DayFigures] = field(default_factory=list)
    started: int = 0            # SessionStarted records the engines emitted
    reps: int = 0               # RepDone records the engines emitted
    restarts: list[tuple[int, str]] = field(default_factory=list)     # (day, why)
    starts: list[tuple[int, str]] = field(default_factory=list)       # (day, settings: file / last good / defaults)
    notifications: collections.Counter[str] = field(default_factory=collections.Counter)   # READY=1: n, ...
    db_sessions: list[tuple] = field(default_factory=list)            # (seq, end_reason, reps) from the DB
    hang_gap_s: float | None = None   # real seconds without WATCHDOG around the hang
    analysis_hits: int = 0
    analysis_misses: int = 0
    top_messages: list[tuple[str, int]] = field(default_factory=list)


class Soak:
    """Runs `plan` through the real service; `out_dir` holds the database and the settings."""

    def __init__(self, plan: list[DayPlan], out_dir: Path, scenario: str = "brief") -> None:
        from .scenario import load_scenario

        self.plan = plan
        self.out = Path(out_dir)
        self.scenario = load_scenario(scenario)
        self.clock = SimClock(start=SOAK_START)
        self.visits: list[Visit] = [v for d in plan for v in d.visits]
        self.incidents: list[Incident] = [i for d in plan for i in d.incidents]
        self.result = SoakResult()
        self.person: Any = None          # the session's virtual person while one is at the mirror
        self.person_visit: Visit | None = None
        self.person_start = 0.0
        self.commits = 0                 # database transactions committed so far

    # -- the world the camera sees ----------------------------------------------------------

    def _visit_at(self, s: float) -> Visit | None:
        for v in self.visits:             # a month holds a few hundred visits: a scan is cheap
            if v.start <= s < v.start + v.seconds:
                return v
            if v.start > s:
                return None
        return None

    def someone_here(self, s: float) -> bool:
        """A passer-by in view, or a session's person who has not yet left for good."""
        visit = self._visit_at(s)
        if visit is None:
            return False
        if visit.kind == "session" and self.person_visit is visit and self.person.gone:
            return self.person.present(SOAK_START + s)
        return True

    def frame_at(self, s: float) -> np.ndarray:
        visit = self._visit_at(s)
        if visit is not None and visit.kind == "session":
            if self.person_visit is not visit:
                self._new_person(visit)
            return self.person.frame_at(s - self.person_start)
        return self.face if visit is not None else self.empty

    def _new_person(self, visit: Visit, start: float | None = None) -> None:
        from .person import VirtualPerson

        at = SOAK_START + (visit.start if start is None else start)
        self.person = VirtualPerson(self.scenario, self.warper, at, cues=self.cues)
        self.person_visit = visit
        self.person_start = at - SOAK_START

    def restarted(self) -> None:
        """The mirror went dark and came back: whoever was mid-session starts afresh."""
        if self.person_visit is not None:
            self._new_person(self.person_visit, start=self.now() - self.scenario.person.arrive)

    # -- running ------------------------------------------------------------------------------

    def run(self) -> SoakResult:
        from ..config import defaults
        from ..exercises.catalogue import load_programme
        from ..face.analyzer import Analyzer
        from .faces import load_face
        from ..camera.fake_picamera2 import FakeCameraWorld
        from ..camera.fake_scene import fit
        from .warp import ExerciseWarper

        if self.out.exists():
            shutil.rmtree(self.out)
        (self.out / "etc").mkdir(parents=True)
        (self.out / "state").mkdir()
        self.cues = dict(load_programme(defaults().programme_path, self.scenario.programme).cues)
        # the face photo cut to the camera's picture size once, so no frame needs scaling
        self.warper = ExerciseWarper(np.ascontiguousarray(fit(load_face(self.scenario.face), (640, 480))))
        self.face = self.warper.neutral
        self.empty = np.broadcast_to(np.concatenate([self.face[0], self.face[-1]]).mean(axis=0).astype(np.uint8),
                                     self.face.shape).copy()
        self.world = FakeCameraWorld(self.frame_at, start_at=SOAK_START, clock=self.clock)
        self.analysis = RecordedAnalysis(Analyzer(static=False))
        self.lines = LineCounter()
        logging.getLogger("mimicmirror").addHandler(self.lines)
        self._write_settings(good=True)
        sock_dir = Path(tempfile.mkdtemp(prefix="mm-soak-"))
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.listener.bind(str(sock_dir / "notify"))
        self.listener.setblocking(False)
        self.notify_path = str(sock_dir / "notify")
        try:
            self._run_days()
        finally:
            logging.getLogger("mimicmirror").removeHandler(self.lines)
            self.listener.close()
            shutil.rmtree(sock_dir, ignore_errors=True)
            self.analysis.close()
        self._check_database()
        r = self.result
        r.analysis_hits, r.analysis_misses = self.analysis.hits, self.analysis.misses
        r.top_messages = self.lines.messages.most_common(8)
        return r

    def _write_settings(self, good: bool) -> None:
        from .soak_service import settings_text

        (self.out / "etc" / "mimicmirror.toml").write_text(settings_text(self.out / "state", good))

    def _run_days(self) -> None:
        from .soak_service import SoakService

        end = self.plan[-1].day * DAY_S + DAY_S if self.plan else 0.0
        runner = SoakService(self)
        while self.now() < end:
            reason = runner.run_until(end)
            if reason:
                self.result.restarts.append((int(self.now() // DAY_S), reason))

    def now(self) -> float:
        """Seconds since the soak began."""
        return self.clock.monotonic() - SOAK_START

    def next_visit_after(self, s: float) -> float | None:
        return next((v.start for v in self.visits if v.start > s), None)

    def drain(self) -> list[tuple[float, str]]:
        """The notify socket's new messages with their real arrival time (only counted, not kept:
        a month of pings would grow the soak's own memory)."""
        out = []
        while True:
            try:
                data = self.listener.recv(4096)
            except BlockingIOError:
                return out
            for line in data.decode().splitlines():
                self.result.notifications[line.split("=", 1)[0]] += 1
                out.append((time.monotonic(), line))

    def count_records(self, records: list) -> None:
        for r in records:
            if isinstance(r, SessionStarted):
                self.result.started += 1
            elif isinstance(r, RepDone):
                self.result.reps += 1

    def measure_day(self, day: int, passes: int, started_real: float, written_before: int,
                    lines_before: int, sessions_before: int, commits_before: int = 0) -> None:
        db = self.out / "state" / "mimicmirror.db"
        wal = db.with_name(db.name + "-wal")
        self.result.days.append(DayFigures(
            day=day, rss_kb=rss_kb(), fds=open_fds(), db_bytes=db.stat().st_size if db.exists() else 0,
            wal_bytes=wal.stat().st_size if wal.exists() else 0,
            written_bytes=storage_bytes_written() - written_before,
            journal_lines=self.lines.count - lines_before, loop_passes=passes,
            sessions=self.result.started - sessions_before, seconds=time.monotonic() - started_real,
            commits=self.commits - commits_before))

    def _check_database(self) -> None:
        db = self.out / "state" / "mimicmirror.db"
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            self.result.db_sessions = conn.execute(
                "SELECT s.seq, s.end_reason, (SELECT count(*) FROM reps r WHERE r.session_id = s.id) "
                "FROM sessions s ORDER BY s.seq").fetchall()
        finally:
            conn.close()
