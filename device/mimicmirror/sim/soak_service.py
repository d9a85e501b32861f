"""One start of the mirror inside the soak: settings read as `mimicmirror run` reads them,
the real service built on the rig's parts, driven until the day plan asks for a restart.

Its supervisor plays systemd's part: it reads the notify socket in real time
and, when no WATCHDOG=1 arrives for the watchdog time, ends the process (here:
lets the hung call return and stops the loop) so the next start can follow.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .soak_plan import DAY_S

log = logging.getLogger("mimicmirror")

#: Real seconds without WATCHDOG=1 after which the supervisor ends a hung start (systemd's WatchdogSec).
KILL_AFTER_S = 6.0


def settings_text(state: Path, good: bool) -> str:
    """The device settings the soak's mirror runs with; `good=False` is a caregiver's slip."""
    text = (f'[user]\nprogramme = "gentle"\naffected_side = "left"\n'
            f'[camera]\nsource = "picamera"\nfps = 10\nwidth = 640\nheight = 480\n'
            f'[buttons]\nbackend = "gpio"\n[display]\ndriver = "dummy"\nwidth = 540\nheight = 960\n'
            f'[sound]\nmode = "off"\n'
            f'[store]\npath = "{(state / "mimicmirror.db").resolve()}"\n')
    return text if good else text.replace('affected_side = "left"', 'affected_side = "lef"')


class _FullDisk:
    """The store's SQLite connection, whose write transactions fail with SQLite's own
    "database or disk is full" while the plan says the disk is full."""

    def __init__(self, conn: sqlite3.Connection, soak: Any) -> None:
        self._conn, self._soak = conn, soak

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, sql: str, *args: Any) -> Any:
        s = self._soak.now()
        if sql.startswith("BEGIN IMMEDIATE") and any(
                i.kind == "disk_full" and i.at <= s < i.at + i.seconds for i in self._soak.incidents):
            raise sqlite3.OperationalError("database or disk is full")
        result = self._conn.execute(sql, *args)
        if sql.startswith("COMMIT"):
            self._soak.commits += 1            # one synced write of the WAL (synchronous=FULL)
        return result


class SoakService:
    """Starts the mirror as often as the plan needs, keeping the day's figures."""

    def __init__(self, soak: Any) -> None:
        self.soak = soak
        self.day = 0
        self.passes = 0
        self.day_started = time.monotonic()
        self.written = _written()
        self.lines = soak.lines.count
        self.sessions = 0
        self.commits = 0
        self.done_incidents: set[int] = set()

    def run_until(self, end: float) -> str | None:
        """One start of the mirror, until `end` (soak seconds) or a restart; returns why it restarted."""
        from gpiozero.pins.mock import MockFactory

        from .. import lastgood
        from ..camera.latest import LatestFrame
        from ..camera.picamera import PicameraSource
        from ..controls.buttons import GpioButtons
        from ..display.renderer import open_display
        from ..service import Notifier, build_service
        from ..camera.fake_scene import Fault
        from .hardware import Fingers
        from .soak import WATCHDOG_USEC

        soak = self.soak
        soak.restarted()
        settings = lastgood.load_settings(soak.out / "etc" / "mimicmirror.toml", soak.out / "state")
        for problem in settings.problems:
            log.error("%s", problem)
        if settings.fallback:
            log.warning("%s", settings.fallback)
        config = settings.config
        soak.result.starts.append((int(soak.now() // DAY_S), settings.source))
        soak.world.faults = tuple(Fault("timeout", i.at, i.seconds) for i in soak.incidents
                                  if i.kind == "camera_stall")
        cam, btn = config["camera"], config["buttons"]
        camera = LatestFrame(PicameraSource(cam["width"], cam["height"], cam["fps"],
                                            picamera2_class=soak.world.picamera2),
                             lockstep=True, read_timeout=cam["timeout_seconds"])
        pins = MockFactory()
        buttons = Fingers(GpioButtons(btn["next_pin"], btn["repeat_pin"], btn["long_press_seconds"],
                                      btn["debounce_seconds"], soak.clock, pin_factory=pins),
                          pins, {"next": btn["next_pin"], "repeat": btn["repeat_pin"]}, soak.clock,
                          [lambda now: soak.person.take_presses(now) if soak.person is not None else []])
        display = open_display(config["display"])
        notifier = Notifier.from_env({"NOTIFY_SOCKET": soak.notify_path, "WATCHDOG_USEC": str(WATCHDOG_USEC)})
        service = build_service(config, clock=soak.clock, camera=camera, buttons=buttons, display=display,
                                notifier=notifier, analyzer=soak.analysis)
        if settings.problems:
            service.add_settings_notice(settings)
        service.store._conn = _FullDisk(service.store._conn, soak)
        service.hang_limit_s = KILL_AFTER_S / 2
        stop = threading.Event()
        why: list[str] = []
        idle_since = [soak.now()]
        finished = [False]

        read: list[Any] = [None]

        def on_step(step: Any, t: float) -> None:
            if not service.hung:       # past a hang the real mirror is killed: no steps to count
                soak.count_records(step.records)
            if soak.person is not None:
                now = soak.clock.monotonic()
                shown = service.shown                     # what is on the glass
                soak.person.see(shown, now)
                if shown is not service.engine.screen and shown is not read[0]:
                    read[0] = shown                       # a notice of the service's own: read, then NEXT
                    soak.person.press(now + soak.scenario.person.read_seconds)

        def until(screen: Any) -> bool:
            self.passes += 1
            now = soak.now()
            while now >= (self.day + 1) * DAY_S:
                self._end_day()
            for n, incident in enumerate(soak.incidents):
                if n in self.done_incidents or incident.at > now:
                    continue
                self.done_incidents.add(n)
                if incident.kind == "hang":
                    soak.analysis.hang_at = soak.clock.monotonic()
                elif incident.kind == "bad_config":
                    soak._write_settings(good=False)
                    why.append("settings edited (with a mistake)")
                    soak.incidents.append(type(incident)("fixed_config", incident.at + incident.seconds))
                    return True
                elif incident.kind == "fixed_config":
                    soak._write_settings(good=True)
                    why.append("settings put right")
                    return True
            if soak.person_visit is not None and now >= soak.person_visit.start + soak.person_visit.seconds:
                soak.person, soak.person_visit = None, None
            if screen.kind.value != "idle" or soak.someone_here(now):
                idle_since[0] = now
            elif now - idle_since[0] >= _idle_run():
                self._skip(now)
            finished[0] = now >= end
            return finished[0]

        service.on_step = on_step
        ended = threading.Event()          # the process is gone (the supervisor's own signal)
        supervisor = threading.Thread(target=self._supervise, args=(stop, ended, why), daemon=True)
        supervisor.start()
        try:
            service.run(stop=stop, until=until)
        finally:
            ended.set()
            supervisor.join(5)
            soak.analysis.released.clear()
            for part in (buttons, display, notifier):
                part.close()
        if not why and not finished[0]:       # SIGTERM or Ctrl-C stopped the service: the soak ends too
            raise KeyboardInterrupt("the soak was stopped")
        return why[0] if why else None

    def _skip(self, now: float) -> None:
        """Fast-forward an empty stretch: to shortly before the next visitor, incident or midnight."""
        from .soak import SKIP_LEAD_S

        soak = self.soak
        targets = [(self.day + 1) * DAY_S]
        nxt = soak.next_visit_after(now)
        if nxt is not None:
            targets.append(nxt - SKIP_LEAD_S)
        targets += [i.at - SKIP_LEAD_S for n, i in enumerate(soak.incidents) if n not in self.done_incidents]
        target = min(targets)
        if target > now + 1.0:
            soak.clock.advance_to(soak.clock.monotonic() + (target - now))

    def _end_day(self) -> None:
        soak = self.soak
        soak.measure_day(self.day, self.passes, self.day_started, self.written, self.lines, self.sessions,
                         self.commits)
        self.day += 1
        self.passes = 0
        self.day_started = time.monotonic()
        self.written = _written()
        self.lines = soak.lines.count
        self.sessions = soak.result.started
        self.commits = soak.commits

    def _supervise(self, stop: threading.Event, ended: threading.Event, why: list[str]) -> None:
        """systemd's side of the notify socket: note every message; end a start whose pings stop."""
        soak = self.soak
        last_ping = None
        while not ended.wait(0.05):
            for real, message in soak.drain():
                if message == "WATCHDOG=1":
                    if last_ping is not None and real - last_ping > KILL_AFTER_S / 2:
                        soak.result.hang_gap_s = max(soak.result.hang_gap_s or 0.0, real - last_ping)
                    last_ping = real
            if last_ping is not None and time.monotonic() - last_ping > KILL_AFTER_S:
                soak.result.hang_gap_s = time.monotonic() - last_ping
                log.info("watchdog: no ping for %.0f s; the mirror's process is ended and started again",
                         KILL_AFTER_S)
                why.append("watchdog")
                stop.set()
                soak.analysis.released.set()          # the process is gone: its hung call with it
                return


def _written() -> int:
    from .soak import storage_bytes_written

    return storage_bytes_written()


def _idle_run() -> float:
    from .soak import IDLE_RUN_S

    return IDLE_RUN_S
