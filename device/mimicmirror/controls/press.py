"""From switch edges to button events: debounce, short and long presses.

Both are decided here, from the times of the edges, rather than by gpiozero's
bounce_time or hold_time threads: mock pins do not debounce, the virtual rig
runs on a simulated clock, and the same rules then hold for GPIO and keyboard.
"""

from __future__ import annotations

import math

from ..events import ButtonEvent, ButtonName

#: Buttons whose long press means something: holding NEXT pauses (or ends) a session.
#: REPEAT has no long press, so a slow press still repeats.
LONG_PRESS_BUTTONS: frozenset[ButtonName] = frozenset({ButtonName.NEXT})


class Debouncer:
    """A switch level counts once it has held still for `debounce_s`.

    That drops contact bounce on press and release and brief glitches alike;
    the press or release is dated at the edge that started the steady level.
    Edges are fed in order with their times, so a whole press that happened
    between two polls is still seen.
    """

    def __init__(self, debounce_s: float, pressed: bool = False) -> None:
        self.debounce_s = debounce_s
        self.stable = pressed
        self._raw = pressed
        self._raw_since = -math.inf

    def edge(self, pressed: bool, t: float) -> list[tuple[bool, float]]:
        """A raw edge at time t; returns the steady changes it confirms."""
        confirmed = self.settle(t)
        self._raw, self._raw_since = pressed, t
        return confirmed

    def settle(self, now: float) -> list[tuple[bool, float]]:
        """Confirm the current level if it has held long enough by `now`."""
        if self._raw != self.stable and now - self._raw_since >= self.debounce_s:
            self.stable = self._raw
            return [(self._raw, self._raw_since)]
        return []


class PressTracker:
    """One button's clean presses -> ButtonEvents.

    A short press is reported on release. A long press is reported the moment
    the hold passes `long_press_s` (dated exactly then), so the person holding
    NEXT sees the mirror respond and knows to let go; its release adds nothing.
    """

    def __init__(self, button: ButtonName, long_press_s: float) -> None:
        self.button = button
        self.long_press_s = long_press_s if button in LONG_PRESS_BUTTONS else math.inf
        self._pressed_at: float | None = None
        self._long_sent = False

    def down(self, t: float) -> None:
        if self._pressed_at is None:
            self._pressed_at, self._long_sent = t, False

    def up(self, t: float) -> list[ButtonEvent]:
        if self._pressed_at is None:
            return []               # released a press that began before we were watching
        events = self.poll(t)
        if not self._long_sent:
            events.append(ButtonEvent(t, self.button))
        self._pressed_at = None
        return events

    def poll(self, now: float) -> list[ButtonEvent]:
        if self._pressed_at is None or self._long_sent:
            return []
        threshold = self._pressed_at + self.long_press_s
        if now >= threshold:
            self._long_sent = True
            return [ButtonEvent(threshold, self.button, long=True)]
        return []


#: Both buttons held together this long open the settings menu.
BOTH_HOLD_S = 3.0


class Presses:
    """NEXT and REPEAT together: each button's presses, and both held at once as one BOTH event.

    While both are down, neither button reports anything (not NEXT's long
    press, not the releases): holding both is one gesture, so reaching for
    the settings never starts or pauses a session on the way.
    """

    def __init__(self, long_press_s: float, both_hold_s: float = BOTH_HOLD_S) -> None:
        self.trackers = {name: PressTracker(name, long_press_s) for name in (ButtonName.NEXT, ButtonName.REPEAT)}
        self.both_hold_s = both_hold_s
        self._down: set[ButtonName] = set()
        self._together_since: float | None = None
        self._both_sent = False
        self._in_chord: set[ButtonName] = set()   # buttons whose current press is part of a chord

    def down(self, name: ButtonName, t: float) -> list[ButtonEvent]:
        events = self.poll(t)
        if name in self._down:
            return events           # a key repeating while held
        self.trackers[name].down(t)
        self._down.add(name)
        if len(self._down) == 2:
            self._together_since, self._both_sent = t, False
            self._in_chord = set(self._down)
        return events

    def up(self, name: ButtonName, t: float) -> list[ButtonEvent]:
        events = self.poll(t)
        own = self.trackers[name].up(t)
        self._down.discard(name)
        self._together_since = None
        if name in self._in_chord:
            self._in_chord.discard(name)
            own = []
        return events + own

    def poll(self, now: float) -> list[ButtonEvent]:
        events: list[ButtonEvent] = []
        if self._together_since is not None and not self._both_sent \
                and now >= self._together_since + self.both_hold_s:
            self._both_sent = True
            events.append(ButtonEvent(self._together_since + self.both_hold_s, ButtonName.BOTH, long=True))
        for name, tracker in self.trackers.items():
            own = tracker.poll(now)
            if name not in self._in_chord:
                events += own
        return events
