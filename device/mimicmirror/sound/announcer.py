"""From what the engine wants heard to clips on the speaker, as `[sound]` says.

mode "voice": a chime (when the cue has one) followed by the spoken text;
mode "chimes": the chime only; mode "off": nothing. Everything one engine
step asks for is joined into one clip, so the parts do not cut each other
off; the next step's clip does cut off the last one. Every clip played is
kept in `log` with its time and words: the session's sound log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..heard import CHIMES, Heard
from .chimes import RATE, chime
from .speakers import Clip, Speaker
from .speech import Prepared, Speech

log = logging.getLogger("mimicmirror.sound")

MODES = ("off", "chimes", "voice")
#: Silence between a chime and the words after it.
GAP_S = 0.12


@dataclass(frozen=True)
class Said:
    """One entry of the session's sound log: when, why, which chime, which words."""

    t: float
    cue: str
    chime: str | None
    text: str            # "" when nothing was spoken (chimes only, or no espeak-ng)


class Announcer:
    """Plays what the engine's steps ask for on one speaker, and logs it."""

    def __init__(self, speaker: Speaker, mode: str = "voice", volume: float = 0.7,
                 speech: Speech | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"sound mode {mode!r} (known: {', '.join(MODES)})")
        self.speaker = speaker
        self.mode = mode
        self.volume = volume
        self.speech = speech if mode == "voice" else None
        self.log: list[Said] = []
        self._chimes = {name: chime(name) for name in CHIMES}
        self._gap = np.zeros(int(GAP_S * RATE), dtype=np.int16)
        self._preparing: threading.Thread | None = None

    def hear(self, items: Sequence[Heard], t: float) -> None:
        """Play what one engine step at time `t` asks for (nothing when sound is off)."""
        if self.mode == "off" or not items:
            return
        parts: list[np.ndarray] = []
        for item in items:
            words = ""
            if item.chime is not None:
                if parts:
                    parts.append(self._gap)
                parts.append(self._chimes[item.chime])
            if self.speech is not None and item.text:
                spoken = self.speech.samples(item.text)
                if spoken is not None:
                    parts.extend([self._gap, spoken] if parts else [spoken])
                    words = item.text
            if item.chime is not None or words:
                self.log.append(Said(t, item.cue, item.chime, words))
        if parts:
            name = "+".join(i.cue for i in items)
            self.speaker.play(Clip(name, np.concatenate(parts), self.volume))

    def prepare(self, texts: Iterable[str], background: bool = True) -> Prepared | None:
        """Render every text the mirror may say (once; later starts find them cached)."""
        if self.speech is None:
            return None
        texts = list(texts)
        if not background:
            return self._prepare(texts)
        self._preparing = threading.Thread(target=self._prepare, args=(texts,), name="speech-cache",
                                           daemon=True)
        self._preparing.start()
        return None

    def _prepare(self, texts: list[str]) -> Prepared:
        done = self.speech.prepare(texts)
        if done.rendered:
            log.info("speech: %d texts rendered in %.1f s (%d already cached)", done.rendered, done.seconds,
                     done.cached)
        return done

    def close(self) -> None:
        self.speaker.close()
