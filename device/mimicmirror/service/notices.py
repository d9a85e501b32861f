"""The mirror's own notices on the glass: calm screens over the exercises, one at a time.

The service, not the engine, has things to tell whoever set the mirror up: the
practice history was set aside, the date is unknown, the settings in use are
the last good ones, a USB stick's news, settings not saved, the bars lined up.
Each is a notice screen shown over the engine's screen until NEXT (or any
press) takes it away or its time is up. Those known as the mirror starts are
queued and shown in turn; those that happen later replace the one shown. A
press that takes a notice away does nothing else. What they say is in the
language catalogue's [notices] (texts/<language>.toml).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..clock import Clock
from ..events import ButtonEvent
from ..screen import Screen, ScreenKind

#: How long a notice queued at the start (say, a damaged database set aside) stays on the mirror.
STORE_NOTICE_S = 20.0


class Notices:
    """The notice on the glass now (`current`, else None) and those waiting their turn.

    `words` gives the [notices] texts of the mirror's language at the time of
    asking (the language may change with settings chosen on the glass).
    """

    def __init__(self, clock: Clock, words: Callable[[], Mapping[str, Any]]) -> None:
        self.clock = clock
        self._words = words
        self.current: Screen | None = None
        self._until = 0.0
        self._queued: list[tuple[Screen, float]] = []

    def add(self, title: str, lines: tuple[str, ...], seconds: float = STORE_NOTICE_S) -> None:
        """Queue a notice, shown after those before it, until NEXT or `seconds` have passed."""
        self._queued.append((Screen(kind=ScreenKind.NOTICE, title=title, lines=lines,
                                    footer=self._words()["continue"]), seconds))

    def next(self) -> None:
        """Show the next queued notice, if none is shown."""
        if self.current is None and self._queued:
            screen, seconds = self._queued.pop(0)
            self.show(screen, seconds)

    def show(self, screen: Screen, seconds: float) -> None:
        """Show `screen` now, in place of any notice shown, for at most `seconds`."""
        self.current = screen
        self._until = self.clock.monotonic() + seconds

    def said(self, title: str, lines: str | None = None) -> Screen:
        """A notice in the mirror's language: its [notices] texts named `title` (and `lines`)."""
        said = self._words()
        shown = () if lines is None else said[lines] if isinstance(said[lines], tuple) else (said[lines],)
        return Screen(kind=ScreenKind.NOTICE, title=said[title], lines=shown, footer=said["continue"])

    def presses(self, presses: list[ButtonEvent]) -> list[ButtonEvent]:
        """While a notice is up, a press only takes it away (and shows the next, if any)."""
        if self.current is None:
            return presses
        if presses or self.clock.monotonic() >= self._until:
            self.current = None
            self.next()
            return []
        return presses
