"""From what the engine wants heard to clips on the speaker, as `[sound]` says.

mode "voice": a chime (when the cue has one) followed by the spoken text;
mode "chimes": the chime only; mode "off": nothing. Everything one engine
step asks for is joined into one clip, so the parts do not cut each other
off; the next step's clip does cut off the last one. Every clip played is
kept in `log` with its engine time and words: the session's sound log.

On the device (`threaded`), clips are made and played by a worker thread, so
the loop never waits for espeak-ng to render a text it has not said before;
a request still waiting when a newer one arrives is stale and dropped.
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
                 speech: Speech | None = None, threaded: bool = False) -> None:
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
        self._lock = threading.Condition()
        self._waiting: list[tuple[tuple[Heard, ...], float]] = []
        self._closed = False
        self._worker: threading.Thread | None = None
        if threaded:
            self._worker = threading.Thread(target=self._work, name="sound", daemon=True)
            self._worker.start()

    def hear(self, items: Sequence[Heard], t: float) -> None:
        """Play what one engine step at time `t` asks for (nothing when sound is off)."""
        if self.mode == "off" or not items:
            return
        if self._worker is None:
            self._play(tuple(items), t)
            return
        with self._lock:
            # a count tick waits for nothing; any other request makes the older ones stale
            self._waiting = [w for w in self._waiting if all(i.chime == "count" for i in items)]
            self._waiting.append((tuple(items), t))
            self._lock.notify()

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                items, t = self._waiting.pop(0)
            try:
                self._play(items, t)
            except Exception as e:   # a broken clip must never silence the rest of the session
                log.warning("cannot play %s: %s: %s", "+".join(i.cue for i in items), type(e).__name__, e)

    def _play(self, items: tuple[Heard, ...], t: float) -> None:
        parts: list[np.ndarray] = []
        for item in items:
            words = ""
            if item.chime is not None:
                if parts:
                    parts.append(self._gap)
                parts.append(self._chimes[item.chime])
            if self.speech is not None and item.spoken:
                pieces = [self.speech.samples(text) for text in item.spoken]
                if all(p is not None for p in pieces):
                    for piece in pieces:
                        parts.extend([self._gap, piece] if parts else [piece])
                    words = item.text
            if item.chime is not None or words:
                self.log.append(Said(t, item.cue, item.chime, words))
        if parts:
            name = "+".join(i.cue for i in items)
            overlay = all(i.chime == "count" for i in items)
            self.speaker.play(Clip(name, np.concatenate(parts), self.volume, overlay))

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
        with self._lock:
            self._closed = True
            self._lock.notify()
        if self._worker is not None:
            self._worker.join(timeout=5)
        self.speaker.close()
