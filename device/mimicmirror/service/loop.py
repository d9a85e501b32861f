"""The mirror's main loop: frames, presses and time in; screens, records and systemd news out.

Every pass takes the newest analysed camera frame (never waiting long for
one: the capture and the face analysis run in threads of their own, see
`analysis_stage`), takes the window's key changes from the display and hands
them to the buttons, gives the frame and the presses to the engine, lets time
pass (a tick), queues what the engine asks to record and draws the screen.
The loop's pace comes from that wait for the next analysed frame, so a frame
is taken (and drawn, when drawing is due) as soon as it is analysed; drawing
stays within `[display] fps`. The rig's lockstep camera and a camera being
retried do not wait, so then a pass waits out its period (`pacing`). The
engine runs only here, in this one thread. SIGTERM or SIGINT (shutdown,
`systemctl stop`) end the session in progress as "stopped", write it, and
close everything. A face analysis that never returns (a native call stuck)
is seen by a guard thread: the session is ended as "stopped" and written,
the watchdog pings stop, and systemd restarts the mirror (see `hangwatch`).

Time: the engine's time base is the frames' own timestamps. Button presses
(and ticks) are timed by the service's clock, so they are moved onto the
frames' time base with the offset seen at the latest frame.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable, Sequence

from ..clock import Clock, Stamp, WallTrust
from ..config import Config
from ..edges import Analyzer, Buttons, Display, Sound, Store
from ..events import ButtonEvent, CameraEvent, Event, FrameEvent, TickEvent
from ..exercises.engine import Engine, Step
from ..face.types import SidePair
from ..history import History
from ..records import NeutralCaptured, Record, SessionEnded, SessionStarted
from ..screen import Screen
from ..store.errors import StoreUnavailable
from .analysis_stage import AnalysisStage
from .camera_keeper import CameraKeeper
from .cores import CoreSplit
from .caregiver import Caregiving
from .hangwatch import HangGuard
from .notices import Notices
from .pacing import DrawGate, Pacer
from .record_queue import RecordQueue
from .systemd import Notifier, describe, stop_on_signals

log = logging.getLogger("mimicmirror")

#: A face analysis lasting this long is taken as hung: half the watchdog's ping interval
#: (systemd kills at twice the interval), and never less than HANG_MIN_S.
HANG_MIN_S = 5.0

#: Called after each pass with every step the engine took and the engine time it took it at.
StepCallback = Callable[[Step, float], None]


@dataclass
class Service(Caregiving):
    """The loop and the parts it drives. Build it with `build_service`."""

    config: Config
    engine: Engine
    camera: CameraKeeper
    buttons: Buttons
    display: Display
    store: Store
    analyzer: Analyzer
    notifier: Notifier
    clock: Clock
    #: plays what the engine's steps say should be heard (sound.Announcer); None: silent
    sound: Sound | None = None
    on_step: StepCallback | None = None
    #: puts a practice screen's bars beside the face's reflection (None: they stay at the edges)
    placer: Any = None
    #: parts build_service opened itself (closed at the end of run); injected ones stay open
    owned: list[Any] = field(default_factory=list)
    #: where settings chosen on the glass are saved (default: the config's own file)
    settings_path: Any = None
    #: the USB stick unit's notes (stick.mailbox.Mailbox), or None without one
    mailbox: Any = None
    #: real seconds an analysis may last before it counts as hung (None: from the watchdog interval)
    hang_limit_s: float | None = None
    #: the model's core and the others' (cores.py): the loop runs on the others; None: anywhere
    cores: CoreSplit | None = None

    def __post_init__(self) -> None:
        self._affected = self.config["user"]["affected_side"]
        self._history = History()
        self._session = 0                         # today's number of the latest session
        self._in_session = False                  # between SessionStarted and SessionEnded
        self._engine_t = float("-inf")            # the engine's time: never goes back
        self._offset = 0.0                        # frame time - clock time, at the latest frame
        self.records = RecordQueue(self.store, self.clock)
        self._walltime: WallTrust | None = None     # made at the start, from the store's last record
        self.pacer = Pacer(self.config["display"]["fps"], self.clock)
        self.drawing = DrawGate(self.config["display"]["fps"])
        self._last_ping = float("-inf")
        self._ready = False
        self.notices = Notices(self.clock, lambda: self.engine.language.notices)
        self._unplaced: tuple[Any, tuple[int, int]] | None = None   # newest analysis the placer has not seen
        self._next_mail_check = float("-inf")
        self._quit_allowed = self.config["display"]["driver"] == "window"
        self._show_camera = bool(self.config["display"]["show_camera"])
        self._lock = threading.RLock()            # records and session state: the loop and the hang guard
        self._hung = False
        self._stop: threading.Event | None = None

    # -- running ---------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None,
            until: Callable[[Screen], bool] | None = None) -> int:
        """Run until `stop` is set, SIGTERM/SIGINT arrive, or `until(screen)` says so.

        Returns 0 when stopped cleanly, 1 after a hung analysis (so systemd restarts it).
        """
        stop = self._stop = stop or threading.Event()
        clean = False
        # the loop, and every thread it starts (the hang guard, capture, measuring, the face
        # count's), off the model's core; the model's thread keeps itself to that core
        elsewhere = self.cores.rest_for_this_thread() if self.cores is not None else contextlib.nullcontext()
        with stop_on_signals(stop), elsewhere:
            guard = self._guard()
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
                if guard is not None:
                    guard.stop()
                self._finish(clean)
        return 1 if self._hung else 0

    @property
    def hung(self) -> bool:
        """The face analysis hung: the session is ended and kept, the mirror waits to be restarted."""
        return self._hung

    def _guard(self) -> HangGuard | None:
        """A thread watching the analysis, when systemd's watchdog is on (or a limit is given)."""
        interval = self.notifier.watchdog_interval
        limit = self.hang_limit_s
        if limit is None and interval is not None:
            limit = max(interval / 2, HANG_MIN_S)
        stage = self._stage
        if limit is None or stage is None:
            return None
        return HangGuard(stage.busy_for, limit, self._on_hang).start()

    def _on_hang(self, stuck_s: float) -> None:
        """From the guard's thread: end and keep the session, stop pinging, wait to be restarted."""
        with self._lock:
            self._hung = True
            log.error("the face analysis has not returned for %.0f s; the session is ended and kept, "
                      "and the mirror waits to be restarted", stuck_s)
            self.notifier.status("Face analysis stuck: waiting for a restart")
            self._stop_session()
            self.records.flush(now=True)           # the history is refreshed by the next start
            if self._stop is not None:
                self._stop.set()                   # should the call ever return, the loop ends

    def _begin(self) -> None:
        self.notifier.status("Starting")
        self._walltime = WallTrust(self.clock, self.store.last_wall)
        said = self.engine.language.notices
        if not self._walltime.date_known:       # (see clock.WallTrust)
            self.notices.add(said["clock_title"], said["clock_lines"])
        if self.store.notice:
            log.warning("%s", self.store.notice)
            # the glass gets a short, calm version; the file name is for the caregiver's log
            self.notices.add(said["store_title"], said["store_lines"])
        self.notices.next()
        self._refresh_history()
        self._session_running(False)     # a session cut short by a restart is not running any more

    def _iterate(self) -> None:
        frame, changes = self.camera.poll(self.clock.monotonic(), self.clock)
        after = self.clock.monotonic()
        if frame is not None:
            self._offset = frame.t - after
        # the camera's news first (lost, or back before its first new frame), then what happened in order
        events: list[Event] = [CameraEvent(self._at(after), ok, reason) for ok, reason in changes]
        timed: list[Event] = []
        # analysed by the analysis stage (in threads of its own, or in lockstep on the rig; skipped while idle)
        analysis = frame.analysis if frame is not None else None
        if frame is not None and analysis is not None:
            timed.append(FrameEvent(frame.t, analysis))
            if self.placer is not None:
                # the bars are placed from the newest frame when the screen is drawn (see _screen)
                self._unplaced = (analysis, (frame.rgb.shape[1], frame.rgb.shape[0]))
                if self._lining_up is not None:   # lining up follows every frame
                    self._see_newest()
                self._line_up_sees(analysis, frame.t)
        presses = self.buttons.events(self.display.pump())   # the window's keys go to the buttons
        timed += self.notices.presses(self._line_up_presses(
            [ButtonEvent(self._at(p.t), p.button, p.long) for p in presses]))
        events += sorted(timed, key=lambda e: e.t)
        events.append(TickEvent(self._at(self.clock.monotonic())))
        self._check_mailbox()

        steps = [(self._handle(event), self._engine_t) for event in events]
        if self.sound is not None:   # first: a cue heard late is a cue missed with closed eyes
            for step, t in steps:
                if step.heard:
                    self.sound.hear(step.heard, t)
        with self._lock:
            if self.records.flush() and not self._hung:
                self._refresh_history()
        # The next pass follows at once: its wait for an analysed frame (in the camera's
        # poll, at most one camera period) paces the loop and ends the moment a frame is
        # ready, so a frame never waits out a sleep to be drawn. Drawing stays within `fps`
        # a second on average (`DrawGate`: a new frame is drawn at once while the drawing
        # credit allows). In lockstep (the rig) every pass draws and
        # the pacer keeps the pace; so it does while a lost camera is being retried (no wait
        # in the poll).
        lockstep = self.camera.stage.lockstep
        now = self.clock.monotonic()
        if lockstep or self.drawing.due(now, frame is not None):
            self.display.show(self._screen(), frame.rgb if frame is not None and self._show_camera else None)
            self.drawing.drew(now)
        if lockstep or not self.camera.running:
            self.pacer.wait()
        if self.on_step is not None:
            for step, t in steps:
                self.on_step(step, t)
        self._report(self.clock.monotonic())

    def _at(self, clock_t: float) -> float:
        """A clock time on the frames' time base."""
        return clock_t + self._offset

    def _handle(self, event: Event) -> Step:
        """Give the engine one event (its time never going back) and queue its records."""
        self._engine_t = max(self._engine_t, event.t)
        if event.t != self._engine_t:
            event = replace(event, t=self._engine_t)
        step = self.engine.handle(event)
        if step.records:
            with self._lock:
                if not self._hung:                 # after a hang the session is already ended
                    self._track_session(step.records)
                    self.records.add(tuple(step.records), self._stamp())
        for sections in step.settings:
            self._save_settings(sections)
        if step.line_up:
            self._start_line_up()
        return step

    def _track_session(self, records: Sequence[Record]) -> None:
        for record in records:
            if isinstance(record, NeutralCaptured):
                self._follow_from_relaxed_frame(record)
            if isinstance(record, (SessionStarted, SessionEnded)):
                # each session measures from its own relaxed frame
                self._with_analyzer(lambda analyzer: analyzer.clear_reference())
            if isinstance(record, SessionStarted):
                self._session = self._history.sessions_today + 1
                self._in_session = True
                self._session_running(True)
                log.info("session %d started (programme %s)", self._session, record.programme)
            elif isinstance(record, SessionEnded):
                self._in_session = False
                self._session_running(False)
                log.info("session %d ended (%s)", self._session, record.reason)
            if self._stage is not None:
                self._stage.gate.busy = self._in_session          # every frame counts in a session

    def _stop_session(self) -> None:
        """End the session in progress, if any, as "stopped" (on the way out, or after a hang)."""
        if self._in_session:
            t = max(self._engine_t, self._at(self.clock.monotonic()))
            self.records.add((SessionEnded(t, "stopped"),), self._stamp())
            self._in_session = False
            log.info("session %d stopped", self._session)

    def _stamp(self) -> Stamp:
        if self._walltime is None:
            self._walltime = WallTrust(self.clock, self.store.last_wall)
        return self._walltime.stamp()

    def _follow_from_relaxed_frame(self, record: NeutralCaptured) -> None:
        """The frame that completed the neutral capture becomes the analyzer's relaxed frame
        (kept in memory only): from now on, movement is read from the image against it,
        counted from the neutral the engine captured."""
        neutral = {name: SidePair(*values) for name, values in record.measures.items()}
        if not self._with_analyzer(lambda analyzer: analyzer.set_reference(neutral=neutral)):
            log.info("relaxed frame not taken: measuring the mesh's landmarks this session")

    @property
    def _stage(self) -> AnalysisStage | None:
        """The analysis between the camera and this loop (None for a service built without a camera)."""
        camera: CameraKeeper | None = self.camera
        return camera.stage if camera is not None else None

    def _with_analyzer(self, job: Callable[[Analyzer], Any]) -> Any:
        """Change the analyzer between two frames (it may be analysing one in its own thread)."""
        stage = self._stage
        return stage.between_frames(job) if stage is not None else job(self.analyzer)

    def _screen(self) -> Screen:
        shown = self.shown
        if self.placer is None:
            return shown
        self._see_newest()
        return self.placer.place(shown)

    def _see_newest(self) -> None:
        """Give the placer the newest analysed frame, once.

        The placer puts the bars where the newest frame it saw says, and learns
        only from that frame, when a screen is drawn (at most `[display] fps`
        times a second). The frames in between, which the loop takes as fast as
        they are analysed, need not be looked at: this keeps the loop's own
        Python per frame small, so it holds the interpreter lock less while the
        analysis thread needs it.
        """
        if self._unplaced is not None:
            analysis, size = self._unplaced
            self._unplaced = None
            self.placer.see(analysis, size)

    def _refresh_history(self) -> None:
        stamp = self._stamp()
        try:
            self._history = self.store.history(datetime.fromtimestamp(stamp.wall), self._affected, stamp.date_known)
        except StoreUnavailable as e:   # the mirror works on without the comparison; tried again later
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
        elif self.notices.current is not None:
            self.notifier.status(f"Notice: {self.notices.current.title.lower()}")
        else:
            self.notifier.status(describe(self.engine.screen, self._session))
        interval = self.notifier.watchdog_interval
        if interval is not None and now - self._last_ping >= interval and self.camera.healthy(now) \
                and self._analysis_moving(interval) and not self._hung:
            self.notifier.watchdog()
            self._last_ping = now

    def _analysis_moving(self, interval: float) -> bool:
        """False while one frame's analysis (in its own thread) has taken longer than a ping period."""
        stage = self._stage
        return stage is None or stage.busy_for() < interval

    # -- stopping --------------------------------------------------------------------------

    def _finish(self, clean: bool) -> None:
        """End the session in progress and write it, then let go of every part."""
        if clean:
            self.notifier.stopping()
            self.notifier.status("Stopping")
        try:
            with self._lock:
                self._stop_session()
                if self.records.flush(now=True) and not self._hung:
                    self._refresh_history()
            if self.records:
                log.error("%d record batches could not be written before stopping", len(self.records))
        finally:
            self.camera.stop()
            for part in reversed(self.owned):
                with contextlib.suppress(Exception):
                    part.close()
            log.info("stopped")

