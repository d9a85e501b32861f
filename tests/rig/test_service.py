"""The service loop with real parts: engine, SQLite store, pygame (SDL dummy),
the production picamera2 adapter on the fake camera, gpiozero mock pins, and a
real datagram socket standing in for systemd's notify socket.

Most tests run on the virtual hardware of `mimicmirror.sim.hardware` (the same
harness the scenario rig uses), on a simulated clock: a minute of mirror time in
a few seconds. The watchdog-stall and SIGTERM tests run in real time because
that is what systemd sees, with a listener thread on the notify socket.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Iterator

import pygame
import pytest
from gpiozero.pins.mock import MockFactory

from mimicmirror import config as config_module
from mimicmirror.camera.latest import LatestFrame
from mimicmirror.camera.picamera import PicameraSource
from mimicmirror.camera.replay import ReplaySource
from mimicmirror.clock import SimClock, SystemClock
from mimicmirror.controls.buttons import GpioButtons
from mimicmirror.display.renderer import open_display
from mimicmirror.face.analyzer import Analyzer
from mimicmirror.records import SessionStarted
from mimicmirror.screen import Screen, ScreenKind
from mimicmirror.service import JournalFormatter, Notifier, build_service, describe
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.hardware import VirtualHardware
from mimicmirror.sim.rig import Rig
from mimicmirror.camera.fake_picamera2 import FakeCameraWorld, Fault, still
from mimicmirror.store.db import Store
from mimicmirror.store.errors import RecordsRefused

ROOT = Path(__file__).resolve().parents[2]
SMALL_SCREEN = {"driver": "dummy", "width": 540, "height": 960}


# -- a stand-in for systemd's end of the notify socket ------------------------------------------

class NotifyListener:
    """Binds a real AF_UNIX datagram socket and records every message with its arrival time."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._closed.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def texts(self) -> list[str]:
        with self._lock:
            return [m for _, m in self.messages]

    def since(self, t: float) -> list[str]:
        with self._lock:
            return [m for at, m in self.messages if at >= t]

    def wait_for(self, predicate, timeout: float = 30.0, alive=lambda: True, since: float = 0.0) -> bool:
        """Wait until a message that arrived after `since` satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and alive():
            if any(predicate(m) for m in self.since(since)):
                return True
            time.sleep(0.02)
        return False

    def settle(self) -> None:
        """Let the receiving thread catch up with what was sent."""
        time.sleep(0.3)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener(tmp_path):
    sock = NotifyListener(tmp_path / "notify")
    yield sock
    sock.close()


@pytest.fixture(scope="module")
def analyzer():
    with Analyzer(static=False) as a:
        yield a


@contextlib.contextmanager
def ready_process(args: list[str], env: dict[str, str], listener: NotifyListener,
                  since: float = 0.0) -> Iterator[subprocess.Popen]:
    """The mirror as a process of its own, handed over once it has said READY=1 on the notify
    socket; whatever happens in the test, it does not outlive it."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert listener.wait_for(lambda m: m == "READY=1", timeout=120, alive=lambda: proc.poll() is None,
                                 since=since), "never became ready"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# -- the rig: every edge real, time simulated ------------------------------------------------------

def make_rig(tmp_path: Path, analyzer, faults=(), db: Path | None = None, fps: int = 15,
             clock: SimClock | None = None, watchdog_s: float | None = None) -> VirtualHardware:
    """The service on the virtual hardware (sim.hardware), a real face at the camera from time 0."""
    config = config_module.load(ROOT / "config" / "mimicmirror.toml",
                                {"display": SMALL_SCREEN, "camera": {"fps": fps}})
    store = Store.open(db or tmp_path / "mimicmirror.db")
    return VirtualHardware(config, still(load_face("grace_hopper")), faults=faults, clock=clock or SimClock(),
                           store=store, analyzer=analyzer,
                           watchdog_usec=round(watchdog_s * 2e6) if watchdog_s else None)


@pytest.fixture
def rig_parts():
    """Close what a rig opened, whatever the test did."""
    made: list[VirtualHardware] = []
    yield made
    for rig in made:
        rig.store.close()
        rig.close()


# -- systemd notifications ---------------------------------------------------------------------

def test_ready_then_watchdog_on_a_real_socket_when_the_loop_runs(tmp_path, analyzer, rig_parts):
    rig = make_rig(tmp_path, analyzer, watchdog_s=1.0)
    rig_parts.append(rig)
    assert rig.run(10.0) == 0
    texts = rig.notify.texts()
    assert "READY=1" in texts
    pings = [i for i, m in enumerate(texts) if m == "WATCHDOG=1"]
    assert len(pings) >= 8                       # one a second of (simulated) running
    assert texts.index("READY=1") < pings[0]
    assert texts.count("READY=1") == 1
    assert texts[-2:] == ["STOPPING=1", "STATUS=Stopping"]


def test_no_watchdog_while_the_loop_is_stuck(tmp_path, listener, analyzer, rig_parts):
    """Pings come from the loop itself: a loop stuck in one frame stops them."""
    gate = threading.Event()
    gate.set()

    class StallingAnalyzer:
        def analyze(self, rgb, t):
            gate.wait()
            return analyzer.analyze(rgb, t)

        def set_reference(self, rgb=None, neutral=None):
            return analyzer.set_reference(rgb, neutral)

        def clear_reference(self):
            analyzer.clear_reference()

    clock = SystemClock()
    world = FakeCameraWorld(still(load_face("grace_hopper")), clock=clock)
    config = config_module.load(ROOT / "config" / "mimicmirror.toml", {"display": SMALL_SCREEN})
    display = open_display(config["display"])
    store = Store.open(tmp_path / "mimicmirror.db")
    service = build_service(
        config, clock=clock, camera=PicameraSource(640, 480, 15, picamera2_class=world.picamera2),
        buttons=GpioButtons(17, 27, 1.5, 0.05, clock, pin_factory=MockFactory()), display=display,
        store=store, notifier=Notifier(listener.path, watchdog_interval=0.05), analyzer=StallingAnalyzer())
    stop = threading.Event()
    runner = threading.Thread(target=service.run, kwargs={"stop": stop})
    runner.start()
    try:
        assert listener.wait_for(lambda m: m == "WATCHDOG=1", timeout=30)
        gate.clear()                             # the next frame's analysis hangs
        time.sleep(0.5)
        stuck_from = time.monotonic()
        time.sleep(1.5)
        assert "WATCHDOG=1" not in listener.since(stuck_from)
        gate.set()
        resumed = time.monotonic()
        assert listener.wait_for(lambda m: m == "WATCHDOG=1", timeout=10, since=resumed)
    finally:
        gate.set()
        stop.set()
        runner.join(30)
        store.close()
        display.close()
    assert not runner.is_alive()


# -- a wrong config ----------------------------------------------------------------------------

def test_wrong_config_refuses_to_start_with_one_line_error_exit_2(tmp_path, listener):
    bad = tmp_path / "mimicmirror.toml"
    bad.write_text("[buttons]\nnext_pin = 40\n")
    env = dict(os.environ, NOTIFY_SOCKET=listener.path)
    result = subprocess.run([sys.executable, "-m", "mimicmirror", "run", "--config", str(bad)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and "next_pin" in lines[0] and "40" in lines[0]
    assert "Traceback" not in result.stderr
    listener.settle()
    assert listener.texts() == []               # systemd never hears READY from a bad config


CAMERA_AT_THE_MIRROR = '''
"""`mimicmirror run` with the Camera Module's library standing in: a real face, in real time."""
import sys
from mimicmirror import cli
from mimicmirror.camera.fake_picamera2 import FakeCameraWorld, still
from mimicmirror.clock import SystemClock
from mimicmirror.sim.faces import load_face

sys.modules["picamera2"] = FakeCameraWorld(still(load_face("grace_hopper")), clock=SystemClock()).module()
sys.exit(cli.main(["run", *sys.argv[1:]]))
'''


def test_a_mistake_in_the_installed_settings_starts_the_last_good_ones_and_logs_every_problem(tmp_path, listener):
    etc, state = tmp_path / "etc", tmp_path / "state"
    etc.mkdir()
    good = textwrap.dedent(f"""\
        [camera]
        source = "picamera"
        [display]
        driver = "dummy"
        width = 540
        height = 960
        [store]
        path = "{state / 'mimicmirror.db'}"
        """)
    (etc / "mimicmirror.toml").write_text(good)
    env = dict(os.environ, NOTIFY_SOCKET=listener.path, MIMICMIRROR_CONFIG=str(etc / "mimicmirror.toml"),
               STATE_DIRECTORY=str(state), GPIOZERO_PIN_FACTORY="mock")
    script = tmp_path / "camera.py"
    script.write_text(CAMERA_AT_THE_MIRROR)

    def start_and_stop() -> tuple[str, str]:
        with ready_process([sys.executable, str(script)], env, listener, since=time.monotonic()) as proc:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "Traceback" not in err, err
        return out, err

    start_and_stop()                                          # the settings pass: kept as the last good pair
    assert (state / "last-good" / "mimicmirror.toml").read_text() == good
    (etc / "mimicmirror.toml").write_text(good + "[user]\ndaily_sessions = 9\n[buttons]\nnext_pin = 40\n")
    out, _ = start_and_stop()                                 # a bad edit: the mirror still starts
    lines = out.splitlines()
    assert f"ERROR: {etc / 'mimicmirror.toml'}: [user] daily_sessions = 9: must be a whole number from 1 to 6" in lines
    assert f"ERROR: {etc / 'mimicmirror.toml'}: [buttons] next_pin = 40: must be a whole number from 2 to 27" in lines
    assert any(line.startswith("WARNING: running with the last settings that passed") for line in lines)
    assert f"INFO: starting with {state / 'last-good' / 'mimicmirror.toml'}" in lines
    assert (state / "last-good" / "mimicmirror.toml").read_text() == good
    assert "STATUS=Notice: settings not used" in listener.texts()          # the glass says so too


# -- logs and status lines -----------------------------------------------------------------------

def test_logs_carry_journald_priorities_under_systemd_and_plain_levels_otherwise():
    record = logging.LogRecord("mimicmirror", logging.WARNING, __file__, 1, "camera lost (%s)", ("timeout",), None)
    assert JournalFormatter(journal=True).format(record) == "<4>camera lost (timeout)"
    assert JournalFormatter(journal=False).format(record) == "WARNING: camera lost (timeout)"
    multi = logging.LogRecord("mimicmirror", logging.ERROR, __file__, 1, "one\ntwo", (), None)
    assert JournalFormatter(journal=True).format(multi) == "<3>one\n<3>two"


@pytest.mark.parametrize("screen, session, status", [
    (Screen(ScreenKind.PRACTICE, title="Smile gently", exercise_id="smile", rep=3, reps_target=5), 2,
     "Session 2: smile, rep 3/5"),
    (Screen(ScreenKind.GUIDED, title="Cheek massage"), 1, "Session 1: Cheek massage"),
    (Screen(ScreenKind.NEUTRAL, title="Relax"), 3, "Session 3: relaxed face capture"),
    (Screen(ScreenKind.SESSION_SUMMARY), 2, "Session 2 finished: summary"),
    (Screen(ScreenKind.IDLE), 0, "Waiting at the mirror"),
    (Screen(ScreenKind.NOTICE, title="Take a break"), 1, "Notice: Take a break"),
])
def test_status_line_says_what_the_mirror_is_doing(screen, session, status):
    assert describe(screen, session) == status


# -- stopping --------------------------------------------------------------------------------------

FINGER = '''
"""`mimicmirror run` with a person at the fake camera and a finger on the NEXT button."""
import sys, threading, time
from gpiozero import Device
from mimicmirror import cli
from mimicmirror.clock import SystemClock
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.hardware import VirtualHardware
from mimicmirror.camera.fake_picamera2 import FakeCameraWorld, still

# the Camera Module's library, standing in: frames of a real face, in real time
sys.modules["picamera2"] = FakeCameraWorld(still(load_face("grace_hopper")), clock=SystemClock()).module()

def finger():
    while Device.pin_factory is None:
        time.sleep(0.05)
    pin = Device.pin_factory.pin(17)
    while True:
        time.sleep(2.0)
        pin.drive_low()
        time.sleep(0.2)
        pin.drive_high()

threading.Thread(target=finger, daemon=True).start()
sys.exit(cli.main(["run", "--config", sys.argv[1]]))
'''


def sessions(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return conn.execute("SELECT id, end_reason FROM sessions ORDER BY id").fetchall()
        except sqlite3.OperationalError:      # not created yet
            return []


def test_sigterm_mid_session_exits_0_with_the_session_ended_and_written(tmp_path, listener):
    db = tmp_path / "state" / "mimicmirror.db"
    cfg = tmp_path / "mimicmirror.toml"
    cfg.write_text(textwrap.dedent(f"""\
        [camera]
        source = "picamera"
        [buttons]
        backend = "gpio"
        [display]
        driver = "dummy"
        width = 540
        height = 960
        [idle]
        prompt_after_seconds = 1
        [store]
        path = "{db}"
        """))
    script = tmp_path / "finger.py"
    script.write_text(FINGER)
    env = dict(os.environ, NOTIFY_SOCKET=listener.path, WATCHDOG_USEC="2000000", GPIOZERO_PIN_FACTORY="mock")
    with ready_process([sys.executable, str(script), str(cfg)], env, listener) as proc:
        deadline = time.monotonic() + 120
        while not sessions(db) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert sessions(db) and sessions(db)[-1][1] is None, "no session in progress"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert sessions(db)[-1][1] == "stopped"
    listener.settle()
    assert "STOPPING=1" in listener.texts()
    assert "session 1 stopped" in out
    assert "Traceback" not in err


# -- faults ------------------------------------------------------------------------------------------

def lit_pixels(path: Path) -> int:
    """How many pixels of a screenshot are not black (text and cues drawn on the mirror)."""
    rgb = pygame.surfarray.array3d(pygame.image.load(str(path)))
    return int((rgb.max(axis=2) > 60).sum())


def test_camera_fault_shows_a_calm_notice_and_the_camera_is_retried(tmp_path, analyzer, rig_parts):
    # the camera vanishes at 5 s for 6 s: reads time out, reopening fails until it is back
    rig = make_rig(tmp_path, analyzer, watchdog_s=1.0,
                   faults=[Fault("disconnect", 5.0, 6.0)])
    rig_parts.append(rig)
    down_at: list[float] = []
    rig.at(9.0, lambda: down_at.append(rig.clock.monotonic()) or rig.display.screenshot(tmp_path / "lost.png"))
    assert rig.run(20.0) == 0

    during = [screen for t, screen in rig.screens if 8.0 <= t <= 10.5]
    assert during and all(screen.kind == ScreenKind.NOTICE for screen in during)
    assert lit_pixels(tmp_path / "lost.png") > 500          # the calm message is really drawn
    texts = rig.notify.texts()
    assert "STATUS=Camera lost, retrying" in texts
    lost = texts.index("STATUS=Camera lost, retrying")
    assert any(m.startswith("STATUS=") for m in texts[lost + 1:])      # and the status moved on
    assert "WATCHDOG=1" in texts[lost + 1:]                            # a handled fault is healthy

    keeper = rig.service.camera
    assert keeper.down_reason is None                        # back by the end
    assert rig.world.constructed == 2                        # opened at start, reopened once after the outage
    assert 2 <= keeper.failures <= 5                         # retried with growing pauses, not every frame
    after = [screen for t, screen in rig.screens if t >= 16.0]
    assert after and after[-1].kind != ScreenKind.NOTICE


def test_damaged_database_is_set_aside_logged_and_shown_until_next(tmp_path, analyzer, rig_parts,
                                                                  caplog):
    db = tmp_path / "mimicmirror.db"
    db.write_bytes(b"this is not a database" * 100)
    caplog.set_level(logging.INFO, logger="mimicmirror")
    rig = make_rig(tmp_path, analyzer, db=db)
    rig_parts.append(rig)
    rig.screenshot(1.0, tmp_path / "notice.png")
    rig.press(1.5)
    rig.screenshot(2.5, tmp_path / "after.png")
    assert rig.run(2.6) == 0

    assert list(tmp_path.glob("mimicmirror.db.corrupt-*"))
    assert any("set aside" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert "STATUS=Notice: practice history set aside" in rig.notify.texts()
    assert lit_pixels(tmp_path / "notice.png") > 500
    assert lit_pixels(tmp_path / "after.png") < lit_pixels(tmp_path / "notice.png") // 4


# -- time ---------------------------------------------------------------------------------------------

SCRIPT = (4.0, 7.0, 10.0, 13.0)       # NEXT: start, greeting, instruction, (guided step)
SCRIPT_S = 16.0


@contextlib.contextmanager
def scripted(tmp_path: Path, name: str, jump: float | None = None) -> Iterator[Rig]:
    """A scripted start of a session on a rig of its own with a fresh analyzer, run to its end;
    with `jump`, the wall clock jumps by that many seconds mid-way. Closed after."""
    folder = tmp_path / name
    folder.mkdir()
    with Analyzer(static=False) as fresh:
        rig = make_rig(folder, fresh, fps=10)
        try:
            for t in SCRIPT:
                rig.press(t)
            if jump is not None:
                rig.at(8.0, lambda: rig.clock.jump_wall(jump))
            rig.run(SCRIPT_S)
            yield rig
        finally:
            rig.store.close()
            rig.close()


def scripted_run(tmp_path: Path, name: str) -> tuple[list, list]:
    """The scripted start of a session: (screens, stored rows)."""
    with scripted(tmp_path, name) as rig:
        rows = [row for table in ("sessions", "reps", "exercises", "neutral_captures", "cues")
                for row in rig.store._conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    return rig.screens, rows


def test_a_simulated_session_runs_identically_twice_and_never_sleeps_in_real_time(tmp_path, monkeypatch):
    slept: list[float] = []
    real_sleep = time.sleep
    loop_thread = threading.current_thread()          # the rig runs the loop here; speech renders beside it
    monkeypatch.setattr(time, "sleep",
                        lambda s: (threading.current_thread() is loop_thread and slept.append(s)) or real_sleep(s))
    first = scripted_run(tmp_path, "first")
    assert slept == []                                  # simulated time is not waited for
    second = scripted_run(tmp_path, "second")
    kinds = {screen.kind for _, screen in first[0]}
    assert {ScreenKind.GREETING, ScreenKind.NEUTRAL, ScreenKind.INSTRUCTION} <= kinds
    assert first[1], "the script stored nothing"
    assert first == second


def test_records_carry_the_clocks_wall_time_and_frame_times(tmp_path, analyzer, rig_parts):
    rig = make_rig(tmp_path, analyzer)
    rig_parts.append(rig)
    rig.press(4.0)
    rig.press(7.0)
    rig.run(12.0)
    rows = rig.store._conn.execute("SELECT started_wall, started_t FROM sessions").fetchall()
    assert rows
    for wall, t in rows:
        # the simulated clock and the fake camera share one time, so wall = start of the day + t
        assert wall == pytest.approx(SimClock.DEFAULT_WALL_START + t, abs=0.2)
        assert 4.0 <= t < 12.0


def test_with_the_clock_not_set_practice_is_kept_marked_and_the_mirror_says_so_once(tmp_path, analyzer,
                                                                                     rig_parts, caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    rig = make_rig(tmp_path, analyzer, clock=SimClock(wall_start=0.0))   # 1970
    rig_parts.append(rig)
    rig.screenshot(1.0, tmp_path / "notice.png")
    rig.press(1.5)                                            # NEXT takes the notice away
    rig.screenshot(2.5, tmp_path / "after.png")
    rig.press(4.0)
    rig.press(7.0)
    rig.at(9.0, lambda: rig.clock.jump_wall(SimClock.DEFAULT_WALL_START))   # network time arrives
    assert rig.run(12.0) == 0

    assert "STATUS=Notice: the date is not known" in rig.notify.texts()
    assert lit_pixels(tmp_path / "notice.png") > 500
    assert lit_pixels(tmp_path / "after.png") < lit_pixels(tmp_path / "notice.png") // 4
    messages = [(r.levelno, r.getMessage()) for r in caplog.records if "clock" in r.getMessage()]
    assert [level for level, _ in messages] == [logging.WARNING, logging.INFO]
    assert "not set" in messages[0][1] and "set now" in messages[1][1]
    (started, ended, date_known, reason), = rig.store._conn.execute(
        "SELECT started_wall, ended_wall, date_known, end_reason FROM sessions").fetchall()
    assert (date_known, reason) == (0, "stopped")            # kept, marked: its date is not known
    assert started < 100 and ended > SimClock.DEFAULT_WALL_START   # later records carry the right time


def test_notices_at_the_start_are_shown_in_turn_each_until_next(tmp_path, analyzer, rig_parts):
    """A bad settings file and an unset clock at one start: both are said, one after the other."""
    rig = make_rig(tmp_path, analyzer, clock=SimClock(wall_start=0.0))
    rig_parts.append(rig)
    problem = "/etc/mimicmirror/mimicmirror.toml: [user] daily_sessions = 9: must be a whole number from 1 to 6"
    rig.service.notices.add("Settings not used", (problem, "The mirror uses the last settings that worked."))
    shown = []
    rig.at(1.0, lambda: shown.append(rig.service.shown.title))
    rig.screenshot(1.0, tmp_path / "settings.png")
    rig.press(1.5)
    rig.at(2.5, lambda: shown.append(rig.service.shown.title))
    rig.press(3.0)
    rig.at(4.0, lambda: shown.append(rig.service.shown.kind))
    assert rig.run(4.5) == 0
    assert shown == ["Settings not used", "The date is not known", ScreenKind.ATTRACT]   # then the mirror's own
    assert "STATUS=Notice: settings not used" in rig.notify.texts()
    assert lit_pixels(tmp_path / "settings.png") > 500


def _jump_run(tmp_path: Path, name: str, jump: float) -> list:
    """The scripted start of a session, the wall clock jumping by `jump` s mid-way; rows without wall times."""
    with scripted(tmp_path, name, jump) as rig:
        conn = rig.store._conn
        return (conn.execute("SELECT started_t, end_reason FROM sessions").fetchall()
                + conn.execute("SELECT t FROM neutral_captures").fetchall()
                + conn.execute("SELECT exercise_id, t, reps, skipped FROM exercises").fetchall()
                + conn.execute("SELECT exercise_id, t, hold_s, peak_left, peak_right FROM reps").fetchall())


def test_a_wall_clock_jump_during_a_session_changes_no_duration(tmp_path):
    steady = _jump_run(tmp_path, "steady", 0.0)
    jumped = _jump_run(tmp_path, "jumped", 3 * 86400.0)
    assert len(steady) >= 3
    assert jumped == steady


def test_button_presses_are_put_on_the_frames_time_base(tmp_path, analyzer):
    """A clip timed from 0 s while the clock reads 1000 s: presses land at the clip's times.

    The clip ends at 12 s and the service stops by itself, ending the session it had started.
    """
    config = config_module.load(ROOT / "config" / "mimicmirror.toml", {"display": SMALL_SCREEN})
    face = still(load_face("grace_hopper"))
    clip = ReplaySource.from_callable(face, 15, duration=12.0)
    store = Store.open(tmp_path / "mimicmirror.db")
    rig = VirtualHardware(config, face, start=1000.0, camera=LatestFrame(clip, lockstep=True), store=store,
                          analyzer=analyzer)
    records = []
    rig.service.on_step = lambda step, t: records.extend(step.records)
    rig.press(1004.0)
    try:
        assert rig.run() == 0                              # the clip's end stops the loop
        rows = store._conn.execute("SELECT started_t, end_reason FROM sessions").fetchall()
    finally:
        store.close()
        rig.close()
    started = [r for r in records if isinstance(r, SessionStarted)]
    assert len(started) == 1
    assert started[0].t == pytest.approx(4.2, abs=0.15)      # on the clip's clock, not 1004.2
    assert rows == [(pytest.approx(started[0].t), "stopped")]


def test_records_wait_while_the_database_cannot_be_written_and_none_are_lost(tmp_path, analyzer, rig_parts,
                                                                            caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    rig = make_rig(tmp_path, analyzer)
    rig_parts.append(rig)
    records = []
    rig.service.on_step = lambda step, t: records.extend(step.records)
    blocker = sqlite3.connect(tmp_path / "mimicmirror.db", isolation_level=None, check_same_thread=False)
    rig.at(3.9, lambda: blocker.execute("BEGIN EXCLUSIVE"))   # another writer holds the database
    rig.press(4.0)                                            # the session starts while it is held
    rig.at(5.0, lambda: blocker.execute("ROLLBACK"))
    rig.press(7.0)
    rig.run(14.0)
    blocker.close()

    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("cannot write the practice records") for m in messages)
    assert "practice records written again" in messages
    conn = rig.store._conn
    started = [r for r in records if isinstance(r, SessionStarted)]
    assert conn.execute("SELECT started_t, end_reason FROM sessions").fetchall() == \
        [(pytest.approx(started[0].t), "stopped")]
    assert conn.execute("SELECT count(*) FROM neutral_captures").fetchone()[0] == \
        sum(type(r).__name__ == "NeutralCaptured" for r in records) == 1


def test_a_batch_the_database_refuses_is_dropped_and_later_records_still_flow(tmp_path, analyzer, rig_parts,
                                                                             caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    rig = make_rig(tmp_path, analyzer)
    rig_parts.append(rig)
    real_write = rig.store.write
    refused = []

    def write(records, wall, date_known=True):
        if any(type(r).__name__ == "NeutralCaptured" for r in records) and not refused:
            refused.append(records)
            raise RecordsRefused("CHECK constraint failed")
        real_write(records, wall, date_known)

    rig.service.store.write = write
    rig.press(4.0)
    rig.press(7.0)
    rig.run(14.0)

    assert refused
    assert any(m.getMessage().startswith("practice records refused and dropped") for m in caplog.records)
    conn = rig.store._conn
    assert conn.execute("SELECT end_reason FROM sessions").fetchall() == [("stopped",)]
    assert conn.execute("SELECT count(*) FROM neutral_captures").fetchone()[0] == 0


def test_a_camera_driver_error_of_its_own_kind_is_handled_like_a_lost_camera(tmp_path, analyzer, rig_parts):
    rig = make_rig(tmp_path, analyzer)
    rig_parts.append(rig)
    real_get = rig.service.camera.stage.get
    calls = {"n": 0}

    def get(timeout):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("Camera frontend has timed out!")
        return real_get(timeout)

    rig.service.camera.stage.get = get
    rig.run(8.0)
    kinds = [s.kind for _, s in rig.screens]
    assert ScreenKind.NOTICE in kinds
    assert rig.service.camera.down_reason is None     # reopened and running again


def test_a_frame_the_model_cannot_handle_is_skipped_not_fatal(tmp_path, analyzer, rig_parts, caplog):
    caplog.set_level(logging.INFO, logger="mimicmirror")
    rig = make_rig(tmp_path, analyzer)
    rig_parts.append(rig)
    real = rig.service.analyzer.analyze
    calls = {"n": 0}

    def analyze(rgb, t):
        calls["n"] += 1
        if calls["n"] == 5:
            raise ValueError("iris centres coincide")
        return real(rgb, t)

    rig.service.analyzer.analyze = analyze
    rig.run(3.0)
    assert calls["n"] > 10
    assert any("skipped: ValueError: iris centres coincide" in r.getMessage() for r in caplog.records)
