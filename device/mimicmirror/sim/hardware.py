"""The virtual hardware: every part of the mirror stood in for, around the real service loop.

- Camera: the production picamera2 adapter on the fake `Picamera2` of a
  `FakeCameraWorld` (camera/fake_picamera2.py) showing whatever `frame_at`
  draws, with faults; in lockstep, so every run is identical.
- Buttons: the production gpiozero buttons on `MockFactory` pins, pressed by
  `Fingers` at simulated times (a schedule, or a virtual person deciding).
- Display: the production renderer on SDL's dummy driver (or a window).
- systemd: a real datagram socket as $NOTIFY_SOCKET, recording READY,
  WATCHDOG and STATUS with the simulated time they were read.
- Time: a simulated clock that the camera moves on frame by frame, so a
  ten-minute session runs in a couple of minutes with identical results.

`VirtualHardware` is the one harness: the scenario rig (`rig.Rig`) and the
service's own tests both drive the real loop through it.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from gpiozero.pins.mock import MockFactory

from ..camera.fake_picamera2 import FakeCameraWorld, Fault, FrameAt
from ..camera.latest import LatestFrame
from ..camera.picamera import PicameraSource
from ..clock import SimClock
from ..config import Config
from ..controls.buttons import GpioButtons
from ..display.renderer import open_display
from ..display.theme import MIRROR, Theme
from ..edges import Analyzer, Store
from ..events import ButtonEvent, KeyChange
from ..exercises.step import Step
from ..screen import Screen
from ..service import Service, build_service
from ..service.systemd import Notifier
from .person import Press

#: The rig's watchdog: as the unit file asks (WatchdogSec=30), pings every 15 s.
WATCHDOG_USEC = 30_000_000
#: Monotonic origin of the simulated clock.
RIG_START = 1000.0

PressSource = Callable[[float], list[Press]]


class Fingers:
    """The production buttons, with fingers on the mock pins.

    Presses come from `sources` (functions handing out the presses due by a
    time, each once): the pin is driven low as the loop next reads the
    buttons, and high again when the press's hold is over.
    """

    def __init__(self, buttons: GpioButtons, pins: Any, numbers: dict[str, int], clock: SimClock,
                 sources: Sequence[PressSource] = ()) -> None:
        self.buttons, self.pins, self.numbers, self.clock = buttons, pins, numbers, clock
        self.sources: list[PressSource] = list(sources)
        self._releases: list[tuple[float, int]] = []

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        now = self.clock.monotonic()
        for source in self.sources:
            for press in source(now):
                self.pins.pin(self.numbers[press.button]).drive_low()     # pulled up: pressed = low
                self._releases.append((press.at + press.hold, self.numbers[press.button]))
        for at, number in [r for r in self._releases if r[0] <= now]:
            self.pins.pin(number).drive_high()
            self._releases.remove((at, number))
        return self.buttons.events(keys)

    def close(self) -> None:
        self.buttons.close()
        self.pins.close()


class NotifySocket:
    """systemd's end of $NOTIFY_SOCKET: every datagram kept with the simulated time it was read."""

    def __init__(self, clock: SimClock, watchdog_usec: int | None = WATCHDOG_USEC) -> None:
        self.clock = clock
        self.messages: list[tuple[float, str]] = []
        self._dir = Path(tempfile.mkdtemp(prefix="mm-notify-"))
        self.path = self._dir / "notify"
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(self.path))
        self._sock.setblocking(False)
        env = {"NOTIFY_SOCKET": str(self.path)}
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        self.notifier = Notifier.from_env(env)

    def drain(self) -> None:
        while True:
            try:
                data = self._sock.recv(4096)
            except BlockingIOError:
                return
            for line in data.decode().splitlines():
                self.messages.append((self.clock.monotonic(), line))

    def texts(self) -> list[str]:
        self.drain()
        return [text for _, text in self.messages]

    def close(self) -> None:
        self.drain()
        self.notifier.close()
        self._sock.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class VirtualHardware:
    """The real service on stand-ins for every part, on one simulated clock.

    Build it, schedule presses (`press`) and actions (`at`), then `run`. Times
    are the simulated clock's monotonic seconds (from `start`, or the `clock`
    handed in). Parts handed in (a store, an analyzer, a camera such as a
    replay clip) stay their owner's; `close` lets go of what the hardware made.
    Other keywords go to `build_service` as they are (a settings path, say).
    """

    def __init__(self, config: Config, frame_at: FrameAt, *, faults: Sequence[Fault] = (),
                 start: float = RIG_START, clock: SimClock | None = None, camera: LatestFrame | None = None,
                 store: Store | None = None, analyzer: Analyzer | None = None,
                 watchdog_usec: int | None = WATCHDOG_USEC, **wiring: Any) -> None:
        self.clock = clock or SimClock(start=start)
        self.world = FakeCameraWorld(frame_at, faults, start_at=self.clock.monotonic(), clock=self.clock)
        cam = config["camera"]
        self.camera = camera or LatestFrame(
            PicameraSource(cam["width"], cam["height"], cam["fps"], picamera2_class=self.world.picamera2),
            lockstep=True, read_timeout=cam["timeout_seconds"])
        self.pins = MockFactory()
        btn = config["buttons"]
        self._scheduled: list[Press] = []
        self.fingers = Fingers(
            GpioButtons(btn["next_pin"], btn["repeat_pin"], btn["long_press_seconds"],
                        btn["debounce_seconds"], self.clock, pin_factory=self.pins),
            self.pins, {"next": btn["next_pin"], "repeat": btn["repeat_pin"]}, self.clock, [self._due_presses])
        self.display = open_display(config["display"], theme=_theme(config))
        self.notify = NotifySocket(self.clock, watchdog_usec)
        self.service: Service = build_service(config, clock=self.clock, camera=self.camera, buttons=self.fingers,
                                              display=self.display, notifier=self.notify.notifier, store=store,
                                              analyzer=analyzer, **wiring)
        self._timeline: list[tuple[float, Callable[[], Any]]] = []
        #: every screen the engine made, with its engine time
        self.screens: list[tuple[float, Screen]] = []
        self.service.on_step = self.on_step

    def on_step(self, step: Step, t: float) -> None:
        """After each pass, per engine step: keep the screen and read what systemd was sent.

        A harness that sets its own `service.on_step` must drain `notify` there
        too: a datagram socket holds only a few unread messages.
        """
        self.screens.append((t, step.screen))
        self.notify.drain()

    @property
    def store(self) -> Store:
        return self.service.store

    def press(self, at: float, button: str = "next", hold: float = 0.2) -> None:
        """A finger on a button at monotonic time `at`, for `hold` seconds."""
        self._scheduled.append(Press(at, button, hold))

    def at(self, t: float, action: Callable[[], Any]) -> None:
        """Run `action()` once, after the first pass of the loop at or after time t."""
        self._timeline.append((t, action))
        self._timeline.sort(key=lambda item: item[0])

    def screenshot(self, t: float, path: Path) -> None:
        self.at(t, lambda: self.display.screenshot(path))

    def run(self, seconds: float | None = None, until: Callable[[Screen], bool] | None = None) -> int:
        """Run the loop for `seconds` of simulated time, or until `until(screen)` says so."""
        end = None if seconds is None else self.clock.monotonic() + seconds

        def stop(screen: Screen) -> bool:
            now = self.clock.monotonic()
            while self._timeline and self._timeline[0][0] <= now:
                self._timeline.pop(0)[1]()
            return (until is not None and until(screen)) or (end is not None and now >= end)

        try:
            return self.service.run(until=stop)
        finally:
            self.notify.drain()

    def close(self) -> None:
        for part in (self.fingers, self.display, self.notify):
            part.close()

    def _due_presses(self, now: float) -> list[Press]:
        due = sorted((p for p in self._scheduled if p.at <= now), key=lambda p: p.at)
        self._scheduled = [p for p in self._scheduled if p.at > now]
        return due


def _theme(config: Config) -> Theme:
    """The mirror's theme in the config's language, as `build_service` opens the display."""
    from ..exercises.catalogue import load_programme

    programme = load_programme(config.programme_path, config["user"]["programme"], config["user"]["language"])
    return MIRROR.in_language(programme.language.display)
