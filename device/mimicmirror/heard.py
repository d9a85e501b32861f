"""What the mirror says or chimes, as plain data: the engine's word to the sound edge.

The engine decides *what* should be heard and *when* (its step carries a tuple
of `Heard`); the service hands them to the sound edge, which plays a chime,
speaks the text, or both, as the `[sound]` settings say. Nothing here plays
anything, so the engine stays pure and its sound decisions are testable.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The chimes, each a short, soft tone made in code (see sound/chimes.py).
#: move: please move now; hold: the hold begins; count: a second of a long hold
#: passed; release: let go; done: the set is complete.
CHIMES = ("move", "hold", "count", "release", "done")


@dataclass(frozen=True)
class Heard:
    """One thing to hear: a chime, a text to speak, or a chime followed by the text.

    `cue` names why (a cue id such as "hold", or "screen" for a new screen's
    words), for the sound log and tests. `text` is exactly what the glass shows.
    """

    cue: str
    chime: str | None = None
    text: str = ""
    parts: tuple[str, ...] = ()   # the text in the glass's own pieces (heading, lines), each spoken
                                  # from its own cache file; empty = the text is one piece

    @property
    def spoken(self) -> tuple[str, ...]:
        return self.parts or ((self.text,) if self.text else ())

    def __post_init__(self) -> None:
        if self.chime is not None and self.chime not in CHIMES:
            raise ValueError(f"unknown chime {self.chime!r} (known: {', '.join(CHIMES)})")
