"""The mirror's main loop: one implementation of each edge, wired from the config.

Every pass of the loop takes the newest camera frame (never waiting long for
one), analyses it, hands the frame and any button presses to the engine,
lets time pass (a tick), stores what the engine asks to record, and draws
the screen. The same code runs on the Pi, on a laptop, in the demo and under
the virtual rig; only the parts handed to `build_service` differ.

Faults a person must never notice as a crash are handled here:
- the camera stops (cable, time-out, busy): the engine is told, the mirror
  shows a calm message, and the camera is reopened with growing pauses;
- the database cannot be written (disk full): records wait in memory and
  are written as soon as it works again;
- SIGTERM or SIGINT (shutdown, `systemctl stop`): the session in progress
  is ended and written ("stopped"), then everything is closed.

systemd learns how the mirror is over the notify socket: READY=1 once the
loop runs, WATCHDOG=1 from the loop itself while it is healthy (so a stuck
loop is restarted), and a STATUS= line when what the mirror does changes.

Time: the engine's time base is the frames' own timestamps. Button presses
(and ticks) are timed by the service's clock, so they are moved onto the
frames' time base with the offset seen at the latest frame.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence, TextIO

from .camera.base import CameraError, EndOfFrames, Frame
from .camera.latest import LatestFrame
from .clock import Clock, Stamp, SystemClock, WallTrust
from .config import Config
from .face.types import SidePair
from .events import ButtonEvent, CameraEvent, Event, FrameEvent, TickEvent
from .history import History
from .notify import Notifier
from .records import NeutralCaptured, Record, SessionEnded, SessionStarted
from .screen import Screen, ScreenKind

log = logging.getLogger("mimicmirror")

#: Pauses between attempts to reopen a lost camera: quick at first, then every 30 s.
CAMERA_RETRY_FIRST_S = 1.0
CAMERA_RETRY_MAX_S = 30.0
#: A failed database write is tried again after this long.
STORE_RETRY_S = 5.0
#: How long the store's notice (a damaged database set aside) stays on the mirror, and what it says.
STORE_NOTICE_S = 20.0
STORE_NOTICE_LINES = ("Earlier practice records could not be read.",
                      "They are kept aside; practice goes on as usual.")
#: Shown as the service starts with a clock that is not set (see clock.WallTrust).
CLOCK_NOTICE_TITLE = "The date is not known"
CLOCK_NOTICE_LINES = ("Practice goes on as usual and is kept; its date is marked unknown.",)

StepCallback = Callable[[Any, float], None]


# -- logging ---------------------------------------------------------------------------

class JournalFormatter(logging.Formatter):
    """One line per message with its level in front; journald reads `<N>` as the priority.

    Under systemd (JOURNAL_STREAM set) each line starts with the syslog priority
    `<3>`..`<7>`, so `journalctl -p warning` works; in a terminal it reads
    "WARNING: ...". No timestamps: the journal adds its own.
    """

    PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
                  logging.CRITICAL: 2}

    def __init__(self, journal: bool) -> None:
        super().__init__("%(message)s")
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if self.journal:
            prefix = f"<{self.PRIORITIES.get(record.levelno, 6)}>"
        else:
            prefix = f"{record.levelname}: "
        return "\n".join(prefix + line for line in text.splitlines() or [""])


def configure_logging(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Log to stdout for journald (or a terminal), replacing any earlier setup."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JournalFormatter(journal=bool(os.environ.get("JOURNAL_STREAM"))))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


# -- what systemctl status says ---------------------------------------------------------

def describe(screen: Screen, session: int | None) -> str:
    """The one STATUS= line for a screen: what the mirror is doing, in a few words."""
    kind = screen.kind
    if kind == ScreenKind.IDLE:
        return "Waiting at the mirror"
    if kind == ScreenKind.ATTRACT:
        return "Someone at the mirror: waiting for NEXT"
    if kind == ScreenKind.NOTICE:
        return f"Notice: {screen.title}" if screen.title else "Notice on the mirror"
    prefix = f"Session {session}" if session else "Session"
    if kind == ScreenKind.SESSION_SUMMARY:
        return f"{prefix} finished: summary"
    if kind == ScreenKind.PAUSED:
        return f"{prefix}: paused"
    if kind == ScreenKind.NEUTRAL:
        return f"{prefix}: relaxed face capture"
    what = screen.exercise_id or screen.title or kind.value.replace("_", " ")
    if kind in (ScreenKind.PRACTICE, ScreenKind.INSTRUCTION, ScreenKind.EXERCISE_SUMMARY) and screen.reps_target:
        return f"{prefix}: {what}, rep {screen.rep}/{screen.reps_target}"
    return f"{prefix}: {what}"


# -- the camera, kept alive ---------------------------------------------------------------

@dataclass
class CameraKeeper:
    """The newest-frame camera, with fault detection and reopening after a back-off.

    `poll(now)` returns the newest frame or None, plus the CameraEvents the
    engine must see (lost / back). A short wait for a frame is normal; no
    frame for `timeout_s`, or any other camera error, is a fault.
    """

    latest: LatestFrame
    timeout_s: float
    frame_wait_s: float
    running: bool = False
    down_reason: str | None = None       # set while a lost camera is being retried
    ended: bool = False                  # a replay ran out of frames
    last_frame_at: float = 0.0
    retry_at: float = float("-inf")
    backoff: float = CAMERA_RETRY_FIRST_S
    failures: int = 0

    def poll(self, now: float, clock: Clock) -> tuple[Frame | None, list[tuple[bool, str]]]:
        changes: list[tuple[bool, str]] = []
        if not self.running:
            if now < self.retry_at:
                return None, changes
            try:
                self.latest.start()
            except CameraError as e:
                self._failed(now, e, changes)
                return None, changes
            except Exception as e:  # a driver's own error: handled like a lost camera
                self._failed(now, CameraError("disconnected", f"{type(e).__name__}: {e}"), changes)
                return None, changes
            self.running, self.last_frame_at, self.backoff = True, now, CAMERA_RETRY_FIRST_S
            if self.down_reason is not None:
                log.info("camera is back")
                changes.append((True, ""))
                self.down_reason = None
        wait = self.timeout_s if self.latest.lockstep else self.frame_wait_s
        try:
            frame = self.latest.get(wait)
        except EndOfFrames:
            log.info("the replayed frames have ended")
            self.ended = True
            return None, changes
        except Exception as e:
            if not isinstance(e, CameraError):   # a driver's own error: handled like a lost camera
                e = CameraError("disconnected", f"{type(e).__name__}: {e}")
            # a short wait with no new frame is normal; the fault is no frame for timeout_s
            if e.reason == "timeout" and clock.monotonic() - self.last_frame_at < self.timeout_s:
                return None, changes
            self.latest.stop()
            self.running = False
            self._failed(clock.monotonic(), e, changes)
            return None, changes
        self.last_frame_at = clock.monotonic()
        return frame, changes

    def _failed(self, now: float, error: CameraError, changes: list[tuple[bool, str]]) -> None:
        self.failures += 1
        if self.down_reason is None:
            log.warning("camera lost (%s): %s; retrying", error.reason, error.message)
            self.down_reason = error.reason
            changes.append((False, error.reason))
        else:
            log.debug("camera still unavailable (%s): %s", error.reason, error.message)
        self.retry_at = now + self.backoff
        self.backoff = min(self.backoff * 2, CAMERA_RETRY_MAX_S)

    def healthy(self, now: float) -> bool:
        """Frames are arriving, or their absence is known and being handled."""
        return self.down_reason is not None or (self.running and now - self.last_frame_at < self.timeout_s)

    def stop(self) -> None:
        if self.running:
            self.latest.stop()
            self.running = False


# -- the service -----------------------------------------------------------------------------

@dataclass
class Service:
    """The loop and the parts it drives. Build it with `build_service`."""

    config: Config
    engine: Any
    camera: CameraKeeper
    buttons: Any
    display: Any
    store: Any
    analyzer: Any
    notifier: Notifier
    clock: Clock
    on_step: StepCallback | None = None
    #: parts build_service opened itself (closed at the end of run); injected ones stay open
    owned: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._affected = self.config["user"]["affected_side"]
        self._history = History()
        self._session = 0                         # today's number of the latest session
        self._in_session = False                  # between SessionStarted and SessionEnded
        self._engine_t = float("-inf")            # the engine's time: never goes back
        self._offset = 0.0                        # frame time - clock time, at the latest frame
        self._pending: list[tuple[tuple[Record, ...], Stamp]] = []
        self._walltime: WallTrust | None = None     # made at the start, from the store's last record
        self._store_retry_at = float("-inf")
        self._store_failing = False
        self._last_ping = float("-inf")
        self._ready = False
        self._notice: Screen | None = None
        self._notice_until = 0.0
        self._pump_display = getattr(self.buttons, "display", None) is not self.display  # keys pump it otherwise
        self._quit_allowed = self.config["display"]["driver"] == "window"
        self._show_camera = bool(self.config["display"]["show_camera"])

    # -- running ---------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None,
            until: Callable[[Screen], bool] | None = None) -> int:
        """Run until `stop` is set, SIGTERM/SIGINT arrive, or `until(screen)` says so; 0 when stopped cleanly."""
        stop = stop or threading.Event()
        clean = False
        with _stop_on_signals(stop):
            try:
                self._begin()
                while not stop.is_set():
                    self._iterate()
                    if until is not None and until(self.engine.screen):
                        break
                    if self.camera.ended or (self._quit_allowed and self.display.quit_requested):
                        break
                clean = True
            finally:
                self._finish(clean)
        return 0

    def _begin(self) -> None:
        self.notifier.status("Starting")
        self._walltime = WallTrust(self.clock, getattr(self.store, "last_wall", None))
        if not self._walltime.date_known:
            self._notice = Screen(kind=ScreenKind.NOTICE, title=CLOCK_NOTICE_TITLE, lines=CLOCK_NOTICE_LINES,
                                  footer="NEXT: continue")
            self._notice_until = self.clock.monotonic() + STORE_NOTICE_S
        if self.store.notice:
            log.warning("%s", self.store.notice)
            # the glass gets a short, calm version; the file name is for the caregiver's log
            self._notice = Screen(kind=ScreenKind.NOTICE, title="Practice history set aside",
                                  lines=STORE_NOTICE_LINES, footer="NEXT: continue")
            self._notice_until = self.clock.monotonic() + STORE_NOTICE_S
        self._refresh_history()

    def _iterate(self) -> None:
        frame, changes = self.camera.poll(self.clock.monotonic(), self.clock)
        after = self.clock.monotonic()
        if frame is not None:
            self._offset = frame.t - after
        # the camera's news first (lost, or back before its first new frame), then what happened in order
        events: list[Event] = [CameraEvent(self._at(after), ok, reason) for ok, reason in changes]
        timed: list[Event] = []
        analysis = self._analyse(frame) if frame is not None else None
        if analysis is not None:
            timed.append(FrameEvent(frame.t, analysis))
        presses = self.buttons.events()
        if self._pump_display:
            self.display.pump()
        timed += self._notice_presses([ButtonEvent(self._at(p.t), p.button, p.long) for p in presses])
        events += sorted(timed, key=lambda e: e.t)
        events.append(TickEvent(self._at(self.clock.monotonic())))

        steps = [(self._handle(event), self._engine_t) for event in events]
        self._flush_records()
        self.display.show(self._screen(), frame.rgb if frame is not None and self._show_camera else None)
        if self.on_step is not None:
            for step, t in steps:
                self.on_step(step, t)
        self._report(self.clock.monotonic())

    def _analyse(self, frame: Frame) -> Any:
        """One frame's analysis; a frame the model cannot handle is skipped, not fatal."""
        try:
            return self.analyzer.analyze(frame.rgb, frame.t)
        except Exception as e:
            log.warning("frame at %.3f s skipped: %s: %s", frame.t, type(e).__name__, e)
            return None

    def _at(self, clock_t: float) -> float:
        """A clock time on the frames' time base."""
        return clock_t + self._offset

    def _handle(self, event: Event) -> Any:
        """Give the engine one event (its time never going back) and keep its records."""
        self._engine_t = max(self._engine_t, event.t)
        if event.t != self._engine_t:
            event = replace(event, t=self._engine_t)
        step = self.engine.handle(event)
        if step.records:
            self._track_session(step.records)
            self._pending.append((tuple(step.records), self._stamp()))
        return step

    def _track_session(self, records: Sequence[Record]) -> None:
        for record in records:
            if isinstance(record, NeutralCaptured):
                self._follow_from_relaxed_frame(record)
            if isinstance(record, (SessionStarted, SessionEnded)):
                forget = getattr(self.analyzer, "clear_reference", None)
                if forget is not None:
                    forget()
            if isinstance(record, SessionStarted):
                self._session = self._history.sessions_today + 1
                self._in_session = True
                log.info("session %d started (programme %s)", self._session, record.programme)
            elif isinstance(record, SessionEnded):
                self._in_session = False
                log.info("session %d ended (%s)", self._session, record.reason)

    def _stamp(self) -> Stamp:
        if self._walltime is None:
            self._walltime = WallTrust(self.clock, getattr(self.store, "last_wall", None))
        return self._walltime.stamp()

    def _follow_from_relaxed_frame(self, record: NeutralCaptured) -> None:
        """The frame that completed the neutral capture becomes the analyzer's relaxed frame
        (kept in memory only): from now on, movement is read from the image against it,
        counted from the neutral the engine captured."""
        take = getattr(self.analyzer, "set_reference", None)
        if take is None:
            return
        neutral = {name: SidePair(*values) for name, values in record.measures.items()}
        if not take(neutral=neutral):
            log.info("relaxed frame not taken: measuring the mesh's landmarks this session")

    def _notice_presses(self, presses: list[ButtonEvent]) -> list[ButtonEvent]:
        """While the store's notice is up, a press only takes it away."""
        if self._notice is None:
            return presses
        if presses or self.clock.monotonic() >= self._notice_until:
            self._notice = None
            return []
        return presses

    def _screen(self) -> Screen:
        return self._notice if self._notice is not None else self.engine.screen

    # -- the store -------------------------------------------------------------------------

    def _flush_records(self) -> None:
        """Write waiting records in order; on failure keep them and try again later."""
        if not self._pending or self.clock.monotonic() < self._store_retry_at:
            return
        ended = False
        while self._pending:
            records, stamp = self._pending[0]
            try:
                self.store.write(records, stamp.wall, stamp.date_known)
            except (sqlite3.IntegrityError, ValueError) as e:
                # A batch the database refuses as such will never succeed: keep the rest flowing.
                log.error("practice records refused and dropped (%s): %s", e, records)
                self._pending.pop(0)
                continue
            except sqlite3.Error as e:
                if not self._store_failing:
                    log.error("cannot write the practice records (%s); keeping them and retrying", e)
                    self._store_failing = True
                self._store_retry_at = self.clock.monotonic() + STORE_RETRY_S
                return
            self._pending.pop(0)
            ended = ended or any(isinstance(r, SessionEnded) for r in records)
        if self._store_failing:
            log.info("practice records written again")
            self._store_failing = False
        if ended:
            self._refresh_history()

    def _refresh_history(self) -> None:
        stamp = self._stamp()
        try:
            self._history = self.store.history(datetime.fromtimestamp(stamp.wall), self._affected, stamp.date_known)
        except sqlite3.Error as e:   # the mirror works on without the comparison; tried again later
            log.error("cannot read the practice history (%s); summaries will lack it for now", e)
            return
        self.engine.set_history(self._history)

    # -- systemd ---------------------------------------------------------------------------

    def _report(self, now: float) -> None:
        if not self._ready:
            self.notifier.ready()
            self._ready = True
            log.info("running")
        if self.camera.down_reason is not None:
            self.notifier.status("Camera lost, retrying")
        elif self._notice is not None:
            self.notifier.status(f"Notice: {self._notice.title.lower()}")
        else:
            self.notifier.status(describe(self.engine.screen, self._session))
        interval = self.notifier.watchdog_interval
        if interval is not None and now - self._last_ping >= interval and self.camera.healthy(now):
            self.notifier.watchdog()
            self._last_ping = now

    # -- stopping --------------------------------------------------------------------------

    def _finish(self, clean: bool) -> None:
        """End the session in progress and write it, then let go of every part."""
        if clean:
            self.notifier.stopping()
            self.notifier.status("Stopping")
        try:
            if self._in_session:
                t = max(self._engine_t, self._at(self.clock.monotonic()))
                self._pending.append(((SessionEnded(t, "stopped"),), self._stamp()))
                self._in_session = False
                log.info("session %d stopped", self._session)
            self._store_retry_at = float("-inf")
            self._flush_records()
            if self._pending:
                log.error("%d record batches could not be written before stopping", len(self._pending))
        finally:
            self.camera.stop()
            for part in reversed(self.owned):
                with contextlib.suppress(Exception):
                    part.close()
            log.info("stopped")


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` (only the main thread may take signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = lambda signum, frame: stop.set()  # noqa: E731
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# -- wiring -----------------------------------------------------------------------------------

def build_service(config: Config, *, clock: Clock | None = None, camera: Any = None, buttons: Any = None,
                  display: Any = None, store: Any = None, notifier: Notifier | None = None,
                  analyzer: Any = None) -> Service:
    """One implementation of each edge, from the config unless handed in.

    `camera` may be a FrameSource or an already wrapped LatestFrame (the rig
    passes one with lockstep=True). Parts built here are closed when the
    service stops; parts handed in are left to their owner.
    """
    clock = clock or SystemClock()
    owned: list[Any] = []
    with contextlib.ExitStack() as undo:
        def own(part: Any) -> Any:
            owned.append(part)
            undo.callback(part.close)
            return part

        if store is None:
            from .store.db import Store
            store = own(Store.open(config.state_path(config["store"]["path"])))
        if display is None:
            from .display.renderer import open_display
            display = own(open_display(config["display"], clock=clock))
        if buttons is None:
            from .controls.buttons import open_buttons
            buttons = own(open_buttons(config["buttons"], clock, display=display))
        latest = _latest_frame(config, camera)
        if analyzer is None:
            from .face.analyzer import Analyzer
            analyzer = own(Analyzer(static=False))
        if notifier is None:
            notifier = own(Notifier.from_env())
        from .exercises.catalogue import load_programme
        from .exercises.engine import Engine
        programme = load_programme(config.programme_path, config["user"]["programme"])
        engine = Engine(programme, config)
        undo.pop_all()
    cam = config["camera"]
    keeper = CameraKeeper(latest, timeout_s=cam["timeout_seconds"], frame_wait_s=1.0 / cam["fps"])
    return Service(config=config, engine=engine, camera=keeper, buttons=buttons, display=display,
                   store=store, analyzer=analyzer, notifier=notifier, clock=clock, owned=owned)


def _latest_frame(config: Config, camera: Any) -> LatestFrame:
    if isinstance(camera, LatestFrame):
        return camera
    if camera is None:
        from .camera import open_camera
        camera = open_camera(config["camera"])
    return LatestFrame(camera, read_timeout=config["camera"]["timeout_seconds"])
