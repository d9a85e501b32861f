"""NEXT and REPEAT: two GPIO push buttons on the mirror, or keys in a window.

Every backend has `events(keys)` (drained, timed by the injected clock) and
`close()` (the `edges.Buttons` interface). The loop calls `events()` often,
handing over the window's key changes it took from the display; a press that
starts and ends between two calls is still reported.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any, Mapping, Sequence

from ..clock import Clock
from ..edges import Buttons
from ..errors import UserError
from ..events import ButtonEvent, ButtonName, KeyChange
from .press import Debouncer, Presses

#: Window keys (pygame's names) and the button each stands for.
KEYS: Mapping[str, ButtonName] = {
    "n": ButtonName.NEXT, "space": ButtonName.NEXT, "right": ButtonName.NEXT,
    "r": ButtonName.REPEAT,
}


class GpioButtons:
    """Push buttons between BCM pins and ground, through gpiozero (internal pull-ups).

    gpiozero reports the edges (on the Pi from lgpio's alert thread, on mock
    pins in the thread that drives them); the time of each edge comes from
    `clock`, and debounce and long presses are decided in `events()`.
    """

    def __init__(self, next_pin: int, repeat_pin: int, long_press_s: float, debounce_s: float,
                 clock: Clock, pin_factory: Any = None) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._edges: list[tuple[ButtonName, bool, float]] = []
        self._devices: list[Any] = []
        self._debouncers: dict[ButtonName, Debouncer] = {}
        self._presses = Presses(long_press_s)
        try:
            for name, pin in ((ButtonName.NEXT, next_pin), (ButtonName.REPEAT, repeat_pin)):
                device = _open_button(name, pin, pin_factory)
                self._devices.append(device)
                self._debouncers[name] = Debouncer(debounce_s, pressed=device.is_pressed)
                device.when_pressed = lambda name=name: self._edge(name, True)
                device.when_released = lambda name=name: self._edge(name, False)
        except BaseException:
            self.close()
            raise

    def _edge(self, name: ButtonName, pressed: bool) -> None:
        t = self.clock.monotonic()
        with self._lock:
            self._edges.append((name, pressed, t))

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        """Presses finished since the last call (keys are not buttons: ignored)."""
        now = self.clock.monotonic()
        with self._lock:
            edges, self._edges = self._edges, []
        events: list[ButtonEvent] = []
        for name, pressed, t in edges:
            for steady, since in self._debouncers[name].edge(pressed, t):
                events += self._press(name, steady, since)
        for name, debouncer in self._debouncers.items():
            for steady, since in debouncer.settle(now):
                events += self._press(name, steady, since)
        events += self._presses.poll(now)
        return sorted(events, key=lambda e: e.t)

    def _press(self, name: ButtonName, pressed: bool, t: float) -> list[ButtonEvent]:
        return self._presses.down(name, t) if pressed else self._presses.up(name, t)

    def close(self) -> None:
        devices, self._devices = self._devices, []
        for device in devices:
            device.close()


def _open_button(name: ButtonName, pin: int, pin_factory: Any) -> Any:
    """A gpiozero Button, or one line saying which pin is the problem."""
    from gpiozero import Button
    from gpiozero.exc import GPIOPinInUse, GPIOZeroError, PinFactoryFallback

    key = f"[buttons] {name.value}_pin = {pin}"
    try:
        with warnings.catch_warnings():     # gpiozero's search for a pin library is not news to a caregiver
            warnings.simplefilter("ignore", PinFactoryFallback)
            return Button(pin, pull_up=True, bounce_time=None, pin_factory=pin_factory)
    except GPIOPinInUse:
        raise UserError(f"{key}: GPIO{pin} is already in use (another program, or the other button)") from None
    except ImportError:                 # gpiozero found no pin library (BadPinFactory is one)
        raise UserError(f"{key}: no GPIO on this machine (on a desktop set [buttons] backend = "
                        "\"keyboard\")") from None
    except (GPIOZeroError, OSError) as e:
        raise UserError(f"{key}: cannot use GPIO{pin} ({e})") from None


class KeyboardButtons:
    """Keys in the mirror's window: N, space or right arrow for NEXT, R for REPEAT.

    The window owns the key queue: the loop takes the key changes from the
    display and hands them to `events(keys)`. A key held down is one press
    however the system repeats it, and holding the NEXT key is a long press
    just like holding the button.
    """

    def __init__(self, long_press_s: float, clock: Clock) -> None:
        self.clock = clock
        self._presses = Presses(long_press_s)

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        now = self.clock.monotonic()
        events: list[ButtonEvent] = []
        for change in keys:
            name = KEYS.get(change.key)
            if name is None:
                continue
            if change.down:
                events += self._presses.down(name, now)
            else:
                events += self._presses.up(name, now)
        events += self._presses.poll(now)
        return sorted(events, key=lambda e: e.t)

    def close(self) -> None:
        """The display owns the window; nothing to release."""


class NoButtons:
    """No buttons at all ([buttons] backend = "none"): a mirror driven by its timers only."""

    def events(self, keys: Sequence[KeyChange] = ()) -> list[ButtonEvent]:
        return []

    def close(self) -> None:
        """Nothing to release."""


def open_buttons(buttons_section: Mapping[str, Any], clock: Clock, display: Any = None,
                 pin_factory: Any = None) -> Buttons:
    """The buttons the config asks for; `pin_factory` is gpiozero's (MockFactory in the rig).

    `display` is the mirror's window: keyboard buttons need one, since the loop
    hands them the keys it collects.
    """
    backend = buttons_section["backend"]
    long_press = buttons_section["long_press_seconds"]
    if backend == "gpio":
        return GpioButtons(buttons_section["next_pin"], buttons_section["repeat_pin"], long_press,
                           buttons_section["debounce_seconds"], clock, pin_factory=pin_factory)
    if backend == "keyboard":
        if display is None:
            raise UserError("[buttons] backend = \"keyboard\": keys need the mirror's window "
                            "([display] driver = \"window\")")
        return KeyboardButtons(long_press, clock)
    if backend == "none":
        return NoButtons()
    raise UserError(f"[buttons] backend = {backend!r}: must be one of 'gpio', 'keyboard', 'none'")
